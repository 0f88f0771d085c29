# Backend: the notebook as a process on the host we reach with ssh.
base=$state/nb-$JS_PORT
rt=$base.runtime

# Sets pid and info when our notebook for this port is alive and is the
# process we started: the pid file names it with its start time and this
# boot (a reused pid is someone else), Jupyter wrote a runtime file for
# that very pid in our private runtime folder, and its command line agrees.
ours() {
	pid= info=
	[ -r "$base.pid" ] || return 1
	read -r pid _ < "$base.pid" || return 1
	case $pid in "" | *[!0-9]*) return 1 ;; esac
	alive "$pid" && same_process "$pid" "$base.pid" || return 1
	for f in "$rt"/*server-"$pid".json; do
		[ -r "$f" ] && info=$f
	done
	[ -n "$info" ] || return 1
	if [ -r "/proc/$pid/cmdline" ]; then
		grep -aq jupyter "/proc/$pid/cmdline" || return 1
	fi
	return 0
}

# Is 127.0.0.1:$1 listened on by process $2? Loopback is shared by every
# user of this machine: what answers there may be anyone's. The socket's
# row in /proc/net/tcp must carry our uid, and its inode must be one of
# the process's descriptors.
holds_port() {
	[ -r /proc/net/tcp ] || return 1
	want=$(printf "0100007F:%04X" "$1")
	uid=$(id -u) inode=
	while read -r _ laddr _ st _ _ _ luid _ linode _; do
		[ "$laddr" = "$want" ] && [ "$st" = 0A ] || continue
		[ "$luid" = "$uid" ] && inode=$linode
		break
	done < /proc/net/tcp
	[ -n "$inode" ] || return 1
	# The links' targets are what we compare, in one process (readlink
	# per descriptor would be dozens).
	# shellcheck disable=SC2010
	ls -l "/proc/$2/fd" 2>/dev/null | grep -q "socket:\[$inode\]"
}

# The notebook's endpoint, proven ours: its socket in our 0700 folder, or
# the port its runtime file names, held by its own process.
proven() {
	if [ "$JS_SOCKET" = yes ]; then
		[ "$j_sock" = "$base.sock" ] && [ -S "$j_sock" ] &&
		    [ -O "$j_sock" ] && return 0
		fail "the notebook did not make its socket $base.sock"
	fi
	case $j_port in "" | *[!0-9]*) fail "no port in the notebook's runtime file" ;; esac
	holds_port "$j_port" "$pid" && return 0
	[ -r /proc/net/tcp ] ||
	    fail "cannot prove that port $j_port is our notebook (no /proc/net/tcp here): set JupyterSocket yes"
	fail "127.0.0.1:$j_port is not held by our notebook (pid $pid)"
}

# The result for a running notebook (PROTOCOL.md): $1 the kind, $2 how.
report() {
	up=-
	identity "$pid"
	if [ "$start" != - ] && read -r now _ < /proc/uptime 2>/dev/null; then
		# Clock ticks: 100 a second for user space on Linux.
		up=$((${now%.*} - start / 100))
	fi
	kernels=0
	for k in "$rt"/kernel-*.json; do
		[ -e "$k" ] && kernels=$((kernels + 1))
	done
	runtime_fields
	proven
	result "$1" "${j_port:-0}" "$j_token" "$pid" "$2" "$up" "$kernels" \
	    "${j_sock:--}" - 127.0.0.1 - "$j_dir"
}

# Whether the notebook still runs, for the lease's watcher (common.sh).
up() { alive "$pid"; }

# JupyterIdleTimeout's watcher (idle.sh) for the notebook just started.
idle_start() {
	idle_on || return 0
	(
		trap "" HUP
		idle_watch "$pid" "$rt" "$base.log" "$base.ended" quiet_stop
	) < /dev/null > /dev/null 2>&1 &
}
quiet_stop() { (stop) > /dev/null; }

start() {
	lock
	if ours; then
		lease
		report ok reused
		exit 0
	fi
	# How the last one ended, if a watcher ended it: said, then forgotten.
	ended "$base.ended"
	rm -rf "$rt" "$base.pid" "$base.sock" "$base.leases" "$base.token" \
	    "$base.ended"
	prepare
	eval "set -- $JS_CMD"
	mkdir -p "$rt" || fail "cannot create $rt"
	# A Unix socket in our 0700 folder (mode 0600): no other user can
	# reach it. Or 127.0.0.1; a busy port makes Jupyter try the next ones,
	# and its runtime file says which one it took.
	if [ "$JS_SOCKET" = yes ]; then
		set -- "$@" --sock="$base.sock" --sock-mode=0600
	else
		set -- "$@" --ip=127.0.0.1 --port="$JS_PORT" --port-retries=20
	fi
	cull_options
	# shellcheck disable=SC2086
	set -- "$@" $cull
	# The token from a 0600 file: not in an argument, and not in the
	# environment that the kernels inherit.
	printf "%s" "$JS_TOKEN" > "$base.token" || fail "cannot write $base.token"
	unset JUPYTER_TOKEN
	export JUPYTER_RUNTIME_DIR="$rt" JUPYTER_TOKEN_FILE="$base.token"
	# Its own session: the notebook outlives this login.
	detach=
	command -v setsid >/dev/null 2>&1 && detach=setsid
	$detach "$@" --no-browser < /dev/null > "$base.log" 2>&1 &
	pid=$!
	unset JUPYTER_TOKEN_FILE
	record_process "$pid" "$base.pid"
	waited=0
	while :; do
		if ours; then
			rm -f "$base.token"
			lease
			idle_start
			report ok started
			exit 0
		fi
		if ! alive "$pid"; then
			rm -f "$base.pid" "$base.token"
			fail "notebook exited at start: $(lastlines "$base.log")"
		fi
		waited=$((waited + 1))
		if [ "$waited" -gt $((JS_TIMEOUT * 10)) ]; then
			kill "$pid" 2>/dev/null
			rm -f "$base.pid" "$base.token"
			fail "notebook not ready after ${JS_TIMEOUT}s: $(lastlines "$base.log")"
		fi
		nap
	done
}

status() {
	if ours; then
		report running -
	else
		ended "$base.ended"
		result stopped
	fi
}

# Only the process we started, while it is still that process: SIGKILL
# if it outlived SIGTERM, its process group only if it leads one (setsid
# made it the leader; its kernels are in it).
stop() {
	lock
	if ! ours; then
		rm -rf "$rt" "$base.pid" "$base.sock" "$base.token"
		result stopped none
		exit 0
	fi
	identity "$pid"
	group=$pgid
	kill -TERM "$pid" 2>/dev/null
	n=0
	while alive "$pid" && [ "$n" -lt 100 ]; do
		n=$((n + 1))
		nap
	done
	alive "$pid" && same_process "$pid" "$base.pid" &&
	    kill -KILL "$pid" 2>/dev/null
	[ "$group" = "$pid" ] && kill -KILL -- "-$pid" 2>/dev/null
	rm -rf "$rt" "$base.pid" "$base.sock"
	result stopped "$pid"
}

# The notebook's log, on our stdout; -f follows it.
log() {
	[ -r "$base.log" ] || {
		echo "jupyssh: no notebook log for port $JS_PORT on the remote" >&2
		exit 1
	}
	if [ "$JS_FOLLOW" = yes ]; then
		exec tail -n 40 -f "$base.log"
	fi
	exec cat "$base.log"
}

# The ports listened on here that 127.0.0.1:PORT cannot be bound beside
# (127.0.0.1, 0.0.0.0, ::), one a line, in decimal.
busy_ports() {
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '
	function hex(s,  i, n) {
		n = 0
		for (i = 1; i <= length(s); i++)
			n = n * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1
		return n
	}
	$4 == "0A" {
		split($2, a, ":")
		if (a[1] == "0100007F" || a[1] == "00000000" ||
		    a[1] == "00000000000000000000000000000000" ||
		    a[1] == "0000000000000000FFFF00000100007F")
			print hex(a[2])
	}'
}

# jupyssh doctor: the folder, the env and Jupyter (inspect), and the port
# the notebook would listen on: ours already, the one asked for, or what
# --port-retries=20 makes Jupyter try (the next four, then random ones up
# to 42 away). Nothing is started, nothing written but the state folder.
check() {
	inspect
	port=$JS_PORT
	if [ "$JS_SOCKET" = yes ]; then
		ports=socket port=0
	elif ours; then
		runtime_fields
		ports=ours port=${j_port:-$JS_PORT}
	elif [ ! -r /proc/net/tcp ]; then
		ports=unproven
		[ -n "$c_why" ] || c_why="cannot prove a port is ours here (no /proc/net/tcp): set JupyterSocket yes"
	else
		busy=" $(busy_ports | tr "\n" " ") "
		ports=free
		case $busy in *" $JS_PORT "*) ports=full ;; esac
		if [ "$ports" = full ]; then
			for p in $(awk -v p="$JS_PORT" "BEGIN { for (i = 1; i < 5; i++) print p + i; for (i = -42; i <= 42; i++) if (p + i > 0 && p + i < 65536) print p + i }"); do
				case $busy in *" $p "*) continue ;; esac
				ports=busy port=$p
				break
			done
		fi
		[ "$ports" = full ] && [ -z "$c_why" ] &&
		    c_why="every port Jupyter would try, $((JS_PORT - 42))..$((JS_PORT + 42)), is in use"
	fi
	result checked "$c_folder" "$c_env" "$c_cmd" "$c_version" "$ports" \
	    "$port" - "$c_why"
}
