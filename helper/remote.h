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
	char	kind[16];	/* ok, running, stopped, error */
	int	port;
	char	token[128];
	long	pid;
	char	detail[PATH_MAX];	/* started/reused, folder, or message */
};

int	remote_run(const struct conn *, const char *mode,
	    const struct jupyter_options *, const char *token,
	    struct remote_result *);
int	ssh_control(const struct conn *, const char *op);
int	ssh_start_master(const struct conn *, int local_port, int remote_port);
int	ssh_forward(const struct conn *, const char *op, int local_port,
	    int remote_port);

#endif
