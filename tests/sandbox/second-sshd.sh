# Sourced by the sandbox's second sshds (sshd-noforward.sh,
# sshd-envmodules.sh): one more sshd for the remote, in the same namespace,
# with the same host key and users, on its own port, which the laptop
# reaches as its own host through its own Unix socket. The sourcing script
# sets ME, NAME (its folder under $ROOT and its host name gpu-NAME), PORT,
# and SSHD_EXTRA (more sshd_config lines); start_sshd (DIR) starts sshd
# from DIR/sshd_config in the namespace, and may be redefined. The
# sandbox's down removes these too (it ends everything in the namespace).
. "$(dirname "$0")/lib.sh"
. /tmp/jupyssh-sandbox/env 2>/dev/null || fatal "the sandbox is not up"
PATH=/usr/sbin:/usr/bin:/sbin:/bin
DIR=$ROOT/sshd-$NAME
NSOCK=$ROOT/$NAME.sock

start_sshd() {
	try "starting sshd in $NETNS" ip netns exec "$NETNS" \
		/usr/sbin/sshd -f "$1/sshd_config" -E "$1/sshd.log"
}

listening() {
	ip netns exec "$NETNS" ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q .
}

second_down() {
	local pid
	pid=$(live_pid "$DIR/sshd.pid" "$DIR/sshd_config") && kill -KILL "$pid" 2>/dev/null
	pid=$(live_pid "$DIR/socat.pid" "UNIX-LISTEN:$NSOCK") && kill -KILL "$pid" 2>/dev/null
	wait_for 50 sh -c "! ip netns exec $NETNS ss -Hltn 'sport = :$PORT' | grep -q ." ||
		fatal "sshd on port $PORT survives"
	rm -rf "$DIR" "$NSOCK"
}

# Starts it; prints the laptop's Host block for it.
second_up() {
	[ "$(id -u)" = 0 ] || fatal "must run as root"
	install -d -m 0755 "$DIR" || fatal "cannot create $DIR"
	cat > "$DIR/sshd_config" <<EOF
ListenAddress 127.0.0.1:$PORT
HostKey $ROOT/sshd/ssh_host_ed25519_key
PidFile $DIR/sshd.pid
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
StrictModes yes
MaxSessions 50
LogLevel VERBOSE
$SSHD_EXTRA
EOF
	try "sshd -t (config check)" /usr/sbin/sshd -t -f "$DIR/sshd_config"
	start_sshd "$DIR"
	wait_for 50 listening ||
		fatal "sshd not listening after 5 s: $(tail -n 1 "$DIR/sshd.log" 2>/dev/null)"
	ip netns exec "$NETNS" socat "UNIX-LISTEN:$NSOCK,fork,mode=0666" \
		TCP:127.0.0.1:"$PORT" </dev/null >/dev/null 2>"$DIR/socat.log" &
	echo $! > "$DIR/socat.pid"
	wait_for 50 test -S "$NSOCK" ||
		fatal "socket $NSOCK not there after 5 s: $(tail -n 1 "$DIR/socat.log")"
	cat <<EOF
Host gpu-$NAME
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
