# jupyssh doctor: with everything right it says so and exits 0; each case
# after that breaks exactly one link of the chain, and doctor must name
# that link (its one FAIL line) and exit non-zero. It never starts a
# notebook, never prompts, and leaves no process behind.
. "$(dirname "$0")/lib.sh"
reset_all
NOFWD=$TOP/tests/sandbox/sshd-noforward.sh

good_config() {
	jupyter_config <<'EOC'
Host gpu-box gpu-nofwd
    JupyterPort 18889
    JupyterLocalPort 28889
    JupyterDirectory ~/project
    JupyterEnv ~/project/venv
EOC
}

# doctor [--json]: as the laptop user with the library preloaded (PLAIN=1:
# without); its output in $out, its exit status in $rc.
doctor() {
	if [ -n "${PLAIN:-}" ]; then
		out=$(laptop_plain jupyssh doctor "${HOST:-gpu-box}" "$@" 2>&1)
	else
		out=$(laptop jupyssh doctor "${HOST:-gpu-box}" "$@" 2>&1)
	fi
	rc=$?
}

# broken NAME LINK TEXT: the one FAIL line is LINK's and says TEXT; exit 1.
broken() {
	local fails line
	fails=$(printf '%s\n' "$out" | grep -c '^[a-z-]* *FAIL ')
	line=$(printf '%s\n' "$out" | grep -E "^$2 +FAIL ")
	case $rc:$fails:$line in
	1:1:*"$3"*) pass "$1" ;;
	*) fail "$1" "exit 1 and one FAIL line, '$2 FAIL ...$3...'" "rc=$rc
$out" ;;
	esac
}

# Nothing of doctor's is left, and it started nothing on the remote.
left_nothing() {
	if ! wait_for 10 sh -c "! pgrep -u $LAPTOP_USER >/dev/null"; then
		fail "$1-no-process-left" "laptop processes: $(pgrep -a -u "$LAPTOP_USER")"
	elif [ -n "$(remote_notebooks)" ] || ls "$RSTATE"/nb-*.pid >/dev/null 2>&1; then
		fail "$1-no-notebook" "a notebook or its pid file on the remote"
	elif ls -d /tmp/jupyssh-doctor.* >/dev/null 2>&1; then
		fail "$1-no-folder-left" "$(ls -d /tmp/jupyssh-doctor.*)"
	else
		pass "$1-left-nothing"
	fi
}

# Everything right: every line ok, exit 0, and so says --json.
good_config
doctor
case $rc:$out in
0:*"gpu-box: a login would bring a working URL"*)
	if printf '%s\n' "$out" | grep -v '^gpu-box: ' | grep -vq '^[a-z-]* *ok '; then
		fail all-right "every line ok" "$out"
	else
		pass all-right
	fi ;;
*) fail all-right "exit 0 and 'a login would bring a working URL'" "rc=$rc
$out" ;;
esac
for link in library helper config settings ssh control state login folder env jupyter remote-port forward local-port; do
	printf '%s\n' "$out" | grep -q "^$link  *ok " || fail "all-right-$link" "no '$link ok' line" "$out"
done
case $out in *"version 6."*) pass names-jupyter-version ;; *) fail names-jupyter-version "Jupyter's version" "$out" ;; esac
left_nothing all-right
doctor --json
json=$(printf '%s' "$out" | $PY -c 'import json, sys; d = json.load(sys.stdin); print(d["ready"], len(d["checks"]), sorted(set(c["status"] for c in d["checks"])))' 2>&1)
check_eq json "$rc $json" "0 True 14 ['ok']"
# A notebook on a Unix socket: the forward to a socket is what is tried.
printf 'Host gpu-box\n    JupyterPort 18889\n    JupyterSocket yes\n' | jupyter_config
doctor
case $rc:$out in
0:*"forward      ok    gpu-box forwards to a Unix socket"*) pass all-right-socket ;;
*) fail all-right-socket "exit 0 and the socket forward ok" "rc=$rc
$out" ;;
esac
if ls /tmp/jupyssh-doctor-*.sock >/dev/null 2>&1; then
	fail socket-test-removed "$(ls /tmp/jupyssh-doctor-*.sock)"
else
	pass socket-test-removed
fi
good_config

# While a notebook of jupyssh's runs and its forward is up: both ports are
# ours, and all is still well.
if url=$(laptop jupyssh start gpu-box 2>&1); then
	doctor
	case $rc:$out in
	0:*"remote-port  ok    jupyssh's notebook listens on 127.0.0.1:18889"*"local-port   ok    127.0.0.1:28889 is jupyssh's own forward"*) pass all-right-running ;;
	*) fail all-right-running "exit 0, both ports ours" "rc=$rc
