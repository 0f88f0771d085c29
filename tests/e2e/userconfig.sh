# The user's own ssh setup is respected: their ControlMaster/ControlPath/
# ControlPersist, their LocalForward, their LocalCommand, ProxyJump.
. "$(dirname "$0")/lib.sh"
reset_all
jupyter_config <<'EOC'
Host gpu-box gpu-jumped
    JupyterPort 18889
    JupyterDirectory ~/project
EOC
with_user_config() {	# extra ssh_config text on stdin, before the rest
	{ cat; cat "$ROOT/ssh_config.orig"; } | put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
}
login_and_check() {	# NAME HOST: a login prints a URL that works
	local out url
	release=$ROOT/release-$1
	rm -f "$release"
	laptop_tty --timeout 120 --expect 'ready: http|running: http' \
	    --send "while [ ! -e $release ]; do sleep 0.2; done; exit\n" \
	    -- ssh "$2" > "$ROOT/tty-$1.out" 2>&1 &
	session=$!
	if wait_for 90 grep -qE 'ready: http|running: http' "$ROOT/tty-$1.out"; then
		url=$(url_in < "$ROOT/tty-$1.out")
		check_eq "$1" "$(run_cell "$url" 'print(40+2)' 2>&1)" 42
	else
		fail "$1" "no URL" "$(cat "$ROOT/tty-$1.out")"
	fi
}
logout() { touch "$release"; wait "$session"; }

# Their own multiplexing: jupyssh rides on their socket; ControlPersist
# keeps their master after logout, as it would without jupyssh.
with_user_config <<'EOC'
Host gpu-box
    ControlMaster auto
    ControlPath ~/.ssh/cm-%r@%h:%p
    ControlPersist 60
EOC
login_and_check own-control-master gpu-box
if [ -S "$LAPTOP_HOME/.ssh/cm-jsgpu@gpu-box:22" ] && ! ls "$LAPTOP_HOME"/.ssh/jupyssh-* >/dev/null 2>&1; then
	pass own-control-path-used
else
	fail own-control-path-used "their socket, not ours" "$(ls -la "$LAPTOP_HOME/.ssh")"
fi
logout
# Their master lives on after logout, for ControlPersist's 60 s: the
# terminal's hangup at the end of the session does not reach its
# ProxyCommand (a plain ssh's master, by contrast, loses it then).
sleep 1
laptop_plain ssh -O check gpu-box >/dev/null 2>&1
check_eq own-control-persist-kept "$?" 0
laptop_plain ssh -O exit gpu-box >/dev/null 2>&1
laptop jupyssh stop gpu-box >/dev/null 2>&1
reset_all

# Their LocalForward stays, next to ours.
with_user_config <<'EOC'
Host gpu-box
    LocalForward 127.0.0.1:28022 127.0.0.1:22
EOC
login_and_check own-local-forward gpu-box
banner=$($PY -c "import socket; s=socket.create_connection(('127.0.0.1', 28022), 5); print(s.recv(64).decode().split('-')[0])" 2>&1)
check_eq own-local-forward-kept "$banner" SSH
logout
laptop jupyssh stop gpu-box >/dev/null 2>&1
reset_all

# Their LocalCommand wins: it runs, and jupyssh starts nothing (as the
# manual says: jupyssh start then).
with_user_config <<'EOC'
Host gpu-box
    PermitLocalCommand yes
    LocalCommand touch ~/their-local-command-ran
EOC
rm -f "$LAPTOP_HOME/their-local-command-ran"
out=$(laptop_tty --timeout 60 --send 'sleep 2; exit\n' -- ssh gpu-box 2>&1)
if [ -e "$LAPTOP_HOME/their-local-command-ran" ]; then pass own-local-command-runs; else fail own-local-command-runs "theirs did not run" "$out"; fi
check_eq own-local-command-no-notebook "$(remote_notebooks | wc -l)" 0
reset_all

# ProxyJump: the inner ssh -W (which has the library too) starts nothing;
# the outer session gets the notebook.
with_user_config <<'EOC'
Host gpu-jumped
    HostName localhost
    HostKeyAlias gpu-box
    User jsgpu
    ProxyJump gpu-box
    IdentityFile ~/.ssh/id_ed25519
    BatchMode yes
EOC
login_and_check proxyjump gpu-jumped
check_eq proxyjump-one-notebook "$(remote_notebooks | wc -l)" 1
logout
laptop jupyssh stop gpu-jumped >/dev/null 2>&1
reset_all
