# bash completion for jupyssh(1)
#
# Completes the commands and options, and for the host argument the host
# names that have Jupyter settings: the Host patterns of ~/.ssh/jupyter_config
# (or $JUPYSSH_CONFIG) and of the ~/.ssh/config blocks that hold one of the
# directives of jupyssh_config(5), listed below (tests/lint/directives.sh
# keeps the list whole). Patterns with '*', '?' or '!' name no single host
# and are left out; Include is not followed.

_jupyssh_hosts()
{
	local side=${JUPYSSH_CONFIG:-$HOME/.ssh/jupyter_config} f
	local -a directives=(jupyterport jupyterlocalport jupyterdirectory
	    jupyterenv jupytercommand jupyterautostart jupyterstarttimeout
	    jupytersocket jupyterstoponexit jupyterbrowser jupyterscheduler
	    jupyterslurmoptions jupyterforward jupyterforwardports
	    jupytermodules jupyteridletimeout)
	local -a files=()

	for f in "$side" "$HOME/.ssh/config"; do
		[[ -r $f ]] && files+=("$f")
	done
	((${#files[@]})) || return 0
	awk -v side="$side" -v directives="${directives[*]}" '
	function emit(s,    n, i, a) {
		sub(/[ \t]#.*/, "", s)
		gsub(/["'\'']/, "", s)
		n = split(s, a, /[ \t,]+/)
		for (i = 1; i <= n; i++)
			if (a[i] != "" && a[i] !~ /[*?!]/)
				print a[i]
	}
	BEGIN {
		n = split(directives, d, " ")
		for (i = 1; i <= n; i++)
			known[d[i]] = 1
	}
	FNR == 1 { cur = "" }
	{
		sub(/^[ \t]+/, "")
		if ($0 == "" || substr($0, 1, 1) == "#")
			next
		kw = $0
		sub(/[ \t=].*/, "", kw)
		kw = tolower(kw)
		rest = substr($0, length(kw) + 1)
		sub(/^[ \t]*=?[ \t]*/, "", rest)
		if (kw == "host") {
			cur = rest
			if (FILENAME == side) {
				emit(cur)
				cur = ""
			}
		} else if (kw == "match")
			cur = ""
		else if ((kw in known) && cur != "") {
			emit(cur)
			cur = ""
		}
	}' "${files[@]}" 2>/dev/null | sort -u
}

_jupyssh()
{
	local cur=${COMP_WORDS[COMP_CWORD]} words=

	COMPREPLY=()
	case $COMP_CWORD in
	1)
		words='start stop url status list log doctor proxy -G --help --version'
		;;
	2)
		case ${COMP_WORDS[1]} in
		start|stop|url|status|-G)
			words=$(_jupyssh_hosts)
			;;
		doctor)
			words="--json $(_jupyssh_hosts)"
			;;
		log)
			words="-f $(_jupyssh_hosts)"
			;;
		proxy)
			words="-J -t $(_jupyssh_hosts)"
			;;
		list)
			words=--json
			;;
		esac
		;;
	3)
		case ${COMP_WORDS[1]}:${COMP_WORDS[2]} in
		log:-f|doctor:--json)
			words=$(_jupyssh_hosts)
			;;
		doctor:*)
			words=--json
			;;
		esac
		;;
	esac
	[[ -n $words ]] &&
	    mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
}

complete -F _jupyssh jupyssh
