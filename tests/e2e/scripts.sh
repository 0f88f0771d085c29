# Scripts that use ssh as a data pipe see exactly what plain ssh gives them,
# and start nothing: ssh host cmd, scp, sftp, rsync, git, ssh -W, ssh -O.
. "$(dirname "$0")/lib.sh"
reset_all
jupyter_config <<'EOC'
Host gpu-box
    JupyterPort 18889
    JupyterDirectory ~/project
EOC
work=$ROOT/scripts
rm -rf "$work"
install -d -o "$LAPTOP_USER" "$work"
head -c 1000000 /dev/urandom > "$work/blob"
chown "$LAPTOP_USER" "$work/blob"

# Binary data both ways, exit status passed on.
for run in laptop laptop_plain; do
	$run sh -c "ssh gpu-box 'cat; printf \"\\377\\000end\"; exit 7' < $work/blob > $work/out.$run 2> $work/err.$run"
	echo $? > "$work/rc.$run"
done
if cmp -s "$work/out.laptop" "$work/out.laptop_plain"; then pass cmd-stdout-identical; else fail cmd-stdout-identical "stdout differs from plain ssh"; fi
check_eq cmd-stdout-content "$(head -c 1000000 "$work/out.laptop" | cmp - "$work/blob" && echo same)" same
check_eq cmd-exit-status "$(cat "$work/rc.laptop")" 7
check_eq cmd-stderr-silent "$(cat "$work/err.laptop")" "$(cat "$work/err.laptop_plain")"

# scp, sftp, rsync in both directions.
laptop scp -q "$work/blob" gpu-box:blob.scp 2>"$work/scp.err" &&
    laptop scp -q gpu-box:blob.scp "$work/blob.scp" 2>>"$work/scp.err"
if cmp -s "$work/blob" "$work/blob.scp" && [ ! -s "$work/scp.err" ]; then pass scp; else fail scp "scp round trip" "$(cat "$work/scp.err")"; fi
printf 'put %s blob.sftp\nget blob.sftp %s\n' "$work/blob" "$work/blob.sftp" > "$work/batch"
laptop sftp -q -b "$work/batch" gpu-box > /dev/null 2>"$work/sftp.err"
if cmp -s "$work/blob" "$work/blob.sftp"; then pass sftp; else fail sftp "sftp round trip" "$(cat "$work/sftp.err")"; fi
laptop rsync -a "$work/blob" gpu-box:blob.rsync 2>"$work/rsync.err" &&
    laptop rsync -a gpu-box:blob.rsync "$work/blob.rsync" 2>>"$work/rsync.err"
if cmp -s "$work/blob" "$work/blob.rsync" && [ ! -s "$work/rsync.err" ]; then pass rsync; else fail rsync "rsync round trip" "$(cat "$work/rsync.err")"; fi

# git clone and push over ssh.
ip netns exec "$NETNS" runuser -u "$REMOTE_USER" -- sh -c \
    'rm -rf ~/repo.git && git init -q --bare --initial-branch=main ~/repo.git'
laptop sh -c "cd $work && rm -rf clone && git init -q clone && cd clone &&
    git -c user.name=t -c user.email=t@t commit -q --allow-empty -m one &&
    git push -q gpu-box:repo.git HEAD:refs/heads/main &&
    cd .. && git clone -q gpu-box:repo.git clone2 && git -C clone2 log --format=%s" \
    > "$work/git.out" 2> "$work/git.err"
if [ "$(cat "$work/git.out")" = one ] && [ ! -s "$work/git.err" ]; then pass git; else fail git "push then clone" "$(cat "$work/git.err")"; fi

# ssh -W as a proxy, and ssh -O against a master that is not there.
out=$(laptop ssh -o "ProxyCommand=ssh -W localhost:22 gpu-box" -o HostKeyAlias=gpu-box gpu-box echo via-W 2>&1)
check_eq stdio-forward "$out" via-W
laptop ssh -O check gpu-box > "$work/o.out" 2> "$work/o.err"
rc=$?
laptop_plain ssh -O check gpu-box > "$work/o.plain" 2> "$work/o.plain.err"
rc_plain=$?
check_eq control-command "$rc $(cat "$work/o.out")" "$rc_plain $(cat "$work/o.plain")"

# None of it started a notebook or left a process behind.
check_eq nothing-started "$(remote_notebooks | wc -l)" 0
if [ -e "$RSTATE" ] || [ -e "$JSTATE/gpu-box.url" ]; then
	fail no-state "jupyssh state appeared: $(ls "$RSTATE" "$JSTATE" 2>&1)"
else
	pass no-state
fi
if wait_for 5 sh -c "! pgrep -u $LAPTOP_USER >/dev/null"; then
	pass nothing-left
else
	fail nothing-left "$(pgrep -a -u "$LAPTOP_USER")"
fi
rm -rf "$work"
reset_all
