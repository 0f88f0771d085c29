# Sourced by cluster.sh: the cluster's sshds, their host keys and
# known_hosts, and the keys that log in.
#
# - The login node's sshd (host "login") listens on 127.0.0.1:22 and
#   $LOGIN_ADDR:22 in the login namespace; socat bridges $LOGIN_SOCK to the
#   former, which is how the laptop reaches the cluster.
# - Each compute node's sshd (host n1 or n2) listens on the node's address
#   port 22 only, inside the node's namespace: the login node reaches it
#   over the bridge, the root namespace cannot (no route but the blackhole).
#   The laptop reaches it through its login connection (ssh -W), checking
#   its key under the node's name (HostKeyAlias n1|n2).
# All read the same authorized_keys in the shared home and allow TCP and
# stream-local forwarding.  Every file of theirs is under $ROOT/sshd/.

SSHD_DIR=$ROOT/sshd
SSHD_CONFIG=$SSHD_DIR/sshd_config
HOSTKEY=$SSHD_DIR/ssh_host_ed25519_key
HOSTKEY_PUB=$HOSTKEY.pub
HOSTKEY_ALIAS=jupyssh-cluster
OWN_KEY=$ROOT/keys/id_ed25519
KNOWN_HOSTS=$ROOT/known_hosts
# Authorised too when it exists: the main sandbox's laptop user.
LAPTOP_PUB=/home/jslaptop/.ssh/id_ed25519.pub
# In the command line of each of our sshds (sshd rewrites its title to
# "sshd: /usr/sbin/sshd -f ...", which keeps it).
SSHD_MARK="sshd -f $SSHD_DIR/"

# A node's sshd file: node_sshd n1 sshd_config|host_ed25519_key|sshd.pid|sshd.log
node_sshd() { echo "$SSHD_DIR/$1_$2"; }

node_ns() {
	case $1 in n1) echo "$NETNS_N1" ;; n2) echo "$NETNS_N2" ;; esac
}

node_addr() {
	case $1 in n1) echo "$N1_ADDR" ;; n2) echo "$N2_ADDR" ;; esac
}

# Our sshds and socat by pidfile (checked against the command line), then
# by command line, for when pidfiles are gone or a namespace was deleted
# under them.
kill_sshds() {
	local pid n
	pid=$(live_pid "$SSHD_DIR/sshd.pid" "$SSHD_CONFIG") && kill -KILL "$pid" 2>/dev/null
	for n in n1 n2; do
		pid=$(live_pid "$(node_sshd "$n" sshd.pid)" "$(node_sshd "$n" sshd_config)") &&
		    kill -KILL "$pid" 2>/dev/null
	done
	pid=$(live_pid "$ROOT/socat.pid" "UNIX-LISTEN:$ROOT/") && kill -KILL "$pid" 2>/dev/null
	pkill -KILL -f "$SSHD_MARK" 2>/dev/null
	pkill -KILL -f "^socat UNIX-LISTEN:$ROOT/" 2>/dev/null
}

# For our_daemons_alive: a pgrep -f pattern.
SSHD_PROCS="$SSHD_MARK|^socat UNIX-LISTEN:$ROOT/"

# write_sshd_config FILE HOSTKEY PIDFILE LISTEN...: the login node's and
# the compute nodes' sshds differ only in these.
write_sshd_config() {
	local file=$1 key=$2 pidfile=$3 a
	shift 3
	{
		for a in "$@"; do
			echo "ListenAddress $a"
		done
		cat <<EOF
HostKey $key
PidFile $pidfile
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AllowUsers $CLUSTER_USER
AuthorizedKeysFile .ssh/authorized_keys
# The main sandbox makes a new laptop key at each of its "up": read it at
# each login, so the cluster need not be rebuilt after that.
AuthorizedKeysCommand /bin/cat $LAPTOP_PUB
AuthorizedKeysCommandUser root
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
StrictModes yes
MaxSessions 50
MaxStartups 50:30:100
LogLevel VERBOSE
# Remote commands must find SLURM without a login shell.
SetEnv SLURM_CONF=$SLURM_CONF
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
	} >"$file" || fatal "cannot write $file"
}

# start_sshd HOST NS CONFIG LOG: sshd as host HOST (its own UTS namespace)
# in namespace NS's network; it daemonizes.
start_sshd() {
	local host=$1 ns=$2 conf=$3 log=$4
	try "sshd -t (config check, $host)" /usr/sbin/sshd -t -f "$conf"
	in_ns "$ns" unshare --uts sh -c "hostname $host && exec /usr/sbin/sshd -f $conf -E $log" \
		</dev/null >/dev/null 2>&1 ||
		fatal "sshd on $host failed: $(tail -n 1 "$log" 2>/dev/null)"
	wait_for 50 listening "$ns" 22 ||
		fatal "sshd on $host not listening after 5 s: $(tail -n 1 "$log" 2>/dev/null)"
}

