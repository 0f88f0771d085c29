# A real browser on the laptop opens the URL "jupyssh start" printed: the
# notebook's file list (its tree page, drawn by JavaScript from the
# contents API) shows the remote folder, and a file opens in its editor;
# JupyterBrowser opens it by itself. Headless Chromium from Debian, as the
# laptop user with the shim preloaded (as ~/.profile sets it: the shim must
# leave other programs alone). Keeps a screenshot of the tree page in
# /tmp/jupyssh-artifacts/notebook-tree.png.
. "$(dirname "$0")/lib.sh"
if ! command -v chromium > /dev/null 2>&1; then
	fail chromium "chromium is not installed" \
	    "(apt-get install chromium; tests/sandbox/install-deps lists it)"
	exit 1
fi
reset_all

ART=/tmp/jupyssh-artifacts
mkdir -p "$ART"
work=$(mktemp -d /tmp/jupyssh-browser.XXXXXX)
chown "$LAPTOP_USER:$LAPTOP_USER" "$work"
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT

# A sanitized build (JUPYSSH_SANITIZE) would need ASan's runtime preloaded
# too, under which Chromium hangs: then the browser goes without the shim.
preload="LD_PRELOAD=$SHIM"
[ -z "${JUPYSSH_SANITIZE:-}" ] || preload=

# Opens URL in headless Chromium with a fresh profile, gives the page's
# scripts 10 s of virtual time and prints its DOM; more CHROMIUM_ARGS
# (--screenshot=FILE) keep more. The URL goes through a redirect file, as
# Jupyter itself opens browsers: the token stays out of Chromium's command
# line. Headless Chromium now and then ends a page that redirects at once
# without any DOM (its virtual time runs out between the two pages): an
# empty answer is tried again, up to three times.
n=0
browse() {	# URL CHROMIUM_ARGS...
	local url=$1 open try rc
	shift
	n=$((n + 1))
	open=$work/open-$n.html
	printf '<!DOCTYPE html>\n<meta http-equiv="refresh" content="0; url=%s">\n' "$url" |
	    put_laptop_file "$open" 600
	for try in 1 2 3; do
		rm -rf "$work/profile-$n"
		AS_LAPTOP_ENV=$preload "$TOP/tests/sandbox/as-laptop" \
		    timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu \
		    --disable-quic --no-first-run --disable-background-networking \
		    --disable-component-update --disable-sync \
		    --user-data-dir="$work/profile-$n" --virtual-time-budget=10000 \
		    "$@" --dump-dom "file://$open" > "$work/dom-$n.html" 2>"$work/chromium-$n.err"
		rc=$?
		[ -s "$work/dom-$n.html" ] && break
		echo "browser: no DOM from Chromium (exit $rc), try $try" >&2
	done
	cat "$work/dom-$n.html"
	return $rc
}
# The names in the tree page's file list, one a line, in its order.
listed() {
	$PY -c 'import re, sys
for name in re.findall(r"<span class=\"item_name\">([^<]*)</span>", sys.stdin.read()):
    print(name)'
}
title() { grep -o '<title>[^<]*</title>' | head -n 1; }

jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18894
    JupyterLocalPort 28894
    JupyterDirectory ~/project
EOC
url=$(laptop jupyssh start gpu-box 2>"$work/start.err")
case $? in
0) pass start ;;
*) fail start "exit 0 and a URL" "$(cat "$work/start.err")" ;;
esac
base=${url%%/?token=*} token=${url##*token=}

# The tree page, and a screenshot of it kept: a 1280x800 PNG.
rm -f "$ART/notebook-tree.png"
browse "$url" --window-size=1280,800 --screenshot="$work/tree.png" > "$work/tree.html"
rc=$?
names=$(listed < "$work/tree.html")
case $rc:$(title < "$work/tree.html") in
"0:<title>Home Page - Select or create a notebook</title>") pass tree-page ;;
*) fail tree-page "exit 0 and Jupyter's tree page" \
    "$rc: $(title < "$work/tree.html"); $(grep -v -i dbus "$work/chromium-$n.err")" ;;
esac
if printf '%s\n' "$names" | grep -qx hello.txt; then
	pass tree-lists-hello
else
	fail tree-lists-hello "hello.txt in the file list, got: ${names//$'\n'/ }"
fi
if printf '%s\n' "$names" | grep -qx venv; then
	pass tree-lists-venv
