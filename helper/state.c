/*
 * Local state in ~/.local/state/jupyssh (0700), files 0600: the URL of a
 * host's notebook (it holds the token), the control socket of the session
 * that brought it up, and the background master of "jupyssh start".
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/statedir.h"
#include "state.h"
#include "util.h"

static int
state_dir(char *buf, size_t len)
{
	const char *home = home_dir();
	char parent[PATH_MAX];

	if (state_dir_path(home, buf, len) == -1)
		return -1;
	if (home != NULL && getenv("XDG_STATE_HOME") == NULL) {
		snprintf(parent, sizeof(parent), "%s/.local", home);
		mkdir(parent, 0700);
		snprintf(parent, sizeof(parent), "%s/.local/state", home);
		mkdir(parent, 0700);
	}
	if (mkdir(buf, 0700) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

int
state_path(const char *host, const char *kind, char *buf, size_t len)
{
	char dir[PATH_MAX];
	int n;

	if (state_dir(dir, sizeof(dir)) == -1)
		return -1;
	n = snprintf(buf, len, "%s/%s.%s", dir, host, kind);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Written to a temporary name, then renamed: readers see all or nothing. */
int
state_write(const char *host, const char *kind, const char *text)
{
	char path[PATH_MAX], tmp[PATH_MAX + 16];
	size_t len = strlen(text);
	int fd, ok;

	if (state_path(host, kind, path, sizeof(path)) == -1)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	ok = write(fd, text, len) == (ssize_t)len;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) == -1) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

char *
state_read(const char *host, const char *kind)
{
	char path[PATH_MAX], buf[PATH_MAX * 2];
	ssize_t n;
	int fd;

	if (state_path(host, kind, path, sizeof(path)) == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

void
state_remove(const char *host, const char *kind)
{
	char path[PATH_MAX];

	if (state_path(host, kind, path, sizeof(path)) == 0)
		unlink(path);
}

/* The last line of a state file (a log), for a one-line error. */
char *
state_last_line(const char *host, const char *kind)
{
	char path[PATH_MAX], line[1024], last[1024] = "";
	FILE *f;

	if (state_path(host, kind, path, sizeof(path)) == -1 ||
	    (f = fopen(path, "r")) == NULL)
		return NULL;
	while (fgets(line, sizeof(line), f) != NULL)
		if (line[0] != '\n' && line[0] != '\r')
			memcpy(last, line, sizeof(last));
	fclose(f);
	last[strcspn(last, "\r\n")] = '\0';
	return last[0] != '\0' ? strdup(last) : NULL;
}

/* Our stderr into the host's log: ssh's messages, the worker's own. */
void
state_log_to_stderr(const char *host)
{
	char log[PATH_MAX];
	int fd;

	if (state_path(host, "log", log, sizeof(log)) == 0 &&
	    (fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) != -1) {
		dup2(fd, 2);
		close(fd);
	}
}

/* An exclusive lock on the host's lock file, held until the fd closes. */
int
state_lock(const char *host)
{
	char path[PATH_MAX];
	int fd;

	if (state_path(host, "lock", path, sizeof(path)) == -1 ||
	    (fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
		return -1;
	while (flock(fd, LOCK_EX) == -1)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}
