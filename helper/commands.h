/* The jupyssh commands, one function each. */
#ifndef JUPYSSH_COMMANDS_H
#define JUPYSSH_COMMANDS_H

#include "../common/readconf.h"

struct host_config {
	const char		*host;
	const char		*ssh_config;	/* -F, or NULL */
	struct jupyter_options	 opts;
};

/* status and list: how long a host may take to answer ssh at all. */
#define LOOK_CONNECT_TIMEOUT	10

struct conn;
void	connect_to(struct conn *, const struct host_config *);
int	last_url(const char *host, int *port, char token[128]);
int	local_port_of(const char *host, int configured);
int	load_host(struct host_config *, const char *host,
	    const char *ssh_config);
void	print_ready(int fd, const char *host, int local_port,
	    const char *token, const char *how, const char *browser);
char	*make_url(int local_port, const char *token);
void	forward_state(const char *host, int forwarded, char *buf,
	    size_t len);

void	open_browser(const char *host, const char *how, const char *url);
int	become_worker(const char *host);
int	run_worker(const char *host, const char *ssh_config,
	    const char *control, int local_port, int term);

int	cmd_hook(int argc, char **argv);
int	cmd_proxy(int argc, char **argv);
int	cmd_keep(int argc, char **argv);
int	cmd_start(struct host_config *);
int	cmd_stop(struct host_config *);
int	cmd_url(struct host_config *);
int	cmd_status(struct host_config *);
int	cmd_list(int argc, char **argv);
int	cmd_log(int argc, char **argv);
int	cmd_settings(const char *host);

#endif
