# The shell completions: bash's completes the commands and the host names
# that have Jupyter settings (not the patterns), zsh's parses and does the
# same through stand-ins for the completion system's builtins, and both
# offer every command and option that helper/jupyssh.c dispatches.
cd "$(dirname "$0")/../.."
export LC_ALL=C
top=$PWD
tmp=$(mktemp -d /tmp/jupyssh-completion.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/.ssh" && chmod 700 "$tmp/.ssh"
cat > "$tmp/.ssh/jupyter_config" << 'EOF'
# Jupyter settings
Host gpu-box
    JupyterPort 8889
Host "lab-1" lab-* !lab-9 spare,other
    JupyterPort 8890
Host=eq-box # a comment
    JupyterPort 8891
Host *
    JupyterStartTimeout 30
EOF
cat > "$tmp/.ssh/config" << 'EOF'
IgnoreUnknown Jupyter*
Host plain
    User me
Host In-SSH-Config
    HostName gpu.example.org
    jupyterport 8892
Match host foo
    JupyterPort 1
Host pattern?
    JupyterPort 2
EOF
printf 'Host elsewhere\n    JupyterPort 9000\n' > "$tmp/other_config"
chmod 600 "$tmp/.ssh/jupyter_config" "$tmp/.ssh/config" "$tmp/other_config"
hosts="In-SSH-Config eq-box gpu-box lab-1 other spare"

# The words the completions must offer first: what main() dispatches on,
# but the internal "hook" and "keep", and the short alias -h.
words=$( {
	sed -n '/commands\[\] = {/,/^[[:space:]]*};/s/^[[:space:]]*{ *"\([^"]*\)".*/\1/p' \
	    helper/jupyssh.c
	grep -o 'strcmp(argv\[1\], "[^"]*")' helper/jupyssh.c |
	    sed 's/.*"\(.*\)")/\1/'
} | grep -v -x -e hook -e keep -e -h | sort -u | tr '\n' ' ')

# check NAME EXPECTED GOT
check() {
	if [ "$2" = "$3" ]; then
		echo "PASS: lint/$1"
	else
		echo "FAIL: lint/$1: expected '$2', got '$3'"
	fi
}

# The sorted COMPREPLY of bash's completion for the words given, the last
# being the one completed.
bash_complete() {
	env -i HOME="$tmp" PATH="$PATH" ${JUPYSSH_CONFIG:+JUPYSSH_CONFIG="$JUPYSSH_CONFIG"} \
	    bash --norc --noprofile -c '
		. "$1/completion/jupyssh.bash" || exit 1
		shift
		fn=$(complete -p jupyssh | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		"$fn" jupyssh "${COMP_WORDS[COMP_CWORD]}" \
		    "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' bash "$top" "$@" |
	    sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'
}

if ! command -v bash > /dev/null 2>&1; then
	echo "FAIL: lint/completion-bash: bash is not installed"
else
	got=$(env -i HOME="$tmp" PATH="$PATH" bash --norc --noprofile -c \
	    '. completion/jupyssh.bash && complete -p jupyssh' 2>&1)
	check completion-bash-registered "complete -F _jupyssh jupyssh" "$got"
	check completion-bash-commands "start status stop" \
	    "$(bash_complete jupyssh st)"
	check completion-bash-all-commands "${words% }" \
	    "$(bash_complete jupyssh '')"
	check completion-bash-hosts "$hosts" \
	    "$(bash_complete jupyssh start '')"
	check completion-bash-hosts-prefix "gpu-box" \
	    "$(bash_complete jupyssh status g)"
	check completion-bash-hosts-G "$hosts" \
	    "$(bash_complete jupyssh -G '')"
	check completion-bash-nothing-after-host "" \
	    "$(bash_complete jupyssh stop gpu-box '')"
	check completion-bash-JUPYSSH_CONFIG "In-SSH-Config elsewhere" \
	    "$(JUPYSSH_CONFIG="$tmp/other_config" bash_complete jupyssh url '')"
fi

if ! command -v zsh > /dev/null 2>&1; then
	echo "FAIL: lint/completion-zsh: zsh is not installed" \
	    "(apt-get install zsh; tests/sandbox/install-deps lists it)"
	exit 0
fi
if out=$(zsh -n completion/_jupyssh 2>&1); then
	echo "PASS: lint/completion-zsh-syntax"
else
	echo "FAIL: lint/completion-zsh-syntax: zsh -n completion/_jupyssh" \
	    "says: $out"
fi
check completion-zsh-compdef "#compdef jupyssh" \
    "$(head -n 1 completion/_jupyssh)"

# As compinit would autoload it: the file is the body of _jupyssh. The
# completion system's functions are stand-ins that print what they are
# given to offer.
zsh_complete() {
	env -i HOME="$tmp" PATH="$PATH" zsh -f -c '
		_describe() { print -rl -- ${${(P)4}%%:*} }
		_wanted() { shift 3; "$@" }
		compadd() {
			while [[ $# -gt 0 && $1 != -- ]]; do shift; done
			shift
			print -rl -- "$@"
		}
		eval "_jupyssh() { $(< "$1/completion/_jupyssh") }"
		shift
		words=("$@")
		CURRENT=$#
		_jupyssh' zsh "$top" "$@" |
	    sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'
}
check completion-zsh-all-commands "${words% }" "$(zsh_complete jupyssh '')"
check completion-zsh-hosts "$hosts" "$(zsh_complete jupyssh start '')"
