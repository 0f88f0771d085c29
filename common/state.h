/*
 * Local state: one small file per host and kind, shared by the shim (which
 * only reads) and the helper.
 *
 * The folder is $XDG_STATE_HOME/jupyssh if XDG_STATE_HOME is an absolute
 * path, else ~/.local/state/jupyssh, ~ being the passwd home (as ssh has
 * it, not $HOME). The remote scripts keep the remote's state by the same
 * rule, on the remote. Missing folders are made 0700; the jupyssh folder,
 * and every folder made for it, must be the user's and writable by no one
 * else, as ssh wants ~/.ssh ("PATH: bad owner or permissions" otherwise).
 *
 * A file is HOST.KIND, HOST as host_name_ok() takes it. Files are 0600,
 * never opened through a symbolic link, and replaced whole: written to a
 * fresh temporary name, then renamed, so a reader sees all or nothing.
 */
#ifndef JUPYSSH_STATE_H
#define JUPYSSH_STATE_H

#include <stddef.h>

/* The notebook's URL as last printed; it holds the token. */
#define STATE_URL	"url"
/* The control socket of the ssh session that brought the notebook up. */
#define STATE_SESSION	"session"
/* The control socket of the master "jupyssh start" keeps (a socket). */
#define STATE_CTL	"ctl"
/* The control socket of the connection to a SLURM job's node (a socket). */
#define STATE_NODE_CTL	"nctl"
/* The node that connection goes to. */
#define STATE_NODE	"node"
/*
 * The forward proven ours, "MASTER_PID LOCAL_PORT TARGET": what status
 * believes while that master still holds the port, what "stop" cancels.
 */
#define STATE_FORWARD	"forward"
/* The worker's stderr: ssh's messages and the worker's own. */
#define STATE_LOG	"log"
/* Empty; held with flock while a start for the host runs. */
#define STATE_LOCK	"lock"
/*
 * What "jupyssh keep" (the supervisor that keeps the forward up) says:
 * "PID forwarded", "PID reconnecting ATTEMPT NEXT_EPOCH WHY" or
 * "PID down SINCE_EPOCH TOLD WHY", TOLD 1 once a command has said so.
 */
#define STATE_KEEP	"keep"
/* Empty; held with flock by the one supervisor of the host. */
#define STATE_KEEP_LOCK	"keeplock"
/* The page that sends the browser on to the URL (JupyterBrowser). */
#define STATE_HTML	"html"
/*
 * The forwards of JupyterForwardPorts, one a line: "MASTER_PID LOCAL
 * REMOTE KIND CONTROL_PATH", KIND fixed or auto.
 */
#define STATE_PORTS	"ports"
/* Empty; held with flock while those forwards change. */
#define STATE_PORTS_LOCK "portslock"
/* Lines said while no session was open, for the next command (notice.c). */
#define STATE_NOTICE	"notice"
/* "tty.PID": "PID START TTY", a session's terminal (notice.c). */
/* The remote's record of how the last notebook ended, as last told. */
#define STATE_ENDED	"ended"
/*
 * A SLURM job's end, "END_EPOCH JOB": this machine's time at which its
 * time limit ends it (squeue's time left when last asked, from now).
 */
#define STATE_WALLTIME	"walltime"

/*
 * The helper's: home is the passwd home; report, if not NULL, is told
 * once what is wrong (a host name or a path, and why).
 */
void	 state_init(const char *home,
	    void (*report)(const char *what, const char *why));
int	 state_check(void);
int	 state_path(const char *host, const char *kind, char *buf, size_t len);
int	 state_write(const char *host, const char *kind, const char *text);
char	*state_read(const char *host, const char *kind);
void	 state_remove(const char *host, const char *kind);
char	*state_last_line(const char *host, const char *kind);
int	 state_lock(const char *host);
void	 state_log_to_stderr(const char *host);

/* The shim's: its own home, nothing made, nothing said. */
int	 state_dir_path(const char *home, char *buf, size_t len);
int	 state_file_path(const char *home, const char *host, const char *kind,
	    char *buf, size_t len);
int	 state_file_read(const char *home, const char *host, const char *kind,
	    char *buf, size_t len);

#endif
