# Backend: the notebook as a SLURM batch job on a compute node, submitted
# from the login node this runs on. The job id is in $base.job; the job
# reads the token from a 0600 file and writes Jupyter's runtime files to
# $rt, both in the home that the nodes share.
base=$state/slurm-$JS_PORT
rt=$base.runtime

command -v sbatch >/dev/null 2>&1 ||
    fail "sbatch not found on $(hostname): JupyterScheduler slurm needs a SLURM login node"

# Sets job, jstate, node and reason while our job is known to SLURM.
job_state() {
	job= jstate= node= reason=
	[ -r "$base.job" ] && read -r job < "$base.job"
	case $job in "" | *[!0-9]*) return 1 ;; esac
	# A pending job has no node: fields split at "|", not at blanks.
	line=$(squeue -h -j "$job" -o "%T|%N|%r" 2>/dev/null | head -n 1)
	jstate=${line%%|*}
	line=${line#*|}
	node=${line%%|*}
	reason=${line#*|}
	case $jstate in
	PENDING | CONFIGURING | RUNNING) return 0 ;;
	esac
	return 1
}

# Sets info too when the job runs and its notebook answers.
ours() {
	info=
	job_state && [ "$jstate" = RUNNING ] || return 1
	for f in "$rt"/*server-*.json; do
		[ -r "$f" ] && info=$f
	done
	[ -n "$info" ]
}

# [D-]HH:MM:SS or MM:SS as seconds.
seconds() {
	echo "$1" | awk -F- '{ d = NF > 1 ? $1 : 0; t = $NF;
	    n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i];
	    print d * 86400 + s }'
}

# As local.sh's: PID is the job id, NODE and ADDR where it runs, LEFT its
# time left.
report() {
	kernels=0
	for k in "$rt"/kernel-*.json; do
		[ -e "$k" ] && kernels=$((kernels + 1))
	done
	set -- "$1" "$2" $(squeue -h -j "$job" -o "%M %L" 2>/dev/null)
	addr=$(scontrol show node "$node" 2>/dev/null |
	    sed -n "s/.*NodeAddr=\([^ ]*\).*/\1/p" | head -n 1)
	runtime_fields
	say "$1" "$j_port" "$j_token" "$job" "$2" "$(seconds "${3:-0}")" \
	    "$kernels" - "$node" "${addr:-$node}" "${4:--}" "$j_dir"
}

# The batch script: the common functions, the settings, then the notebook
# bound to this node's address (127.0.0.1 would be reachable on the node
# alone). The token is read from a file, not passed in any argument.
job_script() {
	printf "#!/bin/sh\n"
	for v in JS_DIR JS_ENV JS_CMD JS_PORT JS_TIMEOUT; do
		eval "val=\$$v"
		printf "%s='%s'\n" "$v" "$(printf "%s" "$val" | sed "s/'/'\\\\''/g")"
	done
	printf "%s\n" "$JS_COMMON"
	cat <<'EOJ'
prepare
eval "set -- $JS_CMD"
addr=$(scontrol show node "$SLURMD_NODENAME" 2>/dev/null |
    sed -n "s/.*NodeAddr=\([^ ]*\).*/\1/p" | head -n 1)
JUPYTER_TOKEN=$(cat "$state/slurm-$JS_PORT.token")
export JUPYTER_TOKEN JUPYTER_RUNTIME_DIR="$state/slurm-$JS_PORT.runtime"
exec "$@" --no-browser --ip="${addr:-$(hostname)}" --port="$JS_PORT" \
    --port-retries=20
EOJ
}

start() {
	lock
	if ours; then
		report ok reused
		exit 0
	fi
	if ! job_state; then
		rm -rf "$rt" "$base.job"
		mkdir -p "$rt" || fail "cannot create $rt"
		printf "%s\n" "$JS_TOKEN" > "$base.token"
		job_script > "$base.sbatch"
		out=$(sbatch --parsable --job-name="jupyssh-$JS_PORT" \
		    --output="$base.log" $JS_SLURM_OPTS "$base.sbatch" 2>&1) ||
		    fail "sbatch refused the job: $(printf "%s" "$out" |
		    tail -n 1)"
		job=${out%%;*}
		echo "$job" > "$base.job"
		progress "job $job submitted"
	fi
	said= waited=0
	while ! ours; do
		if ! job_state; then
			fail "job $job ended before the notebook answered: $(lastlines "$base.log")"
		fi
		now="$jstate $reason $node"
		if [ "$now" != "$said" ]; then
			case $jstate in
			RUNNING) progress "job $job running on $node" ;;
			*) progress "job $job $(echo "$jstate" |
			    tr "A-Z" "a-z") ($reason)" ;;
			esac
			said=$now
		fi
		waited=$((waited + 1))
		if [ "$waited" -gt $((JS_TIMEOUT * 10)) ]; then
			scancel "$job" 2>/dev/null
			rm -f "$base.job"
			fail "job $job not ready after ${JS_TIMEOUT}s" \
			    "($(echo "$jstate" | tr "A-Z" "a-z"), $reason);" \
			    "cancelled it"
		fi
		nap
	done
	report ok started
}

status() {
	if ours; then
		report running -
	elif job_state; then
		say pending "$job" "$(echo "$jstate" | tr "A-Z" "a-z")" "$reason"
	else
		say stopped
	fi
}

# scancel of exactly our job: never the user's other jobs.
stop() {
	lock
	if ! job_state; then
		rm -rf "$rt" "$base.job" "$base.token"
		say stopped none
		exit 0
	fi
	scancel "$job" 2>/dev/null || fail "scancel $job failed"
	rm -rf "$rt" "$base.job" "$base.token"
	say stopped "$job"
}

log() {
	[ -r "$base.log" ] || {
		echo "jupyssh: no notebook log for port $JS_PORT on the remote" >&2
		exit 1
	}
	[ "$JS_FOLLOW" = yes ] && exec tail -n 40 -f "$base.log"
	exec cat "$base.log"
}
