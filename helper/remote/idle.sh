# JupyterIdleTimeout: Jupyter's own culler ends kernels that ran no code
# for that long, connected or not (an open tab does not keep one), never a
# busy one; a watcher then ends the notebook that is left with no kernel.
# Not Jupyter's shutdown_no_activity_timeout: a tab that polls the server
# counts as activity there. Shared like common.sh (a batch job watches its
# own notebook). No single quotes in this file.

idle_on() {
	case ${JS_IDLE_TIMEOUT:-none} in
	"" | none | 0 | *[!0-9]*) return 1 ;;
	esac
}

now() { date +%s; }

# How often the culler and the watcher look: a tenth of the timeout, from
# 1 to 60 seconds.
idle_every() {
	e=$((JS_IDLE_TIMEOUT / 10))
	[ "$e" -lt 1 ] && e=1
	[ "$e" -gt 60 ] && e=60
	echo "$e"
}

# Seconds as ssh writes times: 7200 is 2h, 5400 is 1h30m.
human_time() {
	h_s=$1 h_out=
	for h_u in w:604800 d:86400 h:3600 m:60 s:1; do
		h_n=$((h_s / ${h_u#*:}))
		[ "$h_n" -gt 0 ] && h_out=$h_out$h_n${h_u%%:*}
		h_s=$((h_s % ${h_u#*:}))
	done
	echo "${h_out:-0s}"
}

# Jupyter's culler options, words to append to its command line, in cull.
cull_options() {
	cull=
	idle_on || return 0
	cull="--MappingKernelManager.cull_idle_timeout=$JS_IDLE_TIMEOUT"
	cull="$cull --MappingKernelManager.cull_interval=$(idle_every)"
	cull="$cull --MappingKernelManager.cull_connected=True"
	cull="$cull --MappingKernelManager.cull_busy=False"
}

# Watches notebook $1 (runtime folder $2, log $3) and, once it has had no
# kernel for JS_IDLE_TIMEOUT seconds, writes "WHEN WHY" to record $4 and
# runs the rest of the arguments to end it. The kernels that Jupyter
# culled were idle that long already: when the last ones went that way
# (its log says "Culling"), the notebook ends at once.
idle_watch() {
	w_pid=$1 w_rt=$2 w_log=$3 w_rec=$4
	shift 4
	w_every=$(idle_every) w_tick=0
	w_since=$(now)
	w_culls=$(grep -c "Culling " "$w_log" 2>/dev/null)
	# Each second whether it still runs (a stop ends this at once).
	while sleep 1; do
		alive "$w_pid" || return 0
		w_tick=$((w_tick + 1))
		[ "$w_tick" -ge "$w_every" ] || continue
		w_tick=0 w_k=0
		for f in "$w_rt"/kernel-*.json; do
			[ -e "$f" ] && w_k=$((w_k + 1))
		done
		w_n=$(grep -c "Culling " "$w_log" 2>/dev/null)
		if [ "$w_k" -gt 0 ]; then
			w_since=$(now) w_culls=$w_n
			continue
		fi
		[ "${w_n:-0}" -gt "${w_culls:-0}" ] ||
		    [ $(($(now) - w_since)) -ge "$JS_IDLE_TIMEOUT" ] || continue
		echo "$(now) idle for $(human_time "$JS_IDLE_TIMEOUT")" > "$w_rec"
		"$@"
		return 0
	done
}

# The record a watcher left of the notebook it ended ($1), said as
# "jupyssh-ended WHEN AGO WHY" (PROTOCOL.md); the helper tells it once.
ended() {
	[ -r "$1" ] || return 0
	e_when= e_why=
	read -r e_when e_why < "$1"
	case $e_when in
	"" | *[!0-9]*) rm -f "$1"; return 0 ;;
	esac
	e_ago=$(($(now) - e_when))
	[ "$e_ago" -ge 0 ] || e_ago=0
	printf "jupyssh-ended %s %s %s\n" "$e_when" "$e_ago" "$e_why"
}
