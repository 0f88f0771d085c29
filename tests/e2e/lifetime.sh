# The URL lives as long as the notebook: after logout, after the terminal
# is closed, across a reset (the transport under the forward killed), a
# blackhole (it frozen: no FIN, no RST), an outage and a suspend, healed by
# "jupyssh keep" without any command, with the same URL and a kernel's
# variables intact. A password-only host is not retried in the background
# and says so; stop leaves nothing; ProxyCommand mode and SLURM likewise.
# "Healed" is "answers again within a generous bound": speed is make bench's.
. "$(dirname "$0")/lib.sh"
reset_all
LPORT=28891
KFILE=$ROOT/lifetime.kernel
jupyter_config <<EOC
Host gpu-box
    JupyterPort 18889
    JupyterLocalPort $LPORT
    JupyterDirectory ~/project
EOC

# The URL answers (api/status through the forward), within 5 s.
answers() {	# URL
	JUPYTER_TOKEN=${1##*token=} NBCLIENT_TIMEOUT=5 timeout 10 \
	    "$TOOLS/nbclient" "${1%%/?token=*}" --status >/dev/null 2>&1
}
# Code in the one kernel that lives across every drop of this file.
in_kernel() { run_in_kernel "$KFILE" "$@"; }
# Healed: the URL answers again, the same kernel has its variable, and
# no second notebook was started.
healed() {	# NAME URL
	if wait_for 60 answers "$2"; then pass "$1-answers"; else
		fail "$1-answers" "the URL answering within 60 s" "$(tail -n 5 "$JSTATE/gpu-box.log")"
	fi
	check_eq "$1-kernel-intact" "$(in_kernel "$2" 'print(x + 1)' 2>&1)" 42
	check_eq "$1-one-notebook" "$(remote_notebooks | wc -l)" 1
}
# gpu-box reached over TCP, as most users reach their server: a bridge on
# 127.0.0.1 into the remote's namespace, one socat per connection; the
# transports a test kills are then this bridge's children. (The sandbox's
# own ProxyCommand way in is tested after a hangup below.)
BRIDGE_PORT=22231
socat TCP4-LISTEN:$BRIDGE_PORT,bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:"$SOCK" 2>/dev/null &
tcp_bridge=$!
trap 'kill "$tcp_bridge" 2>/dev/null' EXIT
wait_for 5 sh -c "ss -Hltn | grep -q ':$BRIDGE_PORT '"
direct_config() {	# [EXTRA ssh_config LINES...]: gpu-box over the bridge
	{ sed -e 's/^ *ProxyCommand .*/    HostName 127.0.0.1\n    Port '$BRIDGE_PORT'/' \
	    -e '/^ *HostName gpu-box/d' "$ROOT/ssh_config.orig"
	  for l in "$@"; do printf '    %s\n' "$l"; done; } |
	    put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
}
direct_config
# The transport under our connections: the bridge's socat for each.
transports() { pgrep -P "$tcp_bridge" -x socat; }
keepers() { pgrep -u "$LAPTOP_USER" -f "jupyssh keep .*$1\$"; }
nothing_left() {	# NAME
	if wait_for 20 sh -c "! pgrep -u $LAPTOP_USER >/dev/null"; then
		pass "$1-no-process"
	else
		fail "$1-no-process" "processes left: $(pgrep -a -u "$LAPTOP_USER" | tr '\n' ';')"
	fi
	if listens_here "$LPORT"; then
		fail "$1-port-closed" "something still listens on $LPORT"
	else
		pass "$1-port-closed"
	fi
}

# Logout: the session's master is handed on, the URL works on.
out=$(laptop_tty --timeout 90 --expect 'ready: http' --send 'exit\n' -- ssh gpu-box 2>&1)
url=$(printf '%s' "$out" | url_in)
case $url in http://127.0.0.1:$LPORT/*) pass login-url ;; *) fail login-url "a URL" "$out" ;; esac
rm -f "$KFILE"
check_eq kernel-set "$(in_kernel "$url" 'x = 41; print("set")' 2>&1)" set
if wait_for 10 answers "$url"; then pass after-logout; else fail after-logout "the URL answering after logout"; fi
check_eq one-keeper "$(keepers gpu-box | wc -l)" 1
case $(laptop jupyssh status gpu-box 2>&1) in
*"local port $LPORT (forwarded)") pass status-forwarded ;;
*) fail status-forwarded "'(forwarded)'" "$(laptop jupyssh status gpu-box 2>&1)" ;;
esac

