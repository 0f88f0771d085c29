# What ssh sees: ssh -G with the shim, as the laptop user, no connection.
. "$(dirname "$0")/lib.sh"
reset_all

jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18889
    JupyterLocalPort 28889
EOC

out=$(laptop ssh -G gpu-box 2>&1)
case $out in
*"localforward [127.0.0.1]:28889 [127.0.0.1]:18889"*) pass forward ;;
*) fail forward "no LocalForward 127.0.0.1:28889 -> 18889 in ssh -G" "$out" ;;
esac
case $out in
*"permitlocalcommand yes"*"localcommand '$PREFIX/bin/jupyssh' hook gpu-box '~/.ssh/jupyssh-%C'"*)
	pass local-command ;;
*) fail local-command "LocalCommand running the installed helper" "$out" ;;
esac
case $out in
*"controlmaster auto"*"controlpath $LAPTOP_HOME/.ssh/jupyssh-"*) pass control-master ;;
*) fail control-master "ControlMaster auto and our ControlPath" "$out" ;;
esac

# Without the shim, with JUPYSSH_DISABLE, for other hosts and for
# sessions that must start nothing: exactly what plain ssh says.
plain=$(laptop_plain ssh -G gpu-box 2>&1)
check_eq disable "$(EXTRA_ENV=JUPYSSH_DISABLE=1 laptop ssh -G gpu-box 2>&1)" "$plain"
check_eq other-host "$(laptop ssh -G other 2>&1)" "$(laptop_plain ssh -G other 2>&1)"
check_eq command-session "$(laptop ssh -G gpu-box true 2>&1)" \
    "$(laptop_plain ssh -G gpu-box true 2>&1)"
check_eq sftp-session "$(laptop ssh -G -s -oPermitLocalCommand=no gpu-box sftp 2>&1)" \
    "$(laptop_plain ssh -G -s -oPermitLocalCommand=no gpu-box sftp 2>&1)"

# Directives inside ~/.ssh/config itself, even without IgnoreUnknown:
# the shim hides them from ssh, so ssh works.
jupyter_config < /dev/null
{ cat "$ROOT/ssh_config.orig"; printf 'Host gpu-box\n    JupyterPort 18890\n'; } |
    put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
out=$(laptop ssh -G gpu-box 2>&1)
case $out in
*"localforward [127.0.0.1]:18890 [127.0.0.1]:18890"*) pass in-ssh-config ;;
*) fail in-ssh-config "JupyterPort read from ~/.ssh/config" "$out" ;;
esac
out=$(laptop ssh gpu-box echo through 2>&1)
check_eq in-ssh-config-connects "$out" through
ssh_config_default

# A missing ~/.ssh/config: the translation alone.
mv "$LAPTOP_HOME/.ssh/config" "$LAPTOP_HOME/.ssh/config.away"
printf 'Host gpu-box\n    JupyterPort 18891\n' | jupyter_config
out=$(laptop ssh -G gpu-box 2>&1)
case $out in
*"localforward [127.0.0.1]:18891 [127.0.0.1]:18891"*) pass no-ssh-config ;;
*) fail no-ssh-config "a LocalForward with no ~/.ssh/config" "$out" ;;
esac
mv "$LAPTOP_HOME/.ssh/config.away" "$LAPTOP_HOME/.ssh/config"

# ssh -F FILE: that file is the one translated, and the helper is told.
install -o "$LAPTOP_USER" -m 600 "$ROOT/ssh_config.orig" "$LAPTOP_HOME/alt_config"
out=$(laptop ssh -F "$LAPTOP_HOME/alt_config" -G gpu-box 2>&1)
case $out in
*"hook -F '$LAPTOP_HOME/alt_config' gpu-box"*"localforward [127.0.0.1]:18891"*) pass dash-F ;;
*) fail dash-F "the -F file translated and passed to the helper" "$out" ;;
esac

# An Include'd file with Jupyter lines is hidden from ssh too.
printf 'Host gpu-box\n    JupyterPort 18892\n' | put_laptop_file "$LAPTOP_HOME/.ssh/jup.conf" 600
jupyter_config < /dev/null
{ echo "Include jup.conf"; cat "$ROOT/ssh_config.orig"; } |
    put_laptop_file "$LAPTOP_HOME/.ssh/config" 600
out=$(laptop ssh -G gpu-box 2>&1)
case $out in
*"localforward [127.0.0.1]:18892 [127.0.0.1]:18892"*) pass include ;;
*) fail include "JupyterPort from an Included file" "$out" ;;
esac
ssh_config_default

# Malformed lines: FILE:LINE on stderr, one per bad line, and ssh works
# as if jupyssh were not there.
jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 99999
    JupyterColour blue
    JupyterDirectory
EOC
err=$(laptop ssh -G gpu-box 2>&1 >/dev/null | grep -v '^Pseudo-terminal')
want="jupyssh: $LAPTOP_HOME/.ssh/jupyter_config:2: JupyterPort: bad port \"99999\" (1-65535)
jupyssh: $LAPTOP_HOME/.ssh/jupyter_config:3: unknown directive \"JupyterColour\"
jupyssh: $LAPTOP_HOME/.ssh/jupyter_config:4: JupyterDirectory needs a value"
check_eq malformed-reported "$err" "$want"
check_eq malformed-falls-back "$(laptop ssh -G gpu-box 2>&1 | grep -v '^jupyssh:')" "$plain"
out=$(laptop ssh gpu-box echo still-works 2>/dev/null)
check_eq malformed-ssh-works "$out" still-works

# A user config others may write: ssh's own refusal stands, as without us.
jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18889
EOC
chmod 666 "$LAPTOP_HOME/.ssh/config"
check_eq bad-permissions-as-plain "$(laptop ssh -G gpu-box 2>&1 | head -n 2)" \
    "$(laptop_plain ssh -G gpu-box 2>&1 | head -n 2)"
chmod 600 "$LAPTOP_HOME/.ssh/config"

# Other programs: nothing printed, nothing changed, even with a bad config.
out=$(laptop sh -c 'cat /etc/hostname >/dev/null; echo ok' 2>&1)
check_eq other-programs-silent "$out" ok

reset_all
