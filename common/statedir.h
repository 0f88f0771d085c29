/* Where jupyssh keeps its local state; shared by the shim and the helper. */
#ifndef JUPYSSH_STATEDIR_H
#define JUPYSSH_STATEDIR_H

#include <stddef.h>

int	state_dir_path(const char *home, char *buf, size_t len);
int	state_file_path(const char *home, const char *host, const char *kind,
	    char *buf, size_t len);

#endif
