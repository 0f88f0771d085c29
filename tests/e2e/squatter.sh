# Another user of the same machines holds a port jupyssh is about to use
# (issue 9): on the remote, the notebook's JupyterPort; on the laptop, the
# local port. Whatever the squatter answers, it never receives the token,
# and the URL jupyssh prints runs code as the remote user in our notebook.
. "$(dirname "$0")/lib.sh"
export NBCLIENT_TIMEOUT=30
RPORT=18889
LPORT=28889
REMOTE_UID=$(id -u "$REMOTE_USER")
SQ=$ROOT/squat
mkdir -p "$SQ"

# Process $1 has exited (a zombie counts: it only waits to be reaped).
gone() {
	local stat
	read -r stat < "/proc/$1/stat" 2>/dev/null || return 0
	case ${stat##*) } in Z* | X*) return 0 ;; esac
	return 1
}

# The squatters this script started, ended by stop_squatters (also on exit).
squatters=()
stop_squatters() {
	local p
	for p in "${squatters[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${squatters[@]}"; do
		wait_for 5 gone "$p" || kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	squatters=()
}
trap 'stop_squatters; reset_all' EXIT

# squatter_up remote|local PORT STATUS LOG: the other user's listener on
# 127.0.0.1:PORT, in the remote's namespace or on the laptop; fails if it
# does not listen within 10 s (its complaint in LOG.err). setpriv execs
# (no fork), so $! is the squatter itself.
squatter_up() {
	local where=$1 port=$2 status=$3 log=$4 ns=() p
	install -m 600 -o "$OTHER_USER" -g "$OTHER_USER" /dev/null "$log"
	[ "$where" = remote ] && ns=(nsenter "--net=/run/netns/$NETNS")
	"${ns[@]}" setpriv --reuid="$OTHER_USER" --regid="$OTHER_USER" \
	    --init-groups env -i -C / PATH=/usr/bin:/bin "$PY" "$TOOLS/squatter" \
	    --port "$port" --status "$status" --log "$log" \
	    < /dev/null > /dev/null 2> "$log.err" &
	p=$!
	squatters+=("$p")
	wait_for 10 sh -c "${ns[*]} ss -Hltnp 'sport = :$port' | grep -q 'pid=$p,'"
}

# no_token NAME LOG TOKEN: the squatter got no credential at all.
no_token() {
	local why=
	if [ -n "$3" ] && grep -aqF -- "$3" "$2"; then
		why="the token itself"
	elif grep -aqi 'authorization: *token' "$2"; then
		why="an Authorization: token header"
	elif grep -aqF 'token=' "$2"; then
		why="a token= parameter"
	fi
	if [ -z "$why" ]; then
		pass "$1"
	else
		fail "$1" "expected no token sent to the squatter, it received $why" \
		    "$(grep -a -v '^$' "$2" | tr -d '\r')"
	fi
}

# url_ours NAME URL: the URL runs code in a notebook of the remote user's.
url_ours() {
	local got
	if [ -z "$2" ]; then
		fail "$1" "expected a URL to run code as $REMOTE_USER, none was printed"
		return
	fi
	got=$(run_cell "$2" 'import os; print(os.getuid())' 2>&1)
	if [ "$got" = "$REMOTE_UID" ]; then
		pass "$1"
	else
		fail "$1" "expected $2 to run code as $REMOTE_USER (uid $REMOTE_UID), got: $(printf '%s' "$got" | tail -n 1)"
	fi
}

# An interactive "ssh gpu-box" that stays logged in until login_close
# (the forward lives as long as the session). Its terminal: $ROOT/NAME.tty.
login_open() {
	rm -f "$ROOT/$1.release"
	laptop_tty --timeout 100 --expect '(ready|running): http' \
	    --send "while [ ! -e $ROOT/$1.release ]; do sleep 0.2; done; exit\n" \
	    -- ssh gpu-box > "$ROOT/$1.tty" 2>&1 &
	login_pid=$!
	wait_for 90 grep -aqE '(ready|running): http' "$ROOT/$1.tty"
}
login_close() {
	touch "$ROOT/$1.release"
	wait "$login_pid"
}

# Each case starts from nothing: no squatter, no notebook, no state.
fresh() {
	stop_squatters
	reset_all
	jupyter_config <<EOC
Host gpu-box
    JupyterPort $RPORT
    JupyterLocalPort $LPORT
EOC
}

# Case 1: another remote user binds the JupyterPort while it is free, and
# answers 404 (to learn the token, then use it on the notebook's real port)
# or 200 (to pass for the notebook and receive the victim's browser).
# Cold login, then a warm one once the first has left (the notebook runs on
# the next port), then "jupyssh start" from scratch.
remote_squatter() {
	local status=$1 log=$SQ/remote-$1.log url name=remote-$1
	fresh
	squatter_up remote "$RPORT" "$status" "$log" || {
		fail "$name-setup" "expected a squatter of $OTHER_USER's on the remote port $RPORT" "$(cat "$log.err")"
		return
	}
	login_open "$name-cold"
	url=$(url_in < "$ROOT/$name-cold.tty")
	no_token "$name-cold-no-token" "$log" "${url##*token=}"
	url_ours "$name-cold-url-ours" "$url"
	login_close "$name-cold"

	: > "$log"
	login_open "$name-warm"
	url=$(url_in < "$ROOT/$name-warm.tty")
	no_token "$name-warm-no-token" "$log" "${url##*token=}"
	url_ours "$name-warm-url-ours" "$url"
	login_close "$name-warm"

	reset_all
	: > "$log"
	url=$(laptop jupyssh start gpu-box 2> "$ROOT/$name-start.err" | url_in)
	no_token "$name-start-no-token" "$log" "${url##*token=}"
	url_ours "$name-start-url-ours" "$url"
	laptop jupyssh stop gpu-box > /dev/null 2>&1
	stop_squatters
	reset_all
}

# Case 2a: another laptop user holds the configured local port before
# "jupyssh start": jupyssh must forward another port, and send them nothing.
local_squatter_start() {
	local status=$1 log=$SQ/local-$1.log url name=local-$1-start
	fresh
	squatter_up local "$LPORT" "$status" "$log" || {
		fail "$name-setup" "expected a squatter of $OTHER_USER's on the local port $LPORT" "$(cat "$log.err")"
		return
	}
	url=$(laptop jupyssh start gpu-box 2> "$ROOT/$name.err" | url_in)
	no_token "$name-no-token" "$log" "${url##*token=}"
	case $url in
	"http://127.0.0.1:$LPORT/"*)
		fail "$name-other-port" "expected a local port other than the squatter's $LPORT, got $url" ;;
	"") fail "$name-other-port" "expected a URL on another local port, none printed" \
	    "$(cat "$ROOT/$name.err")" ;;
	*) pass "$name-other-port" ;;
	esac
	url_ours "$name-url-ours" "$url"
	laptop jupyssh stop gpu-box > /dev/null 2>&1
	stop_squatters
	reset_all
}

