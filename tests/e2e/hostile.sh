# What the remote says is data (issue 9). A hostile remote — here a fake
# "jupyter" the JupyterCommand points at — gets no escape sequence onto the
# user's terminal, forges no jupyssh: line and no URL; and a pid the
# system gave to another process after our notebook died is never signalled.
. "$(dirname "$0")/lib.sh"
RPORT=18889
LPORT=28889
FAKE=$REMOTE_HOME/hostile-bin
trap 'stop_sleeper; reset_all; rm -rf "$FAKE"' EXIT

# The byte that must not reach a terminal, and how the forged line starts.
ESC=$(printf '\033')
FORGED='jupyssh: notebook on gpu-box ready: http://127.0.0.1:1/'

as_remote() { runuser -u "$REMOTE_USER" -- "$@"; }
# as_remote_write FILE < text: a 0600 file of the remote user's.
as_remote_write() { as_remote sh -c 'umask 077; cat > "$1"' _ "$1"; }

# A fake "jupyter notebook": it reads what to do from $FAKE/mode, takes the
# environment and options a real one gets (JUPYTER_RUNTIME_DIR,
# JUPYTER_TOKEN or JUPYTER_TOKEN_FILE, --ip --port --port-retries or
# --sock), and lies as told:
#   noisy          escape sequences and forged jupyssh: lines in its log, exit 1
#   token-escape   listens and answers like a notebook, and its runtime file
#                  says a token holding escape sequences
#   token-charset  ... a token of the right length that is not hex
#   token-length   ... a hex token too short
#   token-other    ... a well-formed token other than the one it was given
install_fake() {
	install -d -m 755 -o "$REMOTE_USER" -g "$REMOTE_USER" "$FAKE"
	as_remote_write "$FAKE/jupyter" <<'EOF'
#!/usr/bin/python3
import json, os, secrets, signal, socket, sys

mode = open(os.path.join(os.path.dirname(__file__), "mode")).read().strip()
opts = dict(a[2:].split("=", 1) for a in sys.argv[1:]
            if a.startswith("--") and "=" in a)
if mode == "noisy":
    sys.stderr.write(
        "\njupyssh: notebook on gpu-box ready: http://127.0.0.1:1/?token=evil\n"
        "\033]0;pwned\007\033[2J"
        "\rjupyssh: notebook on gpu-box ready: http://127.0.0.1:1/?token=evil\n")
    sys.exit(1)

given = os.environ.get("JUPYTER_TOKEN")
if not given and os.environ.get("JUPYTER_TOKEN_FILE"):
    given = open(os.environ["JUPYTER_TOKEN_FILE"]).read().strip()
given = given or "0" * 48
token = {
    "token-escape": "\033]0;pwned\007\033[2J" + given,
    "token-charset": "z" * len(given),
    "token-length": given[:16],
    "token-other": secrets.token_hex(max(len(given) // 2, 1)),
}[mode]

if "sock" in opts:
    s = socket.socket(socket.AF_UNIX)
    s.bind(opts["sock"])
    os.chmod(opts["sock"], int(opts.get("sock-mode", "0600"), 8))
    port = 0
else:
    first = int(opts.get("port", "8888"))
    for port in range(first, first + int(opts.get("port-retries", "50")) + 1):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((opts.get("ip", "localhost"), port))
            break
        except OSError:
            s.close()
    else:
        sys.exit("no free port")
s.listen(16)

# The runtime file as Notebook 6.4 writes it, but with the raw token.
rundir = os.environ.get("JUPYTER_RUNTIME_DIR") or os.path.expanduser(
    "~/.local/share/jupyter/runtime")
path = os.path.join(rundir, "nbserver-%d.json" % os.getpid())
info = {"base_url": "/", "hostname": opts.get("ip", "localhost"),
        "notebook_dir": os.getcwd(), "password": False, "pid": os.getpid(),
        "port": port, "secure": False, "sock": opts.get("sock", ""),
        "token": "@TOKEN@", "url": "http://%s:%d/" % (opts.get("ip"), port)}
text = json.dumps(info, indent=2, sort_keys=True).replace('"@TOKEN@"',
                                                          '"%s"' % token)
with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
    f.write(text)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
try:
    sys.stderr.write("Jupyter Notebook 6.4.12 is running at:\n%s\n" % info["url"])
    sys.stderr.flush()
    body = b'{"started": "2026-01-01T00:00:00Z", "connections": 0, "kernels": 0}'
    while True:
        c, _ = s.accept()
        c.settimeout(2)
        try:
            c.recv(65536)
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                      % (len(body), body))
        except OSError:
            pass
        c.close()
finally:
    os.unlink(path)
EOF
	chmod 755 "$FAKE/jupyter"
}
fake_mode() { printf '%s\n' "$1" | as_remote_write "$FAKE/mode"; }

config() {	# [JupyterCommand]
	jupyter_config <<EOC
Host gpu-box
    JupyterPort $RPORT
    JupyterLocalPort $LPORT
    JupyterStartTimeout 20
${1:+    JupyterCommand $1}
EOC
}

# shown FILE: the text for a failure message, control characters visible.
shown() { cat -v "$1"; }
has_esc() { LC_ALL=C grep -aq "$ESC" "$@"; }
# A line (after a newline or a carriage return) that starts forged.
has_forged() { cat "$@" | tr '\r' '\n' | grep -aq "^${FORGED//./\\.}"; }

# Case 3a: the remote's error text (the notebook's last log lines) carries
# escape sequences that would retitle and clear the terminal, and lines
# dressed as jupyssh's own, after a newline and after a carriage return.
hostile_noisy() {
	local out=$ROOT/noisy.out err=$ROOT/noisy.err rc tty=$ROOT/noisy.tty
	reset_all
	config "$FAKE/jupyter notebook"
	fake_mode noisy
	laptop jupyssh start gpu-box > "$out" 2> "$err"
	rc=$?
	if [ "$rc" -ne 0 ] && grep -aq '^jupyssh: gpu-box: ' "$err" && ! grep -aq 'token=[0-9a-f]\{48\}' "$out"; then
		pass noisy-start-error
	else
		fail noisy-start-error "expected exit non-zero and a 'jupyssh: gpu-box: ...' error, got exit $rc" "$(shown "$err")"
	fi
	if has_esc "$out" "$err"; then
		fail noisy-start-visible "expected no ESC byte from the remote on stdout/stderr (shown as \\033)" "$(shown "$err")"
	else
		pass noisy-start-visible
	fi
	if has_forged "$out" "$err"; then
		fail noisy-start-no-forged-line "expected no line starting '$FORGED' (after a newline or a carriage return)" "$(shown "$err")"
	else
		pass noisy-start-no-forged-line
	fi

	# The same text in an interactive login, on the terminal itself (the
	# remote shell's own prompt may set the title: only the fake's count).
	reset_all
	config "$FAKE/jupyter notebook"
	laptop_tty --timeout 90 --expect 'jupyssh: gpu-box: ' --send 'exit\n' -- ssh gpu-box > "$tty" 2>&1
	if ! grep -aq 'jupyssh: gpu-box: ' "$tty"; then
		fail noisy-login-visible "expected the error on the terminal" "$(shown "$tty")"
	elif LC_ALL=C grep -aqF -e "${ESC}]0;pwned" -e "${ESC}[2J" "$tty"; then
		fail noisy-login-visible "expected the remote's escape sequences made visible, the terminal got them raw" "$(shown "$tty" | grep -a pwned)"
	else
		pass noisy-login-visible
	fi
	if has_forged "$tty"; then
		fail noisy-login-no-forged-line "expected no terminal line starting '$FORGED'" "$(shown "$tty" | grep -a jupyssh)"
	else
		pass noisy-login-no-forged-line
	fi
}

# Case 3b: a "notebook" that binds the port itself (so it passes any check
# of who listens) and answers every request, but whose runtime file holds a
# crafted token: it must not become a URL.
hostile_token() {
	local mode=$1 out=$ROOT/$1.out err=$ROOT/$1.err rc
	reset_all
	config "$FAKE/jupyter notebook"
	fake_mode "$mode"
	laptop jupyssh start gpu-box > "$out" 2> "$err"
	rc=$?
	if [ "$rc" -ne 0 ] && ! grep -aq 'http://' "$out" &&
	    ! grep -aq "127\.0\.0\.1:$LPORT/?token" "$err" &&
	    grep -aq '^jupyssh: gpu-box: .*bad answer from the remote' "$err"; then
		pass "$mode-refused"
	else
		fail "$mode-refused" "expected exit non-zero, no URL, and 'jupyssh: gpu-box: ... bad answer from the remote'; got exit $rc" \
		    "$(printf 'stdout: %s\nstderr: %s\n' "$(shown "$out")" "$(shown "$err")")"
	fi
	if has_esc "$out" "$err"; then
		fail "$mode-visible" "expected no ESC byte from the remote on stdout/stderr (shown as \\033)" "$(shown "$out"; shown "$err")"
	else
		pass "$mode-visible"
	fi
	laptop jupyssh stop gpu-box > /dev/null 2>&1
}

# A process of the remote user's whose command line says "jupyter" (and,
# given a port, listening on it in the remote's namespace), in $sleeper.
# With a pid, it gets exactly that pid: the kernel hands out the one after
# ns_last_pid, so it is retried while other processes take it first.
SLEEPER='import socket, sys, time
if len(sys.argv) > 2:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(sys.argv[2])))
    s.listen()
