/* "jupyssh keep": the supervisor that keeps a host's forward up. */
#ifndef JUPYSSH_KEEPER_H
#define JUPYSSH_KEEPER_H

#include <stddef.h>

struct host_config;

int	keeper_start(const struct host_config *);
void	keeper_stop(const char *host);
int	cmd_keep(int argc, char **argv);

/* keepstate.c: its state file, parsed, and what is said about it. */
struct keep_state {
	long	 pid;
	char	 what[16];	/* forwarded, reconnecting, down */
	long	 a, b;		/* attempt and next; since and told */
	char	 why[256];
};

int	keep_read(const char *host, struct keep_state *);
void	keep_write(const char *host, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	is_keeper(long pid, const char *host);
int	keeper_says(const char *host, char *buf, size_t len);
void	keeper_tell_down(int fd, const char *host);

#endif
