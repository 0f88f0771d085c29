/* What the user sees while the remote works. */
#ifndef JUPYSSH_PROGRESS_H
#define JUPYSSH_PROGRESS_H

#include <stddef.h>

void	remote_progress(int fd, const char *host);
void	remote_notes(int fd, const char *host);
void	progress_tick(void);
void	progress_output(const char *out, size_t got);
void	finish_progress(const char *host, const char *how);

#endif