time.sleep(300)'
sleeper=
spawn_sleeper() {	# PID|"" [PORT]
	local want=$1
	shift
	for _ in $(seq 50); do
		[ -z "$want" ] || echo $((want - 1)) > /proc/sys/kernel/ns_last_pid
		nsenter --net="/run/netns/$NETNS" setpriv --reuid="$REMOTE_USER" \
		    --regid="$REMOTE_USER" --init-groups env -i -C / \
		    HOME="$REMOTE_HOME" PATH=/usr/bin:/bin "$PY" -c "$SLEEPER" jupyter "$@" \
		    < /dev/null > /dev/null 2>&1 &
		sleeper=$!
		if [ -z "$want" ] || [ "$sleeper" = "$want" ]; then
			[ $# -eq 0 ] && return 0
			wait_for 5 sh -c "nsenter --net=/run/netns/$NETNS ss -Hltnp 'sport = :$1' | grep -q 'pid=$sleeper,'"
			return
		fi
		stop_sleeper
	done
	return 1
}
stop_sleeper() {
	[ -n "$sleeper" ] || return 0
	kill -KILL "$sleeper" 2>/dev/null
	wait "$sleeper" 2>/dev/null
	sleeper=
}
# Exited, or a zombie that only waits to be reaped.
gone() {
	local stat
	read -r stat < "/proc/$1/stat" 2>/dev/null || return 0
	case ${stat##*) } in Z* | X*) return 0 ;; esac
	return 1
}
start_of() {	# PID: field 22 of /proc/PID/stat, its start time in ticks
	local stat
	read -r stat < "/proc/$1/stat" || return 1
	set -- ${stat##*) }
	echo "${20}"
}

# plant_state PID START: a pid file "PID START BOOT" and a runtime file in
# our private folder, as jupyssh leaves them for a notebook it started.
plant_state() {
	local boot token
	read -r boot < /proc/sys/kernel/random/boot_id
	token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
	as_remote sh -c 'umask 077; mkdir -p "$1"' _ "$RSTATE/nb-$RPORT.runtime"
	echo "$1 $2 $boot" | as_remote_write "$RSTATE/nb-$RPORT.pid"
	as_remote_write "$RSTATE/nb-$RPORT.runtime/nbserver-$1.json" <<EOF
{
  "base_url": "/",
  "hostname": "127.0.0.1",
  "notebook_dir": "$REMOTE_HOME",
  "password": false,
  "pid": $1,
  "port": $RPORT,
  "secure": false,
  "sock": "",
  "token": "$token",
  "url": "http://127.0.0.1:$RPORT/"
}
EOF
}

# spared NAME PID WHAT: the process is still alive.
spared() {
	if gone "$2"; then
		fail "$1" "expected pid $2 ($3) left alone, stop killed it"
	else
		pass "$1"
	fi
}

# Case 4a: the pid file names a live process of the user's that looks like
# a notebook (command line, runtime file, the port) but started at another
# time: the notebook died and the system gave its pid to this one. As a
# control, the same state with the right start time is "running".
recycled_planted() {
	local start wrong out
	reset_all
	config
	if ! spawn_sleeper "" "$RPORT"; then
		fail recycled-setup "expected a process of $REMOTE_USER listening on $RPORT"
		stop_sleeper
		return
	fi
	start=$(start_of "$sleeper")
	wrong=$((start > 1000 ? start - 1000 : start + 1000))
	plant_state "$sleeper" "$wrong"
	out=$(laptop jupyssh stop gpu-box 2>&1)
	check_eq recycled-wrong-start-stop "$out" "jupyssh: gpu-box: no notebook of jupyssh's was running"
	spared recycled-wrong-start-spared "$sleeper" "its start time is not the pid file's"

	plant_state "$sleeper" "$start"
	out=$(laptop jupyssh status gpu-box 2>&1)
	case $out in
	"gpu-box: running, pid $sleeper,"*) pass recycled-right-start-running ;;
	*) fail recycled-right-start-running "expected 'gpu-box: running, pid $sleeper, ...' for the pid file with its true start time" "$out" ;;
	esac
	stop_sleeper
}

# Case 4b: the same for real: a notebook jupyssh started is killed (OOM,
# kill -9: its runtime file stays), and its very pid goes to another
# process of the user's whose command line says jupyter.
recycled_after_crash() {
	local url old out
	reset_all
	config
	url=$(laptop jupyssh start gpu-box 2> "$ROOT/crash.err" | url_in)
	read -r old _ < "$RSTATE/nb-$RPORT.pid"
	if [ -z "$url" ] || [ -z "$old" ]; then
		fail recycled-crash-setup "expected a URL from jupyssh start" "$(shown "$ROOT/crash.err")"
		return
	fi
	kill -KILL "$old"
	if ! wait_for 30 test ! -e "/proc/$old"; then
		fail recycled-crash-setup "expected the killed notebook $old reaped within 30 s"
		return
	fi
	if ! spawn_sleeper "$old"; then
		fail recycled-crash-setup "expected a new process to get the notebook's old pid $old (ns_last_pid)"
		stop_sleeper
		return
	fi
	out=$(laptop jupyssh stop gpu-box 2>&1)
	check_eq recycled-crash-stop "$out" "jupyssh: gpu-box: no notebook of jupyssh's was running"
	spared recycled-crash-spared "$old" "a new process that got the dead notebook's pid"
	stop_sleeper
}

install_fake
hostile_noisy
for m in token-escape token-charset token-length token-other; do
	hostile_token "$m"
done
recycled_planted
recycled_after_crash
