# Faults on the way: password logins (asked once), a connection that dies
# while the notebook starts.
. "$(dirname "$0")/lib.sh"
reset_all
jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18889
    JupyterDirectory ~/project
EOC

# Password logins: the helper rides on the connection that authenticated,
# so the user types the password once.
{ grep -v -E 'BatchMode|IdentityFile|IdentitiesOnly' "$ROOT/ssh_config.orig"
  printf '    PubkeyAuthentication no\n    PreferredAuthentications password\n'; } |
    put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
out=$(laptop_tty --timeout 90 --expect 'password:' --send "$REMOTE_PASSWORD\n" \
    --expect 'ready: http' --send 'exit\n' -- ssh gpu-box 2>&1)
check_eq password-once-login "$(printf '%s' "$out" | grep -c 'password:'):$(printf '%s' "$out" | grep -c 'ready: http')" "1:1"
laptop jupyssh stop gpu-box >/dev/null 2>&1 </dev/null
reset_all
{ grep -v -E 'BatchMode|IdentityFile|IdentitiesOnly' "$ROOT/ssh_config.orig"
  printf '    PubkeyAuthentication no\n    PreferredAuthentications password\n'; } |
    put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
out=$(laptop_tty --timeout 90 --expect 'password:' --send "$REMOTE_PASSWORD\n" \
    --expect 'http://127' -- jupyssh start gpu-box 2>&1)
check_eq password-once-start "$(printf '%s' "$out" | grep -c 'password:'):$(printf '%s' "$out" | grep -c 'http://127')" "1:1"
url=$(printf '%s' "$out" | url_in)
check_eq password-start-works "$(run_cell "$url" 'print(11)' 2>&1)" 11
reset_all

# The connection dies while the notebook starts: nothing is left behind
# here, and the next start completes it.
printf '#!/bin/sh\nsleep 3\nexec jupyter notebook "$@"\n' > "$REMOTE_HOME/slow-jupyter"
chown "$REMOTE_USER:" "$REMOTE_HOME/slow-jupyter"
chmod 755 "$REMOTE_HOME/slow-jupyter"
printf 'Host gpu-box\n    JupyterPort 18889\n    JupyterCommand %s/slow-jupyter\n' "$REMOTE_HOME" | jupyter_config
laptop ssh -N gpu-box > /dev/null 2>&1 &
if wait_for 30 test -d "$RSTATE/nb-18889.lock"; then
	pkill -KILL -u "$LAPTOP_USER" -x ssh
	pass dies-while-starting
else
	fail dies-while-starting "the start never began"
fi
if wait_for 15 sh -c "! pgrep -u $LAPTOP_USER >/dev/null"; then
	pass dies-nothing-left
else
	fail dies-nothing-left "left: $(pgrep -a -u "$LAPTOP_USER")"
fi
url=$(laptop jupyssh start gpu-box 2>"$ROOT/err")
check_eq dies-next-start "$(run_cell "$url" 'print(12)' 2>&1)" 12
check_eq dies-one-notebook "$(remote_notebooks | wc -l)" 1
reset_all
