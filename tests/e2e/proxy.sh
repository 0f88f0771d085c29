# ProxyCommand mode: plain ssh config, no preloaded library. The proxy
# relays ssh's bytes (IPv4, IPv6, through a jump host) and brings the
# notebook up through ssh's control master once it is there.
. "$(dirname "$0")/lib.sh"
reset_all
# TCP ways into the sandbox from this side, on loopback only.
socat TCP4-LISTEN:22222,bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:"$SOCK" 2>/dev/null &
bridge4=$!
socat TCP6-LISTEN:22223,bind=[::1],fork,reuseaddr UNIX-CONNECT:"$SOCK" 2>/dev/null &
bridge6=$!
wait_for 5 sh -c "ss -Hltn | grep -q ':22222 '"
wait_for 5 sh -c "ss -Hltn | grep -q ':22223 '"

{ cat "$ROOT/ssh_config.orig"; cat <<'EOC'
Host gpu-proxy gpu-proxy6 gpu-jump
    HostKeyAlias gpu-box
    User jsgpu
    IdentityFile ~/.ssh/id_ed25519
    IdentitiesOnly yes
    BatchMode yes
    ControlMaster auto
    ControlPath ~/.ssh/cm-%C
Host gpu-proxy
    HostName 127.0.0.1
    Port 22222
    ProxyCommand jupyssh proxy %h %p %n
Host gpu-proxy6
    HostName ::1
    Port 22223
    ProxyCommand jupyssh proxy %h %p %n
Host gpu-jump
    HostName localhost
    Port 22
    ProxyCommand jupyssh proxy -J gpu-box %h %p %n
EOC
} | put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
jupyter_config <<'EOC'
Host gpu-proxy gpu-proxy6 gpu-jump
    JupyterPort 18889
    JupyterDirectory ~/project
EOC

for host in gpu-proxy gpu-proxy6 gpu-jump; do
	release=$ROOT/release-$host
	rm -f "$release"
	NO_SHIM=1 laptop_tty --timeout 120 --expect 'ready: http' \
	    --send "while [ ! -e $release ]; do sleep 0.2; done; exit\n" \
	    -- ssh "$host" > "$ROOT/tty-$host.out" 2>&1 &
	session=$!
	if wait_for 90 grep -q 'ready: http' "$ROOT/tty-$host.out"; then
		pass "$host-url"
		url=$(url_in < "$ROOT/tty-$host.out")
		check_eq "$host-works" "$(run_cell "$url" 'import os; print(os.getcwd())' 2>&1)" "$REMOTE_HOME/project"
	else
		fail "$host-url" "a URL without the library" "$(cat "$ROOT/tty-$host.out")"
	fi
	case $(cat "$ROOT/tty-$host.out") in
	*Pseudo-terminal*|*rror*) fail "$host-quiet" "noise on the terminal" "$(cat "$ROOT/tty-$host.out")" ;;
	*) pass "$host-quiet" ;;
	esac
	touch "$release"
	wait "$session"
	laptop_plain jupyssh stop "$host" >/dev/null 2>&1
done

# A remote command through the proxy: its output as it is, no notebook.
blob=$LAPTOP_HOME/blob
head -c 3000000 /dev/urandom > "$blob"
chown "$LAPTOP_USER" "$blob"
laptop_plain sh -c "ssh gpu-proxy cat < $blob > $blob.back"
if cmp -s "$blob" "$blob.back"; then pass relay-binary; else fail relay-binary "bytes changed through the proxy"; fi
rm -f "$blob" "$blob.back"
check_eq command-starts-nothing "$(remote_notebooks | wc -l)" 0

# Errors: refused, and a connect timeout against a backlog that is full.
out=$(laptop_plain jupyssh proxy 127.0.0.1 1 2>&1 </dev/null)
check_eq refused "$?: $out" "1: jupyssh: proxy: connect to 127.0.0.1 port 1: Connection refused"
$PY - <<'EOPY' &
import socket, time
s = socket.socket(); s.bind(('127.0.0.1', 22299)); s.listen(0)
held = []
for _ in range(8):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(('127.0.0.1', 22299))
    except BlockingIOError: pass
    held.append(c)
time.sleep(20)
EOPY
full=$!
sleep 1
start=$(date +%s)
out=$(laptop_plain jupyssh proxy -t 2 127.0.0.1 22299 2>&1 </dev/null)
rc=$?
took=$(( $(date +%s) - start ))
check_eq timeout "$rc: $out" "1: jupyssh: proxy: connect to 127.0.0.1 port 22299: Connection timed out"
[ "$took" -le 10 ] && pass timeout-bounded || fail timeout-bounded "took $took s"
kill "$full" "$bridge4" "$bridge6" 2>/dev/null
reset_all