# A reset: the transport killed.
kill -KILL $(transports) 2>/dev/null
healed reset "$url"

# A blackhole: the transport frozen; keepalives notice, the keeper heals.
frozen=$(transports)
kill -STOP $frozen 2>/dev/null
healed blackhole "$url"
kill -KILL $frozen 2>/dev/null

# An outage: no new connection can be made for a while. Meanwhile status
# says what is going on; once the way is back the URL answers again.
mv "$SOCK" "$SOCK.off"
kill -KILL $(transports) 2>/dev/null
list_says() { laptop jupyssh list 2>&1 </dev/null | grep -q "$1"; }
if wait_for 30 list_says 'reconnecting (attempt [0-9]*, next in [0-9]* s)'; then
	pass outage-list-reconnecting
else
	fail outage-list-reconnecting "'reconnecting (attempt N, next in S s)' in list" "$(laptop jupyssh list 2>&1)"
fi
mv "$SOCK.off" "$SOCK"
healed outage "$url"

# A suspend: every process of the laptop user stopped for a while.
pids=$(pgrep -u "$LAPTOP_USER")
kill -STOP $pids 2>/dev/null
sleep 25
kill -CONT $pids 2>/dev/null
healed suspend "$url"

# Stop: the keeper, the masters and the forward go; nothing is left.
out=$(laptop jupyssh stop gpu-box 2>&1)
case $out in "jupyssh: gpu-box: notebook stopped (pid "*) pass stop ;; *) fail stop "notebook stopped" "$out" ;; esac
nothing_left stop
reset_all
direct_config

# The terminal closed under a logged-in session (SIGHUP): the URL works on.
laptop_tty --timeout 120 --expect 'ready: http' --send 'sleep 300\n' \
    -- ssh gpu-box > "$ROOT/lifetime-hup.tty" 2>&1 &
tty_pid=$!
wait_for 90 grep -aq 'ready: http' "$ROOT/lifetime-hup.tty"
url=$(url_in < "$ROOT/lifetime-hup.tty")
sleep 1
# pty-run's end closes the terminal's master side: a hangup.
pkill -KILL -P "$tty_pid" -f pty-run 2>/dev/null
kill -KILL "$tty_pid" 2>/dev/null
wait "$tty_pid" 2>/dev/null
if wait_for 60 answers "$url"; then pass after-hangup; else
	fail after-hangup "the URL answering after the terminal closed" "$(tail -n 5 "$JSTATE/gpu-box.log")"
fi
laptop jupyssh stop gpu-box > /dev/null 2>&1
nothing_left hangup
reset_all

# A password-only host: logged in once by a person; a reset cannot be
# healed without one, so it is not tried in the background, and says so.
direct_config 'PubkeyAuthentication no' 'PreferredAuthentications password'
sed -i -E '/BatchMode|IdentityFile|IdentitiesOnly/d' "$LAPTOP_HOME/.ssh/config"
out=$(laptop_tty --timeout 90 --expect 'password:' --send "$REMOTE_PASSWORD\n" \
    --expect 'ready: http' --send 'exit\n' -- ssh gpu-box 2>&1)
