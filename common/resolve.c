/*
 * Which files hold a host's Jupyter settings, in which order, and which
 * of them ssh would refuse to read.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include "readconf.h"

/*
 * ssh's rule for the user's config and what it includes: owned by root or
 * the user, writable by no one else. The shim leaves such a file alone,
 * for ssh to refuse; the reader ignores it.
 */
int
config_unsafe(const struct stat *st)
{
	return (st->st_uid != 0 && st->st_uid != getuid()) ||
	    (st->st_mode & 022) != 0;
}

const char *
side_config_path(const char *home, char *buf, size_t len)
{
	const char *env = getenv("JUPYSSH_CONFIG");
	int n;

	if (env != NULL && *env != '\0')
		return env;
	n = snprintf(buf, len, "%s/.ssh/jupyter_config", home);
	return n < 0 || (size_t)n >= len ? NULL : buf;
}

/*
 * The effective settings for r->host: the side config first (it is the
 * one made for these directives), then the ssh config, then the
 * system-wide side config. The first value seen wins.
 */
int
config_resolve(struct config_reader *r, const char *ssh_config)
{
	char side[PATH_MAX], user[PATH_MAX];
	const char *path;
	int n;

	if ((path = side_config_path(r->home, side, sizeof(side))) != NULL)
		read_config_file(r, path, CONF_OPTIONAL | CONF_CHECKPERM);
	if (ssh_config != NULL) {
		if (strcasecmp(ssh_config, "none") != 0)
			read_config_file(r, ssh_config, CONF_SSH);
	} else {
		n = snprintf(user, sizeof(user), "%s/.ssh/config", r->home);
		if (n > 0 && (size_t)n < sizeof(user))
			read_config_file(r, user,
			    CONF_SSH | CONF_OPTIONAL | CONF_CHECKPERM);
	}
	read_config_file(r, "/etc/ssh/jupyter_config", CONF_OPTIONAL);
	return r->errors == 0 ? 0 : -1;
}
