# The table of directives (common/directives.c) is the one list: the
# manual has an entry for each directive and names each of its values,
# both completions know each directive, and "jupyssh -G" prints each one.
# Adding a directive is a row there; this says where else it must appear.
cd "$(dirname "$0")/../.." || exit 2
export LC_ALL=C
table=common/directives.c

# "JupyterAutoStart interactive yes no": a row's name, then the names of
# the values its value_name array lists, if it has one.
rows=$(awk '
	/^static const struct value_name [a-z_]+\[\] = \{/ {
		arr = $5
		sub(/\[\]/, "", arr)
		next
	}
	arr != "" && /^\};/ { arr = ""; next }
	arr != "" && match($0, /\{ "[^"]+"/) {
		words[arr] = words[arr] " " substr($0, RSTART + 3, RLENGTH - 4)
		next
	}
	/^const struct directive directives\[\] = \{/ { in_table = 1; next }
	in_table && /^\};/ { in_table = 0 }
	in_table && match($0, /\{ "Jupyter[A-Za-z]+"/) {
		if (cur != "")
			print cur vals
		cur = substr($0, RSTART + 3, RLENGTH - 4)
		vals = ""
	}
	in_table {
		for (a in words)
			if (index($0, " " a ","))
				vals = words[a]
	}
	END { if (cur != "") print cur vals }
' "$table")
names=$(printf '%s\n' "$rows" | awk '{ print $1 }')
if [ -z "$names" ]; then
	echo "FAIL: lint/directives-table: found no Jupyter row in $table" \
	    "(has its layout changed?)"
	exit 0
fi
echo "PASS: lint/directives-table"

# report NAME WHAT MISSING
report() {
	if [ -z "$3" ]; then
		echo "PASS: lint/$1"
	else
		echo "FAIL: lint/$1: expected $2 for:$3"
	fi
}

# The manual: ".It Cm JupyterPort", and in that entry (up to the next
# directive's) each value as ".Cm value".
man=man/jupyssh_config.5
missing=
missing_values=
while read -r name values; do
	if ! grep -q "^\.It Cm $name\$" "$man"; then
		missing="$missing $name"
		continue
	fi
	entry=$(sed -n "/^\.It Cm $name\$/,/^\.It Cm Jupyter/p" "$man")
	for v in $values; do
		printf '%s\n' "$entry" | grep -q "Cm $v\( \|\$\)" ||
		    missing_values="$missing_values $name:$v"
	done
done <<EOF
$rows
EOF
report directives-man "an \".It Cm NAME\" entry in $man" "$missing"
report directives-man-values "\"Cm VALUE\" in the entry in $man" \
    "$missing_values"

# Both completions list the directives that make a block a Jupyter host.
for f in completion/jupyssh.bash completion/_jupyssh; do
	missing=
	for name in $names; do
		lower=$(printf '%s' "$name" | tr 'A-Z' 'a-z')
		grep -qw -- "$lower" "$f" || missing="$missing $lower"
	done
	report "directives-completion-${f##*/}" "the directive in $f" "$missing"
done

# jupyssh -G prints every directive, as "keyword value", lower case.
helper=helper/jupyssh
if [ ! -x "$helper" ]; then
	echo "FAIL: lint/directives-G: $helper is not built (make)"
	exit 0
fi
tmp=$(mktemp -d /tmp/jupyssh-directives.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT
printf 'Host jupyssh-lint\n    JupyterPort 8889\n' > "$tmp/config"
chmod 600 "$tmp/config"
out=$(JUPYSSH_CONFIG=$tmp/config "$helper" -G jupyssh-lint 2>&1)
missing=
for name in $names; do
	lower=$(printf '%s' "$name" | tr 'A-Z' 'a-z')
	printf '%s\n' "$out" | grep -q "^$lower ." || missing="$missing $lower"
done
report directives-G "a \"keyword value\" line from jupyssh -G" "$missing"
[ -n "$missing" ] && printf '%s\n' "$out" | sed 's/^/  /'
exit 0
