# JupyterIdleTimeout: a notebook whose kernels ran no code for that long
# ends, though a tab stays open (attached to its kernel, polling the
# server); a kernel that runs a cell all along is not idle. The next
# status says once when and why it ended. Nothing is timed: each event is
# waited for with a generous bound.
. "$(dirname "$0")/lib.sh"
reset_all
IDLE=10
jupyter_config <<EOC
Host gpu-box
    JupyterPort 18894
    JupyterIdleTimeout ${IDLE}s
EOC
url=$(laptop jupyssh start gpu-box 2>"$ROOT/err")
case $url in
http://127.0.0.1:18894/?token=*) pass start ;;
*) fail start "a URL" "$(cat "$ROOT/err")" ;;
esac
# Jupyter's own culler was asked for, with its connected and busy rules.
nb=$(cut -d' ' -f1 "$RSTATE/nb-18894.pid" 2>/dev/null)
case $(tr '\0' ' ' < "/proc/$nb/cmdline" 2>/dev/null) in
*"cull_idle_timeout=$IDLE "*"cull_connected=True"*"cull_busy=False"*) pass culler-options ;;
*) fail culler-options "cull_* options on Jupyter's command line" "$(tr '\0' ' ' < "/proc/$nb/cmdline")" ;;
esac

# A tab left open: its kernel ran once, its websocket stays, it polls.
JUPYTER_TOKEN=${url##*token=} NBCLIENT_TIMEOUT=300 "$TOOLS/nbclient" \
    "${url%%/?token=*}" --tab > "$ROOT/tab" 2>&1 &
tab=$!
# Meanwhile a cell runs for four times the timeout: it must finish. Once
# its kernel has settled: Jupyter takes a kernel for idle on any status
# message, those of its own requests on connecting as well (see README).
out=$(NBCLIENT_SETTLE=1 run_cell "$url" "import time; time.sleep($((IDLE * 4))); print('done')" 2>&1)
check_eq busy-kernel-not-idle "$out" done
if grep -q attached "$ROOT/tab"; then pass tab-attached; else fail tab-attached "the tab attached" "$(cat "$ROOT/tab")"; fi

# Then nothing runs: the notebook ends, with the tab still there.
if wait_for 180 no_notebook; then
	pass idle-notebook-ended
else
	fail idle-notebook-ended "no notebook within 180 s" "$(tail -n 5 "$RSTATE/nb-18894.log")"
fi
if wait_for 60 grep -q closed "$ROOT/tab"; then
	pass tab-open-until-the-end
else
	fail tab-open-until-the-end "the tab told its server went away" "$(cat "$ROOT/tab")"
fi
kill "$tab" 2>/dev/null
wait "$tab" 2>/dev/null

# The next status says when and why, once.
out=$(laptop jupyssh status gpu-box 2>&1)
case $out in
*"gpu-box: stopped"*"jupyssh: gpu-box: the notebook ended at "[0-2][0-9]:[0-5][0-9]" (idle for ${IDLE}s)"*) pass status-says-why ;;
*) fail status-says-why "stopped, and when and why it ended" "$out" ;;
esac
check_eq status-says-it-once "$(laptop jupyssh status gpu-box 2>&1)" "gpu-box: stopped"
if wait_for 20 sh -c "! pgrep -u $REMOTE_USER -x sh >/dev/null"; then
	pass watcher-gone
else
	fail watcher-gone "no sh of $REMOTE_USER left" "$(pgrep -a -u "$REMOTE_USER")"
fi

# A login after an idle end: it says so, then starts a fresh notebook.
url=$(laptop jupyssh start gpu-box 2>/dev/null)
if wait_for 180 no_notebook; then
	out=$(laptop_tty --timeout 90 --expect 'ready: http' --send 'exit\n' -- ssh gpu-box 2>&1)
	case $out in
	*"the notebook ended at "*"(idle for ${IDLE}s)"*"ready: http"*) pass login-says-why ;;
	*) fail login-says-why "the end, then a new URL" "$out" ;;
	esac
else
	fail login-says-why "the second notebook did not end either"
fi
laptop jupyssh stop gpu-box > /dev/null 2>&1
reset_all
