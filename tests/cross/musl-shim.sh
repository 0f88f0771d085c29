# The musl library loaded into a musl program named ssh (tests/cross/
# fake_ssh.c): musl calls constructors with no arguments, so the library
# must read the command line itself to see "ssh -G gpu-box" and show the
# config with the host's block; in a program of another name, and for a
# host without Jupyter settings, the file as it is.
#   musl-shim.sh BUILD_DIR      (libjupyssh.so, jupyssh and fake-ssh there)
b=$(cd "$1" && pwd) || exit 1
t=$(mktemp -d /tmp/jupyssh-musl.XXXXXX)
trap 'rm -rf "$t"' EXIT
mkdir "$t/bin"
cp "$b/fake-ssh" "$t/bin/ssh"
cp "$b/fake-ssh" "$t/bin/not-ssh"
printf 'IgnoreUnknown Jupyter*\nHost *\n    ServerAliveInterval 30\n' > "$t/config"
printf 'Host gpu-box\n    JupyterPort 18889\n' > "$t/jupyter_config"
chmod 600 "$t/config" "$t/jupyter_config"
run() {
	env -i PATH=/usr/bin:/bin HOME="$t" LD_PRELOAD="$b/libjupyssh.so" \
	    JUPYSSH_CONFIG="$t/jupyter_config" JUPYSSH_HELPER="$b/jupyssh" "$@"
}
check() {	# NAME WANT_BLOCK OUTPUT
	case $3 in
	*"LocalForward 127.0.0.1:18889 127.0.0.1:18889"*) got=1 ;;
	*) got=0 ;;
	esac
	case $3 in
	*"ServerAliveInterval 30"*) ;;
	*) got=broken ;;
	esac
	if [ "$got" = "$2" ]; then
		echo "PASS: musl/$1"
	else
		echo "FAIL: musl/$1: block expected: $2, got: $got"
		printf '%s\n' "$3" | tail -n 6 | sed 's/^/  | /'
	fi
}
check shim-reads-its-command-line 1 "$(run "$t/bin/ssh" -F "$t/config" -G gpu-box 2>&1)"
check shim-other-host-untouched 0 "$(run "$t/bin/ssh" -F "$t/config" -G elsewhere 2>&1)"
check shim-other-program-untouched 0 "$(run "$t/bin/not-ssh" -F "$t/config" -G gpu-box 2>&1)"
