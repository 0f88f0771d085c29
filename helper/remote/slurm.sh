# Backend: the notebook as a SLURM batch job on a compute node, submitted
# from the login node this runs on. The job id is in $base.job; the job
# reads the token from a 0600 file, listens on a 0600 Unix socket and
# writes Jupyter's runtime files to $rt, all in the home that the nodes
# share. No port on the cluster network: the laptop reaches the socket
# over ssh to the node (helper/nodehop.c).
base=$state/slurm-$JS_PORT
rt=$base.runtime

# (jupyssh doctor's check says it in its own answer.)
[ "$JS_MODE" = check ] || command -v sbatch >/dev/null 2>&1 ||
    fail "sbatch not found on $(hostname): JupyterScheduler slurm needs a SLURM login node"

# Our jobs only: this user's, by the name we gave them.
me=$(id -un)
jobname=jupyssh-$JS_PORT

# Sets job, jstate, node and reason while our job is known to SLURM.
job_state() {
	job= jstate= node= reason=
	[ -r "$base.job" ] && read -r job < "$base.job"
	case $job in "" | *[!0-9]*) return 1 ;; esac
	# A pending job has no node: fields split at "|", not at blanks.
	line=$(squeue -h -j "$job" -u "$me" -n "$jobname" -o "%T|%N|%r" \
	    2>/dev/null | head -n 1)
	jstate=${line%%|*}
	line=${line#*|}
	node=${line%%|*}
	reason=${line#*|}
	case $jstate in
	PENDING | CONFIGURING | RUNNING) return 0 ;;
	esac
	return 1
}

# Sets info too when the job runs and its notebook listens on our socket.
ours() {
	info=
	job_state && [ "$jstate" = RUNNING ] || return 1
	for f in "$rt"/*server-*.json; do
		[ -r "$f" ] && info=$f
	done
	[ -n "$info" ] && [ -S "$base.sock" ] && [ -O "$base.sock" ]
}

# Whether our job still runs, for the lease's watcher (common.sh), asked
# each second: squeue only every 10 s, as a scheduler is not to be polled
# each second; in between, the job file that stop removes.
up() {
	u_t=$((${u_t:-0} + 1))
	[ "$u_t" -lt 10 ] && [ -r "$base.job" ] && return 0
	u_t=0
	job_state
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
	# Split on purpose: the elapsed time and the time left.
	# shellcheck disable=SC2046
	set -- "$1" "$2" $(squeue -h -j "$job" -o "%M %L" 2>/dev/null)
	addr=$(scontrol show node "$node" 2>/dev/null |
	    sed -n "s/.*NodeAddr=\([^ ]*\).*/\1/p" | head -n 1)
	runtime_fields
	case $node in "" | *[!A-Za-z0-9._-]*) fail "job $job: no valid node name" ;; esac
	[ "$j_sock" = "$base.sock" ] ||
	    fail "job $job: the notebook did not make its socket $base.sock"
	result "$1" 0 "$j_token" "$job" "$2" "$(seconds "${3:-0}")" \
	    "$kernels" "$j_sock" "$node" "${addr:-$node}" "${4:--}" "$j_dir"
}

# The batch script: the common functions, the settings (the login node's
# state folder among them), then the notebook on a 0600 socket in our
# 0700 folder. The token is read from a 0600 file, in no argument and not
# in the kernels' environment.
job_script() {
	printf "#!/bin/sh\n"
	for v in JS_DIR JS_ENV JS_CMD JS_PORT JS_TIMEOUT JS_STATE JS_MODULES \
	    JS_IDLE_TIMEOUT; do
		eval "val=\$$v"
		printf "%s='%s'\n" "$v" "$(printf "%s" "$val" | sed "s/'/'\\\\''/g")"
	done
	printf "%s\n" "$JS_COMMON"
	cat <<'EOJ'
prepare
eval "set -- $JS_CMD"
rm -f "$state/slurm-$JS_PORT.sock"
unset JUPYTER_TOKEN
export JUPYTER_TOKEN_FILE="$state/slurm-$JS_PORT.token" \
    JUPYTER_RUNTIME_DIR="$state/slurm-$JS_PORT.runtime"
set -- "$@" --no-browser --sock="$state/slurm-$JS_PORT.sock" --sock-mode=0600
# Who the notebook is, on its node: the root of the tree whose listeners
# JupyterForwardPorts auto forwards (ports.sh). exec keeps the pid.
pidf=$state/slurm-$JS_PORT.pid
idle_on || { record_process $$ "$pidf"; exec "$@"; }
# JupyterIdleTimeout: the watcher ends the notebook, and so the job.
cull_options
# shellcheck disable=SC2086
"$@" $cull &
nb=$!
record_process "$nb" "$pidf"
idle_watch "$nb" "$JUPYTER_RUNTIME_DIR" "$state/slurm-$JS_PORT.log" \
    "$state/slurm-$JS_PORT.ended" kill -TERM "$nb"
wait "$nb"
EOJ
}

