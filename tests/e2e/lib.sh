# Shared by the end-to-end tests: who runs what, and how results are said.
# A test script sources this, then calls its cases; see tests/run.

. /tmp/jupyssh-sandbox/env || { echo "FAIL: e2e: no sandbox"; exit 1; }
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T=$(basename "$0" .sh)
PREFIX=$ROOT/prefix
SHIM=$PREFIX/lib/libjupyssh.so
JSTATE=$LAPTOP_HOME/.local/state/jupyssh
# The remote keeps its state in a folder per machine (its host name).
RSTATE=$REMOTE_HOME/.local/state/jupyssh/$(cat /proc/sys/kernel/hostname)
TOOLS=$TOP/tests/tools
export JUPYSSH_PREFIX=$PREFIX
PY=/usr/bin/python3

pass() { echo "PASS: e2e/$T/$1"; }
fail() {
	echo "FAIL: e2e/$T/$1: $2"
	[ -z "$3" ] || printf '%s\n' "$3" | tail -n 8 | sed 's/^/  | /'
}
# check NAME GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$3', got '$2'"; fi
}

# A sanitized build (make check-sanitize) needs its runtime loaded first,
# and writes its reports where tests/run looks for them. Leaks are the unit
# tests' business: ssh's own would drown ours.
PRELOAD=$SHIM
SAN_ENV=
if [ -n "${JUPYSSH_SANITIZE:-}" ]; then
	PRELOAD="$(gcc -print-file-name=libasan.so):$SHIM"
	SAN_ENV="ASAN_OPTIONS=detect_leaks=0:log_path=$ROOT/sanitizer/asan UBSAN_OPTIONS=print_stacktrace=1:log_path=$ROOT/sanitizer/ubsan"
fi

# As the laptop user, with the shim preloaded (EXTRA_ENV adds NAME=VALUE words).
laptop() {
	AS_LAPTOP_ENV="LD_PRELOAD=$PRELOAD $SAN_ENV ${EXTRA_ENV:-}" "$TOP/tests/sandbox/as-laptop" "$@"
}
# As the laptop user, without the shim: what plain ssh does.
laptop_plain() {
	AS_LAPTOP_ENV="$SAN_ENV ${EXTRA_ENV:-}" "$TOP/tests/sandbox/as-laptop" "$@"
}
# As the laptop user with the shim (NO_SHIM=1: without), under a
# pseudo-terminal, as a person typing:
#   laptop_tty [pty-run options...] -- CMD ARGS...
laptop_tty() {
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	local preload="LD_PRELOAD=$PRELOAD $SAN_ENV"
	[ -z "${NO_SHIM:-}" ] || preload=
	PTY_RUN_OWNER=$LAPTOP_USER "$TOOLS/pty-run" "${opts[@]}" -- env AS_LAPTOP_ENV="$preload ${EXTRA_ENV:-}" \
	    JUPYSSH_PREFIX="$PREFIX" "$TOP/tests/sandbox/as-laptop" "$@"
}

# The laptop user's files.
put_laptop_file() {	# PATH MODE < text
	cat > "$1" && chown "$LAPTOP_USER:$LAPTOP_USER" "$1" && chmod "$2" "$1"
}
jupyter_config() {	# < text
	put_laptop_file "$LAPTOP_HOME/.ssh/jupyter_config" 600
}
ssh_config_default() {
	put_laptop_file "$LAPTOP_HOME/.ssh/config" 600 < "$ROOT/ssh_config.orig"
}

# No Jupyter Notebook of the remote user's runs.
no_notebook() {
	! pgrep -u "$REMOTE_USER" -f jupyter-notebook > /dev/null
}
# Jupyter processes of the remote user, one pid a line.
remote_notebooks() {
	pgrep -u "$REMOTE_USER" -f 'jupyter-(notebook|lab|server)' | sort
}
# Ends every notebook and ssh process the tests made; removes state.
reset_all() {
	pkill -u "$LAPTOP_USER" -f 'ssh|jupyssh' 2>/dev/null
	pkill -u "$REMOTE_USER" 2>/dev/null
	for i in $(seq 50); do
		pgrep -u "$REMOTE_USER" >/dev/null || pgrep -u "$LAPTOP_USER" >/dev/null || break
		sleep 0.1
	done
	pkill -KILL -u "$REMOTE_USER" 2>/dev/null
	pkill -KILL -u "$LAPTOP_USER" 2>/dev/null
	rm -rf "${RSTATE%/*}" "$JSTATE" "$LAPTOP_HOME"/.ssh/jupyssh-*
	ssh_config_default
}

