# Shared by sandbox.sh and cluster.sh: messages, quiet commands, pid files,
# namespaces, waiting. The sourcing script sets ME (its name in messages).

# The daemons started here keep nothing of the caller's open: a lock held
# around a test run would otherwise outlive the run in them. (255 is
# bash's own hold on the running script.)
for _fd in /proc/$$/fd/*; do
	_fd=${_fd##*/}
	[ "$_fd" -gt 2 ] 2>/dev/null && [ "$_fd" -lt 255 ] && eval "exec $_fd>&-"
done
unset _fd

fatal() {
	echo "$ME: $*" >&2
	exit 1
}

# Run a command quietly; on failure die with its last line of output.
try() {
	local what=$1 out
	shift
	out=$("$@" 2>&1) || fatal "$what failed: ${out##*$'\n'}"
}

user_exists() { id -u "$1" >/dev/null 2>&1; }

# Print the pid in pidfile $1 if that process is alive and its command
# line contains $2 (a stale pidfile must not make us kill a stranger).
# The redirections' errors are silenced before they happen.
live_pid() {
	local pid
	[ -r "$1" ] || return 1
	read -r pid 2>/dev/null <"$1" || return 1
	case $pid in ''|*[!0-9]*) return 1 ;; esac
	tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$2" || return 1
	echo "$pid"
}

netns_exists() { ip netns list 2>/dev/null | grep -qw "^$1"; }

# Wait up to $1 tenths of a second for the command to succeed.
wait_for() {
	local n=$1
	shift
	while ! "$@"; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# Zombies do not count: they are dead, only not reaped yet.
live_procs_of() { ps -u "$1" -o pid=,stat= 2>/dev/null | awk '$2 !~ /^Z/ { print $1 }'; }

# For status: report OK|BAD LINE counts into the caller's ok and bad;
# verdict then says up, down or partial, and succeeds only when up.
report() {
	echo "$2"
	if [ "$1" = OK ]; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
}

# A daemon's status line, by its pid file and command line.
report_daemon() {	# NAME PIDFILE MATCH
	local pid
	if pid=$(live_pid "$2" "$3"); then
		report OK "$1: running, pid $pid"
	else
		report BAD "$1: not running"
	fi
}

report_socket() {	# PATH
	if [ -S "$1" ]; then
		report OK "socket $1: present"
	else
		report BAD "socket $1: absent"
	fi
}

# Removes user $1 and what a half-deleted one leaves behind (its group,
# home or spool), which would make the next useradd fail. userdel warns
# on stderr about missing mail spools: not an error.
remove_user() {
	if user_exists "$1"; then
		userdel -r -f "$1" >/dev/null 2>&1
		user_exists "$1" && fatal "userdel $1 failed"
	fi
	if getent group "$1" >/dev/null; then
		try "groupdel $1" groupdel "$1"
	fi
	rm -rf "/home/${1:?}" "/var/mail/${1:?}"
}

verdict() {
	if [ "$bad" = 0 ]; then
		echo "state: up"
	elif [ "$ok" = 0 ]; then
		echo "state: down"
	else
		echo "state: partial"
	fi
	[ "$bad" = 0 ]
}
