# A notebook's life in real use: busy ports, concurrent starts, stale state,
# list and log, the second login, stop on exit, sockets on shared servers.
. "$(dirname "$0")/lib.sh"
reset_all
jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18889
    JupyterDirectory ~/project
EOC

# Another user's program on the remote port: Jupyter takes the next one
# and the forward follows it.
ip netns exec "$NETNS" runuser -u "$OTHER_USER" -- sh -c \
    'cd / && nohup /usr/bin/python3 -m http.server --bind 127.0.0.1 18889 >/dev/null 2>&1 </dev/null &'
wait_for 10 sh -c "ip netns exec $NETNS ss -Hltn 'sport = :18889' | grep -q LISTEN"
url=$(laptop jupyssh start gpu-box 2>"$ROOT/err")
check_eq remote-port-busy-url "$?:${url%%/?token=*}" "0:http://127.0.0.1:18889"
check_eq remote-port-busy-works "$(run_cell "$url" 'print(1+1)' 2>&1)" 2
case $(laptop jupyssh status gpu-box 2>&1) in
*"remote port 18890,"*"local port 18889 (forwarded)") pass remote-port-busy-status ;;
*) fail remote-port-busy-status "remote port 18890 forwarded from 18889" "$(laptop jupyssh status gpu-box 2>&1)" ;;
esac
laptop jupyssh stop gpu-box >/dev/null 2>&1
pkill -u "$OTHER_USER"
reset_all

# Another program on the local port: the next free one, said on stderr.
$PY -c "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', 18889)); s.listen(); time.sleep(120)" &
blocker=$!
wait_for 5 sh -c "! $PY -c \"import socket; s=socket.socket(); s.bind(('127.0.0.1', 18889))\" 2>/dev/null"
url=$(laptop jupyssh start gpu-box 2>"$ROOT/err")
check_eq local-port-busy-url "$?:${url%%/?token=*}" "0:http://127.0.0.1:18890"
check_eq local-port-busy-note "$(cat "$ROOT/err")" "jupyssh: gpu-box: local port 18889 is in use; forwarding 18890 instead"
check_eq local-port-busy-works "$(run_cell "$url" 'print(2+2)' 2>&1)" 4
laptop jupyssh stop gpu-box >/dev/null 2>&1
# The same in an interactive login: the shim picks the port before ssh binds.
out=$(laptop_tty --timeout 90 --expect 'ready: http' --send 'exit\n' -- ssh gpu-box 2>&1)
case $out in
*"local port 18889 is in use; forwarding 18890 instead"*"ready: http://127.0.0.1:18890/?token="*) pass local-port-busy-login ;;
*) fail local-port-busy-login "a note and a URL on 18890" "$out" ;;
esac
case $out in *"Address already in use"*) fail local-port-busy-quiet "ssh complained about the port" ;; *) pass local-port-busy-quiet ;; esac
kill "$blocker"
reset_all

# Ten concurrent starts: one notebook, one URL.
for i in 1 2 3 4 5 6 7 8 9 10; do
	laptop jupyssh start gpu-box > "$ROOT/start.$i" 2>&1 &
done
wait
check_eq concurrent-one-url "$(cat "$ROOT"/start.* | sort -u | wc -l)" 1
check_eq concurrent-one-notebook "$(remote_notebooks | wc -l)" 1
url=$(cat "$ROOT/start.1")
check_eq concurrent-url-works "$(run_cell "$url" 'print(3*3)' 2>&1)" 9
check_eq concurrent-one-master "$(pgrep -u "$LAPTOP_USER" -x ssh | wc -l)" 1

# list, and list --json.
out=$(laptop jupyssh list 2>&1)
pid=$(cut -d" " -f1 "$RSTATE/nb-18889.pid")
case $out in
"gpu-box          running  http://127.0.0.1:18889/  $REMOTE_HOME/project  pid $pid  up "*"  0 kernels  forwarded") pass list ;;
*) fail list "one line for gpu-box" "$out" ;;
esac
json=$(laptop jupyssh list --json 2>&1)
check_eq list-json "$(printf '%s' "$json" | $PY -c 'import json,sys; d=json.load(sys.stdin)[0]; print(d["host"], d["state"], d["pid"], d["forwarded"], d["folder"])' 2>&1)" \
    "gpu-box running $pid True $REMOTE_HOME/project"

# log: the notebook's own log from the remote.
case $(laptop jupyssh log gpu-box 2>&1) in
*"Jupyter Notebook"*"is running at"*) pass log ;;
*) fail log "the notebook's start-up lines" "$(laptop jupyssh log gpu-box 2>&1 | tail -n 3)" ;;
esac
check_eq log-private "$(stat -c %a "$RSTATE/nb-18889.log")" 600
# -f follows: a request made while it runs shows up in what it prints.
laptop jupyssh log -f gpu-box > "$ROOT/follow.out" 2>&1 &
follower=$!
sleep 2
run_cell "$url" 'print(1)' > /dev/null 2>&1
if wait_for 10 grep -q "Kernel started" "$ROOT/follow.out"; then pass log-follow; else fail log-follow "a new line while following" "$(tail -n 3 "$ROOT/follow.out")"; fi
kill "$follower" 2>/dev/null
pkill -u "$LAPTOP_USER" -f 'tail -n 40 -f' 2>/dev/null

