# Backend: the notebook as a process on the host we reach with ssh.
base=$state/nb-$JS_PORT
rt=$base.runtime

# Sets pid and info when our notebook for this port is alive and is the
# process we started: the pid file, the runtime file Jupyter wrote for that
# very pid in our private runtime folder, and its command line agree.
ours() {
	pid= info=
	[ -r "$base.pid" ] || return 1
	read -r pid < "$base.pid" || return 1
	case $pid in "" | *[!0-9]*) return 1 ;; esac
	alive "$pid" || return 1
	for f in "$rt"/*server-"$pid".json; do
		[ -r "$f" ] && info=$f
	done
	[ -n "$info" ] || return 1
	if [ -r "/proc/$pid/cmdline" ]; then
		grep -aq jupyter "/proc/$pid/cmdline" || return 1
	fi
	return 0
}

# The one result line for a running notebook:
#   KIND PORT TOKEN PID HOW UPTIME KERNELS SOCKET NODE ADDR LEFT FOLDER
# PORT is the port Jupyter bound (0 on a socket), SOCKET "-" on a port,
# NODE "-" and ADDR 127.0.0.1 here, LEFT (time left) "-", FOLDER last as it
# may hold blanks.
report() {
	up=-
	# Start time: field 22 of /proc/PID/stat, in clock ticks (100 a
	# second for user space on Linux).
	if read -r stat < "/proc/$pid/stat" 2>/dev/null &&
	    read -r now _ < /proc/uptime 2>/dev/null; then
		set -- "$1" "$2" ${stat##*) }
		eval "started=\${$((20 + 2))}"
		up=$((${now%.*} - started / 100))
	fi
	kernels=0
	for k in "$rt"/kernel-*.json; do
		[ -e "$k" ] && kernels=$((kernels + 1))
	done
	runtime_fields
	say "$1" "$j_port" "$j_token" "$pid" "$2" "$up" "$kernels" \
	    "${j_sock:--}" - 127.0.0.1 - "$j_dir"
}

# JupyterStopOnExit: a lease per ssh connection that wants the notebook to
# end with it. Our parent is that connection's sshd process (ssh ran
# "exec /bin/sh -s"); a watcher stops the notebook once all are gone.
lease() {
	[ "$JS_STOP_ON_EXIT" = yes ] || return 0
	mkdir -p "$base.leases" && : > "$base.leases/$PPID"
	w=
	[ -r "$base.watch" ] && read -r w < "$base.watch"
	[ -n "$w" ] && alive "$w" && return 0
	(
		trap '' HUP
		while sleep 1; do
			alive "$pid" || break
			n=0
			for l in "$base.leases"/*; do
				[ -e "$l" ] || continue
				if alive "${l##*/}"; then
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

start() {
	lock
	if ours; then
		lease
		report ok reused
		exit 0
	fi
	rm -rf "$rt" "$base.pid" "$base.sock" "$base.leases"
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
	export JUPYTER_RUNTIME_DIR="$rt" JUPYTER_TOKEN="$JS_TOKEN"
	# Its own session: the notebook outlives this login.
	detach=
	command -v setsid >/dev/null 2>&1 && detach=setsid
	$detach "$@" --no-browser < /dev/null > "$base.log" 2>&1 &
	pid=$!
	unset JUPYTER_TOKEN
	echo "$pid" > "$base.pid"
	waited=0
	while :; do
		if ours; then
			lease
			report ok started
			exit 0
		fi
		if ! alive "$pid"; then
			rm -f "$base.pid"
			fail "notebook exited at start: $(lastlines "$base.log")"
		fi
		waited=$((waited + 1))
		if [ "$waited" -gt $((JS_TIMEOUT * 10)) ]; then
			kill "$pid" 2>/dev/null
			rm -f "$base.pid"
			fail "notebook not ready after ${JS_TIMEOUT}s: $(lastlines "$base.log")"
		fi
		nap
	done
}

status() {
	if ours; then
		report running -
	else
		say stopped
	fi
}

stop() {
	lock
	if ! ours; then
		rm -rf "$rt" "$base.pid" "$base.sock"
		say stopped none
		exit 0
	fi
	kill -TERM "$pid" 2>/dev/null
	n=0
	while alive "$pid" && [ "$n" -lt 100 ]; do
		n=$((n + 1))
		nap
	done
	kill -KILL "$pid" 2>/dev/null
	# Kernels it left: its own process group (setsid made it the leader).
	kill -KILL -- "-$pid" 2>/dev/null
	rm -rf "$rt" "$base.pid" "$base.sock"
	say stopped "$pid"
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
