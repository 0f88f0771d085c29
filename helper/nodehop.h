/* The second hop to a SLURM job's node. */
#ifndef JUPYSSH_NODEHOP_H
#define JUPYSSH_NODEHOP_H

#include <stddef.h>

struct conn;
struct remote_result;

int	node_conn(const struct conn *login, const struct remote_result *,
	    struct conn *node, char *ctl, size_t ctllen, char *err,
	    size_t errlen);
int	node_conn_up(const struct conn *login, struct conn *node, char *ctl,
	    size_t ctllen);
void	node_conn_end(const char *host);

#endif
