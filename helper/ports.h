/* JupyterForwardPorts: the forwards beside the notebook's. */
#ifndef JUPYSSH_PORTS_H
#define JUPYSSH_PORTS_H

struct conn;
struct host_config;

void	ports_sync(const struct conn *, const struct host_config *,
	    const int *listed, int nlisted, int fd);
void	ports_watch(const struct host_config *);
void	ports_status(const char *host);
void	ports_cancel_all(const char *host);

#endif
