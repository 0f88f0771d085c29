# JupyterScheduler slurm: the notebook as a batch job on a compute node of
# a real SLURM cluster (tests/sandbox/cluster.sh: a login node and two
# nodes in namespaces), reached through ssh to the login node only.
. "$(dirname "$0")/lib.sh"
reset_all
cluster_up
jupyter_config <<'EOC'
Host cluster
    JupyterPort 18900
    JupyterScheduler slurm
    JupyterSlurmOptions --partition=debug --time=00:30:00
    JupyterDirectory ~
EOC

# Another job of the user's, which stop must leave alone.
other=$(on_login 'sbatch --parsable --job-name=mine --wrap "sleep 600"')

url=$(laptop jupyssh start cluster 2>"$ROOT/err")
rc=$?
case $rc:$url in
0:http://127.0.0.1:18900/?token=*) pass start-url ;;
*) fail start-url "a URL" "$(cat "$ROOT/err")" ;;
esac
case $(cat "$ROOT/err") in
*"jupyssh: cluster: job "*" submitted"*"running on n"*) pass progress ;;
*) fail progress "job submitted ... running on nX" "$(cat "$ROOT/err")" ;;
esac
host=$(run_cell "$url" 'import socket; print(socket.gethostname())' 2>&1)
case $host in n1 | n2) pass runs-on-node ;; *) fail runs-on-node "a compute node's hostname" "$host" ;; esac
job=$(cat "$CSTATE/slurm-18900.job" 2>/dev/null)
check_eq token-not-in-job "$(on_login "scontrol show job $job" | grep -c "${url##*token=}")" 0
case $(laptop jupyssh status cluster 2>&1) in
"cluster: running, job $job on $host ("*"), time left "*"local port 18900 (forwarded)") pass status ;;
*) fail status "job, node, time left" "$(laptop jupyssh status cluster 2>&1)" ;;
esac

# The notebook is the job's own: a 0600 socket in a 0700 folder, and no
# port on the cluster network, so no other cluster user reaches it.
case $host in n2) node_ns=$C_NETNS_N2 ;; *) node_ns=$C_NETNS_N1 ;; esac
check_eq no-port-on-node "$(ip netns exec "$node_ns" ss -Hltne 2>/dev/null |
    grep -c "uid:$(id -u "$C_CLUSTER_USER") ")" 0
out=$(ip netns exec "$node_ns" runuser -u "$C_OTHER_CLUSTER_USER" -- \
    python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1]); print("connected")' \
    "$CSTATE/slurm-18900.sock" 2>&1)
case $out in
*PermissionError*) pass other-cluster-user-refused ;;
*) fail other-cluster-user-refused "EACCES for $C_OTHER_CLUSTER_USER" "$out" ;;
esac

# A plain interactive login to the login node finds the job and prints the
# URL, forwarded through the login node to the compute node.
out=$(laptop_tty --timeout 90 --expect 'running: http' --send 'hostname; exit\n' --expect login -- ssh cluster 2>&1)
check_eq login-url "$(printf '%s' "$out" | url_in)" "$url"

# Reuse: the same job, the same URL; concurrent starts give one job.
for i in 1 2 3; do laptop jupyssh start cluster > "$ROOT/c.$i" 2>/dev/null & done
wait
check_eq reuse-same-url "$(cat "$ROOT"/c.* | sort -u)" "$url"
check_eq reuse-same-job "$(on_login 'squeue -h -u jsclu -n jupyssh-18900 -o %i' | wc -l):$(cat "$CSTATE/slurm-18900.job")" "1:$job"

# Cancelled behind jupyssh's back: noticed, and a new job on next start.
on_login "scancel $job"
wait_for 20 sh -c "! ip netns exec $C_NETNS_LOGIN env SLURM_CONF=$C_SLURM_CONF squeue -h -j $job 2>/dev/null | grep -q ."
url2=$(laptop jupyssh start cluster 2>/dev/null)
job2=$(cat "$CSTATE/slurm-18900.job" 2>/dev/null)
if [ -n "$job2" ] && [ "$job2" != "$job" ] && [ "$(run_cell "$url2" 'print(8)' 2>&1)" = 8 ]; then
	pass replaced-after-scancel
else
	fail replaced-after-scancel "a new job that works" "$job -> $job2 $url2"
fi

# Stop: exactly our job.
out=$(laptop jupyssh stop cluster 2>&1)
check_eq stop "$out" "jupyssh: cluster: notebook stopped (pid $job2)"
check_eq stop-spares-other-job "$(on_login "squeue -h -j $other -o %T")" RUNNING
if wait_for 20 sh -c "[ -z \"\$(ip netns exec $C_NETNS_LOGIN env SLURM_CONF=$C_SLURM_CONF squeue -h -j $job2 2>/dev/null)\" ]"; then
	pass stop-cancels-ours
else
	fail stop-cancels-ours "job $job2 still there"
fi

# The ports beside a job's notebook, on its node, through the node hop: a
# fixed one, and a server a kernel starts there (auto), reachable here,
# listed, gone when it stops; another cluster user's listener on that node,
# and one of ours outside the notebook's tree, are not forwarded.
FIXED=16106 AUTO=18133 THEIRS=18134 STRAY=18135 KFILE=$ROOT/slurm.kernel
on_node() {	# USER CMD: in the background, on the node the job runs on
	ip netns exec "$node_ns" runuser -u "$1" -- sh -c "cd / && exec $2" \
	    </dev/null >/dev/null 2>&1 &
}
forwards() { laptop jupyssh status cluster 2>&1 </dev/null | grep -qF "forwarding $1 at http://127.0.0.1:$1/"; }
not_forwards() { ! forwards "$1"; }
jupyter_config <<EOC
Host cluster
    JupyterPort 18902
    JupyterScheduler slurm
    JupyterSlurmOptions --partition=debug --time=00:30:00
    JupyterDirectory ~
    JupyterForwardPorts $FIXED auto
