# The ASan and UBSan build of "make check-sanitize" at work: the shim
# inside a real ssh, where "ssh -G" reads and translates the configuration
# and connects nowhere, and the helper's paths that need no remote. Each
# case ends as it does without the sanitizers (ssh without the shim, the
# helper built without them) and leaves no AddressSanitizer,
# UndefinedBehaviorSanitizer or LeakSanitizer report. The configs are made
# here: the -F file and $JUPYSSH_CONFIG (the helper's -G also reads the
# passwd home's ~/.ssh/config, as its reference does).
cd "$(dirname "$0")/../.." || exit 2
top=$PWD
prefix=$top/build/sanitize/prefix
shim=$prefix/lib/libjupyssh.so
helper=$prefix/bin/jupyssh
reference=$top/build/sanitize/reference/jupyssh	# without sanitizers
if [ ! -f "$shim" ] || [ ! -x "$helper" ] || [ ! -x "$reference" ]; then
	echo "SKIP: lint/sanitize: run make check-sanitize"
	exit 0
fi
# ssh is not built with ASan: its runtime, the one the library was linked
# with, must be loaded first.
asan=$(ldd "$shim" | awk '$1 ~ /^libasan\.so/ { print $3 }')
[ -n "$asan" ] || asan=$(gcc -print-file-name=libasan.so)
preload="$asan $shim"
report='ERROR: AddressSanitizer|runtime error:|LeakSanitizer'
# Leaks count: ssh -G leaves nothing unreachable of its own, and its
# fatal() ends with _exit(), where LeakSanitizer does not look.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
unset LD_PRELOAD JUPYSSH_DISABLE JUPYSSH_INNER JUPYSSH_HELPER
tmp=$(mktemp -d /tmp/jupyssh-sanitize.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT
failed=0

pass() {
	echo "PASS: lint/sanitize/$1"
}

fail() {
	echo "FAIL: lint/sanitize/$1: $2"
	failed=1
}

# The start of a sanitizer's report, as detail lines.
show_report() {
	grep -E -A 14 "$report" "$1" | head -n 30 | sed 's/^/  /'
}

# check NAME [--out RE]... [--no-out RE] [--err RE] [--same] -- SSH-ARGS...
# ssh with and without the sanitized shim: the same exit status, no
# report; --out/--no-out/--err: the shim's stdout or stderr has (not) a
# line matching RE; --same: its stdout is plain ssh's, byte for byte.
check() {
	local name=$1 noout= err= same= plain rc why= re
	local -a outs=()
	shift
	while [ "$1" != -- ]; do
		case $1 in
		--out) outs+=("$2"); shift ;;
		--no-out) noout=$2; shift ;;
		--err) err=$2; shift ;;
		--same) same=1 ;;
		esac
		shift
	done
	shift
	ssh "$@" > "$tmp/plain.out" 2> "$tmp/plain.err" < /dev/null
	plain=$?
	LD_PRELOAD=$preload ssh "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
	rc=$?
	for re in "${outs[@]}"; do
		grep -Eq "$re" "$tmp/out" ||
		    why=${why:-"no line matching '$re' in ssh -G's output"}
	done
	if grep -Eq "$report" "$tmp/err"; then
		fail "$name" "a sanitizer report"
		show_report "$tmp/err"
	elif [ "$rc" -ne "$plain" ]; then
		fail "$name" "ssh exited $rc with the shim, $plain without"
		sed 's/^/  /' "$tmp/err" | head -n 5
	elif [ -n "$why" ]; then
		fail "$name" "$why"
	elif [ -n "$noout" ] && grep -Eq "$noout" "$tmp/out"; then
		fail "$name" "a line matching '$noout' in ssh -G's output"
	elif [ -n "$err" ] && ! grep -Eq "$err" "$tmp/err"; then
		fail "$name" "no message matching '$err' on stderr"
		sed 's/^/  /' "$tmp/err" | head -n 5
	elif [ -n "$same" ] && ! cmp -s "$tmp/out" "$tmp/plain.out"; then
		fail "$name" "ssh -G's output differs from plain ssh's"
		diff "$tmp/plain.out" "$tmp/out" | head -n 5 | sed 's/^/  /'
	else
		pass "$name"
	fi
}

# check_helper NAME WANT-STATUS ARGS...: the sanitized helper and the one
# without sanitizers; the same status (WANT-STATUS if given, "-" for any),
# the same stdout but for the helper's own path, no report.
check_helper() {
	local name=$1 want=$2 plain rc
	shift 2
	JUPYSSH_CONFIG=$side "$reference" "$@" \
	    > "$tmp/plain.out" 2> /dev/null < /dev/null
	plain=$?
	JUPYSSH_CONFIG=$side "$helper" "$@" > "$tmp/out" 2> "$tmp/err" \
	    < /dev/null
	rc=$?
	sed -i "s|$helper|$reference|g" "$tmp/out"
	if grep -Eq "$report" "$tmp/err"; then
		fail "helper/$name" "a sanitizer report"
		show_report "$tmp/err"
	elif [ "$want" != - ] && [ "$rc" -ne "$want" ]; then
		fail "helper/$name" "exited $rc, expected $want"
	elif [ "$rc" -ne "$plain" ]; then
		fail "helper/$name" "exited $rc, without sanitizers $plain"
	elif ! cmp -s "$tmp/out" "$tmp/plain.out"; then
		fail "helper/$name" "stdout differs from the one without sanitizers"
		diff "$tmp/plain.out" "$tmp/out" | head -n 5 | sed 's/^/  /'
	else
		pass "helper/$name"
	fi
}

