#!/bin/bash
# A second sshd for the sandbox's remote (second-sshd.sh) as at a site
# whose module tool is Environment Modules, not Lmod: its sessions see an
# /etc/profile.d that holds only Environment Modules' modules.sh (a private
# mount namespace). Debian's environment-modules conflicts with the lmod
# that the other tests use, so its package (kept by install-deps in
# /var/cache/jupyssh-tests) is unpacked under this server's folder with
# its paths moved there. The site's module tree (modulespath) includes
# $ROOT/sshd-em/modulefiles, where tests write their modules. The laptop
# reaches it as "gpu-em". Needs the sandbox up (sandbox.sh up).
#
#   tests/sandbox/sshd-envmodules.sh up     # start it; prints the Host block
#   tests/sandbox/sshd-envmodules.sh down   # stop it
#
# Silent on success but for the block; errors as "sshd-envmodules: why".

ME=sshd-envmodules NAME=em PORT=2223 SSHD_EXTRA=
DEB_DIR=/var/cache/jupyssh-tests
. "$(dirname "$0")/second-sshd.sh"

# The package under $DIR/root, every path it names moved there.
unpack() {
	local deb p=$DIR/root
	deb=$(ls "$DEB_DIR"/environment-modules_*.deb 2>/dev/null | tail -n 1)
	[ -n "$deb" ] || fatal "no environment-modules package in $DEB_DIR (tests/sandbox/install-deps)"
	try "unpacking $deb" dpkg-deb -x "$deb" "$p"
	grep -rIlE '/usr/share/modules|/etc/environment-modules|/usr/lib/x86_64-linux-gnu/(modulecmd|libtclenvmodules)' "$p" |
	    while read -r f; do
		sed -i -e "s#/usr/share/modules#$p/usr/share/modules#g" \
		    -e "s#/etc/environment-modules#$p/etc/environment-modules#g" \
		    -e "s#/usr/lib/x86_64-linux-gnu/modulecmd#$p/usr/lib/x86_64-linux-gnu/modulecmd#g" \
		    -e "s#/usr/lib/x86_64-linux-gnu/libtclenvmodules#$p/usr/lib/x86_64-linux-gnu/libtclenvmodules#g" "$f"
	    done
	install -d -m 0755 "$DIR/modulefiles" "$DIR/profile.d" || fatal "cannot create $DIR"
	echo "$DIR/modulefiles" >> "$p/etc/environment-modules/modulespath"
	install -m 0644 "$p/etc/profile.d/modules.sh" "$DIR/profile.d/modules.sh" ||
		fatal "no modules.sh in the package"
}

start_sshd() {
	try "starting sshd in $NETNS with its own /etc/profile.d" \
		ip netns exec "$NETNS" unshare --mount --propagation private sh -c \
		'mount --bind "$1/profile.d" /etc/profile.d && exec /usr/sbin/sshd -f "$1/sshd_config" -E "$1/sshd.log"' \
		sh "$1"
}

case ${1-} in
up)	second_down; install -d -m 0755 "$DIR" || fatal "cannot create $DIR"
	unpack; second_up ;;
down)	second_down ;;
*)	echo "usage: $0 up|down" >&2; exit 2 ;;
esac
