#!/bin/bash
# A second sshd for the sandbox's remote (second-sshd.sh) that forwards
# nothing: AllowTcpForwarding no, AllowStreamLocalForwarding no. The
# laptop reaches it as "gpu-nofwd". Needs the sandbox up (sandbox.sh up).
#
#   tests/sandbox/sshd-noforward.sh up     # start it; prints the Host block
#   tests/sandbox/sshd-noforward.sh down   # stop it
#
# Silent on success but for the block; errors as "sshd-noforward: why".

ME=sshd-noforward NAME=nofwd PORT=2222
# What this server is for: it refuses every forward.
SSHD_EXTRA="AllowTcpForwarding no
AllowStreamLocalForwarding no"
. "$(dirname "$0")/second-sshd.sh"

case ${1-} in
up)	second_down; second_up ;;
down)	second_down ;;
*)	echo "usage: $0 up|down" >&2; exit 2 ;;
esac
