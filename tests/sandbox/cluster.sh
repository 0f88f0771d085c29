#!/bin/bash
# A real two-node SLURM cluster for jupyssh's tests, reachable only through
# ssh to its login node.  Must run as root.  Needs Debian's slurmd,
# slurmctld, slurm-client and munge (tests/sandbox/install-deps).
#
#   tests/sandbox/cluster.sh up      # (re)create everything; down first
#   tests/sandbox/cluster.sh down    # remove everything; fine if half-built
#   tests/sandbox/cluster.sh status  # print what exists; exit 0 iff fully up
#
# Layout: network namespaces jsc-login (bridge 10.250.0.1/24, slurmctld
# as host "ctl", sshd as host "login"), jsc-n1 (10.250.0.11) and jsc-n2
# (10.250.0.12), each with a slurmd and an sshd on its address port 22
# (hosts n1, n2); one munged in the root namespace.  Partitions: debug
# (n1,n2; default) and gpu (n2).  All namespaces share the filesystem, so
# the cluster users' homes are the same on every node.  Users: jsclu, who
# logs in with ssh, and jsclu2, another user of the cluster who does not
# (tests run commands as it with runuser), to show what one user cannot
# reach of another's.
# The root namespace gets a blackhole route for 10.250.0.0/16 so that no
# packet to a node address can leave the machine; nothing here sends
# traffic from the root namespace to those addresses.
#
# The login node is reached through $ROOT/login.sock (socat into the
# login namespace's 127.0.0.1:22); $ROOT/ssh_config_snippet and
# $ROOT/known_hosts (host name "jupyssh-cluster") say how.  A compute
# node is reached from the login node (ssh -W through the login
# connection); known_hosts has its key under its name, n1 or n2.  The
# sshds are in cluster-sshd.sh.  $ROOT/env is sourceable and lists the
# names and paths.
#
# Silent on success; errors go to stderr as "cluster: reason", exit 1.

ROOT=/tmp/jupyssh-cluster
NETNS_LOGIN=jsc-login
NETNS_N1=jsc-n1
NETNS_N2=jsc-n2
NETNSES="$NETNS_LOGIN $NETNS_N1 $NETNS_N2"
CLUSTER_USER=jsclu
CLUSTER_HOME=/home/$CLUSTER_USER
OTHER_CLUSTER_USER=jsclu2
OTHER_CLUSTER_HOME=/home/$OTHER_CLUSTER_USER
CLUSTER_USERS="$CLUSTER_USER $OTHER_CLUSTER_USER"
SLURM_CONF=$ROOT/slurm.conf
LOGIN_SOCK=$ROOT/login.sock
LOGIN_ADDR=10.250.0.1
N1_ADDR=10.250.0.11
N2_ADDR=10.250.0.12
NET=10.250.0.0/16
BRIDGE=jscbr0
MUNGE_DIR=$ROOT/munge
MUNGE_SOCK=$MUNGE_DIR/munge.socket

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
umask 022

ME=cluster
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster-sshd.sh"

# Run a command in namespace $1's network only.  Not "ip netns exec": it
# also remounts /sys, and slurmd 22.05 then dies ("No filesystem mounted
# on /sys/fs/cgroup").
in_ns() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

# A SLURM client on the login node (never from the root namespace: the
# controller's address is blackholed there), bounded in time.
slurm_cmd() {
	in_ns "$NETNS_LOGIN" env SLURM_CONF="$SLURM_CONF" timeout "${SLURM_TIMEOUT:-10}" "$@"
}

listening() { ss -N "$1" -Hltn "sport = :$2" 2>/dev/null | grep -q .; }

blackhole_exists() { ip route show type blackhole "$NET" 2>/dev/null | grep -q .; }

# Both nodes registered and idle in the default partition.
nodes_idle() {
	[ "$(slurm_cmd sinfo -h -N -p debug -t idle -o %N 2>/dev/null | sort -u | tr '\n' ' ')" = "n1 n2 " ]
}

