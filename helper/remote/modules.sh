# JupyterModules: environment modules, Lmod's or Environment Modules',
# loaded before JupyterEnv is activated. Shared like common.sh (batch jobs
# load them on their node). No single quotes in this file.

# A non-login sh has no "module": set it up as login shells do, from the
# site's profile.d scripts first (sites customise them, and they build
# MODULEPATH: Lmod's bare init/sh leaves it empty), then from the init
# files where the tools install them. Their output is not ours to pass on,
# and the IFS they may leave changed is put back.
module_setup() {
	command -v module >/dev/null 2>&1 && return 0
	m_ifs=$IFS
	for f in /etc/profile.d/lmod.sh /etc/profile.d/z00_lmod.sh \
	    /etc/profile.d/modules.sh \
	    ${LMOD_PKG:+"$LMOD_PKG/init/profile"} \
	    ${MODULESHOME:+"$MODULESHOME/init/profile.sh"} \
	    /usr/share/lmod/lmod/init/profile /opt/apps/lmod/lmod/init/profile \
	    /usr/share/modules/init/profile.sh /usr/share/Modules/init/profile.sh \
	    /usr/share/lmod/lmod/init/sh /usr/share/modules/init/sh \
	    /usr/share/Modules/init/sh; do
		[ -r "$f" ] || continue
		# shellcheck disable=SC1090
		. "$f" >/dev/null 2>&1
		IFS=$m_ifs
		command -v module >/dev/null 2>&1 && return 0
	done
	return 1
}

# The first two non-blank lines of file $1, as one line: where the module
# tools say what is wrong ("Lmod has detected the following error: ...").
firstlines() {
	grep -v "^[[:space:]]*$" "$1" 2>/dev/null | head -n 2 | tr -s " \t\n" "   " |
	    sed "s/^ *//; s/ *$//" | cut -c 1-400
}

# Each module of JS_MODULES loaded in this shell, in order; the first that
# fails is the error, in the module tool's own words.
load_modules() {
	[ -n "${JS_MODULES:-}" ] || return 0
	module_setup ||
	    fail "JupyterModules: no module command on $(hostname) (neither Lmod nor Environment Modules found)"
	m_err=$state/modules-$$.err
	# Split on purpose, without globbing: one module a word.
	set -f
	# shellcheck disable=SC2086
	set -- $JS_MODULES
	set +f
	for m in "$@"; do
		if ! module load "$m" > "$m_err" 2>&1; then
			m_why=$(firstlines "$m_err")
			rm -f "$m_err"
			fail "module load $m failed: ${m_why:-no reason given}"
		fi
	done
	rm -f "$m_err"
}
