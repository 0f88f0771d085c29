/*
 * The local state folder and its files (see state.h for the rule). The
 * folder is checked at each use, not once: another process may have made
 * or changed it since.
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

#include "hostname.h"
#include "state.h"

static const char *state_home;
static void (*state_report)(const char *, const char *);

void
state_init(const char *home, void (*report)(const char *, const char *))
{
	state_home = home;
	state_report = report;
}

/* To the helper's report, once: every state call may fail alike. */
static void
say(const char *what, const char *why)
{
	static char last[PATH_MAX + 64];
	char msg[sizeof(last)];

	if (state_report == NULL)
		return;
	snprintf(msg, sizeof(msg), "%s: %s", what, why);
	if (strcmp(msg, last) == 0)
		return;
	memcpy(last, msg, sizeof(last));
	state_report(what, why);
}

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

#define BAD_FOLDER	"bad owner or permissions"

/*
 * As ssh wants ~/.ssh: 1 for a folder of the user's that no one else may
 * write, 0 for anything else, -1 (errno set) if path cannot be looked at.
 */
static int
dir_ok(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return -1;
	return S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	    (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/*
 * Each missing folder on the way to dir made 0700, and checked as dir
 * itself is. -1 with dir cut to the one at fault, and *why set.
 */
static int
make_dirs(char *dir, const char **why)
{
	char *p, c;
	int made;

	for (p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (!(made = mkdir(dir, 0700) == 0) && errno != EEXIST) {
			*why = strerror(errno);
			return -1;
		}
		if ((made || c == '\0') && dir_ok(dir) != 1) {
			*why = BAD_FOLDER;
			return -1;
		}
		if (c == '\0')
			return 0;
		*p = c;
	}
}

/*
 * The folder in dir, checked; with make, made if missing. -1 with *why
 * set to what is wrong with the path in dir (NULL: no path to be had).
 */
static int
folder(const char *home, int make, char *dir, size_t len, const char **why)
{
	*why = NULL;
	if (state_dir_path(home, dir, len) == -1)
		return -1;
	switch (dir_ok(dir)) {
	case 1:
		return 0;
	case 0:
		*why = BAD_FOLDER;
		return -1;
	}
	if (errno != ENOENT) {
		*why = strerror(errno);
		return -1;
	}
	return make ? make_dirs(dir, why) : 0;
}

static int
locate(const char *home, const char *host, const char *kind, int make,
    char *buf, size_t len)
{
	char dir[PATH_MAX];
	const char *why;
	int n;

	if (!host_name_ok(host)) {
		say(host, "not a valid host name");
		return -1;
	}
	if (folder(home, make, dir, sizeof(dir), &why) == -1) {
		if (why != NULL)
			say(dir, why);
		return -1;
	}
	n = snprintf(buf, len, "%s/%s.%s", dir, host, kind);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
state_file_path(const char *home, const char *host, const char *kind,
    char *buf, size_t len)
{
	return locate(home, host, kind, 0, buf, len);
}

int
state_path(const char *host, const char *kind, char *buf, size_t len)
{
	return locate(state_home, host, kind, 1, buf, len);
}

int
state_check(void)
{
	char dir[PATH_MAX];
	const char *why;

	if (folder(state_home, 1, dir, sizeof(dir), &why) == 0)
		return 0;
	say(why != NULL ? dir : "state folder", why != NULL ? why :
	    "no home and no absolute XDG_STATE_HOME");
	return -1;
}

/* A state file opened as it is: a symbolic link there is not followed. */
static int
open_file(const char *path, int flags)
{
	int fd;

	if ((fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1 &&
	    errno == ELOOP)
		say(path, "a symbolic link; not followed");
	return fd;
}

static int
open_state(const char *host, const char *kind, int flags)
{
	char path[PATH_MAX];

	if (state_path(host, kind, path, sizeof(path)) == -1)
		return -1;
	return open_file(path, flags);
}

/* The first line of the file open on fd (then closed) in buf, or -1. */
static int
read_line(int fd, char *buf, size_t len)
{
	ssize_t n = fd == -1 ? -1 : read(fd, buf, len - 1);

	if (fd != -1)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return n > 0 ? 0 : -1;
}

int
state_file_read(const char *home, const char *host, const char *kind,
    char *buf, size_t len)
{
	char path[PATH_MAX];

	buf[0] = '\0';
	if (locate(home, host, kind, 0, path, sizeof(path)) == -1)
		return -1;
	return read_line(open_file(path, O_RDONLY), buf, len);
}

char *
state_read(const char *host, const char *kind)
{
	char buf[PATH_MAX * 2];

	if (read_line(open_state(host, kind, O_RDONLY), buf, sizeof(buf)) == -1)
		return NULL;
	return strdup(buf);
}

/* A fresh name (O_EXCL, 0600) beside the file, then renamed over it. */
int
state_write(const char *host, const char *kind, const char *text)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	size_t len = strlen(text);
	int fd, ok;

	if (state_path(host, kind, path, sizeof(path)) == -1 ||
	    snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp) ||
	    (fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		return -1;
	ok = write(fd, text, len) == (ssize_t)len;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) == -1) {
		unlink(tmp);
		return -1;
	}
	return 0;
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
	char line[1024], last[1024] = "";
	FILE *f;
	int fd;

	if ((fd = open_state(host, kind, O_RDONLY)) == -1)
		return NULL;
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return NULL;
	}
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
	int fd;

	if ((fd = open_state(host, STATE_LOG, O_WRONLY | O_CREAT |
	    O_APPEND)) != -1) {
		dup2(fd, 2);
		close(fd);
	}
}

/* An exclusive lock on the host's lock file, held until the fd closes. */
int
state_lock(const char *host)
{
	int fd;

	if ((fd = open_state(host, STATE_LOCK, O_RDWR | O_CREAT)) == -1)
		return -1;
	while (flock(fd, LOCK_EX) == -1)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}
