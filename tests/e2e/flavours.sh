# Other Jupyter flavours than "jupyter notebook": JupyterCommand jupyter
# server (Debian's jupyter-server), jupyter lab (JupyterLab is not in
# Debian 12: a jupyter-lab entry point in the venv, as pip would write it,
# runs Debian's jupyter_server), and JupyterEnv conda:NAME with a small
# fake conda in ~/miniconda3 (no conda in Debian either).
. "$(dirname "$0")/lib.sh"
reset_all

# As the remote user, on the remote, from its home.
remote_sh() {	# SCRIPT
	ip netns exec "$NETNS" runuser -u "$REMOTE_USER" -- sh -c "cd && $1"
}

VENV=$REMOTE_HOME/project/venv
work_ex=$(mktemp -d /tmp/jupyssh-flavours.XXXXXX)
chmod 755 "$work_ex"
cleanup() {
	rm -rf "$VENV/bin/jupyter-lab" "$REMOTE_HOME/miniconda3" "$REMOTE_HOME/miniconda3.off" \
	    "$work_ex"
}
trap cleanup EXIT

# "jupyter lab" dispatches to jupyter-lab on PATH: JupyterLab's entry point
# is a Python script in the env's bin; this one runs jupyter_server's app,
# which JupyterLab's LabApp is built on (same runtime file, jpserver-PID.json).
remote_sh "cat > $VENV/bin/jupyter-lab <<EOF
#!$VENV/bin/python3
# A stand-in for JupyterLab's entry point (JupyterLab is not in Debian 12).
import sys
from jupyter_server.serverapp import main
if __name__ == '__main__':
    sys.exit(main())
EOF
chmod 755 $VENV/bin/jupyter-lab"

# A notebook that jupyssh started for remote port $1: its pid, the runtime
# file Jupyter wrote for it, and its command line.
nb_pid() { cut -d" " -f1 "$RSTATE/nb-$1.pid" 2>/dev/null; }
runtime_files() { (cd "$RSTATE/nb-$1.runtime" 2>/dev/null && ls -- *server-*.json); }
cmdline() { tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null; }

# One flavour's whole life through "jupyssh start/status/stop".
#   flavour NAME PORT LOCALPORT WANT_CELL WANT_PROGRAM (config on stdin)
flavour() {
	local name=$1 port=$2 lport=$3 want=$4 prog=$5 url rc pid out
	jupyter_config
	url=$(laptop jupyssh start gpu-box 2>"$ROOT/start.err")
	rc=$?
	case $rc$url in
	"0http://127.0.0.1:$lport/?token="*) pass "$name-start-prints-url" ;;
	*) fail "$name-start-prints-url" "exit 0 and the URL on stdout, got $rc '$url'" \
	    "$(cat "$ROOT/start.err")"
	   return ;;
	esac
	pid=$(nb_pid "$port")
	check_eq "$name-runtime-file" "$(runtime_files "$port")" "jpserver-$pid.json"
	case $(cmdline "$pid") in
	*python3" $prog --"*) pass "$name-program" ;;
	*) fail "$name-program" "python3 $prog" "$(cmdline "$pid")" ;;
	esac
	check_eq "$name-kernel-runs" "$(run_cell "$url" 'import os, getpass
print(getpass.getuser(), os.getcwd(), os.environ.get("VIRTUAL_ENV"))' 2>&1)" "$want"
	check_eq "$name-one-notebook" "$(remote_notebooks | tr '\n' ' ')" "$pid "
	out=$(laptop jupyssh status gpu-box 2>&1)
	check_eq "$name-status" "$?: $out" \
	    "0: gpu-box: running, pid $pid, remote port $port, folder $REMOTE_HOME/project, local port $lport (forwarded)"
	check_eq "$name-start-again" "$(laptop jupyssh start gpu-box 2>&1)" "$url"
	out=$(laptop jupyssh stop gpu-box 2>&1)
	check_eq "$name-stop" "$?: $out" "0: jupyssh: gpu-box: notebook stopped (pid $pid)"
	if wait_for 15 sh -c "! kill -0 $pid 2>/dev/null"; then
		pass "$name-stop-ends-it"
	else
		fail "$name-stop-ends-it" "pid $pid alive: $(cmdline "$pid")"
	fi
	check_eq "$name-no-kernels-left" "$(pgrep -u "$REMOTE_USER" -f ipykernel | wc -l)" 0
	out=$(laptop jupyssh status gpu-box 2>&1)
	check_eq "$name-status-stopped" "$?: $out" "3: gpu-box: stopped"
	if wait_for 10 sh -c "! pgrep -u $LAPTOP_USER -x ssh >/dev/null"; then
		pass "$name-stop-ends-forward"
	else
		fail "$name-stop-ends-forward" "ssh left: $(pgrep -a -u "$LAPTOP_USER")"
	fi
}

