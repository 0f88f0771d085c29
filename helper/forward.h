/* The local end of the notebook: a forward of ours, proven. */
#ifndef JUPYSSH_FORWARD_H
#define JUPYSSH_FORWARD_H

#include <stddef.h>
#include <sys/types.h>

struct conn;
struct host_config;
struct remote_result;

/* A forward we made or proved: master pid, local port, remote target. */
struct forward {
	pid_t	master;
	int	port;
	char	target[160];
	char	node[64];	/* a job's node, or "-" */
};

void	forward_target(const struct remote_result *, char *buf, size_t len);
int	forward_recorded(const char *host, struct forward *);
int	forward_proven(const char *host, const struct remote_result *,
	    int *port);
int	ensure_forward(const struct conn *, const struct host_config *,
	    const struct remote_result *, int session_forward, int *local,
	    int note_fd, char *err, size_t errlen);
int	forward_again(const struct conn *, const char *host,
	    const struct remote_result *, int port, char *err, size_t errlen);

#endif
