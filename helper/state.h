/* The helper's local state: one small file per host and kind. */
#ifndef JUPYSSH_STATE_H
#define JUPYSSH_STATE_H

#include <stddef.h>

int	 state_path(const char *host, const char *kind, char *buf, size_t len);
int	 state_write(const char *host, const char *kind, const char *text);
char	*state_read(const char *host, const char *kind);
void	 state_remove(const char *host, const char *kind);
char	*state_last_line(const char *host, const char *kind);
int	 state_lock(const char *host);
void	 state_log_to_stderr(const char *host);

#endif