# The login node's sshd with its bridge, and one sshd per compute node.
up_sshds() {
	local n

	install -d -m 0755 /run/sshd || fatal "cannot create /run/sshd"
	try "ssh-keygen (host key)" ssh-keygen -q -t ed25519 -N '' \
		-C jupyssh-cluster-host -f "$HOSTKEY"
	write_sshd_config "$SSHD_CONFIG" "$HOSTKEY" "$SSHD_DIR/sshd.pid" \
		127.0.0.1:22 "$LOGIN_ADDR:22"
	start_sshd login "$NETNS_LOGIN" "$SSHD_CONFIG" "$SSHD_DIR/sshd.log"
	ip netns exec "$NETNS_LOGIN" socat "UNIX-LISTEN:$LOGIN_SOCK,fork,mode=0666" \
		TCP:127.0.0.1:22 </dev/null >/dev/null 2>"$ROOT/socat.log" &
	echo $! >"$ROOT/socat.pid"
	wait_for 50 test -S "$LOGIN_SOCK" ||
		fatal "socat socket $LOGIN_SOCK not there after 5 s: $(tail -n 1 "$ROOT/socat.log")"

	for n in n1 n2; do
		try "ssh-keygen (host key of $n)" ssh-keygen -q -t ed25519 -N '' \
			-C "jupyssh-cluster-$n" -f "$(node_sshd "$n" host_ed25519_key)"
		write_sshd_config "$(node_sshd "$n" sshd_config)" \
			"$(node_sshd "$n" host_ed25519_key)" "$(node_sshd "$n" sshd.pid)" \
			"$(node_addr "$n"):22"
		start_sshd "$n" "$(node_ns "$n")" "$(node_sshd "$n" sshd_config)" \
			"$(node_sshd "$n" sshd.log)"
	done
}

# Keys that log in (ours, root-only, and the sandbox laptop user's if it
# has one), known_hosts and the laptop's ssh_config snippet.
up_ssh_files() {
	local laptop n

	try "ssh-keygen (own key)" ssh-keygen -q -t ed25519 -N '' \
		-C "root@jupyssh-cluster-tests" -f "$OWN_KEY"
	install -d -m 0700 -o "$CLUSTER_USER" -g "$CLUSTER_USER" "$CLUSTER_HOME/.ssh" ||
		fatal "cannot create $CLUSTER_HOME/.ssh"
	# The laptop key comes and goes with the main sandbox: take it if it
	# is there now, skip it if not.
	laptop=$(cat "$LAPTOP_PUB" 2>/dev/null)
	case $laptop in ssh-*) ;; *) laptop= ;; esac
	{
		cat "$OWN_KEY.pub" &&
		if [ -n "$laptop" ]; then echo "$laptop"; fi
	} >"$ROOT/authorized_keys" || fatal "cannot write the authorized keys"
	install -m 0600 -o "$CLUSTER_USER" -g "$CLUSTER_USER" "$ROOT/authorized_keys" \
		"$CLUSTER_HOME/.ssh/authorized_keys" ||
		fatal "cannot write $CLUSTER_HOME/.ssh/authorized_keys"
	rm -f "$ROOT/authorized_keys"

	# The login node under its alias, each compute node under its name
	# (what a laptop passes as HostKeyAlias when it goes to a node).
	{
		echo "$HOSTKEY_ALIAS $(cut -d' ' -f1,2 "$HOSTKEY_PUB")"
		for n in n1 n2; do
			echo "$n $(cut -d' ' -f1,2 "$(node_sshd "$n" host_ed25519_key).pub")"
		done
	} >"$KNOWN_HOSTS" || fatal "cannot write $KNOWN_HOSTS"
	cat >"$ROOT/ssh_config_snippet" <<EOF
Host cluster
    HostName cluster
    HostKeyAlias $HOSTKEY_ALIAS
    User $CLUSTER_USER
    ProxyCommand socat - UNIX-CONNECT:$LOGIN_SOCK
    IdentityFile ~/.ssh/id_ed25519
    IdentitiesOnly yes
    StrictHostKeyChecking yes
    BatchMode yes
EOF
}

# For do_status.
status_sshds() {
	local pid n
	report_daemon "sshd" "$SSHD_DIR/sshd.pid" "$SSHD_CONFIG"
	report_daemon "socat" "$ROOT/socat.pid" "UNIX-LISTEN:$ROOT/"
	report_socket "$LOGIN_SOCK"
	for n in n1 n2; do
		if ! pid=$(live_pid "$(node_sshd "$n" sshd.pid)" "$(node_sshd "$n" sshd_config)"); then
			report BAD "sshd $n: not running"
		elif ! listening "$(node_ns "$n")" 22; then
			report BAD "sshd $n: running, pid $pid, not listening on $(node_addr "$n"):22"
		else
			report OK "sshd $n: running, pid $pid, on $(node_addr "$n"):22"
		fi
	done
	# Host names with a key each.
	n=$(awk 'NF == 3 { printf "%s ", $1 }' "$KNOWN_HOSTS" 2>/dev/null)
	if [ "$n" = "$HOSTKEY_ALIAS n1 n2 " ]; then
		report OK "known_hosts $KNOWN_HOSTS: $n"
	else
		report BAD "known_hosts $KNOWN_HOSTS: ${n:-absent or empty}"
	fi
}
