# The OpenSSH clients users have (make check-openssh builds them and lists
# them in OPENSSH_CLIENTS as NAME=PATH words, Debian's own among them).
# With each one first on the laptop's PATH, so that the helper's own ssh
# calls use it too: the translation (ssh -G with and without the
# library), the client's own reading of its command line (-P, -Z,
# ssh://), an interactive login that prints a URL that answers, a second
# login that joins the first one's connection, and stop.
. "$(dirname "$0")/lib.sh"
if [ -z "${OPENSSH_CLIENTS:-}" ]; then
	echo "SKIP: e2e/$T: the client matrix runs in make check-openssh"
	exit 0
fi

# "tag" is gpu-box by another name: up to 9.3, "ssh -P tag gpu-box" logs
# in there and runs "gpu-box".
ssh_config_tag() {
	{ cat "$ROOT/ssh_config.orig"
	  sed -n 's/^Host gpu-box$/Host tag/p; /^ /p' "$ROOT/ssh_config.orig"
	} | put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
}
jupyter_setup() {
	jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18889
    JupyterLocalPort 28889
    JupyterDirectory ~/project
EOC
}

# The block the library adds, in ssh -G's words (7.4 expands %C there).
has_block() {
	case $1 in
	*"localforward [127.0.0.1]:28889 [127.0.0.1]:18889"*"localcommand '$PREFIX/bin/jupyssh' hook gpu-box '~/.ssh/jupyssh-"*) return 0 ;;
	*"localcommand '$PREFIX/bin/jupyssh' hook gpu-box '~/.ssh/jupyssh-"*"localforward [127.0.0.1]:28889 [127.0.0.1]:18889"*) return 0 ;;
	esac
	return 1
}
# check_plain NAME ARGS...: with the library, ssh ARGS prints what it
# prints without it, and jupyssh says nothing.
check_plain() {
	local name=$1 with without
	shift
	with=$(laptop ssh "$@" 2>&1 </dev/null)
	without=$(laptop_plain ssh "$@" 2>&1 </dev/null)
	check_eq "$name" "$with" "$without"
}
check_block() {	# NAME ARGS...
	local name=$1 out
	shift
	out=$(laptop ssh "$@" 2>&1 </dev/null)
	if has_block "$out"; then pass "$name"; else fail "$name" "the jupyssh block in ssh -G $*" "$out"; fi
}

matrix_one() {	# NAME PATH
	local C=$1 bin=$2 want ver out url first release conn1 conn2 ours stop
	want=OpenSSH_${C%%-*}
	# 9.6p1 -> 906: what the release reads differently hangs on it.
	ver=$(echo "${C%%-*}" | sed 's/p.*//' | awk -F. '{ print $1 * 100 + $2 }')
	EXTRA_ENV="PATH=${bin%/*}:$PREFIX/bin:/usr/bin:/bin"
	reset_all
	ssh_config_tag
	jupyter_setup

	out=$(laptop ssh -V 2>&1)
	case $out in
	"$want"[,\ ]*) pass "$C/client" ;;
	*) fail "$C/client" "ssh -V saying $want" "$out"; return ;;
	esac

	# The translation, and what must stay plain.
	check_block "$C/translated" -G gpu-box
	out=$(laptop ssh -G gpu-box 2>&1)
	case $out in
	*"controlmaster auto"*) pass "$C/control-master" ;;
	*) fail "$C/control-master" "ControlMaster auto" "$out" ;;
	esac
	check_eq "$C/disable" "$(EXTRA_ENV="$EXTRA_ENV JUPYSSH_DISABLE=1" laptop ssh -G gpu-box 2>&1)" \
	    "$(laptop_plain ssh -G gpu-box 2>&1)"
	check_plain "$C/other-host" -G other
	check_plain "$C/command-session" -G gpu-box true
	check_plain "$C/sftp-session" -G -s -oPermitLocalCommand=no gpu-box sftp
	# The client's own reading of its command line.
	if [ "$ver" -le 903 ]; then
		check_plain "$C/P-is-a-flag" -G -P tag gpu-box
		check_block "$C/P-alone" -G -P gpu-box
	else
		check_block "$C/P-takes-a-tag" -G -P tag gpu-box
		check_plain "$C/P-alone" -G -P gpu-box
	fi
	if [ "$ver" -ge 800 ]; then
		check_block "$C/ssh-uri" -G ssh://gpu-box
	else
		check_plain "$C/ssh-uri" -G ssh://gpu-box
	fi
	check_block "$C/option-after-host" -G gpu-box -N

	# A person logs in and stays until released.
	release=$ROOT/release-$C
	rm -f "$release"
	laptop_tty --timeout 120 --expect 'ready: http' \
	    --send "echo conn=[\$SSH_CONNECTION]; while [ ! -e $release ]; do sleep 0.2; done; exit\n" \
	    -- ssh gpu-box > "$ROOT/tty-$C-1.out" 2>&1 &
	first=$!
	if wait_for 90 grep -q 'ready: http' "$ROOT/tty-$C-1.out"; then
		pass "$C/url-printed"
		url=$(url_in < "$ROOT/tty-$C-1.out")
		check_eq "$C/url-answers" "$(run_cell "$url" 'print(6*7)' 2>&1)" 42
	else
		fail "$C/url-printed" "no 'notebook on gpu-box ready: URL' on the terminal" \
		    "$(cat "$ROOT/tty-$C-1.out")"
	fi

	# With that session open: what is no login to gpu-box starts no hook.
	if [ "$ver" -le 903 ]; then
		out=$(laptop ssh -P tag gpu-box 2>&1 </dev/null)
		case $out in
		*jupyssh*) fail "$C/P-tag-starts-nothing" "nothing of jupyssh's for a login to tag" "$out" ;;
		*) pass "$C/P-tag-starts-nothing" ;;
		esac
	fi
	[ "$ver" -lt 1005 ] || check_plain "$C/Z-starts-nothing" -Z gpu-box

	# A second login joins the first one's connection, and gets the URL.
	laptop_tty --timeout 60 --expect '(ready|running): http' \
	    --send 'echo conn=[$SSH_CONNECTION]; exit\n' --expect 'conn=\[[0-9]' \
	    -- ssh gpu-box > "$ROOT/tty-$C-2.out" 2>&1
	check_eq "$C/second-url" "$(url_in < "$ROOT/tty-$C-2.out")" "$url"
	conn1=$(grep -ao 'conn=\[[0-9][^]]*\]' "$ROOT/tty-$C-1.out" | head -n 1)
	conn2=$(grep -ao 'conn=\[[0-9][^]]*\]' "$ROOT/tty-$C-2.out" | head -n 1)
	if [ -n "$conn1" ] && [ "$conn1" = "$conn2" ]; then
		pass "$C/second-joins"
	else
		fail "$C/second-joins" "the same connection in both sessions, got '$conn1' and '$conn2'" \
		    "$(cat "$ROOT/tty-$C-2.out")"
	fi

	touch "$release"
	wait "$first"
	ours=$(cut -d" " -f1 "$RSTATE/nb-18889.pid" 2>/dev/null)
	stop=$(laptop jupyssh stop gpu-box 2>&1)
	check_eq "$C/stop" "$?: $stop" "0: jupyssh: gpu-box: notebook stopped (pid $ours)"
	if wait_for 15 sh -c "! kill -0 $ours 2>/dev/null"; then
		pass "$C/stop-ends-it"
	else
		fail "$C/stop-ends-it" "pid $ours alive"
	fi
}

for entry in $OPENSSH_CLIENTS; do
	matrix_one "${entry%%=*}" "${entry#*=}"
done
EXTRA_ENV=
reset_all
