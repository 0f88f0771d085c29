# The Debian package: it installs, preloads nothing for anyone by itself,
# passes the end-to-end login test (interactive.sh) with the library and
# the helper at their /usr paths, and "apt purge" leaves nothing behind.
# Uses build/deb/jupyssh_VERSION_ARCH.deb (make deb), built here when it
# is missing or older than the sources. The machine is left as it was: a
# jupyssh already installed in /usr (package or make install) is never
# touched, and the test is then skipped.
. "$(dirname "$0")/lib.sh"
VERSION=$(sed -n 's/^VERSION = //p' "$TOP/Makefile")
if [ -n "${JUPYSSH_SANITIZE:-}" ]; then
	echo "SKIP: e2e/$T: the package holds the normal build, not the sanitized one"
	exit 0
fi
if dpkg-query -W -f '${Status}' jupyssh 2>/dev/null | grep -q installed ||
    [ -e /usr/bin/jupyssh ] || [ -e /usr/lib/libjupyssh.so ]; then
	echo "SKIP: e2e/$T: a jupyssh is installed in /usr already; not touching it"
	exit 0
fi
reset_all
tmp=$(mktemp -d /tmp/jupyssh-package.XXXXXX)
installed=
finish() {
	[ -z "$installed" ] || apt-get purge -y -q jupyssh >/dev/null 2>&1
	rm -rf "$tmp"
	reset_all
}
trap finish EXIT

deb=$(ls "$TOP"/build/deb/jupyssh_"$VERSION"_*.deb 2>/dev/null | head -n 1)
if [ -z "$deb" ] || [ -n "$(cd "$TOP" && find helper shim common debian man completion examples Makefile \
    -newer "$deb" -type f 2>/dev/null | head -n 1)" ]; then
	if ! (cd "$TOP" && make -s deb) > "$tmp/deb.log" 2>&1; then
		fail build "make deb failed" "$(cat "$tmp/deb.log")"
		exit 1
	fi
	deb=$(ls "$TOP"/build/deb/jupyssh_"$VERSION"_*.deb 2>/dev/null | head -n 1)
fi
[ -n "$deb" ] && pass build || { fail build "no build/deb/jupyssh_${VERSION}_*.deb"; exit 1; }

preload_before=$(cat /etc/ld.so.preload 2>/dev/null)
if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb" \
    > "$tmp/install.log" 2>&1; then
	installed=1
	pass install
else
	fail install "apt-get install $deb" "$(cat "$tmp/install.log")"
	exit 1
fi
dpkg -L jupyssh > "$tmp/files"
for f in /usr/bin/jupyssh /usr/lib/libjupyssh.so /usr/share/man/man1/jupyssh.1.gz \
    /usr/share/man/man5/jupyssh_config.5.gz /usr/share/bash-completion/completions/jupyssh \
    /usr/share/zsh/vendor-completions/_jupyssh /usr/share/doc/jupyssh/examples/jupyter_config \
    /etc/profile.d/jupyssh.sh; do
	grep -qx "$f" "$tmp/files" || fail "ships-${f##*/}" "$f not in the package"
done
pass ships-files

# Opt-in: nothing preloaded by the package itself, for anyone.
if [ "$(cat /etc/ld.so.preload 2>/dev/null)" != "$preload_before" ] ||
    grep -v '^[[:space:]]*#' /etc/profile.d/jupyssh.sh | grep -q .; then
	fail opt-in "the package preloads something by itself" "$(cat /etc/profile.d/jupyssh.sh)"
else
	check_eq opt-in "$("$TOP/tests/sandbox/as-laptop" sh -lc 'echo "[$LD_PRELOAD]"')" "[]"
fi

# The library finds the helper at /usr/bin, and doctor says all is well.
jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18889
    JupyterLocalPort 28889
    JupyterDirectory ~/project
    JupyterEnv ~/project/venv
EOC
as_user() { AS_LAPTOP_ENV="LD_PRELOAD=/usr/lib/libjupyssh.so" JUPYSSH_PREFIX='' \
    "$TOP/tests/sandbox/as-laptop" "$@"; }
lc=$(as_user ssh -G gpu-box 2>/dev/null | grep '^localcommand ')
case $lc in
"localcommand '/usr/bin/jupyssh' hook gpu-box "*) pass helper-at-usr ;;
*) fail helper-at-usr "LocalCommand '/usr/bin/jupyssh' hook ..." "$lc" ;;
esac
out=$(as_user jupyssh doctor gpu-box 2>&1)
rc=$?
case $rc:$out in
0:*"library      ok    /usr/lib/libjupyssh.so is preloaded"*"helper       ok    /usr/bin/jupyssh"*) pass doctor ;;
*) fail doctor "exit 0, the library and helper at /usr" "rc=$rc
$out" ;;
esac

# The end-to-end login test itself, with the prefix at /usr: a copy of the
# test and of lib.sh that differs in that line only.
mkdir -p "$tmp/tests/e2e"
ln -s "$TOP/tests/tools" "$TOP/tests/sandbox" "$tmp/tests/"
cp "$TOP/tests/e2e/interactive.sh" "$tmp/tests/e2e/"
sed 's|^PREFIX=\$ROOT/prefix$|PREFIX=/usr|' "$TOP/tests/e2e/lib.sh" > "$tmp/tests/e2e/lib.sh"
if ! grep -qx 'PREFIX=/usr' "$tmp/tests/e2e/lib.sh"; then
	fail login "tests/e2e/lib.sh no longer sets PREFIX=\$ROOT/prefix on a line of its own"
else
	bash "$tmp/tests/e2e/interactive.sh" > "$tmp/login.out" 2>&1
	sed -n 's#^\(PASS\|FAIL\): e2e/interactive/#\1: e2e/package/login/#p; /^  /p' "$tmp/login.out"
	grep -q '^PASS: ' "$tmp/login.out" ||
	    fail login "interactive.sh with the package said nothing" "$(tail -n 5 "$tmp/login.out")"
fi

# Purge: every file of the package goes, the conffile with them.
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q jupyssh > "$tmp/purge.log" 2>&1
check_eq purge $? 0
installed=
left=
while read -r f; do
	[ -d "$f" ] && [ ! -L "$f" ] && continue
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done < "$tmp/files"
left="$left $(find /usr /etc -name '*jupyssh*' 2>/dev/null | tr '\n' ' ')"
check_eq purge-leaves-nothing "$(echo $left)" ""
status=$(dpkg-query -W -f '${Status}' jupyssh 2>/dev/null)
case $status in
"" | *" not-installed") pass purge-forgotten ;;
*) fail purge-forgotten "dpkg knows jupyssh no more" "$status" ;;
esac
