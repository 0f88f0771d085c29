# A SLURM notebook's life beyond start and stop, on the real cluster of
# tests/sandbox/cluster.sh: modules loaded in the job (Lmod), the
# walltime said when under 15 minutes, JupyterStopOnExit cancelling the
# job with the last session, and JupyterIdleTimeout ending an idle job
# while a tab stays open, said once by the next status.
. "$(dirname "$0")/lib.sh"
reset_all
cluster_up
ours_queued() { on_login "squeue -h -u $C_CLUSTER_USER -n jupyssh-18901 -o %i" 2>/dev/null; }
none_queued() { [ -z "$(ours_queued)" ]; }
# No ssh of the laptop's to a job's node (nodehop.c names it by HostKeyAlias).
no_hop() { ! pgrep -u "$LAPTOP_USER" -f HostKeyAlias= > /dev/null; }
cluster_config() {	# EXTRA DIRECTIVE LINES...
	{ printf 'Host cluster\n    JupyterPort 18901\n    JupyterScheduler slurm\n'
	  for l in "$@"; do printf '    %s\n' "$l"; done; } | jupyter_config
}
trap lmod_module_gone EXIT

# Modules are loaded in the job, on its node, before the env.
lmod_module "$C_CLUSTER_USER" "$C_CLUSTER_HOME" || fail lmod-module "cannot write the test module"
cluster_config "JupyterModules jupyssh-test/1.0" "JupyterSlurmOptions --time=20"
url=$(laptop jupyssh start cluster 2>"$ROOT/err")
out=$(run_cell "$url" 'import os, socket; print(os.environ.get("JSTEST_MODULE"), os.environ.get("JSTEST_WRAPPER"), socket.gethostname())' 2>&1)
case $out in
"loaded used n"[12]) pass module-in-job ;;
*) fail module-in-job "the module's variable and jupyter on a node" "$out $(cat "$ROOT/err")" ;;
esac
# 20 minutes of walltime: nothing said, the end kept for live sessions.
case $(cat "$ROOT/err") in
*"time limit"*) fail walltime-quiet "no walltime line with 20 minutes left" "$(cat "$ROOT/err")" ;;
*) pass walltime-quiet ;;
esac
job=$(cat "$CSTATE/slurm-18901.job" 2>/dev/null)
read -r end wjob < "$JSTATE/cluster.walltime"
left=$((end - $(date +%s)))
if [ "$wjob" = "$job" ] && [ "$left" -gt 900 ] && [ "$left" -le 1200 ]; then
	pass walltime-recorded
else
	fail walltime-recorded "job $job ending in 15 to 20 minutes" "$(cat "$JSTATE/cluster.walltime")"
fi
case $(laptop jupyssh status cluster 2>&1) in
*"time limit"*) fail walltime-status-quiet "no walltime line" ;;
*"running, job $job"*) pass walltime-status-quiet ;;
*) fail walltime-status-quiet "running" "$(laptop jupyssh status cluster 2>&1)" ;;
esac
laptop jupyssh stop cluster > /dev/null 2>&1

# A missing module in the job: Lmod's words, not the job's log.
cluster_config "JupyterModules nosuch/9.9"
out=$(laptop jupyssh start cluster 2>&1)
case $out in
*"ended before the notebook answered: module load nosuch/9.9 failed: Lmod has detected the following error: "*) pass missing-module-in-job ;;
*) fail missing-module-in-job "Lmod's message" "$out" ;;
esac
lmod_module_gone

# 14 minutes: the login, status and url each say how long is left.
cluster_config "JupyterSlurmOptions --time=14"
out=$(laptop_tty --timeout 120 --expect 'ready: http' --expect 'save your work' --send 'exit\n' -- ssh cluster 2>&1)
job=$(cat "$CSTATE/slurm-18901.job" 2>/dev/null)
case $out in
*"jupyssh: cluster: job $job ends in 1"[34]" min, at its time limit: save your work"*) pass walltime-login ;;
*) fail walltime-login "the walltime line" "$out" ;;
esac
laptop jupyssh start cluster > "$ROOT/url" 2> "$ROOT/err"
case $(cat "$ROOT/url"):$(cat "$ROOT/err") in
http://127.0.0.1:*"jupyssh: cluster: job $job ends in 1"[34]" min, at its time limit: save your work"*) pass walltime-start ;;
*) fail walltime-start "the URL on stdout, the walltime line on stderr" "$(cat "$ROOT/url" "$ROOT/err")" ;;
esac
out=$(laptop jupyssh status cluster 2>&1)
case $out in
*"running, job $job"*"jupyssh: cluster: job $job ends in 1"[34]" min, at its time limit: save your work"*) pass walltime-status ;;
*) fail walltime-status "running, then the walltime line" "$out" ;;
esac
laptop jupyssh url cluster > "$ROOT/url" 2> "$ROOT/err"
case $(cat "$ROOT/url"):$(cat "$ROOT/err") in
http://127.0.0.1:*"jupyssh: cluster: job $job ends in 1"[34]" min"*) pass walltime-url ;;
*) fail walltime-url "the URL on stdout, the walltime line on stderr" "$(cat "$ROOT/url" "$ROOT/err")" ;;
esac
# Over 10 minutes left: the live sessions are not told yet.
case $(laptop jupyssh status cluster 2>&1) in
*"reaches its time limit"*) fail walltime-not-yet "no reminder with 13 minutes left" "$(laptop jupyssh status cluster 2>&1)" ;;
*) pass walltime-not-yet ;;
esac
laptop jupyssh stop cluster > /dev/null 2>&1