# Waits up to $1 seconds for the command to succeed.
wait_for() {
	local t=$1 i
	shift
	for i in $(seq $((t * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# A notebook URL in the text, as jupyssh prints it.
url_in() { grep -o 'http://127\.0\.0\.1:[0-9]*/?token=[0-9a-f]*' | head -n 1; }

# Code run through the URL gives WANT within SECONDS (a forward being
# healed); what it gave last, if not.
cell_within() {	# SECONDS URL CODE WANT
	local end=$((SECONDS + $1)) got
	while :; do
		got=$(run_cell "$2" "$3" 2>&1)
		[ "$got" = "$4" ] && return 0
		[ "$SECONDS" -ge "$end" ] && { printf '%s\n' "$got"; return 1; }
		sleep 1
	done
}

# Runs python code in a kernel through the URL (from the laptop side).
run_cell() {	# URL CODE
	local base=${1%%/?token=*} token=${1##*token=}
	JUPYTER_TOKEN=$token timeout 90 "$TOOLS/nbclient" "$base" "$2"
}
# The same in one kernel kept between calls, its id in file KFILE.
run_in_kernel() {	# KFILE URL CODE
	local base=${2%%/?token=*} token=${2##*token=}
	JUPYTER_TOKEN=$token timeout 90 "$TOOLS/nbclient" --kernel "$1" "$base" "$3"
}
# A page through 127.0.0.1:PORT here, in the root namespace: only a
# forward reaches the remote's.
local_page() {	# PORT PATH
	"$PY" -c 'import sys, urllib.request as u
o = u.build_opener(u.ProxyHandler({}))
sys.stdout.write(o.open("http://127.0.0.1:%s%s" % (sys.argv[1], sys.argv[2]), timeout=5).read().decode())' "$1" "$2" 2>/dev/null
}
listens_here() { ss -Hltn "sport = :$1" | grep -q .; }

# A module of the site's Lmod tree (/etc/lmod/modules, which Debian's
# /etc/profile.d/lmod.sh puts in MODULEPATH), jupyssh-test/1.0, for user
# $1 of home $2: it sets JSTEST_MODULE and puts $2/modbin first in PATH,
# where a jupyter wrapper sets JSTEST_WRAPPER. Removed by lmod_module_gone.
LMOD_TEST_DIR=/etc/lmod/modules/jupyssh-test
lmod_module() {	# USER HOME
	mkdir -p "$LMOD_TEST_DIR" || return 1
	cat > "$LMOD_TEST_DIR/1.0.lua" <<EOM
prepend_path("PATH", "$2/modbin")
setenv("JSTEST_MODULE", "loaded")
EOM
	module_jupyter "$1" "$2"
}
# The same module in Environment Modules' words, in tree $3.
envmodules_module() {	# USER HOME TREE
	mkdir -p "$3/jupyssh-test" || return 1
	printf '#%%Module1.0\nprepend-path PATH %s/modbin\nsetenv JSTEST_MODULE loaded\n' \
	    "$2" > "$3/jupyssh-test/1.0"
	module_jupyter "$1" "$2"
}
# The module's jupyter: a wrapper that says it ran.
module_jupyter() {	# USER HOME
	mkdir -p "$2/modbin" || return 1
	printf '#!/bin/sh\nexport JSTEST_WRAPPER=used\nexec /usr/bin/jupyter "$@"\n' > "$2/modbin/jupyter"
	chmod 755 "$2/modbin/jupyter" && chown -R "$1" "$2/modbin"
}
lmod_module_gone() { rm -rf "$LMOD_TEST_DIR"; }

# The SLURM sandbox (tests/sandbox/cluster.sh) rebuilt, its settings
# prefixed C_ (its ROOT is not this one's), the laptop's ssh config and
# known_hosts reaching its login node as "cluster"; CSTATE our state
# there. The test ends if it does not come up.
cluster_up() {
	if ! "$TOP/tests/sandbox/cluster.sh" up; then
		fail cluster-up "the SLURM sandbox did not come up"
		exit 1
	fi
	eval "$(sed 's/^\([A-Z_][A-Z0-9_]*=\)/C_\1/' /tmp/jupyssh-cluster/env)"
	CSTATE=$C_CLUSTER_HOME/.local/state/jupyssh/login
	{ cat "$ROOT/ssh_config.orig" /tmp/jupyssh-cluster/ssh_config_snippet; } |
	    put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
	cat "$KNOWN_HOSTS" /tmp/jupyssh-cluster/known_hosts |
	    put_laptop_file "$LAPTOP_HOME/.ssh/known_hosts" 644
}
on_login() {	# CMD: as the cluster user, on the login node
	ip netns exec "$C_NETNS_LOGIN" runuser -u "$C_CLUSTER_USER" -- \
	    env SLURM_CONF="$C_SLURM_CONF" sh -c "cd && $1"
}
