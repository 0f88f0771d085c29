# The main job: a plain interactive "ssh gpu-box" starts the notebook in the
# configured folder and env, forwards it and prints the URL; it outlives the
# login; a later login reuses it; "jupyssh stop" ends it and nothing else.
. "$(dirname "$0")/lib.sh"
reset_all
jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18889
    JupyterLocalPort 28889
    JupyterDirectory ~/project
    JupyterEnv ~/project/venv
EOC

# Another notebook of the same remote user, not started by jupyssh.
ip netns exec "$NETNS" runuser -u "$REMOTE_USER" -- sh -c 'cd && JUPYTER_TOKEN=decoy \
    nohup jupyter notebook --no-browser --ip=127.0.0.1 --port=18999 \
    >/dev/null 2>&1 </dev/null &'
wait_for 30 sh -c "pgrep -u $REMOTE_USER -f 'port=18999' >/dev/null"
decoy=$(pgrep -u "$REMOTE_USER" -f 'port=18999')

release=$ROOT/release-1
rm -f "$release"
out=$ROOT/tty-1.out
# A person logs in, and stays until the test releases them.
laptop_tty --timeout 120 --expect 'ready: http' \
    --send "while [ ! -e $release ]; do sleep 0.2; done; exit\n" \
    -- ssh gpu-box > "$out" 2>&1 &
tty_pid=$!
if wait_for 90 grep -q 'ready: http' "$out"; then
	pass url-printed
else
	fail url-printed "no 'jupyssh: notebook on gpu-box ready: URL' on the terminal" "$(cat "$out")"
fi
url=$(url_in < "$out")
token=${url##*token=}
case $(grep -a 'ready: http' "$out") in
"jupyssh: notebook on gpu-box ready: http://127.0.0.1:28889/?token="*) pass url-format ;;
*) fail url-format "the URL line as documented" "$(grep -a ready "$out")" ;;
esac

# Code runs remotely, in the folder and env configured, through the URL.
cell=$(run_cell "$url" 'import os, getpass; print(getpass.getuser(), os.getcwd(), os.environ.get("VIRTUAL_ENV"))' 2>&1)
check_eq kernel-runs-remotely "$cell" "$REMOTE_USER $REMOTE_HOME/project $REMOTE_HOME/project/venv"

# Only the forward reaches it: the remote port is not open on this side,
# and on the remote it listens on 127.0.0.1 only.
if $PY -c "import socket; socket.create_connection(('127.0.0.1', 18889), 2)" 2>/dev/null; then
	fail only-forward "port 18889 reachable without the forward"
else
	pass only-forward
fi
listen=$(ip netns exec "$NETNS" ss -Hltn 'sport = :18889' | awk '{print $4}' | sort -u | tr '\n' ' ')
check_eq binds-loopback "$listen" "127.0.0.1:18889 "

# The token is in no process's arguments, and its files are private.
if grep -qa -- "$token" /proc/[0-9]*/cmdline 2>/dev/null; then
	fail token-not-in-argv "the token shows in a command line"
else
	pass token-not-in-argv
fi
modes=$(stat -c '%a %n' "$JSTATE" "$JSTATE/gpu-box.url" "$RSTATE" \
    "$RSTATE"/nb-18889.runtime/*server-*.json | awk '{print $1}' | tr '\n' ' ')
check_eq private-files "$modes" "700 600 700 600 "

ours=$(cut -d" " -f1 "$RSTATE/nb-18889.pid" 2>/dev/null)
# A second login while the first is open: one notebook, the same one.
laptop_tty --timeout 60 --send 'echo second-$((1+1)); exit\n' --expect 'second-2' \
    -- ssh gpu-box > "$ROOT/tty-2.out" 2>&1
check_eq second-login-works "$(grep -ac 'second-2' "$ROOT/tty-2.out")" 1
check_eq one-notebook "$(remote_notebooks | grep -vx "$decoy" | tr '\n' ' ')" "$ours "

# Logging out leaves the notebook running, and its forward: the URL
# works on (JupyterForward notebook, the default).
touch "$release"
wait "$tty_pid"
check_eq logout-exit-status $? 0
if kill -0 "$ours" 2>/dev/null; then pass outlives-login; else fail outlives-login "notebook $ours gone after logout"; fi
# Through the sandbox's ProxyCommand (socat, which handles SIGHUP itself)
# the login's end hangs up the master's transport: the keeper heals the
# forward on the same URL (over plain TCP it is simply handed on:
# lifetime.sh).
if got=$(cell_within 60 "$url" 'print(5*5)' 25); then pass forward-outlives-login; else
	fail forward-outlives-login "25 through the URL after logout" "$got"
fi

# A new login reuses it: same notebook, same token, URL printed again.
release=$ROOT/release-3
laptop_tty --timeout 90 --expect 'running: http' \
    --send "while [ ! -e $release ]; do sleep 0.2; done; exit\n" \
    -- ssh gpu-box > "$ROOT/tty-3.out" 2>&1 &
tty_pid=$!
if wait_for 60 grep -q 'running: http' "$ROOT/tty-3.out"; then
	check_eq reuse-same-url "$(url_in < "$ROOT/tty-3.out")" "$url"
else
	fail reuse-same-url "no URL on the second login" "$(cat "$ROOT/tty-3.out")"
fi
check_eq reuse-same-pid "$(cut -d" " -f1 "$RSTATE/nb-18889.pid" 2>/dev/null)" "$ours"
if got=$(cell_within 60 "$url" 'print(6*7)' 42); then pass reuse-works; else
	fail reuse-works "42 through the URL" "$got"
fi
touch "$release"
wait "$tty_pid"

# Stop: our notebook goes, the user's other one stays, nothing lingers.
stop=$(laptop jupyssh stop gpu-box 2>&1)
check_eq stop-exit $? 0
case $stop in
"jupyssh: gpu-box: notebook stopped (pid $ours)") pass stop-message ;;
*) fail stop-message "'notebook stopped (pid $ours)'" "$stop" ;;
esac
if wait_for 15 sh -c "! kill -0 $ours 2>/dev/null"; then pass stop-ends-ours; else fail stop-ends-ours "pid $ours alive"; fi
if kill -0 "$decoy" 2>/dev/null; then pass stop-spares-others; else fail stop-spares-others "the user's own notebook $decoy was killed"; fi
check_eq no-kernels-left "$(pgrep -u "$REMOTE_USER" -f ipykernel | wc -l)" 0
if wait_for 10 sh -c "! pgrep -u $LAPTOP_USER >/dev/null"; then
	pass nothing-left-locally
else
	fail nothing-left-locally "processes left: $(pgrep -a -u "$LAPTOP_USER")"
fi
kill "$decoy" 2>/dev/null
reset_all
