# jupyssh start/url/status/stop without an ssh session open.
. "$(dirname "$0")/lib.sh"
reset_all
jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18889
    JupyterLocalPort 28890
    JupyterDirectory ~/project
EOC

out=$(laptop jupyssh status gpu-box 2>&1)
rc=$?
check_eq status-stopped "$rc $out" "3 gpu-box: stopped"

url=$(laptop jupyssh start gpu-box 2>"$ROOT/start.err")
rc=$?
case $rc$url in
0http://127.0.0.1:28890/?token=*) pass start-prints-url ;;
*) fail start-prints-url "exit 0 and the URL on stdout, got $rc '$url'" "$(cat "$ROOT/start.err")" ;;
esac
check_eq start-runs-code "$(run_cell "$url" 'import os; print(os.getcwd())' 2>&1)" "$REMOTE_HOME/project"
check_eq start-quiet-without-terminal "$(cat "$ROOT/start.err")" ""
# The token reached Jupyter through a file: no kernel inherits it.
check_eq kernel-env-no-token "$(run_cell "$url" "import os; print([k for k, v in os.environ.items() if '${url##*token=}' in v])" 2>&1)" "[]"
check_eq url "$(laptop jupyssh url gpu-box 2>&1)" "$url"
again=$(laptop jupyssh start gpu-box 2>&1)
check_eq start-again-same-url "$again" "$url"
check_eq one-notebook "$(remote_notebooks | wc -l)" 1
read -r pid _ < "$RSTATE/nb-18889.pid"
out=$(laptop jupyssh status gpu-box 2>&1)
check_eq status-running "$out" "gpu-box: running, pid $pid, remote port 18889, folder $REMOTE_HOME/project, local port 28890 (forwarded)"
case $out in *"${url##*token=}"*) fail status-hides-token "token printed by status" ;; *) pass status-hides-token ;; esac

out=$(laptop jupyssh stop gpu-box 2>&1)
check_eq stop "$out" "jupyssh: gpu-box: notebook stopped (pid $pid)"
check_eq stop-ends-notebook "$(remote_notebooks | wc -l)" 0
if wait_for 10 sh -c "! pgrep -u $LAPTOP_USER -x ssh >/dev/null"; then
	pass stop-ends-forward
else
	fail stop-ends-forward "ssh left: $(pgrep -a -u "$LAPTOP_USER")"
fi
out=$(laptop jupyssh stop gpu-box 2>&1)
check_eq stop-twice "$?: $out" "0: jupyssh: gpu-box: no notebook of jupyssh's was running"
out=$(laptop jupyssh url gpu-box 2>&1)
check_eq url-when-stopped "$?: $out" "1: jupyssh: gpu-box: no notebook running (jupyssh start gpu-box)"

# On a terminal, one line counts the seconds and ends "ready in N s".
out=$(laptop_tty --timeout 90 --expect 'http://127' -- jupyssh start gpu-box 2>&1)
case $out in
*"jupyssh: starting notebook on gpu-box "*"ready in "*" s"*"http://127.0.0.1:28890/?token="*) pass start-progress ;;
*) fail start-progress "a progress line ending in 'ready in N s'" "$out" ;;
esac
laptop jupyssh stop gpu-box > /dev/null 2>&1

# -G: the settings that apply, and what the library adds.
out=$(laptop jupyssh -G gpu-box 2>&1)
case $out in
"host gpu-box"*"jupyterport 18889"*"jupyterlocalport 28890"*"jupyterdirectory ~/project"*"LocalForward 127.0.0.1:28890 127.0.0.1:18889"*"LocalCommand '$PREFIX/bin/jupyssh' hook gpu-box"*) pass dash-G ;;
*) fail dash-G "settings and the added options" "$out" ;;
esac

# The system-wide side config is read after the user's: it fills in, the
# user's value wins.
printf 'Host gpu-box\n    JupyterLocalPort 1\n    JupyterStartTimeout 77\n' > /etc/ssh/jupyter_config
out=$(laptop jupyssh -G gpu-box 2>&1)
rm -f /etc/ssh/jupyter_config
case $out in
*"jupyterlocalport 28890"*"jupyterstarttimeout 77"*) pass system-config ;;
*) fail system-config "the user's local port, the system's timeout" "$out" ;;
esac

# Usage and unknown hosts.
out=$(laptop jupyssh 2>&1)
check_eq usage-exit "$?" 2
out=$(laptop jupyssh frobnicate gpu-box 2>&1)
check_eq unknown-command "$?: $(echo "$out" | head -n 1)" '2: jupyssh: unknown command "frobnicate"'
out=$(laptop jupyssh start nowhere 2>&1)
check_eq not-a-jupyter-host "$?: $out" "1: jupyssh: nowhere: no JupyterPort for this host (see ~/.ssh/jupyter_config)"
reset_all
