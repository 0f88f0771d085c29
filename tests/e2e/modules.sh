# JupyterModules with Debian's real Lmod: a module of the site's tree puts
# a jupyter on PATH and sets a variable; the notebook runs with both, and
# the module was loaded before JupyterEnv was activated (the env's activate
# saw it). A module that does not exist: one line in Lmod's own words, and
# no notebook. The same with Debian's real Environment Modules, on a second
# sshd of the remote whose sessions see that site's /etc/profile.d
# (tests/sandbox/sshd-envmodules.sh).
. "$(dirname "$0")/lib.sh"
reset_all
if [ ! -r /etc/profile.d/lmod.sh ]; then
	fail lmod "Debian's lmod is not installed (tests/sandbox/install-deps)"
	exit 1
fi
trap lmod_module_gone EXIT
lmod_module "$REMOTE_USER" "$REMOTE_HOME" || fail lmod-module "cannot write the test module"
# An env whose activate says whether the module was loaded before it.
ENVD=$REMOTE_HOME/menv
mkdir -p "$ENVD/bin"
printf 'export JSTEST_ENV_SAW="${JSTEST_MODULE:-unset}"\n' > "$ENVD/bin/activate"
chown -R "$REMOTE_USER" "$ENVD"

jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18893
    JupyterModules jupyssh-test/1.0
    JupyterEnv ~/menv
EOC
url=$(laptop jupyssh start gpu-box 2>"$ROOT/err")
case $url in
http://127.0.0.1:18893/?token=*) pass start ;;
*) fail start "a URL" "$(cat "$ROOT/err")" ;;
esac
out=$(run_cell "$url" 'import os; print(*(os.environ.get(v, "unset") for v in ("JSTEST_MODULE", "JSTEST_WRAPPER", "JSTEST_ENV_SAW")))' 2>&1)
# loaded: the module's variable; used: its jupyter ran; the last: the env
# was activated after the module.
check_eq module-loaded-before-env "$out" "loaded used loaded"
laptop jupyssh stop gpu-box > /dev/null 2>&1

# jupyssh doctor goes through the same steps, and says they work.
out=$(laptop jupyssh doctor gpu-box 2>&1)
case $out in
*"env "*" ok"*) pass doctor-env-ok ;;
*) fail doctor-env-ok "env ok" "$out" ;;
esac

# A module that does not exist: Lmod's words, on one line; nothing runs.
jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18893
    JupyterModules jupyssh-test/1.0 nosuch/9.9
    JupyterEnv ~/menv
EOC
out=$(laptop jupyssh start gpu-box 2>&1)
rc=$?
case $rc:$out in
1:"jupyssh: gpu-box: module load nosuch/9.9 failed: Lmod has detected the following error: "*"nosuch/9.9"*) pass missing-module ;;
*) fail missing-module "exit 1 and Lmod's message" "$rc: $out" ;;
esac
check_eq missing-module-one-line "$(printf '%s\n' "$out" | wc -l)" 1
check_eq missing-module-no-notebook "$(remote_notebooks | wc -l)" 0
out=$(laptop jupyssh doctor gpu-box 2>&1)
case $out in
*"env "*"FAIL"*"module load nosuch/9.9 failed"*) pass doctor-missing-module ;;
*) fail doctor-missing-module "env FAIL, with Lmod's message" "$out" ;;
esac

# A site with Environment Modules instead: its profile.d's modules.sh
# defines module; the test's module is in the site's tree.
EM=$TOP/tests/sandbox/sshd-envmodules.sh
trap 'lmod_module_gone; "$EM" down' EXIT
if block=$("$EM" up 2>&1); then
	{ cat "$ROOT/ssh_config.orig"; printf '%s\n' "$block"; } |
	    put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
	envmodules_module "$REMOTE_USER" "$REMOTE_HOME" "$ROOT/sshd-em/modulefiles" ||
	    fail em-module "cannot write the test module"
	jupyter_config <<'EOC'
Host gpu-em
    JupyterPort 18894
    JupyterModules jupyssh-test/1.0
    JupyterEnv ~/menv
EOC
	url=$(laptop jupyssh start gpu-em 2>"$ROOT/err")
	out=$(run_cell "$url" 'import os; print(*(os.environ.get(v, "unset") for v in ("JSTEST_MODULE", "JSTEST_WRAPPER", "JSTEST_ENV_SAW", "MODULESHOME")))' 2>&1)
	# Environment Modules did it, not Lmod: its home is the site's tree.
	check_eq em-module-loaded-before-env "$out" "loaded used loaded $ROOT/sshd-em/root/usr/share/modules"
	laptop jupyssh stop gpu-em > /dev/null 2>&1
	printf 'Host gpu-em\n    JupyterPort 18894\n    JupyterModules nosuch/9.9\n' | jupyter_config
	out=$(laptop jupyssh start gpu-em 2>&1)
	rc=$?
	case $rc:$out in
	1:"jupyssh: gpu-em: module load nosuch/9.9 failed: ERROR: Unable to locate a modulefile for 'nosuch/9.9'") pass em-missing-module ;;
	*) fail em-missing-module "exit 1 and Environment Modules' message" "$rc: $out" ;;
	esac
	check_eq em-missing-module-no-notebook "$(remote_notebooks | wc -l)" 0
	"$EM" down
else
	fail em-sshd "the Environment Modules server did not come up" "$block"
fi
rm -rf "$ENVD" "$REMOTE_HOME/modbin"
reset_all