# Case 2b: the forward of "jupyssh start" is gone (its background master
# died, its keeper before it) and another laptop user takes the port of
# the last URL, answering 200. "status" and "list --json" must not call that forwarded, nor send
# it the token to find out.
local_squatter_status() {
	local log=$SQ/local-status.log url token master out
	fresh
	url=$(laptop jupyssh start gpu-box 2> "$ROOT/local-status.err" | url_in)
	token=${url##*token=}
	if [ -z "$url" ]; then
		fail local-status-setup "expected a URL from jupyssh start" "$(cat "$ROOT/local-status.err")"
		reset_all
		return
	fi
	# Nothing is to heal it: the keeper goes first, then the master.
	pkill -u "$LAPTOP_USER" -f 'jupyssh keep '
	wait_for 10 sh -c "! pgrep -u $LAPTOP_USER -f 'jupyssh keep ' >/dev/null"
	master=$(pgrep -u "$LAPTOP_USER" -x ssh)
	[ -n "$master" ] && kill -TERM $master # one or more pids
	wait_for 10 sh -c "! ss -Hltn 'sport = :$LPORT' | grep -q ."
	squatter_up local "$LPORT" 200 "$log" || {
		fail local-status-setup "expected a squatter of $OTHER_USER's on the local port $LPORT" "$(cat "$log.err")"
		return
	}

	out=$(laptop jupyssh status gpu-box 2>&1)
	case $out in
	*"local port $LPORT (not forwarded)"*) pass local-status-not-forwarded ;;
	*) fail local-status-not-forwarded "expected 'local port $LPORT (not forwarded)'" "$out" ;;
	esac
	no_token local-status-no-token "$log" "$token"

	: > "$log"
	out=$(laptop jupyssh list --json 2>&1)
	case $(printf '%s' "$out" | $PY -c '
import json, sys
print([h.get("forwarded") for h in json.load(sys.stdin) if h["host"] == "gpu-box"])' 2>&1) in
	"[False]") pass local-list-not-forwarded ;;
	*) fail local-list-not-forwarded "expected gpu-box with \"forwarded\": false" "$out" ;;
	esac
	no_token local-list-no-token "$log" "$token"
	stop_squatters
	reset_all
}

remote_squatter 404
remote_squatter 200
local_squatter_start 404
local_squatter_start 200
local_squatter_status
