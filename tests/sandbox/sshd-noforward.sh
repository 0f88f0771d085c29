#!/bin/bash
# A second sshd for the sandbox's remote, in the same namespace and with
# the same host key and users, that forwards nothing: AllowTcpForwarding
# no, AllowStreamLocalForwarding no. The laptop reaches it as "gpu-nofwd"
# through its own Unix socket. Needs the sandbox up (sandbox.sh up); its
# down removes this too (it ends everything in the namespace).
#
#   tests/sandbox/sshd-noforward.sh up     # start it; prints the Host block
#   tests/sandbox/sshd-noforward.sh down   # stop it
#
# Silent on success but for the block; errors as "sshd-noforward: why".

ME=sshd-noforward
. "$(dirname "$0")/lib.sh"
. /tmp/jupyssh-sandbox/env 2>/dev/null || fatal "the sandbox is not up"
PATH=/usr/sbin:/usr/bin:/sbin:/bin
DIR=$ROOT/sshd-noforward
NSOCK=$ROOT/noforward.sock

listening() {
	ip netns exec "$NETNS" ss -Hltn 'sport = :2222' 2>/dev/null | grep -q .
}

do_down() {
	local pid
	pid=$(live_pid "$DIR/sshd.pid" "$DIR/sshd_config") && kill -KILL "$pid" 2>/dev/null
	pid=$(live_pid "$DIR/socat.pid" "UNIX-LISTEN:$NSOCK") && kill -KILL "$pid" 2>/dev/null
	wait_for 50 sh -c "! ip netns exec $NETNS ss -Hltn 'sport = :2222' | grep -q ." ||
		fatal "sshd on port 2222 survives"
	rm -rf "$DIR" "$NSOCK"
}

do_up() {
	[ "$(id -u)" = 0 ] || fatal "must run as root"
	do_down
	install -d -m 0755 "$DIR" || fatal "cannot create $DIR"
	cat > "$DIR/sshd_config" <<EOF
ListenAddress 127.0.0.1:2222
HostKey $ROOT/sshd/ssh_host_ed25519_key
PidFile $DIR/sshd.pid
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
# What this server is for: it refuses every forward.
AllowTcpForwarding no
AllowStreamLocalForwarding no
StrictModes yes
MaxSessions 50
LogLevel VERBOSE
EOF
	try "sshd -t (config check)" /usr/sbin/sshd -t -f "$DIR/sshd_config"
	try "starting sshd in $NETNS" ip netns exec "$NETNS" \
		/usr/sbin/sshd -f "$DIR/sshd_config" -E "$DIR/sshd.log"
	wait_for 50 listening ||
		fatal "sshd not listening after 5 s: $(tail -n 1 "$DIR/sshd.log" 2>/dev/null)"
	ip netns exec "$NETNS" socat "UNIX-LISTEN:$NSOCK,fork,mode=0666" \
		TCP:127.0.0.1:2222 </dev/null >/dev/null 2>"$DIR/socat.log" &
	echo $! > "$DIR/socat.pid"
	wait_for 50 test -S "$NSOCK" ||
		fatal "socket $NSOCK not there after 5 s: $(tail -n 1 "$DIR/socat.log")"
	cat <<EOF
Host gpu-nofwd
    HostName gpu-box
    HostKeyAlias gpu-box
    User $REMOTE_USER
    ProxyCommand socat - UNIX-CONNECT:$NSOCK
    IdentityFile ~/.ssh/id_ed25519
    IdentitiesOnly yes
    StrictHostKeyChecking yes
    BatchMode yes
EOF
}

case ${1-} in
up)	do_up ;;
down)	do_down ;;
*)	echo "usage: $0 up|down" >&2; exit 2 ;;
esac
