# Shared by every backend, and copied into SLURM batch jobs: messages,
# paths, process checks, the lock, and activating the environment asked for.
# No single quotes in this file: remote.c passes it in a quoted variable.

# The one result line, KIND and its fields, as PROTOCOL.md writes them.
result() { printf "jupyssh-result %s\n" "$*"; }
fail() { result error "$*"; exit 1; }
# A line the user sees while we wait (a queued job, say).
progress() { printf "jupyssh-progress %s\n" "$*"; }

# "~" means the remote home in directory and env paths.
expand() {
	case $1 in
	"~") printf "%s" "$HOME" ;;
	\~/*) printf "%s/%s" "$HOME" "${1#"~/"}" ;;
	*) printf "%s" "$1" ;;
	esac
}

nap() { sleep 0.1 2>/dev/null || sleep 1; }

# The last two non-blank lines of a log, as one line.
lastlines() {
	grep -v "^[[:space:]]*$" "$1" 2>/dev/null | tail -n 2 | tr "\n" " " |
	    sed "s/ *$//"
}

# kill -0 also succeeds for a zombie: a process that died but was not
# reaped yet is not alive.
alive() {
	kill -0 "$1" 2>/dev/null || return 1
	stat=
	[ -r "/proc/$1/stat" ] && read -r stat < "/proc/$1/stat" 2>/dev/null
	case ${stat##*) } in
	Z* | X*) return 1 ;;
	esac
	return 0
}

# Who process $1 is, beyond its pid (which the system reuses): its start
# time in clock ticks (field 22 of /proc/PID/stat), its process group, and
# this boot. In $start, $pgid and $boot; "-" where the system has no /proc.
identity() {
	start=- pgid=- boot=-
	[ -r /proc/sys/kernel/random/boot_id ] &&
	    read -r boot < /proc/sys/kernel/random/boot_id
	read -r stat < "/proc/$1/stat" 2>/dev/null || return 0
	# After "(comm) ": field 3 is the first word, so 5 is $3, 22 is $20.
	set -- ${stat##*) }
	pgid=$3
	eval "start=\${20}"
}

# Is process $1 the one recorded in pid file $2 ("PID START BOOT")?
same_process() {
	read -r rpid rstart rboot < "$2" 2>/dev/null || return 1
	[ "$rpid" = "$1" ] || return 1
	identity "$1"
	[ "$rstart" = "$start" ] && [ "$rboot" = "$boot" ]
}

record_process() {
	identity "$1"
	echo "$1 $start $boot" > "$2"
}

# The fields we need of the Jupyter runtime file $info (indented JSON, one
# field a line), in j_port, j_token, j_sock and j_dir: read by the shell,
# no process started, as this runs on every login.
runtime_fields() {
	j_port= j_token= j_sock= j_dir=
	while IFS= read -r line; do
		v=${line#*\": }
		v=${v%,}
		v=${v#\"}
		v=${v%\"}
		case $line in
		*\"port\":*) j_port=$v ;;
		*\"token\":*) j_token=$v ;;
		*\"sock\":*) j_sock=$v ;;
		*\"notebook_dir\":* | *\"root_dir\":*) j_dir=$v ;;
		esac
	done < "$info"
}

# Two starts for one notebook must never start two.
lock() {
	tries=0
	while ! mkdir "$base.lock" 2>/dev/null; do
		holder=
		[ -r "$base.lock/pid" ] && read -r holder < "$base.lock/pid"
		if [ -n "$holder" ] && ! alive "$holder"; then
			rm -rf "$base.lock"
			continue
		fi
		tries=$((tries + 1))
		[ "$tries" -gt $((JS_TIMEOUT * 10 + 100)) ] &&
		    fail "another start still holds $base.lock"
		nap
	done
	echo $$ > "$base.lock/pid"
	trap "rm -rf \"\$base.lock\"" EXIT
	trap "exit 1" HUP INT TERM
}

# Into the folder, the environment activated, the command found. The
# caller then runs: eval "set -- $JS_CMD".
prepare() {
	dir=$(expand "${JS_DIR:-~}")
	cd "$dir" 2>/dev/null || fail "cannot enter $JS_DIR on the remote"
	load_modules
	activate
	PATH=$PATH:$HOME/.local/bin
	eval "set -- $JS_CMD"
	command -v "$1" >/dev/null 2>&1 ||
	    fail "$1 not found${JS_ENV:+ after activating $JS_ENV}"
}

activate() {
	case $JS_ENV in
	"") ;;
	conda:*)
		name=${JS_ENV#conda:}
		if ! command -v conda >/dev/null 2>&1; then
			for c in "$HOME"/miniconda3 "$HOME"/anaconda3 \
			    "$HOME"/miniforge3 "$HOME"/mambaforge /opt/conda; do
				if [ -r "$c/etc/profile.d/conda.sh" ]; then
					. "$c/etc/profile.d/conda.sh"
					break
				fi
			done
		fi
		command -v conda >/dev/null 2>&1 ||
		    fail "conda not found for JupyterEnv $JS_ENV"
		eval "$(conda shell.posix hook 2>/dev/null)" 2>/dev/null
		conda activate "$name" >/dev/null 2>&1 ||
		    fail "conda environment $name not found"
		;;
	*)
		envdir=$(expand "$JS_ENV")
		[ -r "$envdir/bin/activate" ] ||
		    fail "no virtualenv at $JS_ENV ($envdir/bin/activate missing)"
		. "$envdir/bin/activate" >/dev/null 2>&1 ||
		    fail "activating $JS_ENV failed"
		;;
	esac
}

# The processes whose parent is $1.
children_of() {
	ps -A -o pid= -o ppid= 2>/dev/null | awk -v p="$1" '$2 == p { print $1 }'
}

# JupyterStopOnExit: a lease per ssh connection that wants the notebook to
# end with it. Our parent is that connection's sshd process (ssh ran
# "exec /bin/sh -s"); a watcher stops the notebook once all are gone. A
# connection with a session of its own beside this script (a login shell,
# a command) holds it while a session runs there: what else the
# connection carries (the hop to a job's node, a browser's) can keep it
# open after the shell has ended, and would keep the notebook for ever.
# One with none (ssh -N) holds it while it is up. The backend's up says
# whether the notebook still runs.
lease() {
	[ "$JS_STOP_ON_EXIT" = yes ] || return 0
	mkdir -p "$base.leases" || return 0
	if children_of "$PPID" | grep -qvx "$$"; then
		echo session
	fi > "$base.leases/$PPID"
	w=
	[ -r "$base.watch" ] && read -r w < "$base.watch"
	[ -n "$w" ] && alive "$w" && return 0
	(
		trap "" HUP
		while sleep 1; do
			up || break
			n=0
			for l in "$base.leases"/*; do
				[ -e "$l" ] || continue
				if alive "${l##*/}" && { [ ! -s "$l" ] ||
				    [ -n "$(children_of "${l##*/}")" ]; }; then
					n=$((n + 1))
				else
					rm -f "$l"
				fi
			done
			if [ "$n" -eq 0 ]; then
				(stop) > /dev/null
				break
			fi
		done
		rm -rf "$base.watch" "$base.leases"
	) < /dev/null > /dev/null 2>&1 &
	echo $! > "$base.watch"
}

