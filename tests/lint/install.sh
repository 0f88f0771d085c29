# make install / uninstall with PREFIX and DESTDIR put every file where a
# package would, and take them all away again.
cd "$(dirname "$0")/../.."
dest=$(mktemp -d /tmp/jupyssh-install.XXXXXX)
trap 'rm -rf "$dest"' EXIT
make -s install DESTDIR="$dest" PREFIX=/usr > /dev/null 2>&1
want="usr/bin/jupyssh usr/lib/libjupyssh.so usr/share/man/man1/jupyssh.1 usr/share/man/man5/jupyssh_config.5 usr/share/bash-completion/completions/jupyssh usr/share/zsh/site-functions/_jupyssh"
missing=
for f in $want; do
	[ -e "$dest/$f" ] || missing="$missing $f"
done
if [ -z "$missing" ]; then echo "PASS: lint/install"; else echo "FAIL: lint/install: missing:$missing"; fi
if [ "$("$dest/usr/bin/jupyssh" --version)" = "jupyssh $(sed -n 's/^VERSION = //p' Makefile)" ]; then
	echo "PASS: lint/install-version"
else
	echo "FAIL: lint/install-version: --version is not the Makefile's VERSION"
fi
make -s uninstall DESTDIR="$dest" PREFIX=/usr > /dev/null 2>&1
left=$(find "$dest" -type f | sed "s|^$dest/||")
if [ -z "$left" ]; then echo "PASS: lint/uninstall"; else echo "FAIL: lint/uninstall: left behind: $left"; fi