url=$(printf '%s' "$out" | url_in)
if wait_for 10 answers "$url"; then pass password-after-logout; else fail password-after-logout "the URL answering" "$out"; fi
tries=$(grep -c 'Failed password\|Accepted password' "$ROOT/sshd/sshd.log" 2>/dev/null)
kill -KILL $(transports) 2>/dev/null
if wait_for 60 sh -c "grep -q ' down ' $JSTATE/gpu-box.keep 2>/dev/null"; then
	pass password-down
else
	fail password-down "the keeper giving up" "$(cat "$JSTATE/gpu-box.keep" 2>&1)"
fi
check_eq password-no-keeper "$(keepers gpu-box | wc -l)" 0
check_eq password-no-password-tried "$(grep -c 'Failed password\|Accepted password' "$ROOT/sshd/sshd.log" 2>/dev/null)" "$tries"
out=$(laptop jupyssh status gpu-box 2>&1 </dev/null)
case $out in
"jupyssh: gpu-box: forward down since "[0-9][0-9]:[0-9][0-9]"; ssh gpu-box to reconnect"*) pass password-says-so ;;
*) fail password-says-so "the down line first" "$out" ;;
esac
check_eq password-said-once "$(laptop jupyssh status gpu-box 2>&1 </dev/null | grep -c 'forward down since')" 0
if list_says 'down (needs a password or a key)'; then pass password-list-down; else
	fail password-list-down "'down (needs a password or a key)' in list" "$(laptop jupyssh list 2>&1 </dev/null)"
fi
laptop jupyssh stop gpu-box > /dev/null 2>&1 </dev/null
reset_all

# The same password-only host behind a ProxyCommand that installs a SIGHUP
# handler of its own (socat, the sandbox's way in): the terminal closes
# under the session, and the handed-on master's transport lives on, so the
# URL answers without the new login a person would have to type.
{ sed -E '/BatchMode|IdentityFile|IdentitiesOnly/d' "$ROOT/ssh_config.orig"
  printf '    PubkeyAuthentication no\n    PreferredAuthentications password\n'; } |
    put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
laptop_tty --timeout 120 --expect 'password:' --send "$REMOTE_PASSWORD\n" \
    --expect 'ready: http' --send 'sleep 300\n' \
    -- ssh gpu-box > "$ROOT/lifetime-hup-proxy.tty" 2>&1 &
tty_pid=$!
wait_for 90 grep -aq 'ready: http' "$ROOT/lifetime-hup-proxy.tty"
url=$(url_in < "$ROOT/lifetime-hup-proxy.tty")
tries=$(grep -c 'Failed password\|Accepted password' "$ROOT/sshd/sshd.log" 2>/dev/null)
sleep 1
pkill -KILL -P "$tty_pid" -f pty-run 2>/dev/null
kill -KILL "$tty_pid" 2>/dev/null
wait "$tty_pid" 2>/dev/null
sleep 3	# what a hangup ends, it ends at once
if wait_for 10 answers "$url"; then pass proxy-hangup-answers; else
	fail proxy-hangup-answers "the URL answering after the terminal closed" \
	    "$(tail -n 5 "$JSTATE/gpu-box.log"; cat "$JSTATE/gpu-box.keep" 2>&1)"
fi
check_eq proxy-hangup-no-new-login \
    "$(grep -c 'Failed password\|Accepted password' "$ROOT/sshd/sshd.log" 2>/dev/null)" "$tries"
case $(laptop jupyssh status gpu-box 2>&1 </dev/null) in
*"(forwarded)") pass proxy-hangup-forwarded ;;
*) fail proxy-hangup-forwarded "'(forwarded)'" "$(laptop jupyssh status gpu-box 2>&1 </dev/null)" ;;
esac
laptop jupyssh stop gpu-box > /dev/null 2>&1 </dev/null
nothing_left proxy-hangup
reset_all

