# The remote scripts must parse in dash (Debian's /bin/sh, and the
# strictest common one) and pass shellcheck as the programs they are sent
# as (helper/remote/PROTOCOL.md): the JS_* assignments, common.sh and the
# parts shared with it (modules.sh, idle.sh), one backend, main.sh. A finding in a file every program shares counts only
# if every program has it: a variable common.sh sets for one backend is
# not unused.
cd "$(dirname "$0")/../.." || exit 2
dir=helper/remote
shared="$dir/common.sh $dir/modules.sh $dir/idle.sh"
tmp=$(mktemp -d /tmp/jupyssh-lint.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for f in "$dir"/*.sh; do
	if out=$(dash -n "$f" 2>&1); then
		echo "PASS: lint/scripts-dash-${f##*/}"
	else
		echo "FAIL: lint/scripts-dash-${f##*/}: $(echo "$out" | head -n 1)"
	fi
done

if ! command -v shellcheck > /dev/null; then
	echo "SKIP: lint/scripts-shellcheck: shellcheck is not installed"
	exit 0
fi

# Warnings are where the bugs are (an unset or unused variable, a word
# split, a pattern taken for a path); but for these, which the scripts
# mean:
#   SC1007  "a= b=" empties several variables at once.
#   SC2120  prepare gives itself arguments: eval "set -- $JS_CMD".
severity=warning
exclude=SC1007,SC2120

# Set before the scripts run, or by eval within them: shellcheck sees
# neither, so the first line of each program sets them.
vars=$({ grep -oh 'JS_[A-Z_]*' "$dir"/*.sh
	sed -n 's/.*eval "\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' "$dir"/*.sh
    } | sort -u)
n=0
for b in "$dir"/*.sh; do
	case " $shared $dir/main.sh " in *" $b "*) continue ;; esac
	n=$((n + 1))
	prog=$tmp/prog$n.sh
	map=$tmp/map$n
	for v in $vars; do printf "%s=\${%s-}; " "$v" "$v"; done > "$prog"
	echo >> "$prog"
	: > "$map"
	for f in $shared "$b" "$dir/main.sh"; do
		echo "$(($(wc -l < "$prog") + 1)) $f" >> "$map"
		cat "$f" >> "$prog"
	done
	# FILE:LINE:COL: severity: text [SCnnnn], back in the script's terms.
	shellcheck -s sh -S "$severity" -e "$exclude" -f gcc "$prog" |
	    awk -F: -v map="$map" '
		BEGIN { while ((getline l < map) > 0) {
			split(l, a, " "); n++; first[n] = a[1]; file[n] = a[2] } }
		{ for (i = n; i > 0 && $2 < first[i]; i--) ;
		  if (i == 0) next
		  $1 = file[i]; $2 = $2 - first[i] + 1; print }' OFS=: \
	    > "$tmp/found$n"
done

for f in "$dir"/*.sh; do
	case " $shared $dir/main.sh " in
	*" $f "*) need=$n ;;
	*) need=1 ;;
	esac
	cat "$tmp"/found* | grep "^$f:" | sort | uniq -c |
	    awk -v need="$need" '$1 >= need { $1 = ""; print "  " substr($0, 2) }' |
	    sort -t: -k2,2n > "$tmp/report"
	if [ -s "$tmp/report" ]; then
		echo "FAIL: lint/scripts-shellcheck-${f##*/}: $(wc -l < "$tmp/report")" \
		    "finding(s) at severity $severity"
		cat "$tmp/report"
	else
		echo "PASS: lint/scripts-shellcheck-${f##*/}"
	fi
done