start() {
	lock
	if ours; then
		lease
		report ok reused
		exit 0
	fi
	if ! job_state; then
		# How the last job ended, if its watcher ended it: said once.
		ended "$base.ended"
		rm -rf "$rt" "$base.job" "$base.ended" "$base.pid"
		mkdir -p "$rt" || fail "cannot create $rt"
		printf "%s" "$JS_TOKEN" > "$base.token"
		job_script > "$base.sbatch"
		# Its words apart from the id: a warning must not hide the job.
		out=$(sbatch --parsable --job-name="$jobname" \
		    --output="$base.log" $JS_SLURM_OPTS "$base.sbatch" \
		    2> "$base.sbatch.err") ||
		    fail "sbatch refused the job: $(lastlines "$base.sbatch.err")"
		job=$(printf "%s\n" "$out" | sed -n "s/^\([0-9][0-9]*\)\(;.*\)\{0,1\}$/\1/p" |
		    tail -n 1)
		case $job in
		"" | *[!0-9]*)
			scancel -u "$me" -n "$jobname" 2>/dev/null
			fail "sbatch gave no job id: $(lastlines "$base.sbatch.err")"
			;;
		esac
		echo "$job" > "$base.job"
		progress "job $job submitted"
	fi
	said= waited=0
	while ! ours; do
		if ! job_state; then
			# The job's own error (a module, the env), else its log.
			why=$(sed -n "s/^jupyssh-result error //p" "$base.log" 2>/dev/null |
			    tail -n 1)
			fail "job $job ended before the notebook answered: ${why:-$(lastlines "$base.log")}"
		fi
		# A name from squeue goes into messages: only a name.
		case $node in *[!A-Za-z0-9._-]*) node=\? ;; esac
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
			scancel -u "$me" -n "$jobname" "$job" 2>/dev/null
			rm -f "$base.job"
			fail "job $job not ready after ${JS_TIMEOUT}s" \
			    "($(echo "$jstate" | tr "A-Z" "a-z"), $reason);" \
			    "cancelled it"
		fi
		nap
	done
	rm -f "$base.token"
	lease
	report ok started
}

status() {
	if ours; then
		report running -
	elif job_state; then
		result pending "$job" "$(echo "$jstate" | tr "A-Z" "a-z")" "$reason"
	else
		ended "$base.ended"
		result stopped
	fi
}

# scancel of exactly our job: never the user's other jobs.
stop() {
	lock
	if ! job_state; then
		rm -rf "$rt" "$base.job" "$base.token" "$base.sock" "$base.pid"
		result stopped none
		exit 0
	fi
	scancel -u "$me" -n "$jobname" "$job" 2>/dev/null ||
	    fail "scancel $job failed"
	rm -rf "$rt" "$base.job" "$base.token" "$base.sbatch.err" "$base.sock" \
	    "$base.leases" "$base.pid"
	result stopped "$job"
}

log() {
	[ -r "$base.log" ] || {
		echo "jupyssh: no notebook log for port $JS_PORT on the remote" >&2
		exit 1
	}
	[ "$JS_FOLLOW" = yes ] && exec tail -n 40 -f "$base.log"
	exec cat "$base.log"
}

# jupyssh doctor: the folder, the env and Jupyter as the login node sees
# them (inspect), and whether SLURM answers: sbatch, squeue, scontrol and
# scancel there, and squeue able to list our jobs. No job is submitted.
check() {
	inspect
	sched=ok
	for c in sbatch squeue scontrol scancel; do
		command -v "$c" >/dev/null 2>&1 && continue
		sched=missing
		[ -n "$c_why" ] || c_why="$c not found on $(hostname)"
		break
	done
	if [ "$sched" = ok ]; then
		bound=
		command -v timeout >/dev/null 2>&1 && bound="timeout 30"
		if ! out=$($bound squeue -h -u "$me" -o %i 2>&1 < /dev/null); then
			sched=failed
			[ -n "$c_why" ] || c_why="squeue does not answer: $(printf "%s\n" "$out" | tail -n 1)"
		fi
	fi
	result checked "$c_folder" "$c_env" "$c_cmd" "$c_version" socket 0 \
	    "$sched" "$c_why"
}