# Succeed if user $1 has no live process; else SIGKILL them all and fail.
kill_user_procs() {
	[ -z "$(live_procs_of "$1")" ] && return 0
	pkill -KILL -u "$1" 2>/dev/null
	return 1
}

# Live (non-zombie) processes in our namespaces.
live_ns_procs() {
	local ns pid
	for ns in $NETNSES; do
		netns_exists "$ns" || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			ps -o stat= -p "$pid" 2>/dev/null | grep -qv '^Z' && echo "$pid"
		done
	done
}

# Succeed if nothing lives in our namespaces; else SIGKILL it and fail.
kill_ns_procs() {
	local pids
	pids=$(live_ns_procs)
	[ -z "$pids" ] && return 0
	# shellcheck disable=SC2086 # one word per pid
	kill -KILL $pids 2>/dev/null
	return 1
}

# Our slurmstepds (titled "slurmstepd: [JOB.STEP]"): they run from our
# log folder with our SLURM_CONF; found this way even if their namespace
# is gone.
our_stepds() {
	local pid
	for pid in $(pgrep -x slurmstepd 2>/dev/null); do
		case $(readlink "/proc/$pid/cwd" 2>/dev/null) in
		"$ROOT"|"$ROOT"/*) echo "$pid"; continue ;;
		esac
		tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" |
		    grep -qxF "SLURM_CONF=$SLURM_CONF" && echo "$pid"
	done
}

# Our daemons by pidfile (checked against the command line), then by
# command lines that name our paths, for when pidfiles are gone.
kill_daemons() {
	local pid n
	kill_sshds
	pid=$(live_pid "$ROOT/run/slurmctld.pid" "slurmctld -f $SLURM_CONF") && kill -KILL "$pid" 2>/dev/null
	for n in n1 n2; do
		pid=$(live_pid "$ROOT/run/slurmd.$n.pid" "slurmd -f $SLURM_CONF") && kill -KILL "$pid" 2>/dev/null
	done
	pid=$(live_pid "$MUNGE_DIR/munged.pid" "--socket=$MUNGE_SOCK") && kill -KILL "$pid" 2>/dev/null
	pkill -KILL -f "^(/usr/sbin/)?slurmctld -f $SLURM_CONF" 2>/dev/null
	pkill -KILL -f "^(/usr/sbin/)?slurmd -f $SLURM_CONF" 2>/dev/null
	pkill -KILL -f "^(/usr/sbin/)?munged .*--socket=$MUNGE_SOCK" 2>/dev/null
	for pid in $(our_stepds); do
		kill -KILL "$pid" 2>/dev/null
	done
}

our_daemons_alive() {
	pgrep -f "$SSHD_PROCS|^(/usr/sbin/)?slurm(ctld|d) -f $SLURM_CONF|^(/usr/sbin/)?munged .*--socket=$MUNGE_SOCK" >/dev/null 2>&1 ||
	    [ -n "$(our_stepds)" ]
}

daemons_gone() {
	our_daemons_alive || return 0
	kill_daemons
	return 1
}

do_down() {
	local ns ids end u

	# Cancel jobs while the controller can still tell the nodes to end
	# them gracefully; only if it is alive, and bounded (about 9 s even
	# if it hangs): whatever is left is SIGKILLed below anyway.
	if netns_exists "$NETNS_LOGIN" &&
	    live_pid "$ROOT/run/slurmctld.pid" "slurmctld -f $SLURM_CONF" >/dev/null; then
		ids=$(SLURM_TIMEOUT=2 slurm_cmd squeue -h -o %A 2>/dev/null)
		if [ -n "$ids" ]; then
			# shellcheck disable=SC2086 # one word per job id
			SLURM_TIMEOUT=2 slurm_cmd scancel $ids >/dev/null 2>&1
			end=$((SECONDS + 3))
			while [ "$SECONDS" -lt "$end" ] &&
			    [ -n "$(SLURM_TIMEOUT=2 slurm_cmd squeue -h -o %A 2>/dev/null)" ]; do
				sleep 0.2
			done
		fi
	fi

	# Daemons first, so they cannot spawn new sessions or steps meanwhile.
	kill_daemons
	wait_for 50 daemons_gone || fatal "our daemons survive SIGKILL"
	# Anything else in our namespaces (slurmstepd, jobs, ssh sessions).
	wait_for 50 kill_ns_procs ||
		fatal "processes in our namespaces survive SIGKILL: $(live_ns_procs | tr '\n' ' ')"
	for u in $CLUSTER_USERS; do
		user_exists "$u" || continue
		# A dying process may have forked meanwhile: repeat, bounded 5 s.
		wait_for 50 kill_user_procs "$u" ||
			fatal "processes of $u survive SIGKILL: $(live_procs_of "$u" | tr '\n' ' ')"
	done

	# The bridge and veths live inside the namespaces and go with them.
	for ns in $NETNSES; do
		if netns_exists "$ns"; then
			try "ip netns del $ns" ip netns del "$ns"
		fi
	done
	# A veth half-made in the root namespace (none is, normally).
	for ns in $(ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' |
	    grep -E "^(jscv-|$BRIDGE\$)"); do
		# Deleting one end of a veth deletes the other.
		ip link show "$ns" >/dev/null 2>&1 || continue
		try "ip link del $ns" ip link del "$ns"
	done
	if blackhole_exists; then
		try "ip route del blackhole $NET" ip route del blackhole "$NET"
	fi

	for u in $CLUSTER_USERS; do
		remove_user "$u"
	done

	rm -rf "$ROOT" || fatal "cannot remove $ROOT"
}

# make_node NS ADDR: a namespace joined to the login bridge by a veth
# (jscv-nX on the bridge, eth0 in the node).
make_node() {
	local ns=$1 addr=$2 v=jscv-${1#jsc-}
	try "ip netns add $ns" ip netns add "$ns"
	try "lo up in $ns" ip -n "$ns" link set lo up
	try "veth $v" ip -n "$NETNS_LOGIN" link add "$v" type veth peer name eth0 netns "$ns"
	try "attaching $v" ip -n "$NETNS_LOGIN" link set "$v" master "$BRIDGE" up
	try "address in $ns" ip -n "$ns" addr add "$addr/24" dev eth0
	try "eth0 up in $ns" ip -n "$ns" link set eth0 up
}

write_slurm_conf() {
	cat >"$SLURM_CONF" <<EOF
# Written by tests/sandbox/cluster.sh: a test cluster without cgroups,
# accounting or mail.
ClusterName=jupyssh
SlurmctldHost=ctl($LOGIN_ADDR)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCK
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$ROOT/state
SlurmdSpoolDir=$ROOT/spool/%n
SlurmctldPidFile=$ROOT/run/slurmctld.pid
SlurmdPidFile=$ROOT/run/slurmd.%n.pid
SlurmctldLogFile=$ROOT/log/slurmctld.log
SlurmdLogFile=$ROOT/log/slurmd.%n.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SwitchType=switch/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
# The nodes report what is configured, whatever this machine has.
SlurmdParameters=config_overrides
# Start a batch job at once, not up to 3 s later (the default).
SchedulerParameters=batch_sched_delay=0
InactiveLimit=0
KillWait=2
MessageTimeout=10
SlurmdTimeout=60
NodeName=n1 NodeHostname=n1 NodeAddr=$N1_ADDR CPUs=2 RealMemory=1000 State=UNKNOWN
NodeName=n2 NodeHostname=n2 NodeAddr=$N2_ADDR CPUs=2 RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=n1,n2 Default=YES MaxTime=INFINITE State=UP
PartitionName=gpu Nodes=n2 MaxTime=INFINITE State=UP
EOF
}

start_munged() {
	install -d -m 0755 -o munge -g munge "$MUNGE_DIR" || fatal "cannot create $MUNGE_DIR"
	try "mungekey" mungekey --create --keyfile="$MUNGE_DIR/munge.key"
	if ! chown munge:munge "$MUNGE_DIR/munge.key" ||
	    ! chmod 0400 "$MUNGE_DIR/munge.key"; then
		fatal "cannot set the owner and mode of $MUNGE_DIR/munge.key"
	fi
	try "starting munged" runuser -u munge -- /usr/sbin/munged \
		--socket="$MUNGE_SOCK" --key-file="$MUNGE_DIR/munge.key" \
		--pid-file="$MUNGE_DIR/munged.pid" --log-file="$MUNGE_DIR/munged.log" \
		--seed-file="$MUNGE_DIR/munged.seed"
	wait_for 50 test -S "$MUNGE_SOCK" ||
		fatal "munged socket not there after 5 s: $(tail -n 1 "$MUNGE_DIR/munged.log" 2>/dev/null)"
}

# start_slurmd NODE NS
start_slurmd() {
	local n=$1 ns=$2
	install -d -m 0755 "$ROOT/spool/$n" || fatal "cannot create $ROOT/spool/$n"
	in_ns "$ns" unshare --uts sh -c "hostname $n && exec /usr/sbin/slurmd -f $SLURM_CONF" \
		</dev/null >>"$ROOT/log/slurmd.$n.out" 2>&1 ||
		fatal "slurmd on $n failed: $(tail -n 1 "$ROOT/log/slurmd.$n.out")"
}

do_up() {
	local c

	[ "$(id -u)" = 0 ] || fatal "must run as root"
	for c in sshd ssh-keygen socat ip ss nsenter unshare useradd munged mungekey \
	    slurmctld slurmd sinfo squeue scancel; do
		command -v "$c" >/dev/null || fatal "missing command: $c"
	done
	id -u munge >/dev/null 2>&1 || fatal "missing user: munge"

	do_down

	install -d -m 0755 "$ROOT" "$ROOT/sshd" "$ROOT/state" "$ROOT/spool" \
		"$ROOT/run" "$ROOT/log" || fatal "cannot create $ROOT"
	install -d -m 0700 "$ROOT/keys" || fatal "cannot create $ROOT/keys"

	# The user: '*' = no password, but not locked ('!'), so sshd lets
	# keys in.
	try "useradd $CLUSTER_USER" useradd -m -s /bin/bash "$CLUSTER_USER"
	try "usermod -p $CLUSTER_USER" usermod -p '*' "$CLUSTER_USER"
	chmod 0700 "$CLUSTER_HOME" || fatal "cannot chmod $CLUSTER_HOME"
	# Another user of the cluster, who never logs in with ssh (so its
	# password stays locked): same shared /home, home as private.
	try "useradd $OTHER_CLUSTER_USER" useradd -m -s /bin/bash "$OTHER_CLUSTER_USER"
	chmod 0700 "$OTHER_CLUSTER_HOME" || fatal "cannot chmod $OTHER_CLUSTER_HOME"

	# The network: nothing of it routes off the machine.
	try "blackhole route" ip route add blackhole "$NET"
	try "ip netns add $NETNS_LOGIN" ip netns add "$NETNS_LOGIN"
	try "lo up in $NETNS_LOGIN" ip -n "$NETNS_LOGIN" link set lo up
	try "bridge" ip -n "$NETNS_LOGIN" link add "$BRIDGE" type bridge
	try "bridge address" ip -n "$NETNS_LOGIN" addr add "$LOGIN_ADDR/24" dev "$BRIDGE"
	try "bridge up" ip -n "$NETNS_LOGIN" link set "$BRIDGE" up
	make_node "$NETNS_N1" "$N1_ADDR"
	make_node "$NETNS_N2" "$N2_ADDR"

	start_munged
	write_slurm_conf

	in_ns "$NETNS_LOGIN" unshare --uts sh -c "hostname ctl && exec /usr/sbin/slurmctld -f $SLURM_CONF" \
		</dev/null >>"$ROOT/log/slurmctld.out" 2>&1 ||
		fatal "slurmctld failed: $(tail -n 1 "$ROOT/log/slurmctld.out")"
	wait_for 100 listening "$NETNS_LOGIN" 6817 ||
		fatal "slurmctld not listening after 10 s: $(tail -n 1 "$ROOT/log/slurmctld.log" 2>/dev/null)"
	start_slurmd n1 "$NETNS_N1"
	start_slurmd n2 "$NETNS_N2"
	wait_for 200 nodes_idle ||
		fatal "nodes not idle after 20 s: $(slurm_cmd sinfo -h -N -o '%N %T' 2>&1 | sort -u | tr '\n' ' ')"

	# The sshds (login node, and each compute node), then the keys,
	# known_hosts and the ssh_config snippet.
	up_sshds
	up_ssh_files

	# Written last: its presence means up finished.
	cat >"$ROOT/env.tmp" <<EOF
ROOT=$ROOT
NETNS_LOGIN=$NETNS_LOGIN
NETNS_N1=$NETNS_N1
NETNS_N2=$NETNS_N2
CLUSTER_USER=$CLUSTER_USER
CLUSTER_HOME=$CLUSTER_HOME
OTHER_CLUSTER_USER=$OTHER_CLUSTER_USER
OTHER_CLUSTER_HOME=$OTHER_CLUSTER_HOME
SLURM_CONF=$SLURM_CONF
LOGIN_SOCK=$LOGIN_SOCK
LOGIN_ADDR=$LOGIN_ADDR
N1_ADDR=$N1_ADDR
N2_ADDR=$N2_ADDR
HOSTKEY_PUB=$HOSTKEY_PUB
N1_HOSTKEY_PUB=$(node_sshd n1 host_ed25519_key).pub
N2_HOSTKEY_PUB=$(node_sshd n2 host_ed25519_key).pub
KNOWN_HOSTS=$KNOWN_HOSTS
EOF
	mv "$ROOT/env.tmp" "$ROOT/env" || fatal "cannot write $ROOT/env"
}

do_status() {
	local ok=0 bad=0 pid ns n u

	for u in $CLUSTER_USERS; do
		if user_exists "$u"; then
			report OK "user $u: uid $(id -u "$u"), $(live_procs_of "$u" | wc -l) processes"
		else
			report BAD "user $u: absent"
		fi
	done
	for ns in $NETNSES; do
		if netns_exists "$ns"; then
			report OK "netns $ns: present"
		else
			report BAD "netns $ns: absent"
		fi
	done
	if blackhole_exists; then
		report OK "route blackhole $NET: present"
	else
		report BAD "route blackhole $NET: absent"
	fi
	report_daemon "munged" "$MUNGE_DIR/munged.pid" "--socket=$MUNGE_SOCK"
	report_daemon "slurmctld" "$ROOT/run/slurmctld.pid" "slurmctld -f $SLURM_CONF"
	for n in n1 n2; do
		report_daemon "slurmd $n" "$ROOT/run/slurmd.$n.pid" "slurmd -f $SLURM_CONF"
	done
	# Usable = registered and idle or busy (a "*" suffix: not responding).
	if netns_exists "$NETNS_LOGIN"; then
		n=$(SLURM_TIMEOUT=3 slurm_cmd sinfo -h -N -p debug -o '%N %t' 2>/dev/null)
		if [ "$(echo "$n" | awk '$2 ~ /^(idle|mix|alloc|comp)$/ { print $1 }' |
		    sort -u | tr '\n' ' ')" = "n1 n2 " ]; then
			report OK "nodes: $(echo "$n" | tr '\n' ' ')"
		else
			report BAD "nodes: ${n:-no answer from slurmctld}"
		fi
	else
		report BAD "nodes: unknown"
	fi
	status_sshds
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