# Stale state: the notebook crashed; the next start notices and starts anew.
kill -KILL "$pid"
wait_for 10 sh -c "! kill -0 $pid 2>/dev/null"
url2=$(laptop jupyssh start gpu-box 2>&1)
pid2=$(cut -d" " -f1 "$RSTATE/nb-18889.pid")
if [ "$pid2" != "$pid" ] && [ "$(run_cell "$url2" 'print(5)' 2>&1)" = 5 ]; then
	pass stale-crashed
else
	fail stale-crashed "a new notebook after a crash" "$url2"
fi
# A pid file naming a process that is not the notebook: never signalled.
laptop jupyssh stop gpu-box >/dev/null 2>&1
ip netns exec "$NETNS" runuser -u "$REMOTE_USER" -- sh -c 'nohup sleep 300 >/dev/null 2>&1 </dev/null &'
wait_for 5 pgrep -u "$REMOTE_USER" -x sleep >/dev/null
stranger=$(pgrep -u "$REMOTE_USER" -x sleep)
echo "$stranger" > "$RSTATE/nb-18889.pid"
out=$(laptop jupyssh stop gpu-box 2>&1)
check_eq stale-pid-stop "$out" "jupyssh: gpu-box: no notebook of jupyssh's was running"
if kill -0 "$stranger" 2>/dev/null; then pass stale-pid-spared; else fail stale-pid-spared "pid $stranger was killed"; fi
kill "$stranger"
reset_all

# A second login while the first is open joins its connection and still
# prints the URL.
release=$ROOT/release-join
rm -f "$release"
laptop_tty --timeout 120 --expect 'ready: http' \
    --send "while [ ! -e $release ]; do sleep 0.2; done; exit\n" \
    -- ssh gpu-box > "$ROOT/tty-a.out" 2>&1 &
first=$!
wait_for 90 grep -q 'ready: http' "$ROOT/tty-a.out"
url=$(url_in < "$ROOT/tty-a.out")
out=$(laptop_tty --timeout 60 --expect 'running: http' --send 'exit\n' -- ssh gpu-box 2>&1)
check_eq second-login-url "$(printf '%s' "$out" | url_in)" "$url"
touch "$release"
wait "$first"
reset_all

# JupyterStopOnExit: the notebook ends with the last session that wanted it.
jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18889
    JupyterStopOnExit yes
EOC
out=$(laptop_tty --timeout 90 --expect 'ready: http' --send 'exit\n' -- ssh gpu-box 2>&1)
case $out in *"ready: http"*) pass stop-on-exit-started ;; *) fail stop-on-exit-started "a URL" "$out" ;; esac
case $out in
*"pty-run: timed out"*) fail stop-on-exit-ssh-returns "ssh ended after exit" "$out" ;;
*) pass stop-on-exit-ssh-returns ;;
esac
if wait_for 15 no_notebook; then
	pass stop-on-exit
else
	fail stop-on-exit "notebook still running after the session ended"
fi
# A command's session: the notebook goes once the command has ended.
laptop ssh gpu-box 'echo ran' > "$ROOT/out" 2> "$ROOT/err"
check_eq stop-on-exit-command "$(cat "$ROOT/out")" ran
if wait_for 15 no_notebook; then
	pass stop-on-exit-command-ends
else
	fail stop-on-exit-command-ends "notebook still running after the command" "$(cat "$ROOT/err")"
fi
# ssh -N has no session: the connection itself holds the notebook.
laptop ssh -N gpu-box > /dev/null 2> "$ROOT/err" &
nssh=$!
if wait_for 60 grep -q 'ready: http' "$ROOT/err"; then
	sleep 3
	if ! no_notebook; then
		pass stop-on-exit-dash-n-holds
	else
		fail stop-on-exit-dash-n-holds "notebook gone while ssh -N runs" "$(cat "$ROOT/err")"
	fi
else
	fail stop-on-exit-dash-n-holds "a URL from ssh -N" "$(cat "$ROOT/err")"
fi
pkill -u "$LAPTOP_USER" -x ssh
if wait_for 15 no_notebook; then
	pass stop-on-exit-dash-n-ends
else
	fail stop-on-exit-dash-n-ends "notebook still running after ssh -N ended"
fi
wait "$nssh" 2> /dev/null
reset_all

# JupyterSocket: a Unix socket only its owner can reach; the forward goes
# local port -> remote socket.
jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18889
    JupyterSocket yes
EOC
url=$(laptop jupyssh start gpu-box 2>"$ROOT/err")
check_eq socket-url "$?:${url%%/?token=*}" "0:http://127.0.0.1:18889"
check_eq socket-works "$(run_cell "$url" 'print(7)' 2>&1)" 7
sock=$RSTATE/nb-18889.sock
check_eq socket-mode "$(stat -c '%a %U' "$sock" "$RSTATE" | tr '\n' ' ')" "600 $REMOTE_USER 700 $REMOTE_USER "
check_eq socket-no-tcp "$(ip netns exec "$NETNS" ss -Hltn | grep -c ':1889[0-9]')" 0
out=$(ip netns exec "$NETNS" runuser -u "$OTHER_USER" -- $PY -c "
import socket
s = socket.socket(socket.AF_UNIX)
try:
    s.connect('$sock'); print('connected')
except OSError as e:
    print(type(e).__name__)" 2>&1)
check_eq socket-other-user-refused "$out" PermissionError
laptop jupyssh stop gpu-box > /dev/null 2>&1
reset_all
