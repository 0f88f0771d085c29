# jupyssh list with hosts that hang (off the VPN, say): every host is
# asked at once and each is bounded, so the list answers in about the
# slowest host's time, not the sum; status of a hanging host is bounded.
. "$(dirname "$0")/lib.sh"
reset_all
# Four hosts whose connection never answers: a ProxyCommand that sleeps.
{ cat "$ROOT/ssh_config.orig"
  printf 'Host hang1 hang2 hang3 hang4\n    ProxyCommand sleep 600\n    BatchMode yes\n'; } |
    put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18889
    JupyterDirectory ~/project
Host hang1 hang2 hang3 hang4
    JupyterPort 18889
EOC
hanging() { pgrep -u "$LAPTOP_USER" -x sleep | wc -l; }

# While list runs, the most hanging connections seen at one moment.
laptop jupyssh list > "$ROOT/list.out" 2>&1 &
list=$!
most=0
while kill -0 "$list" 2>/dev/null; do
	n=$(hanging)
	[ "$n" -gt "$most" ] && most=$n
	sleep 0.2
done
wait "$list"
rc=$?
check_eq list-asks-at-once "$most" 4
check_eq list-exit "$rc" 0
check_eq list-lines "$(sed 's/  */ /g' "$ROOT/list.out" | sort | tr '\n' ';')" \
    "gpu-box stopped;hang1 unreachable;hang2 unreachable;hang3 unreachable;hang4 unreachable;"

# status of a hanging host ends by itself, with a reason.
out=$(timeout 120 "$TOP/tests/sandbox/as-laptop" jupyssh status hang1 2>&1 </dev/null)
rc=$?
case $rc:$out in
124:*) fail status-bounded "status to end by itself" "$out" ;;
0:*) fail status-bounded "a non-zero exit for a host that does not answer" "$out" ;;
*"jupyssh: hang1: "*) pass status-bounded ;;
*) fail status-bounded "a jupyssh: hang1: line" "$out" ;;
esac
if wait_for 10 sh -c "[ \$(pgrep -u $LAPTOP_USER -x sleep | wc -l) -eq 0 ]"; then
	pass nothing-left
else
	fail nothing-left "hanging connections left: $(pgrep -a -u "$LAPTOP_USER")"
fi
reset_all