EOC
rm -f "$KFILE"
url=$(laptop jupyssh start cluster 2>"$ROOT/err")
host=$(run_in_kernel "$KFILE" "$url" 'import socket; print(socket.gethostname())' 2>&1)
case $host in n2) node_ns=$C_NETNS_N2 ;; *) node_ns=$C_NETNS_N1 ;; esac
# What the fixed port reaches: ours, started by hand on that node.
runuser -u "$C_CLUSTER_USER" -- sh -c "mkdir -p $C_CLUSTER_HOME/served && echo 'fixed on $host' > $C_CLUSTER_HOME/served/f.txt"
on_node "$C_CLUSTER_USER" "python3 -m http.server --bind 127.0.0.1 --directory $C_CLUSTER_HOME/served $FIXED"
on_node "$C_OTHER_CLUSTER_USER" "python3 -m http.server --bind 127.0.0.1 $THEIRS"
on_node "$C_CLUSTER_USER" "python3 -m http.server --bind 127.0.0.1 $STRAY"
fixed_answers() { local_page $FIXED /f.txt | grep -q "fixed on $host"; }
if wait_for 20 fixed_answers && forwards $FIXED; then
	pass node-fixed-port
else
	fail node-fixed-port "the node's $FIXED here, listed" "$(cat "$ROOT/err"; laptop jupyssh status cluster 2>&1)"
fi
check_eq node-kernel-server "$(run_in_kernel "$KFILE" "$url" 'import os, socket, subprocess
d = os.path.expanduser("~/served-auto"); os.makedirs(d, exist_ok=True)
open(d + "/a.txt", "w").write("auto on %s\n" % socket.gethostname())
p = subprocess.Popen(["python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", d, "'$AUTO'"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("started")' 2>&1)" started
auto_answers() { local_page $AUTO /a.txt | grep -q "auto on $host"; }
if wait_for 60 auto_answers && wait_for 10 forwards $AUTO; then
	pass node-auto-port
else
	fail node-auto-port "the kernel's server on $host here, listed" "$(tail -n 5 "$JSTATE/cluster.log"; laptop jupyssh status cluster 2>&1)"
fi
if listens_here $THEIRS || forwards $THEIRS; then fail node-other-user-not-forwarded "nothing on $THEIRS"; else pass node-other-user-not-forwarded; fi
if listens_here $STRAY || forwards $STRAY; then fail node-outside-tree-not-forwarded "nothing on $STRAY"; else pass node-outside-tree-not-forwarded; fi
check_eq node-kernel-server-stop "$(run_in_kernel "$KFILE" "$url" 'p.kill(); p.wait(); print("stopped")' 2>&1)" stopped
if wait_for 30 sh -c "! ss -Hltn 'sport = :$AUTO' | grep -q ." && wait_for 10 not_forwards $AUTO; then
	pass node-auto-gone
else
	fail node-auto-gone "no $AUTO here nor in status" "$(laptop jupyssh status cluster 2>&1)"
fi
laptop jupyssh stop cluster > /dev/null 2>&1
pkill -u "$C_OTHER_CLUSTER_USER" -f http.server 2>/dev/null
pkill -u "$C_CLUSTER_USER" -f http.server 2>/dev/null
left=
for p in $FIXED $AUTO; do listens_here $p && left="$left $p"; done
check_eq node-ports-stop-no-listener "$left" ""
if wait_for 20 sh -c "! pgrep -u $LAPTOP_USER >/dev/null"; then
	pass node-ports-stop-no-process
else
	fail node-ports-stop-no-process "processes left: $(pgrep -a -u "$LAPTOP_USER" | tr '\n' ';')"
fi
rm -rf "$C_CLUSTER_HOME/served" "$C_CLUSTER_HOME/served-auto"

# sbatch refuses (a partition that does not exist): SLURM's own words.
printf 'Host cluster\n    JupyterPort 18900\n    JupyterScheduler slurm\n    JupyterSlurmOptions --partition=nosuch\n' | jupyter_config
out=$(laptop jupyssh start cluster 2>&1)
case $? in 1) ;; *) out="exit 0: $out" ;; esac
case $out in
*"jupyssh: cluster: sbatch refused the job: "*"nvalid partition"*) pass sbatch-refused ;;
*) fail sbatch-refused "SLURM's message on one line" "$out" ;;
esac

# A job that cannot start in time (more CPUs than any node has): cancelled.
printf 'Host cluster\n    JupyterPort 18900\n    JupyterScheduler slurm\n    JupyterStartTimeout 3\n    JupyterSlurmOptions --partition=gpu --cpus-per-task=2\n' | jupyter_config
on_login 'sbatch --parsable --partition=gpu --cpus-per-task=2 --wrap "sleep 600"' > /dev/null
out=$(laptop jupyssh start cluster 2>&1)
case $out in
*"jupyssh: cluster: job "*" not ready after 3s (pending, "*"); cancelled it") pass start-timeout ;;
*) fail start-timeout "pending, reason, cancelled" "$out" ;;
esac
check_eq start-timeout-cancelled "$(on_login 'squeue -h -u jsclu -n jupyssh-18900' | wc -l)" 0

on_login "scancel -u $C_CLUSTER_USER" 2>/dev/null
"$TOP/tests/sandbox/cluster.sh" down
reset_all
