# JupyterForwardPorts: a fixed port beside the notebook (its local port
# busy: moved, and said), and auto: a server a kernel starts is reachable
# here while it listens, said on the session's terminal, listed by status,
# gone when it stops; listeners of another remote user, or of ours outside
# the notebook's process tree, are not forwarded; stop leaves nothing.
. "$(dirname "$0")/lib.sh"
reset_all
NB=18895 LPORT=28895 FIXED=16006 AUTO=18123 THEIRS=18124 STRAY=18125
KFILE=$ROOT/ports.kernel
TTY=$ROOT/ports.tty
jupyter_config <<EOC
Host gpu-box
    JupyterPort $NB
    JupyterLocalPort $LPORT
    JupyterDirectory ~/project
    JupyterForwardPorts $FIXED auto
EOC

in_kernel() { run_in_kernel "$KFILE" "$@"; }
not() { ! "$@"; }
status_says() { laptop jupyssh status gpu-box 2>&1 </dev/null | grep -qF "$1"; }
# A listener in the remote's namespace, as user $1, outside the notebook.
remote_server() {	# USER PORT
	ip netns exec "$NETNS" runuser -u "$1" -- sh -c "cd / && exec $PY -m http.server --bind 127.0.0.1 $2" \
	    </dev/null >/dev/null 2>&1 &
}

# The fixed port's local number is taken here by another program.
"$PY" -m http.server --bind 127.0.0.1 $FIXED </dev/null >/dev/null 2>&1 &
busy=$!
remote_server "$OTHER_USER" $THEIRS
remote_server "$REMOTE_USER" $STRAY
trap 'kill $busy 2>/dev/null; pkill -u "$OTHER_USER" 2>/dev/null' EXIT
wait_for 10 listens_here $FIXED
wait_for 10 sh -c "ip netns exec $NETNS ss -Hltn | grep -q ':$STRAY '"

rm -f "$KFILE"
laptop_tty --timeout 180 --expect 'ready: http' \
    --expect "forwarding $AUTO at http://127.0.0.1:$AUTO/" --send 'exit\n' \
    -- ssh gpu-box > "$TTY" 2>&1 &
session=$!
wait_for 90 grep -aq 'ready: http' "$TTY"
url=$(url_in < "$TTY")
case $url in http://127.0.0.1:$LPORT/*) pass login-url ;; *) fail login-url "a URL" "$(cat "$TTY")" ;; esac

# The fixed port: moved past the busy one, said, forwarded, listed.
next=$((FIXED + 1))
wait_for 20 grep -aq "forwarding $FIXED at" "$TTY"
if grep -aq "local port $FIXED is in use; forwarding $next instead" "$TTY" &&
    grep -aq "forwarding $FIXED at http://127.0.0.1:$next/" "$TTY"; then
	pass fixed-moved-and-said
else
	fail fixed-moved-and-said "the move said on the terminal" "$(cat "$TTY")"
fi
if listens_here $next; then pass fixed-forwarded; else fail fixed-forwarded "a listener on $next"; fi
if status_says "gpu-box: forwarding $FIXED at http://127.0.0.1:$next/"; then
	pass fixed-in-status
else
	fail fixed-in-status "the forward in status" "$(laptop jupyssh status gpu-box 2>&1)"
fi

# A TensorBoard-like server started by a kernel: reachable here.
check_eq kernel-server "$(in_kernel "$url" 'import subprocess
p = subprocess.Popen(["python3", "-m", "http.server", "--bind", "127.0.0.1", "'$AUTO'"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("started")' 2>&1)" started
hello() { local_page $AUTO /hello.txt | grep -q 'hello from gpu-box'; }
if wait_for 60 hello; then
	pass auto-reachable
else
	fail auto-reachable "the kernel's server at 127.0.0.1:$AUTO here" "$(tail -n 5 "$JSTATE/gpu-box.log")"
fi
# Said on the session's terminal, while it is open.
wait "$session"
rc=$?
if [ "$rc" -eq 0 ] && grep -aq "jupyssh: gpu-box: forwarding $AUTO at http://127.0.0.1:$AUTO/" "$TTY"; then
	pass auto-said-on-terminal
else
	fail auto-said-on-terminal "the line on the session's terminal (pty-run $rc)" "$(cat "$TTY")"
fi
if wait_for 20 status_says "gpu-box: forwarding $AUTO at http://127.0.0.1:$AUTO/"; then
	pass auto-in-status
else
	fail auto-in-status "the forward in status" "$(laptop jupyssh status gpu-box 2>&1)"
fi
# Status lists what the sync that found it made: the others were up then.
if listens_here $THEIRS || status_says "forwarding $THEIRS"; then
	fail other-user-not-forwarded "nothing on $THEIRS" "$(laptop jupyssh status gpu-box 2>&1)"
else
	pass other-user-not-forwarded
fi
if listens_here $STRAY || status_says "forwarding $STRAY"; then
	fail outside-tree-not-forwarded "nothing on $STRAY" "$(laptop jupyssh status gpu-box 2>&1)"
else
	pass outside-tree-not-forwarded
fi
if status_says "forwarding $NB "; then
	fail notebook-port-not-twice "the notebook's own port only once" "$(laptop jupyssh status gpu-box 2>&1)"
else
	pass notebook-port-not-twice
fi

# The server stops: its forward goes, from status and from here.
check_eq kernel-server-stop "$(in_kernel "$url" 'p.kill(); p.wait(); print("stopped")' 2>&1)" stopped
if wait_for 30 not listens_here $AUTO; then
	pass auto-gone-here
else
	fail auto-gone-here "no listener on $AUTO once the server stopped"
fi
if wait_for 20 not status_says "forwarding $AUTO"; then
	pass auto-gone-from-status
else
	fail auto-gone-from-status "no $AUTO in status" "$(laptop jupyssh status gpu-box 2>&1)"
fi
if status_says "forwarding $FIXED at"; then pass fixed-stays; else fail fixed-stays "the fixed port still listed"; fi

# Stop: no process, no listener, here or there.
kill $busy 2>/dev/null
pkill -u "$OTHER_USER" 2>/dev/null
pkill -u "$REMOTE_USER" -f "http.server --bind 127.0.0.1 $STRAY" 2>/dev/null
out=$(laptop jupyssh stop gpu-box 2>&1 </dev/null)
case $out in *"notebook stopped (pid "*) pass stop ;; *) fail stop "notebook stopped" "$out" ;; esac
if wait_for 20 sh -c "! pgrep -u $LAPTOP_USER >/dev/null"; then
	pass stop-no-process
else
	fail stop-no-process "processes left: $(pgrep -a -u "$LAPTOP_USER" | tr '\n' ';')"
fi
if wait_for 20 sh -c "! pgrep -u $REMOTE_USER >/dev/null"; then
	pass stop-no-remote-process
else
	fail stop-no-remote-process "remote processes left: $(pgrep -a -u "$REMOTE_USER" | tr '\n' ';')"
fi
left=
for p in $LPORT $next $AUTO; do listens_here $p && left="$left $p"; done
check_eq stop-no-listener "$left" ""
check_eq stop-no-state "$(ls "$JSTATE" | grep -c '\.ports$')" 0
reset_all
