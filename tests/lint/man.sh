# The manual pages: mandoc has nothing to say about them, and they have an
# entry for every command jupyssh dispatches, so that code and pages cannot
# drift apart silently (the directives' entries: directives.sh).
cd "$(dirname "$0")/../.."
pages="man/jupyssh.1 man/jupyssh_config.5"

if ! command -v mandoc > /dev/null 2>&1; then
	echo "FAIL: lint/man-mandoc: mandoc is not installed" \
	    "(apt-get install mandoc; tests/sandbox/install-deps lists it)"
else
	for p in $pages; do
		name=${p##*/}
		if [ ! -r "$p" ]; then
			echo "FAIL: lint/man-mandoc-$name: $p is missing"
			continue
		fi
		out=$(mandoc -T lint -W warning "$p" 2>&1)
		rc=$?
		if [ -z "$out" ] && [ "$rc" -eq 0 ]; then
			echo "PASS: lint/man-mandoc-$name"
		else
			echo "FAIL: lint/man-mandoc-$name: expected no output" \
			    "from mandoc -T lint -W warning $p (exit $rc), got:"
			printf '%s\n' "$out" | sed 's/^/  /'
		fi
	done
fi

# The commands table of helper/jupyssh.c, and the words main() compares
# argv[1] with (options, commands outside the table); "hook" and "keep"
# are internal.
commands=$( {
	sed -n '/commands\[\] = {/,/^[[:space:]]*};/s/^[[:space:]]*{ *"\([^"]*\)".*/\1/p' \
	    helper/jupyssh.c
	grep -o 'strcmp(argv\[1\], "[^"]*")' helper/jupyssh.c |
	    sed 's/.*"\(.*\)")/\1/'
} | grep -v -x -e hook -e keep | sort -u)
if [ -z "$commands" ]; then
	echo "FAIL: lint/man-commands: found no command in helper/jupyssh.c" \
	    "(has its layout changed?)"
else
	missing=
	for c in $commands; do
		case $c in
		-*) re="^\.It \(.* \)\{0,1\}Fl ${c#-}\( \|$\)" ;;
		*) re="^\.It Cm $c\( \|$\)" ;;
		esac
		grep -q -- "$re" man/jupyssh.1 || missing="$missing $c"
	done
	if [ -z "$missing" ]; then
		echo "PASS: lint/man-commands"
	else
		echo "FAIL: lint/man-commands: expected an \".It Cm NAME\" (or" \
		    "\".It Fl NAME\") entry in man/jupyssh.1 for:$missing"
	fi
fi
