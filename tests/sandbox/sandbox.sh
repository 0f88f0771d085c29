#!/bin/bash
# Sandbox for jupyssh end-to-end tests: a "laptop" user on this host and a
# "remote" host (sshd in its own network namespace) reached only through ssh
# over a Unix socket.  Must run as root.
#
#   tests/sandbox/sandbox.sh up      # (re)create everything; down first
#   tests/sandbox/sandbox.sh down    # remove everything; fine if half-built
#   tests/sandbox/sandbox.sh status  # print what exists; exit 0 iff fully up
#
# Silent on success; errors go to stderr as "sandbox: reason", exit 1.

ROOT=/tmp/jupyssh-sandbox
NETNS=jupyssh-remote
LAPTOP_USER=jslaptop
REMOTE_USER=jsgpu
OTHER_USER=jsother
USERS="$LAPTOP_USER $REMOTE_USER $OTHER_USER"
LAPTOP_HOME=/home/$LAPTOP_USER
REMOTE_HOME=/home/$REMOTE_USER
OTHER_HOME=/home/$OTHER_USER
SOCK=$ROOT/remote.sock
OTHER_KEY=$ROOT/keys/jsother_ed25519
REMOTE_PASSWORD=sandbox-only-pw
KNOWN_HOSTS=$ROOT/known_hosts

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
umask 022

ME=sandbox
. "$(dirname "$0")/lib.sh"

sshd_listening() {
	ip netns exec "$NETNS" ss -Hltn 'sport = :22' 2>/dev/null | grep -q .
}

# Succeed if user $1 has no live process; else SIGKILL them all and fail.
kill_user_procs() {
	[ -z "$(live_procs_of "$1")" ] && return 0
	pkill -KILL -u "$1" 2>/dev/null
	return 1
}