# ProxyCommand mode, without the library: after logout, and across a
# reset of the proxy itself, the keeper keeps the URL.
socat TCP4-LISTEN:22232,bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:"$SOCK" 2>/dev/null &
bridge=$!
wait_for 5 sh -c "ss -Hltn | grep -q ':22232 '"
{ cat "$ROOT/ssh_config.orig"; cat <<'EOC'
Host gpu-proxy
    HostKeyAlias gpu-box
    User jsgpu
    IdentityFile ~/.ssh/id_ed25519
    IdentitiesOnly yes
    BatchMode yes
    ControlMaster auto
    ControlPath ~/.ssh/cm-%C
    HostName 127.0.0.1
    Port 22232
    ProxyCommand jupyssh proxy %h %p %n
EOC
} | put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
jupyter_config <<EOC
Host gpu-proxy
    JupyterPort 18889
    JupyterLocalPort $LPORT
EOC
# The variable is set while the session is open: without the library
# nothing makes ssh keep its master (ControlPersist), so at logout the
# forward goes with it and the keeper brings it back with a new login.
release=$ROOT/lifetime-release
rm -f "$release" "$KFILE"
NO_SHIM=1 laptop_tty --timeout 120 --expect 'ready: http' \
    --send "while [ ! -e $release ]; do sleep 0.2; done; exit\n" \
    -- ssh gpu-proxy > "$ROOT/lifetime-proxy.tty" 2>&1 &
session=$!
wait_for 90 grep -aq 'ready: http' "$ROOT/lifetime-proxy.tty"
url=$(url_in < "$ROOT/lifetime-proxy.tty")
check_eq proxy-kernel-set "$(in_kernel "$url" 'x = 41; print("set")' 2>&1)" set
touch "$release"
wait "$session"
healed proxy-logout "$url"
kill -KILL $(pgrep -u "$LAPTOP_USER" -f 'jupyssh proxy') 2>/dev/null
healed proxy-reset "$url"
laptop_plain jupyssh stop gpu-proxy > /dev/null 2>&1
kill "$bridge" 2>/dev/null
nothing_left proxy
reset_all

# SLURM: the forward to the job's node rides inside the login node's
# connection; a reset of that one is healed through a new login master
# and a new hop to the node, to the same job.
if ! "$TOP/tests/sandbox/cluster.sh" up; then
	fail slurm-cluster-up "the SLURM sandbox did not come up"
	exit 1
fi
{ cat "$ROOT/ssh_config.orig" /tmp/jupyssh-cluster/ssh_config_snippet; } |
    put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
cat "$KNOWN_HOSTS" /tmp/jupyssh-cluster/known_hosts |
    put_laptop_file "$LAPTOP_HOME/.ssh/known_hosts" 644
jupyter_config <<EOC
Host cluster
    JupyterPort 18900
    JupyterLocalPort $LPORT
    JupyterScheduler slurm
    JupyterSlurmOptions --partition=debug --time=00:30:00
EOC
url=$(laptop jupyssh start cluster 2>"$ROOT/lifetime-slurm.err")
rm -f "$KFILE"
check_eq slurm-kernel-set "$(in_kernel "$url" 'x = 41; print("set")' 2>&1)" set
jobfile=/home/jsclu/.local/state/jupyssh/login/slurm-18900.job
job=$(cat "$jobfile" 2>/dev/null)
kill -KILL $(pgrep -u "$LAPTOP_USER" -f 'UNIX-CONNECT:/tmp/jupyssh-cluster/login.sock') 2>/dev/null
if wait_for 60 answers "$url"; then pass slurm-reset-answers; else
	fail slurm-reset-answers "the URL answering within 60 s" "$(tail -n 5 "$JSTATE/cluster.log")"
fi
check_eq slurm-reset-kernel-intact "$(in_kernel "$url" 'print(x + 1)' 2>&1)" 42
check_eq slurm-reset-same-job "$(cat "$jobfile" 2>/dev/null)" "$job"
laptop jupyssh stop cluster > /dev/null 2>&1
nothing_left slurm
"$TOP/tests/sandbox/cluster.sh" down
reset_all
