#!/bin/sh
# An existing script, unchanged: it syncs code and opens a shell on the
# GPU box. With jupyssh's library exported, its "ssh gpu-box" also brings
# up the notebook and prints the URL; the rsync and the remote command
# stay exactly as they were (they start nothing and print nothing extra).
set -e
rsync -a --exclude venv ./ gpu-box:project/
ssh gpu-box 'cd project && git log -1 --oneline'
exec ssh gpu-box
