# JupyterForwardPorts auto: the TCP ports that the notebook's own processes
# (the notebook and its descendants: kernels and what they start, such as
# TensorBoard or a dask scheduler) listen on where 127.0.0.1 reaches them.
# Sent after common.sh, alone: mode "ports" (PROTOCOL.md). A listener
# counts only when its socket carries our uid and its inode is one of the
# descriptors of a process of that tree: another user's, or another
# program of ours, is never reported. Not the notebook's own port, nor its
# kernels' (their connection files name them). A SLURM job's notebook is
# listed on its node (helper/nodehop.c), given the login node's state
# folder in JS_STATE: its pid file there says which process it is.
case $JS_SCHEDULER in
slurm) nb=$state/slurm-$JS_PORT ;;
*) nb=$state/nb-$JS_PORT ;;
esac

listening() {
	npid=
	[ -r "$nb.pid" ] && read -r npid _ < "$nb.pid"
	case $npid in "" | *[!0-9]*) result stopped; exit 0 ;; esac
	alive "$npid" && same_process "$npid" "$nb.pid" ||
	    { result stopped; exit 0; }
	[ -r /proc/net/tcp ] || { result ports 0; exit 0; }
	# The tree: every process whose chain of parents reaches the notebook.
	tree=$(cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$npid" '
	{ p = $1; s = $0; sub(/.*\) /, "", s); split(s, f, " "); up[p] = f[2] }
	END {
		in_tree[root] = 1
		do {
			more = 0
			for (p in up)
				if (!(p in in_tree) && (up[p] in in_tree)) {
					in_tree[p] = 1
					more = 1
				}
		} while (more)
		for (p in in_tree) print p
	}')
	# The socket inodes they hold; then the ports not to report.
	held=$(for p in $tree; do
		# shellcheck disable=SC2010
		ls -l "/proc/$p/fd" 2>/dev/null | grep -o "socket:\[[0-9]*\]"
	done | tr -cd "0-9\n" | sort -u)
	skip=$(cat "$nb".runtime/*server-"$npid".json \
	    "$nb".runtime/kernel-*.json 2>/dev/null |
	    sed -n "s/.*\"[a-z_]*port\": *\([0-9][0-9]*\).*/\1/p")
	found=$({ for i in $held; do echo "held $i"; done
		for p in $skip; do echo "skip $p"; done
		cat /proc/net/tcp /proc/net/tcp6 2>/dev/null
	    } | awk -v uid="$(id -u)" '
	function hex(s,  i, n) {
		n = 0
		for (i = 1; i <= length(s); i++)
			n = n * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1
		return n
	}
	$1 == "held" { held[$2] = 1; next }
	$1 == "skip" { skip[$2] = 1; next }
	$4 == "0A" && $8 == uid && ($10 in held) {
		split($2, a, ":")
		p = hex(a[2])
		if ((a[1] == "0100007F" || a[1] == "00000000" ||
		    a[1] == "00000000000000000000000000000000" ||
		    a[1] == "0000000000000000FFFF00000100007F") &&
		    !(p in skip) && !(p in seen)) {
			seen[p] = 1
			print p
		}
	}' | sort -n | head -n 32)
	# Split on purpose: the ports, one word each.
	# shellcheck disable=SC2086
	set -- $found
	result ports "$#" "$@"
}

listening
