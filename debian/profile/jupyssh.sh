# jupyssh: to start Jupyter notebooks from every user's plain "ssh HOST",
# uncomment the line below (each user may instead put it in ~/.profile).
# Nothing is preloaded until then. Settings: ~/.ssh/jupyter_config, or
# /etc/ssh/jupyter_config for all; see jupyssh(1) and "jupyssh doctor".
#export LD_PRELOAD="/usr/lib/libjupyssh.so${LD_PRELOAD:+:$LD_PRELOAD}"
