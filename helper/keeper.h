/* "jupyssh keep": the supervisor that keeps a host's forward up. */
#ifndef JUPYSSH_KEEPER_H
#define JUPYSSH_KEEPER_H

#include <stddef.h>

struct host_config;

int	keeper_start(const struct host_config *);
void	keeper_stop(const char *host);
int	keeper_says(const char *host, char *buf, size_t len);
void	keeper_tell_down(int fd, const char *host);
int	cmd_keep(int argc, char **argv);

#endif
