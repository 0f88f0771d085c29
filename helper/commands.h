/* The jupyssh commands, one function each. */
#ifndef JUPYSSH_COMMANDS_H
#define JUPYSSH_COMMANDS_H

#include "../common/readconf.h"

struct host_config {
	const char		*host;
	const char		*ssh_config;	/* -F, or NULL */
	struct jupyter_options	 opts;
};

int	load_host(struct host_config *, const char *host,
	    const char *ssh_config);
void	print_ready(int fd, const char *host, int local_port,
	    const char *token, const char *how);
char	*make_url(int local_port, const char *token);

int	cmd_hook(int argc, char **argv);
int	cmd_start(const char *host);
int	cmd_stop(const char *host);
int	cmd_url(const char *host);
int	cmd_status(const char *host);

#endif
