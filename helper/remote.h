/* Talking to the remote host through ssh. */
#ifndef JUPYSSH_REMOTE_H
#define JUPYSSH_REMOTE_H

#include <limits.h>
#include <sys/types.h>

struct jupyter_options;

/* How to reach the host: the alias, and a control socket if one is up. */
struct conn {
	const char	*host;
	const char	*config;	/* ssh -F, or NULL */
	const char	*control;	/* control socket, or NULL */
	int		 batch;		/* never prompt (no terminal) */
};

struct remote_result {
	char	kind[16];	/* ok, running, pending, stopped, error */
	int	port;		/* the port Jupyter bound; 0 on a socket */
	char	token[128];
	long	pid;
	char	how[16];	/* started, reused */
	long	uptime;		/* seconds, -1 unknown */
	int	kernels;
	char	sock[PATH_MAX];	/* the Unix socket, or empty */
	char	node[64];	/* a job's node ("-" on the host itself) */
	char	addr[64];	/* the address the notebook listens on */
	char	left[32];	/* a job's time left, "-" without one */
	char	detail[PATH_MAX];	/* the folder, or the error message */
};

int	remote_run(const struct conn *, const char *mode,
	    const struct jupyter_options *, const char *token,
	    struct remote_result *);
void	remote_progress(int fd, const char *host);
void	remote_notes(int fd);
void	finish_progress(const char *host, const char *how);
int	remote_log(const struct conn *, const struct jupyter_options *,
	    int follow);
int	ssh_control(const struct conn *, const char *op);
int	ssh_start_master(const struct conn *);
int	ssh_forward(const struct conn *, const char *op, int local_port,
	    const char *target);

#endif