# jupyter server: Debian's /usr/bin/jupyter-server, no env; it writes
# root_dir (not notebook_dir) in its runtime file.
[ -x /usr/bin/jupyter-server ] || fail jupyter-server "jupyter-server is not installed" \
    "(apt-get install jupyter-server; tests/sandbox/install-deps lists it)"
flavour server 18891 28891 "$REMOTE_USER $REMOTE_HOME/project None" \
    /usr/bin/jupyter-server <<'EOC'
Host gpu-box
    JupyterPort 18891
    JupyterLocalPort 28891
    JupyterDirectory ~/project
    JupyterCommand jupyter server
EOC
reset_all

# jupyter server on a Unix socket (JupyterSocket yes): jupyter_server's
# own --sock, forwarded to the same local port.
jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18891
    JupyterLocalPort 28891
    JupyterDirectory ~/project
    JupyterCommand jupyter server
    JupyterSocket yes
EOC
url=$(laptop jupyssh start gpu-box 2>"$ROOT/start.err")
check_eq server-socket-runs "$(run_cell "$url" 'print(6*7)' 2>&1)" 42
pid=$(nb_pid 18891)
check_eq server-socket-status "$(laptop jupyssh status gpu-box 2>&1)" \
    "gpu-box: running, pid $pid, socket $RSTATE/nb-18891.sock, folder $REMOTE_HOME/project, local port 28891 (forwarded)"
check_eq server-socket-no-port "$(ip netns exec "$NETNS" ss -Hltn 'sport = :18891' | wc -l)" 0
out=$(laptop jupyssh stop gpu-box 2>&1)
check_eq server-socket-stop "$?: $out" "0: jupyssh: gpu-box: notebook stopped (pid $pid)"
reset_all

# jupyter lab, found in the activated venv, with an option passed through.
flavour lab 18892 28892 "$REMOTE_USER $REMOTE_HOME/project $VENV" \
    "$VENV/bin/jupyter-lab" <<'EOC'
Host gpu-box
    JupyterPort 18892
    JupyterLocalPort 28892
    JupyterDirectory ~/project
    JupyterEnv ~/project/venv
    JupyterCommand jupyter lab --ServerApp.shutdown_no_activity_timeout=0
EOC
# jupyssh log: the server's own log, kept after the stop.
out=$(laptop jupyssh log gpu-box 2>&1)
case $out in
*"Jupyter Server"*"is running at"*"Shutting down"*) pass lab-log ;;
*) fail lab-log "Jupyter Server's start and shutdown lines" "$out" ;;
esac
reset_all

# jupyter lab without JupyterLab installed there: one line, Jupyter's own
# complaint, exit 1, nothing left running.
jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18892
    JupyterLocalPort 28892
    JupyterDirectory ~/project
    JupyterCommand jupyter lab
EOC
out=$(laptop jupyssh start gpu-box 2>&1)
rc=$?
case $rc:$out in
"1:jupyssh: gpu-box: notebook exited at start: "*"jupyter-lab"*"not found"*) pass lab-missing ;;
*) fail lab-missing "exit 1 and Jupyter's 'jupyter-lab not found'" "$rc:$out" ;;
esac
check_eq lab-missing-one-line "$(printf '%s\n' "$out" | wc -l)" 1
check_eq lab-missing-nothing-runs "$(remote_notebooks | wc -l)" 0
reset_all