# 10 minutes or less: the terminal of a live session is told once more,
# by the supervisor, while the session goes on.
cluster_config "JupyterSlurmOptions --time=10"
out=$(laptop_tty --timeout 120 --expect 'ready: http' --expect 'reaches its time limit' \
    --send 'echo still-$((1+1)); exit\n' --expect 'still-2' -- ssh cluster 2>&1)
job=$(cat "$CSTATE/slurm-18901.job" 2>/dev/null)
case $out in
*"jupyssh: cluster: job $job reaches its time limit at "[0-9][0-9]:[0-9][0-9]" (in "*" min): save your work"*still-2*) pass walltime-reminder ;;
*) fail walltime-reminder "the reminder on the live session's terminal" "$out" ;;
esac
check_eq walltime-reminder-once "$(printf '%s' "$out" | grep -c 'jupyssh: cluster: job [0-9]* reaches its time limit')" 1
laptop jupyssh stop cluster > /dev/null 2>&1

# JupyterStopOnExit: the job goes with the last session; another job of
# the user's stays.
other=$(on_login 'sbatch --parsable --job-name=mine --wrap "sleep 600"')
cluster_config "JupyterStopOnExit yes"
out=$(laptop_tty --timeout 120 --expect 'ready: http' --send 'exit\n' -- ssh cluster 2>&1)
case $out in *"ready: http"*) pass stop-on-exit-started ;; *) fail stop-on-exit-started "a URL" "$out" ;; esac
if wait_for 60 none_queued; then
	pass stop-on-exit-cancels-job
else
	fail stop-on-exit-cancels-job "job still queued after the session ended" "$(ours_queued)"
fi
check_eq stop-on-exit-spares-other "$(on_login "squeue -h -j $other -o %T")" RUNNING
# The hop to the node rides the login's connection: it must not hold ssh
# open once the shell has ended.
case $out in
*"pty-run: timed out"*) fail stop-on-exit-ssh-returns "ssh ended after exit" "$out" ;;
*) pass stop-on-exit-ssh-returns ;;
esac
if wait_for 30 no_hop; then
	pass stop-on-exit-hop-gone
else
	fail stop-on-exit-hop-gone "no ssh to the node left" "$(pgrep -a -u "$LAPTOP_USER" ssh)"
fi
on_login "scancel $other"

# JupyterIdleTimeout: an idle job ends by itself, an open tab or not.
cluster_config "JupyterIdleTimeout 10s"
url=$(laptop jupyssh start cluster 2>"$ROOT/err")
JUPYTER_TOKEN=${url##*token=} NBCLIENT_TIMEOUT=300 "$TOOLS/nbclient" \
    "${url%%/?token=*}" --tab > "$ROOT/tab" 2>&1 &
tab=$!
if wait_for 60 grep -q attached "$ROOT/tab"; then pass idle-tab-attached; else
	fail idle-tab-attached "the tab attached" "$(cat "$ROOT/tab" "$ROOT/err")"
fi
if wait_for 180 none_queued; then
	pass idle-job-ended
else
	fail idle-job-ended "job still queued" "$(tail -n 5 "$CSTATE/slurm-18901.log")"
fi
kill "$tab" 2>/dev/null
wait "$tab" 2>/dev/null
# The connection to the node ends with the job, however it ended.
if wait_for 30 no_hop; then
	pass idle-hop-gone
else
	fail idle-hop-gone "no ssh to the node left" "$(pgrep -a -u "$LAPTOP_USER" ssh)"
fi
out=$(laptop jupyssh status cluster 2>&1)
case $out in
*"cluster: stopped"*"jupyssh: cluster: the notebook ended at "*" (idle for 10s)"*) pass idle-status-says-why ;;
*) fail idle-status-says-why "stopped, when and why" "$out" ;;
esac
check_eq idle-said-once "$(laptop jupyssh status cluster 2>&1)" "cluster: stopped"

on_login "scancel -u $C_CLUSTER_USER" 2>/dev/null
"$TOP/tests/sandbox/cluster.sh" down
reset_all