$out" ;;
	esac
	check_eq running-untouched "$(run_cell "$url" 'print(6*7)' 2>&1)" 42
	laptop jupyssh stop gpu-box > /dev/null 2>&1
else
	fail all-right-running "jupyssh start failed" "$url"
fi
reset_all
good_config

# The library: not preloaded in this shell.
PLAIN=1 doctor
broken library library "not preloaded in this shell"

# The helper: a library with no jupyssh next to it.
install -d "$ROOT/lonely/lib"
install -m 644 "$SHIM" "$ROOT/lonely/lib/libjupyssh.so"
# (A sanitized build's runtime stays first, as lib.sh puts it.)
out=$(AS_LAPTOP_ENV="LD_PRELOAD=${PRELOAD%"$SHIM"}$ROOT/lonely/lib/libjupyssh.so $SAN_ENV" \
    "$TOP/tests/sandbox/as-laptop" jupyssh doctor gpu-box 2>&1)
rc=$?
broken helper helper "no jupyssh next to $ROOT/lonely/lib/libjupyssh.so"
rm -rf "$ROOT/lonely"

# The Jupyter files: a bad line, named by file and line.
printf 'Host gpu-box\n    JupyterPort 18889\n    JupyterStartTimeout soon\n' | jupyter_config
doctor
broken config config "$LAPTOP_HOME/.ssh/jupyter_config:3:"

# The settings: nothing for this host.
printf 'Host other-box\n    JupyterPort 18889\n' | jupyter_config
doctor
broken settings settings "no JupyterPort applies to gpu-box"
good_config

# ssh: a LocalCommand of the user's own comes first and wins.
{ printf 'Host gpu-box\n    PermitLocalCommand yes\n    LocalCommand true\n'; cat "$ROOT/ssh_config.orig"; } |
    put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
doctor
broken ssh-own-localcommand ssh "LocalCommand of its own"
# ssh: Jupyter lines in ~/.ssh/config without IgnoreUnknown (no library).
{ cat "$ROOT/ssh_config.orig"; printf '    JupyterStartTimeout 30\n'; } |
    put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
PLAIN=1 HOST=gpu-box doctor
case $out in
*"ssh  "*"FAIL  ssh -G gpu-box fails: "*"IgnoreUnknown Jupyter*"*) pass ssh-ignoreunknown ;;
*) fail ssh-ignoreunknown "ssh FAIL naming IgnoreUnknown" "$out" ;;
esac
ssh_config_default

# The control socket: a ControlPath in a Match block, which jupyssh cannot see.
{ printf 'Match originalhost gpu-box\n    ControlPath %s/cm-%%C\n' "$ROOT"; cat "$ROOT/ssh_config.orig"; } |
    put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
doctor
broken control control "ControlPath is set where jupyssh does not read it"
ssh_config_default

# The local state folder: open to others.
install -d -o "$LAPTOP_USER" -g "$LAPTOP_USER" -m 700 "$JSTATE"
chmod 777 "$JSTATE"
doctor
broken state state "not safe"
chmod 700 "$JSTATE"

# The login: no key lets us in, ssh would ask for the password. Under a
# terminal and without BatchMode in the config: doctor still never asks.
mv "$REMOTE_HOME/.ssh/authorized_keys" "$REMOTE_HOME/.ssh/authorized_keys.off"
grep -v BatchMode "$ROOT/ssh_config.orig" | put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
out=$(laptop_tty --timeout 60 -- jupyssh doctor gpu-box 2>&1)
rc=$?
out=$(printf '%s' "$out" | tr -d '\r')
broken login login "ssh would prompt (publickey,password)"
case $out in
*"assword:"*) fail login-never-prompts "no password prompt" "$out" ;;
*) pass login-never-prompts ;;
esac
case $out in
*"folder       skip  needs a login without a prompt"*) pass login-skips-remote ;;
*) fail login-skips-remote "the remote's links skipped" "$out" ;;
esac
mv "$REMOTE_HOME/.ssh/authorized_keys.off" "$REMOTE_HOME/.ssh/authorized_keys"
ssh_config_default
left_nothing login

# The remote folder, the env, Jupyter: each missing in turn.
printf 'Host gpu-box\n    JupyterPort 18889\n    JupyterDirectory ~/no-such-folder\n' | jupyter_config
doctor
broken folder folder "cannot enter ~/no-such-folder on the remote"
printf 'Host gpu-box\n    JupyterPort 18889\n    JupyterEnv ~/nowhere/venv\n' | jupyter_config
doctor
broken env env "no virtualenv at ~/nowhere/venv"
printf 'Host gpu-box\n    JupyterPort 18889\n    JupyterEnv ~/project/venv\n    JupyterCommand jupyter-nonexistent\n' | jupyter_config
doctor
broken jupyter jupyter "jupyter-nonexistent not found after activating ~/project/venv"
left_nothing remote
good_config

