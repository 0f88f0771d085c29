# The shim in other people's processes: silent, unchanged behaviour, no
# files or sockets of its own, errno as without it, safe under threads and
# from a constructor, nothing before ssh's closefrom.
cd "$(dirname "$0")/../.."
top=$PWD
shim=$top/shim/libjupyssh.so
tmp=$(mktemp -d /tmp/jupyssh-hygiene.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass() { echo "PASS: lint/hygiene/$1"; }
fail() { echo "FAIL: lint/hygiene/$1: $2"; [ -z "$3" ] || printf '%s\n' "$3" | head -n 8 | sed 's/^/  | /'; }

# A broken side config: even then, nothing may show in other programs.
printf 'Host *\n    JupyterPort 0\n    JupyterBogus x\n' > "$tmp/jc"
export JUPYSSH_CONFIG=$tmp/jc

same() {	# NAME CMD...: output and status with the shim = without
	local name=$1 a b
	shift
	a=$("$@" 2>&1; echo "rc=$?")
	b=$(LD_PRELOAD=$shim "$@" 2>&1; echo "rc=$?")
	if [ "$a" = "$b" ]; then pass "$name"; else fail "$name" "output differs with the shim" "$b"; fi
}
same true /bin/true
same bash bash -c 'echo "$((6*7))"; ls -d / /nonexistent'
same python /usr/bin/python3 -c 'import os, sys; print(open("/etc/hostname").read() != "", sys.argv)'
same make make -s -f /dev/null nothing
same coreutils sh -c 'cat /etc/hostname | sort | wc -l; date -d @0 -u; env | grep -c JUPYSSH_CONFIG'

# No file, socket or memfd of its own in a program that is not ssh.
if command -v strace >/dev/null; then
	calls='trace=openat,open,socket,connect,memfd_create,write'
	strace -f -qq -e "$calls" -o "$tmp/plain" cat /etc/hostname > /dev/null
	LD_PRELOAD=$shim strace -f -qq -e "$calls" -o "$tmp/shim" cat /etc/hostname > /dev/null
	a=$(sed 's/^[0-9]* *//' "$tmp/plain")
	b=$(sed 's/^[0-9]* *//' "$tmp/shim" | grep -v 'libjupyssh\.so')
	if [ "$a" = "$b" ]; then pass no-own-syscalls; else fail no-own-syscalls "other syscalls with the shim" "$(diff <(echo "$a") <(echo "$b"))"; fi
else
	fail no-own-syscalls "strace is not installed"
fi

# errno, a constructor that calls fopen first, threads: as "ssh" (the shim
# acts) and as anything else (it must not), against no shim at all.
cc -std=c11 -D_GNU_SOURCE -O1 -o "$tmp/probe" tests/lint/probe.c -lpthread || fail probe-build "cc failed"
mkdir -p "$tmp/bin" "$tmp/home/.ssh"
cp "$tmp/probe" "$tmp/bin/ssh"
printf 'Host gpu-box\n    JupyterPort 18889\n' > "$tmp/jc-good"
printf 'Host *\n    User nobody\n' > "$tmp/home/.ssh/cfg"
export JUPYSSH_CONFIG=$tmp/jc-good
a=$("$tmp/probe" 2>&1)
b=$(LD_PRELOAD=$shim "$tmp/probe" 2>&1)
if [ "$a" = "$b" ]; then pass probe-not-ssh; else fail probe-not-ssh "differs with the shim" "$b"; fi
a=$("$tmp/bin/ssh" -F "$tmp/home/.ssh/cfg" gpu-box "$tmp/home/.ssh/cfg" 2>&1)
b=$(LD_PRELOAD=$shim "$tmp/bin/ssh" -F "$tmp/home/.ssh/cfg" gpu-box "$tmp/home/.ssh/cfg" 2>&1)
if [ "$a" = "$b" ]; then pass probe-as-ssh-errno-threads; else fail probe-as-ssh-errno-threads "differs with the shim" "$(diff <(echo "$a") <(echo "$b"))"; fi
case $b in *"ok early-fopen"*"ok threads"*) pass probe-ran ;; *) fail probe-ran "the probe did not finish" "$b" ;; esac

# In ssh: nothing opened before ssh's own closefrom (close_range) at the
# top of main, which would close it and reuse its number.
if command -v strace >/dev/null; then
	before() {	# what ssh opens before its closefrom, libraries aside
		strace -qq -e trace=openat,socket,memfd_create,close_range \
		    -o "$tmp/ssh" ssh -F "$tmp/home/.ssh/cfg" -G gpu-box > /dev/null 2>&1
		grep -q close_range "$tmp/ssh" || echo "no close_range seen"
		sed -n '/close_range/q;p' "$tmp/ssh" |
		    grep -v -E 'ld\.so\.cache|\.so(\.[0-9]+)*"'
	}
	a=$(before)
	b=$(LD_PRELOAD=$shim before)
	if [ "$a" = "$b" ]; then
		pass nothing-before-closefrom
	else
		fail nothing-before-closefrom "opened before ssh's closefrom" "$(diff <(echo "$a") <(echo "$b"))"
	fi
fi