# For "check" (jupyssh doctor): what prepare finds, said rather than
# failed, and nothing run but Jupyter asked its version. In c_folder (ok,
# missing), c_env (ok, none, failed), c_cmd (ok, missing, failed),
# c_version, and c_why for the first that is not ok; "-" where not reached.
inspect() {
	c_folder=- c_env=- c_cmd=- c_version=- c_why=
	dir=$(expand "${JS_DIR:-~}")
	if ! cd "$dir" 2>/dev/null; then
		c_folder=missing c_why="cannot enter ${JS_DIR:-~} on the remote"
		return 1
	fi
	c_folder=ok c_env=none
	# The modules first, as prepare loads them; a failure is the env's.
	if [ -n "${JS_MODULES:-}" ]; then
		if ! out=$( (load_modules) 2>/dev/null); then
			c_env=failed c_why=${out##*jupyssh-result error }
			return 1
		fi
		load_modules
		c_env=ok
	fi
	if [ -n "$JS_ENV" ]; then
		# Tried in a subshell first: its fail ends only that.
		if ! out=$( (activate) 2>/dev/null); then
			c_env=failed c_why=${out##*jupyssh-result error }
			return 1
		fi
		activate
		c_env=ok
	fi
	PATH=$PATH:$HOME/.local/bin
	eval "set -- $JS_CMD"
	if ! command -v "$1" >/dev/null 2>&1; then
		c_cmd=missing
		c_why="$1 not found${JS_ENV:+ after activating $JS_ENV}"
		return 1
	fi
	c_cmd=ok
	# Only Jupyter is asked: another command given --version might start
	# whatever it starts.
	case ${1##*/} in
	jupyter) case ${2:-} in "" | -*) return 0 ;; esac; set -- "$1" "$2" ;;
	jupyter-*) set -- "$1" ;;
	*) return 0 ;;
	esac
	bound=
	command -v timeout >/dev/null 2>&1 && bound="timeout 30"
	if ! out=$($bound "$@" --version 2>&1 < /dev/null); then
		c_cmd=failed
		c_why="$* --version failed: $(printf "%s\n" "$out" | tail -n 1)"
		return 1
	fi
	c_version=$(printf "%s\n" "$out" | tail -n 1 | tr -cd "A-Za-z0-9._+-")
	[ -n "$c_version" ] || c_version=unknown
	return 0
}

# Our state: $XDG_STATE_HOME if it is absolute, else ~/.local/state, and
# in it a folder for this machine, as homes are often shared (NFS) by hosts
# that must not act on each other's notebooks. A batch job is given the
# login node's in JS_STATE.
umask 077
if [ -z "${JS_STATE:-}" ]; then
	case ${XDG_STATE_HOME:-} in
	/*) state=$XDG_STATE_HOME/jupyssh ;;
	*) state=$HOME/.local/state/jupyssh ;;
	esac
	node=
	read -r node < /proc/sys/kernel/hostname 2>/dev/null ||
	    node=$(uname -n 2>/dev/null)
	case $node in
	"" | .* | *[!A-Za-z0-9._-]*) node=host ;;
	esac
	mkdir -p "$state" && chmod 700 "$state" || fail "cannot create $state"
	JS_STATE=$state/$node
fi
state=$JS_STATE
mkdir -p "$state" && chmod 700 "$state" || fail "cannot create $state"