# conda:NAME. A fake Miniconda: etc/profile.d/conda.sh defines the shell
# function conda, as the real one does, with "shell.posix hook" and
# "activate NAME"; envs/NAME are venvs that see Debian's Jupyter.
mc=$REMOTE_HOME/miniconda3
remote_sh "mkdir -p $mc/etc/profile.d $mc/envs && cd / &&
/usr/bin/python3 -m venv --system-site-packages $mc/envs/torch &&
cat > $mc/etc/profile.d/conda.sh" <<'EOF'
# Fake conda for jupyssh's tests: only what a login's "conda activate" uses.
_CONDA_ROOT=$HOME/miniconda3
conda() {
	case $1 in
	shell.posix)
		[ "$2" = hook ] || return 1
		echo 'CONDA_SHLVL=0; export CONDA_SHLVL'
		;;
	activate)
		[ -n "$2" ] && [ -r "$_CONDA_ROOT/envs/$2/bin/activate" ] || {
			echo "EnvironmentNameNotFound: Could not find conda environment: $2" >&2
			return 1
		}
		. "$_CONDA_ROOT/envs/$2/bin/activate" || return 1
		CONDA_DEFAULT_ENV=$2 CONDA_PREFIX=$_CONDA_ROOT/envs/$2 CONDA_SHLVL=1
		export CONDA_DEFAULT_ENV CONDA_PREFIX CONDA_SHLVL
		;;
	*)
		echo "conda: fake, no $1" >&2
		return 1
		;;
	esac
}
EOF
check_eq conda-fake-ready "$(remote_sh ". $mc/etc/profile.d/conda.sh && conda activate torch && echo \$CONDA_DEFAULT_ENV \$VIRTUAL_ENV" 2>&1)" \
    "torch $mc/envs/torch"

jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18893
    JupyterLocalPort 28893
    JupyterDirectory ~/project
    JupyterEnv conda:torch
EOC
url=$(laptop jupyssh start gpu-box 2>"$ROOT/start.err")
rc=$?
case $rc$url in
"0http://127.0.0.1:28893/?token="*) pass conda-start-prints-url ;;
*) fail conda-start-prints-url "exit 0 and the URL on stdout, got $rc '$url'" "$(cat "$ROOT/start.err")" ;;
esac
check_eq conda-kernel-env "$(run_cell "$url" 'import os, getpass
e = os.environ
print(getpass.getuser(), os.getcwd(), e.get("CONDA_DEFAULT_ENV"), e.get("CONDA_PREFIX"), e.get("VIRTUAL_ENV"), e["PATH"].split(":")[0])' 2>&1)" \
    "$REMOTE_USER $REMOTE_HOME/project torch $mc/envs/torch $mc/envs/torch $mc/envs/torch/bin"
pid=$(nb_pid 18893)
case $(laptop jupyssh status gpu-box 2>&1) in
"gpu-box: running, pid $pid, remote port 18893, folder $REMOTE_HOME/project, local port 28893 (forwarded)") pass conda-status ;;
*) fail conda-status "running, pid $pid" "$(laptop jupyssh status gpu-box 2>&1)" ;;
esac
out=$(laptop jupyssh stop gpu-box 2>&1)
check_eq conda-stop "$?: $out" "0: jupyssh: gpu-box: notebook stopped (pid $pid)"
reset_all

# An environment conda does not have: one line, exit 1, nothing started.
jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18893
    JupyterLocalPort 28893
    JupyterEnv conda:nope
EOC
out=$(laptop jupyssh start gpu-box 2>&1)
check_eq conda-env-missing "$?: $out" "1: jupyssh: gpu-box: conda environment nope not found"
check_eq conda-env-missing-nothing-runs "$(remote_notebooks | wc -l)" 0
if wait_for 10 sh -c "! pgrep -u $LAPTOP_USER -x ssh >/dev/null"; then
	pass conda-env-missing-no-leftover
else
	fail conda-env-missing-no-leftover "ssh left: $(pgrep -a -u "$LAPTOP_USER")"
fi
reset_all

# No conda at all on the remote.
mv "$mc" "$mc.off"
printf 'Host gpu-box\n JupyterPort 18893\n JupyterEnv conda:torch\n' | jupyter_config
out=$(laptop jupyssh start gpu-box 2>&1)
check_eq conda-missing "$?: $out" "1: jupyssh: gpu-box: conda not found for JupyterEnv conda:torch"
reset_all

# The examples for these flavours read cleanly: ssh -G shows the forward.
for ex in lab_config:8888 server_config:8890 conda_config:8889; do
	f=$work_ex/${ex%%:*}
	install -m 644 "$TOP/examples/${ex%%:*}" "$f"
	out=$(EXTRA_ENV="JUPYSSH_CONFIG=$f" laptop ssh -G gpu-box 2>&1)
	case $out in
	*jupyssh:*) fail "example-${ex%%:*}" "no complaint" "$(printf '%s\n' "$out" | grep jupyssh:)" ;;
	*"localforward [127.0.0.1]:${ex#*:} [127.0.0.1]:${ex#*:}"*) pass "example-${ex%%:*}" ;;
	*) fail "example-${ex%%:*}" "a LocalForward of port ${ex#*:}" ;;
	esac
done
