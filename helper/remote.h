/* Talking to the remote host through ssh. */
#ifndef JUPYSSH_REMOTE_H
#define JUPYSSH_REMOTE_H

#include <sys/types.h>

#include "protocol.h"

struct jupyter_options;

/* How to reach the host: the alias, and a control socket if one is up. */
struct conn {
	const char	*host;
	const char	*config;	/* ssh -F, or NULL */
	const char	*control;	/* control socket, or NULL */
	int		 batch;		/* never prompt (no terminal) */
	int		 connect_timeout; /* seconds to reach the host, or 0 */
};

#define MAX_ARGS	32

/* sshcmd.c: the start of every ssh command line the helper runs. */
char	*control_option(const struct conn *);
int	 ssh_base_args(const struct conn *, const char **argv, char *control);

/* script.c: the remote scripts. */
int	remote_run(const struct conn *, const char *mode,
	    const struct jupyter_options *, const char *token,
	    struct remote_result *);
int	remote_ports(const struct conn *, const struct jupyter_options *,
	    const char *state, struct remote_result *);
int	remote_log(const struct conn *, const struct jupyter_options *,
	    int follow);

/* control.c: ssh -O on a live master, and our own master. */
int	ssh_control(const struct conn *, const char *op);
int	ssh_master_answers(const struct conn *);
pid_t	ssh_master_pid(const struct conn *);
int	ssh_start_master(const struct conn *, const char *const *extra);
int	ssh_start_master_for(const struct conn *, const char *const *extra,
	    const char *command);
int	ssh_forward(const struct conn *, const char *op, int local_port,
	    const char *target);

#endif