# ProxyCommand mode, without the library: all is well, and it needs the
# master that ControlMaster auto makes.
socat TCP4-LISTEN:22222,bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:"$SOCK" 2>/dev/null &
bridge=$!
wait_for 5 sh -c "ss -Hltn | grep -q '127.0.0.1:22222 '"
proxy_config() {	# [ControlMaster line]
	{ cat "$ROOT/ssh_config.orig"; printf '%s\n' 'Host gpu-proxy' '    HostName 127.0.0.1' \
	    '    Port 22222' '    HostKeyAlias gpu-box' "    User $REMOTE_USER" \
	    '    IdentityFile ~/.ssh/id_ed25519' '    IdentitiesOnly yes' '    BatchMode yes' \
	    '    ProxyCommand jupyssh proxy %h %p %n' "$@" '    ControlPath ~/.ssh/cm-%C'
	} | put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
}
printf 'Host gpu-proxy\n    JupyterPort 18889\n    JupyterDirectory ~/project\n' | jupyter_config
proxy_config '    ControlMaster auto'
PLAIN=1 HOST=gpu-proxy doctor
case $rc:$out in
0:*"library      ok    ProxyCommand mode"*"gpu-proxy: a login would bring a working URL"*) pass proxy-mode ;;
*) fail proxy-mode "exit 0 in ProxyCommand mode" "rc=$rc
$out" ;;
esac
proxy_config
PLAIN=1 HOST=gpu-proxy doctor
broken proxy-mode-no-master ssh "ProxyCommand mode needs ControlMaster auto"
left_nothing proxy
kill "$bridge"; wait "$bridge" 2>/dev/null
ssh_config_default
good_config

# The forward: a server with AllowTcpForwarding no, and with
# AllowStreamLocalForwarding no for a notebook on a socket.
if block=$("$NOFWD" up 2>&1); then
	{ cat "$ROOT/ssh_config.orig"; printf '%s\n' "$block"; } |
	    put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
	HOST=gpu-nofwd doctor
	broken forward-tcp forward "AllowTcpForwarding no"
	printf 'Host gpu-nofwd\n    JupyterPort 18889\n    JupyterSocket yes\n' | jupyter_config
	HOST=gpu-nofwd doctor
	broken forward-socket forward "AllowStreamLocalForwarding no"
	left_nothing forward
	"$NOFWD" down
else
	fail forward "the server without forwarding did not come up" "$block"
fi
ssh_config_default
good_config

# The remote port: taken by another user, Jupyter steps aside (a note,
# exit 0); every port it would try taken, no notebook can start.
hold_ports() {	# NETNS-or-"" USER FIRST LAST: listeners until killed
	local ns=(); [ -z "$1" ] || ns=(ip netns exec "$1")
	"${ns[@]}" runuser -u "$2" -- $PY -c '
import socket, sys, time
held = []
for p in range(int(sys.argv[1]), int(sys.argv[2]) + 1):
    s = socket.socket()
    # As servers do: an earlier connection in TIME_WAIT must not stop it.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", p)); s.listen(1); held.append(s)
print("held", flush=True)
time.sleep(600)' "$3" "$4" > "$ROOT/held.out" 2>&1 &
	holder=$!
	wait_for 20 grep -q held "$ROOT/held.out" ||
	    fail hold-ports "a listener on 127.0.0.1:$3..$4" "$(cat "$ROOT/held.out")"
}
hold_ports "$NETNS" "$OTHER_USER" 18889 18889
doctor
case $rc:$out in
0:*"remote-port  note  127.0.0.1:18889 is in use on gpu-box; Jupyter would take 18890"*) pass remote-port-busy ;;
*) fail remote-port-busy "exit 0 and a note that Jupyter takes 18890" "rc=$rc
$out" ;;
esac
kill "$holder"; wait "$holder" 2>/dev/null
hold_ports "$NETNS" "$OTHER_USER" $((18889 - 42)) $((18889 + 42))
doctor
broken remote-port remote-port "every port Jupyter would try"
kill "$holder"; wait "$holder" 2>/dev/null

# The local port: the configured one and the 99 after it all taken here.
hold_ports "" "$OTHER_USER" 28889 $((28889 + 99))
doctor
broken local-port local-port "127.0.0.1:28889 and the 99 ports after it are all in use"
kill "$holder"; wait "$holder" 2>/dev/null

# The scheduler: JupyterScheduler slurm where no SLURM controller answers.
printf 'Host gpu-box\n    JupyterPort 18889\n    JupyterScheduler slurm\n' | jupyter_config
doctor
broken scheduler scheduler ""
left_nothing scheduler
reset_all
