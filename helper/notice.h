/* A line for the terminals of a host's live sessions. */
#ifndef JUPYSSH_NOTICE_H
#define JUPYSSH_NOTICE_H

struct host_config;

void	notice_register(const char *host);
int	notice_sessions(const struct host_config *, const char *line);
void	notice_pending(int fd, const char *host);

#endif
