# ProxyCommand mode without %n: "ProxyCommand jupyssh proxy %h %p", as
# one writes "nc %h %p", for a host whose HostName is not its alias. The
# notebook comes up for the alias typed, read from ssh's own command line;
# where that cannot be told, the terminal says that %n is needed, and
# where ssh's command line cannot be read at all, it says so.
. "$(dirname "$0")/lib.sh"
reset_all
# A TCP way into the sandbox from this side, on loopback only.
socat TCP4-LISTEN:22224,bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:"$SOCK" 2>/dev/null &
bridge=$!
wait_for 5 sh -c "ss -Hltn | grep -q ':22224 '"

{ cat "$ROOT/ssh_config.orig"; cat <<EOC
Host gpu-nc gpu-nc-literal gpu-nc-plain
    HostKeyAlias gpu-box
    User $REMOTE_USER
    IdentityFile ~/.ssh/id_ed25519
    IdentitiesOnly yes
    BatchMode yes
    ControlMaster auto
    ControlPath ~/.ssh/cm-%C
    Port 22224
Host gpu-nc gpu-nc-plain
    HostName 127.0.0.1
    ProxyCommand jupyssh proxy %h %p
Host gpu-nc-literal
    HostName gpu-elsewhere
    ProxyCommand jupyssh proxy 127.0.0.1 22224
    ControlPersist yes
Host gpu-nc-blind
    HostKeyAlias gpu-box
    User $REMOTE_USER
    IdentityFile ~/.ssh/id_ed25519
    IdentitiesOnly yes
    BatchMode yes
    ControlMaster auto
    ControlPath ~/.ssh/cm-%C
    HostName 127.0.0.1
    Port 22224
    ProxyCommand unshare --user --map-current-user --pid --fork --mount-proc jupyssh proxy %h %p
EOC
} | put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
# The same with a master that persists: ssh gives the proxy /dev/null
# for stderr then, and the terminal is reached through /dev/tty.
sed '/^Host gpu-nc gpu-nc-literal gpu-nc-plain$/a\    ControlPersist yes' \
    "$LAPTOP_HOME/.ssh/config" | put_laptop_file "$LAPTOP_HOME/alt_config" 600
jupyter_config <<'EOC'
Host gpu-nc gpu-nc-literal gpu-nc-blind
    JupyterPort 18889
    JupyterDirectory ~/project
EOC

# The alias from ssh's command line, options before and after it.
release=$ROOT/release-nc
rm -f "$release"
NO_SHIM=1 laptop_tty --timeout 120 --expect 'ready: http' \
    --send "while [ ! -e $release ]; do sleep 0.2; done; exit\n" \
    -- ssh -o LogLevel=ERROR gpu-nc -o ServerAliveInterval=30 > "$ROOT/tty-nc.out" 2>&1 &
session=$!
if wait_for 90 grep -q 'ready: http' "$ROOT/tty-nc.out"; then
	case $(grep -a 'ready: http' "$ROOT/tty-nc.out") in
	*"notebook on gpu-nc ready: http://127.0.0.1:18889/?token="*) pass alias-url ;;
	*) fail alias-url "the URL for gpu-nc" "$(cat "$ROOT/tty-nc.out")" ;;
	esac
	url=$(url_in < "$ROOT/tty-nc.out")
	check_eq alias-url-answers "$(run_cell "$url" 'import os; print(os.getcwd())' 2>&1)" "$REMOTE_HOME/project"
else
	fail alias-url "a URL through jupyssh proxy %h %p" "$(cat "$ROOT/tty-nc.out")"
fi
case $(cat "$ROOT/tty-nc.out") in
*"%n"*|*rror*) fail alias-quiet "noise on the terminal" "$(cat "$ROOT/tty-nc.out")" ;;
*) pass alias-quiet ;;
esac

touch "$release"
wait "$session"

# The -F file ssh was given is the one read; the notebook is found again,
# and its URL reaches the terminal past ControlPersist's /dev/null. (A
# login that joins a live master runs no ProxyCommand: this one is the
# next login of its own.)
NO_SHIM=1 laptop_tty --timeout 90 --expect 'running: http' --send 'exit\n' \
    -- ssh -F "$LAPTOP_HOME/alt_config" gpu-nc > "$ROOT/tty-nc-F.out" 2>&1
check_eq alias-with-F "$(url_in < "$ROOT/tty-nc-F.out")" "$url"

# A command starts nothing, and the proxy says nothing.
check_eq alias-command "$(laptop_plain ssh gpu-nc echo through 2>&1)" through
stop=$(laptop_plain jupyssh stop gpu-nc 2>&1)
check_eq alias-stop "$?" 0
wait_for 15 no_notebook

# A ProxyCommand that does not name ssh's host: the login works, and
# the terminal says why there is no notebook (under ControlPersist).
NO_SHIM=1 laptop_tty --timeout 60 --send 'echo in-$((2+3)); exit\n' --expect 'in-5' \
    -- ssh gpu-nc-literal > "$ROOT/tty-literal.out" 2>&1
check_eq literal-login "$(tr -d '\r' < "$ROOT/tty-literal.out" | grep -ac 'in-5$')" 1
want="jupyssh: gpu-nc-literal: ssh's gpu-nc-literal is gpu-elsewhere port 22224, not 127.0.0.1 port 22224; for its notebook the ProxyCommand needs %n (ProxyCommand jupyssh proxy %h %p %n)"
check_eq literal-says-n "$(grep -a '^jupyssh:' "$ROOT/tty-literal.out" | tr -d '\r')" "$want"
check_eq literal-no-notebook "$(remote_notebooks | wc -l)" 0

# A host without Jupyter settings: a relay, nothing said.
NO_SHIM=1 laptop_tty --timeout 60 --send 'echo in-$((3+3)); exit\n' --expect 'in-6' \
    -- ssh gpu-nc-plain > "$ROOT/tty-plain.out" 2>&1
check_eq plain-login "$(tr -d '\r' < "$ROOT/tty-plain.out" | grep -ac 'in-6$')" 1
check_eq plain-quiet "$(grep -ac jupyssh "$ROOT/tty-plain.out")" 0

# Where the proxy cannot learn which ssh runs it (here it runs in a
# process namespace of its own, where its parent is out of view, as on a
# system whose processes it cannot read): the connection goes on, and one
# line says that no notebook comes, rather than nothing at all.
out=$(laptop_plain ssh gpu-nc-blind echo through 2> "$ROOT/blind.err")
check_eq blind-relays "$out" through
check_eq blind-says "$(cat "$ROOT/blind.err")" "jupyssh: 127.0.0.1: cannot read the command line of the ssh that runs the proxy (its parent is outside this process's view): no notebook"
check_eq blind-no-notebook "$(remote_notebooks | wc -l)" 0

# Run by hand with an alias: nothing to bring up, and it says so.
out=$(laptop_plain jupyssh proxy 127.0.0.1 1 gpu-nc 2>&1 </dev/null)
check_eq by-hand "$out" "jupyssh: gpu-nc: not run by ssh: no notebook
jupyssh: proxy: connect to 127.0.0.1 port 1: Connection refused"

kill "$bridge" 2>/dev/null
reset_all
