/*
 * $XDG_STATE_HOME/jupyssh, else ~/.local/state/jupyssh: one file per host
 * and kind (url, session, ctl, forward, log, lock).
 */
#include <stdio.h>
#include <stdlib.h>

#include "statedir.h"

int
state_dir_path(const char *home, char *buf, size_t len)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	int n;

	if (xdg != NULL && *xdg == '/')
		n = snprintf(buf, len, "%s/jupyssh", xdg);
	else if (home != NULL)
		n = snprintf(buf, len, "%s/.local/state/jupyssh", home);
	else
		return -1;
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
state_file_path(const char *home, const char *host, const char *kind,
    char *buf, size_t len)
{
	char dir[4096];
	int n;

	if (state_dir_path(home, dir, sizeof(dir)) == -1)
		return -1;
	n = snprintf(buf, len, "%s/%s.%s", dir, host, kind);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