do_down() {
	local pid u

	# Daemons first, so they cannot spawn new user sessions meanwhile.
	pid=$(live_pid "$ROOT/sshd/sshd.pid" "$ROOT/sshd/sshd_config") && kill -KILL "$pid" 2>/dev/null
	pid=$(live_pid "$ROOT/socat.pid" "UNIX-LISTEN:$ROOT") && kill -KILL "$pid" 2>/dev/null
	# Pidfiles may be gone after a crash: match our exact command lines
	# (sshd rewrites its title to "sshd: /usr/sbin/sshd -f ...").
	pkill -KILL -f "sshd -f $ROOT/sshd/sshd_config" 2>/dev/null
	pkill -KILL -f "^socat UNIX-LISTEN:$ROOT" 2>/dev/null
	# Anything else still inside the namespace (sessions, notebooks...).
	if netns_exists "$NETNS"; then
		for pid in $(ip netns pids "$NETNS" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
	fi

	for u in $USERS; do
		user_exists "$u" || continue
		# A dying process may have forked meanwhile: repeat, bounded 5 s.
		wait_for 50 kill_user_procs "$u" ||
			fatal "processes of $u survive SIGKILL: $(live_procs_of "$u" | tr "\n" " ")"
	done

	if netns_exists "$NETNS"; then
		try "ip netns del $NETNS" ip netns del "$NETNS"
	fi

	for u in $USERS; do
		remove_user "$u"
	done

	rm -rf "$ROOT" || fatal "cannot remove $ROOT"
}

make_user() {
	local u=$1
	try "useradd $u" useradd -m -s /bin/bash "$u"
	# '*' = no password, but not locked ('!'), so sshd lets keys in.
	try "usermod -p $u" usermod -p '*' "$u"
	chmod 0700 "/home/$u"
	if [ "$u" = "$REMOTE_USER" ]; then
		echo "$u:$REMOTE_PASSWORD" | chpasswd ||
			fatal "cannot set the password of $u"
	fi
}

# authorize USER PUBKEYFILE: install it as ~USER/.ssh/authorized_keys
# with owners and modes that pass sshd's StrictModes.
authorize() {
	local u=$1 d=/home/$1/.ssh
	install -d -m 0700 -o "$u" -g "$u" "$d" || fatal "cannot create $d"
	install -m 0600 -o "$u" -g "$u" "$2" "$d/authorized_keys" ||
		fatal "cannot write $d/authorized_keys"
}

do_up() {
	local pid

	[ "$(id -u)" = 0 ] || fatal "must run as root"
	for c in sshd ssh-keygen socat ip ss useradd; do
		command -v "$c" >/dev/null || fatal "missing command: $c"
	done
	[ -x /usr/bin/python3 ] || fatal "missing /usr/bin/python3"

	do_down

	install -d -m 0755 "$ROOT" "$ROOT/sshd" || fatal "cannot create $ROOT"
	install -d -m 0700 "$ROOT/keys" || fatal "cannot create $ROOT/keys"

	for u in $USERS; do
		make_user "$u"
	done

	# The remote host: a namespace whose only way in is the Unix socket.
	try "ip netns add $NETNS" ip netns add "$NETNS"
	try "bringing up lo in $NETNS" ip netns exec "$NETNS" ip link set lo up

	try "ssh-keygen (host key)" ssh-keygen -q -t ed25519 -N '' \
		-C jupyssh-sandbox-host -f "$ROOT/sshd/ssh_host_ed25519_key"
	cat >"$ROOT/sshd/sshd_config" <<EOF
ListenAddress 127.0.0.1:22
HostKey $ROOT/sshd/ssh_host_ed25519_key
PidFile $ROOT/sshd/sshd.pid
UsePAM no
# Keys everywhere, and a password for the remote user: the tests prove
# that a login that asks for it asks once.
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AllowStreamLocalForwarding yes
AllowTcpForwarding yes
StrictModes yes
MaxSessions 50
MaxStartups 50:30:100
LogLevel VERBOSE
# So scp/sftp work too.
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
	install -d -m 0755 /run/sshd || fatal "cannot create /run/sshd"
	try "sshd -t (config check)" /usr/sbin/sshd -t -f "$ROOT/sshd/sshd_config"
	try "starting sshd in $NETNS" ip netns exec "$NETNS" \
		/usr/sbin/sshd -f "$ROOT/sshd/sshd_config" -E "$ROOT/sshd/sshd.log"
	wait_for 50 sshd_listening ||
		fatal "sshd not listening after 5 s: $(tail -n 1 "$ROOT/sshd/sshd.log" 2>/dev/null)"

	# The bridge from the Unix socket into the namespace's port 22.
	ip netns exec "$NETNS" socat "UNIX-LISTEN:$SOCK,fork,mode=0666" \
		TCP:127.0.0.1:22 </dev/null >/dev/null 2>"$ROOT/socat.log" &
	echo $! >"$ROOT/socat.pid"
	wait_for 50 test -S "$SOCK" ||
		fatal "socat socket $SOCK not there after 5 s: $(tail -n 1 "$ROOT/socat.log")"

	# Laptop side: key, known_hosts entry for "gpu-box", ssh config.
	local ssh_dir=$LAPTOP_HOME/.ssh
	install -d -m 0700 -o "$LAPTOP_USER" -g "$LAPTOP_USER" "$ssh_dir" ||
		fatal "cannot create $ssh_dir"
	try "ssh-keygen (laptop key)" runuser -u "$LAPTOP_USER" -- \
		ssh-keygen -q -t ed25519 -N '' -C "$LAPTOP_USER@laptop" -f "$ssh_dir/id_ed25519"
	echo "gpu-box $(cut -d' ' -f1,2 "$ROOT/sshd/ssh_host_ed25519_key.pub")" >"$KNOWN_HOSTS"
	install -m 0644 -o "$LAPTOP_USER" -g "$LAPTOP_USER" "$KNOWN_HOSTS" "$ssh_dir/known_hosts" ||
		fatal "cannot write $ssh_dir/known_hosts"
	cat >"$ssh_dir/config" <<EOF
Host gpu-box
    HostName gpu-box
    HostKeyAlias gpu-box
    User $REMOTE_USER
    ProxyCommand socat - UNIX-CONNECT:$SOCK
    IdentityFile ~/.ssh/id_ed25519
    IdentitiesOnly yes
    StrictHostKeyChecking yes
    BatchMode yes
EOF
	chown "$LAPTOP_USER:$LAPTOP_USER" "$ssh_dir/config"
	chmod 0600 "$ssh_dir/config"
	# Tests change the config and put this one back.
	install -m 0644 "$ssh_dir/config" "$ROOT/ssh_config.orig"

	# Remote side: the laptop key opens jsgpu; jsother has its own key
	# (root-only) so tests can act as a second, unrelated remote user.
	authorize "$REMOTE_USER" "$ssh_dir/id_ed25519.pub"
	try "ssh-keygen (jsother key)" ssh-keygen -q -t ed25519 -N '' \
		-C "$OTHER_USER@sandbox" -f "$OTHER_KEY"
	authorize "$OTHER_USER" "$OTHER_KEY.pub"

	# The remote project: a file and a venv that sees Debian's jupyter.
	install -d -m 0755 -o "$REMOTE_USER" -g "$REMOTE_USER" "$REMOTE_HOME/project" ||
		fatal "cannot create $REMOTE_HOME/project"
	echo "hello from gpu-box" >"$REMOTE_HOME/project/hello.txt"
	chown "$REMOTE_USER:$REMOTE_USER" "$REMOTE_HOME/project/hello.txt"
	# cd / : python must not start in root's unreadable cwd.
	try "creating venv" sh -c "cd / && runuser -u $REMOTE_USER -- \
		/usr/bin/python3 -m venv --system-site-packages $REMOTE_HOME/project/venv"

	cat >"$ROOT/env" <<EOF
ROOT=$ROOT
NETNS=$NETNS
LAPTOP_USER=$LAPTOP_USER
REMOTE_USER=$REMOTE_USER
OTHER_USER=$OTHER_USER
LAPTOP_HOME=$LAPTOP_HOME
REMOTE_HOME=$REMOTE_HOME
OTHER_HOME=$OTHER_HOME
SOCK=$SOCK
OTHER_KEY=$OTHER_KEY
KNOWN_HOSTS=$KNOWN_HOSTS
REMOTE_PASSWORD=$REMOTE_PASSWORD
EOF
	chmod 0644 "$ROOT/env"
}

do_status() {
	local ok=0 bad=0 pid u

	for u in $USERS; do
		if user_exists "$u"; then
			report OK "user $u: uid $(id -u "$u"), $(live_procs_of "$u" | wc -l) processes"
		else
			report BAD "user $u: absent"
		fi
	done
	if netns_exists "$NETNS"; then
		report OK "netns $NETNS: present"
	else
		report BAD "netns $NETNS: absent"
	fi
	report_daemon "sshd" "$ROOT/sshd/sshd.pid" "$ROOT/sshd/sshd_config"
	report_daemon "socat" "$ROOT/socat.pid" "UNIX-LISTEN:$ROOT"
	report_socket "$SOCK"
	if [ -d "$ROOT" ]; then
		report OK "root $ROOT: present"
	else
		report BAD "root $ROOT: absent"
	fi
	# up writes env last: its absence means up did not finish.
	if [ -f "$ROOT/env" ]; then
		report OK "env $ROOT/env: present"
	else
		report BAD "env $ROOT/env: absent"
	fi
	verdict
}

case ${1-} in
up)	do_up ;;
down)	[ "$(id -u)" = 0 ] || fatal "must run as root"; do_down ;;
status)	do_status ;;
*)	echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