else
	fail tree-lists-venv "venv in the file list, got: ${names//$'\n'/ }"
fi
install -m 644 "$work/tree.png" "$ART/notebook-tree.png" 2>/dev/null
check_eq screenshot "$($PY -c 'import struct, sys
d = open(sys.argv[1], "rb").read()
ok = d[:8] == b"\x89PNG\r\n\x1a\n" and d[12:16] == b"IHDR"
print("%dx%d png" % struct.unpack(">II", d[16:24]) if ok else "not a png")' \
    "$ART/notebook-tree.png" 2>&1)" "1280x800 png"

# A file opens in Jupyter's editor with the remote file's text.
browse "$base/edit/hello.txt?token=$token" > "$work/edit.html"
case $(cat "$work/edit.html") in
*"<title>hello.txt - Jupyter Text Editor</title>"*"CodeMirror-line"*">hello from gpu-box<"*) pass edit-shows-file ;;
*) fail edit-shows-file "the editor with 'hello from gpu-box'" "$(title < "$work/edit.html")" ;;
esac
laptop jupyssh stop gpu-box >/dev/null 2>&1
reset_all

# JupyterBrowser CMD: "jupyssh start" itself opens the notebook, here in a
# headless Chromium run by a small opener that keeps the page's DOM (and
# tries again on an empty one, as browse does). CMD gets a 0600 redirect
# file, not the URL; a notebook already running is not opened again.
cat > "$work/open-headless" <<EOS
#!/bin/sh
echo "\$1" >> $work/opened
${JUPYSSH_SANITIZE:+unset LD_PRELOAD}
for try in 1 2 3; do
	rm -rf $work/profile-opener
	timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu --disable-quic \\
	    --no-first-run --disable-background-networking --disable-component-update \\
	    --disable-sync --user-data-dir=$work/profile-opener --virtual-time-budget=10000 \\
	    --dump-dom "\$1" > $work/opener.part 2> $work/opener.err
	[ -s $work/opener.part ] && break
done
mv $work/opener.part $work/opener.html
EOS
chown "$LAPTOP_USER:$LAPTOP_USER" "$work/open-headless"
chmod 700 "$work/open-headless"
jupyter_config <<EOC
Host gpu-box
    JupyterPort 18894
    JupyterLocalPort 28894
    JupyterDirectory ~/project
    JupyterBrowser $work/open-headless
EOC
url=$(laptop jupyssh start gpu-box 2>"$work/start.err")
if wait_for 60 test -e "$work/opener.html"; then
	names=$(listed < "$work/opener.html")
	if printf '%s\n' "$names" | grep -qx hello.txt; then
		pass jupyter-browser-opens
	else
		fail jupyter-browser-opens "hello.txt in the file list, got: ${names//$'\n'/ }"
	fi
else
	fail jupyter-browser-opens "the opener did not finish within 60 s" \
	    "$(cat "$work/opened" "$work/start.err" 2>&1)"
fi
check_eq jupyter-browser-redirect-file "$(cat "$work/opened" 2>&1)" "file://$JSTATE/gpu-box.html"
check_eq jupyter-browser-redirect-private "$(stat -c %a "$JSTATE/gpu-box.html" 2>&1)" 600
again=$(laptop jupyssh start gpu-box 2>&1)
sleep 1
check_eq jupyter-browser-once "$again $(wc -l < "$work/opened")" "$url 1"
laptop jupyssh stop gpu-box >/dev/null 2>&1
reset_all

# The control: another folder, another list. The same probe, pointed at
# the remote home, sees "project" and no hello.txt.
jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18894
    JupyterLocalPort 28894
    JupyterDirectory ~
EOC
url=$(laptop jupyssh start gpu-box 2>"$work/start.err")
browse "$url" > "$work/home.html"
names=$(listed < "$work/home.html")
if printf '%s\n' "$names" | grep -qx project && ! printf '%s\n' "$names" | grep -qx hello.txt; then
	pass other-folder-other-list
else
	fail other-folder-other-list "project and no hello.txt, got: ${names//$'\n'/ }"
fi
laptop jupyssh stop gpu-box >/dev/null 2>&1
if wait_for 10 sh -c "! pgrep -u $LAPTOP_USER >/dev/null"; then
	pass nothing-left
else
	fail nothing-left "processes left: $(pgrep -a -u "$LAPTOP_USER" | cut -c1-100)"
fi
reset_all
