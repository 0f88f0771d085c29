# Bad input gets one clear line and a safe outcome: the ssh session goes on.
. "$(dirname "$0")/lib.sh"
reset_all

# Runs an interactive "ssh gpu-box" that types one command and leaves;
# prints the terminal's text.
login_once() {
	laptop_tty --timeout 90 --expect "$1" --send 'echo session-$((2+3)); exit\n' \
	    --expect 'session-5' -- ssh gpu-box 2>&1
}

printf 'Host gpu-box\n JupyterPort 18889\n JupyterEnv ~/nowhere/venv\n' | jupyter_config
out=$(login_once 'jupyssh: gpu-box')
case $out in
*"jupyssh: gpu-box: no virtualenv at ~/nowhere/venv ($REMOTE_HOME/nowhere/venv/bin/activate missing)"*session-5*) pass bad-env ;;
*session-5*"jupyssh: gpu-box: no virtualenv at ~/nowhere/venv"*) pass bad-env ;;
*) fail bad-env "a one-line error and a working session" "$out" ;;
esac

printf 'Host gpu-box\n JupyterPort 18889\n JupyterDirectory ~/no-such-folder\n' | jupyter_config
out=$(login_once 'jupyssh: gpu-box')
case $out in
*"jupyssh: gpu-box: cannot enter ~/no-such-folder on the remote"*) pass bad-directory ;;
*) fail bad-directory "cannot enter ~/no-such-folder" "$out" ;;
esac

printf 'Host gpu-box\n JupyterPort 18889\n JupyterEnv ~/project/venv\n JupyterCommand jupyter-nonexistent\n' | jupyter_config
out=$(login_once 'jupyssh: gpu-box')
case $out in
*"jupyssh: gpu-box: jupyter-nonexistent not found after activating ~/project/venv"*) pass no-jupyter ;;
*) fail no-jupyter "jupyter-nonexistent not found after activating" "$out" ;;
esac

# The notebook itself fails (a bad option): the last lines of its log.
printf 'Host gpu-box\n JupyterPort 18889\n JupyterCommand jupyter notebook --no-such-flag=1\n' | jupyter_config
out=$(laptop jupyssh start gpu-box 2>&1)
rc=$?
case $rc:$out in
"1:jupyssh: gpu-box: notebook exited at start: "*no-such-flag*) pass notebook-fails ;;
*) fail notebook-fails "exit 1 and the notebook's own complaint" "$rc:$out" ;;
esac
if wait_for 10 sh -c "! pgrep -u $LAPTOP_USER -x ssh >/dev/null"; then
	pass notebook-fails-no-leftover
else
	fail notebook-fails-no-leftover "ssh left: $(pgrep -a -u "$LAPTOP_USER")"
fi

# Start timeout: a "notebook" that never answers.
reset_all
ip netns exec "$NETNS" runuser -u "$REMOTE_USER" -- sh -c \
    'printf "#!/bin/sh\nexec sleep 600\n" > ~/mute-notebook && chmod +x ~/mute-notebook'
printf 'Host gpu-box\n JupyterPort 18889\n JupyterStartTimeout 2\n JupyterCommand %s/mute-notebook\n' \
    "$REMOTE_HOME" | jupyter_config
out=$(laptop jupyssh start gpu-box 2>&1)
rc=$?
case $rc:$out in
"1:jupyssh: gpu-box: notebook not ready after 2s"*) pass start-timeout ;;
*) fail start-timeout "exit 1, not ready after 2s" "$rc:$out" ;;
esac
check_eq start-timeout-cleans "$(pgrep -u "$REMOTE_USER" -x sleep | wc -l)" 0
reset_all
