# JupyterModules with Debian's real Lmod: a module of the site's tree puts
# a jupyter on PATH and sets a variable; the notebook runs with both, and
# the module was loaded before JupyterEnv was activated (the env's activate
# saw it). A module that does not exist: one line in Lmod's own words, and
# no notebook.
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
rm -rf "$ENVD" "$REMOTE_HOME/modbin"
reset_all