# The side config and a plain ssh config, as a user has them.
side=$tmp/jupyter_config
cat > "$side" <<'EOF'
Host gpu-box
    JupyterPort 8889
    JupyterDirectory ~/project
    JupyterEnv ~/project/venv
EOF
cat > "$tmp/good" <<'EOF'
IgnoreUnknown Jupyter*
Host gpu-box
    HostName 127.0.0.1
    Port 2222
    User me
EOF
cat > "$tmp/inline" <<'EOF'
IgnoreUnknown Jupyter*
Host gpu-box
    HostName 127.0.0.1
    JupyterPort 8890
    JupyterCommand jupyter lab --no-browser
EOF
cat > "$tmp/bad-ports" <<'EOF'
IgnoreUnknown Jupyter*
Host gpu-box
    JupyterPort 99999
    JupyterLocalPort 0
    JupyterStartTimeout -1
EOF
cat > "$tmp/ssh-bad-port" <<'EOF'
Host gpu-box
    Port 99999
EOF
cat > "$tmp/unknown" <<'EOF'
IgnoreUnknown Jupyter*
Host gpu-box
    JupyterFrobnicate yes
    Frobnicate yes
EOF
cat > "$tmp/quotes" <<'EOF'
IgnoreUnknown Jupyter*
Host gpu-box
    JupyterDirectory "~/my project
    HostName "127.0.0.1
EOF
cat > "$tmp/match" <<'EOF'
IgnoreUnknown Jupyter*
Match host gpu-box
    JupyterPort 8889
    JupyterDirectory ~/project
EOF
# Two Includes of itself: nested too deep, and once used to mean 2^16 reads.
printf 'IgnoreUnknown Jupyter*\nInclude %s\nInclude %s\n' \
    "$tmp/loop" "$tmp/loop" > "$tmp/loop"
{
	printf 'IgnoreUnknown Jupyter*\nHost gpu-box\n    JupyterDirectory /'
	head -c 100000 /dev/zero | tr '\0' d
	printf '\n    JupyterPort 8891\n'
} > "$tmp/long"
# Deterministic garbage: every byte value, NULs and stray newlines included.
LC_ALL=C awk 'BEGIN { x = 7; for (i = 0; i < 8192; i++) {
	x = (x * 1103515245 + 12345) % 2147483648
	printf "%c", int(x / 65536) % 256 } }' < /dev/null > "$tmp/garbage"
printf 'Host gpu-box\n    JupyterPort 8889\n' >> "$tmp/garbage"
chmod 600 "$tmp"/*

export JUPYSSH_CONFIG=$side
check good --out "^localcommand '$prefix/bin/jupyssh' hook " \
    --out '^localforward \[127\.0\.0\.1\]:[0-9]+ \[127\.0\.0\.1\]:8889$' \
    -- -F "$tmp/good" -G gpu-box
JUPYSSH_CONFIG=$tmp/absent check jupyter-lines-in-ssh-config \
    --out '\[127\.0\.0\.1\]:8890$' -- -F "$tmp/inline" -G gpu-box
check bad-ports --err 'jupyssh: .*bad port' --no-out '^localcommand' \
    -- -F "$tmp/bad-ports" -G gpu-box
check ssh-bad-port -- -F "$tmp/ssh-bad-port" -G gpu-box
check unknown-directives --err 'unknown directive' \
    -- -F "$tmp/unknown" -G gpu-box
check unterminated-quotes --err 'unterminated quote' \
    -- -F "$tmp/quotes" -G gpu-box
check match-block --err 'inside a Match block' --no-out '^localcommand' \
    -- -F "$tmp/match" -G gpu-box
check include-loop --err 'nested too deep' -- -F "$tmp/loop" -G gpu-box
JUPYSSH_CONFIG=$tmp/absent check long-line \
    --out '\[127\.0\.0\.1\]:8891$' -- -F "$tmp/long" -G gpu-box
check binary-garbage -- -F "$tmp/garbage" -G gpu-box
check missing-config --err 'jupyssh: .*cannot open' \
    -- -F "$tmp/absent" -G gpu-box
check remote-command --same -- -F "$tmp/good" -G gpu-box cmd
check stdio-forward --same -- -F "$tmp/good" -G -W x:1 gpu-box
JUPYSSH_CONFIG=$tmp/garbage check garbage-side-config \
    --no-out '^localcommand' -- -F "$tmp/good" -G gpu-box

check_helper version 0 --version
check_helper help 0 --help
check_helper usage 2
check_helper unknown-command 2 frobnicate
check_helper start-without-host 2 start
check_helper hook-usage 2 hook
check_helper settings - -G gpu-box
check_helper settings-no-port - -G other-box
side=$tmp/garbage check_helper settings-bad-config - -G gpu-box
exit $failed
