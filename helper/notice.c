/*
 * A line for the user from a process that holds no terminal (the keeper):
 * it reaches the terminal of each live interactive session of the host.
 *
 * The hook records, per session, the ssh client's pid, its start time and
 * the terminal its stderr is, in the state file "tty.PID". A record counts
 * only while that very process lives (pid, start time, our uid, named ssh)
 * and its stderr is still that terminal, a character device of ours; a
 * dead one is forgotten. With no live session the line waits in the state
 * file "notice", and the next command says it (notice_pending), once.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "notice.h"
#include "state.h"
#include "util.h"
#include "vis.h"

#define TTY_KIND	"tty."
#define PENDING_MAX	4096	/* bytes of lines kept for the next command */

/* Field 22 of /proc/PID/stat (start time) and its name; -1 if not ours. */
static int
process_of(long pid, char *comm, size_t commlen, unsigned long long *start)
{
	char path[64], buf[1024], *open, *close_;
	struct stat st;
	int i;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (pid <= 1 || stat(path, &st) == -1 || st.st_uid != getuid() ||
	    read_file(path, buf, sizeof(buf)) == -1 ||
	    (open = strchr(buf, '(')) == NULL ||
	    (close_ = strrchr(buf, ')')) == NULL || close_[1] != ' ' ||
	    close_[2] == 'Z' || close_[2] == 'X')
		return -1;
	snprintf(comm, commlen, "%.*s", (int)(close_ - open - 1), open + 1);
	/* After ") ": field 3 is the first word; 22 is the 20th. */
	for (open = close_ + 2, i = 3; i < 22 && open != NULL; i++)
		if ((open = strchr(open, ' ')) != NULL)
			open++;
	if (open == NULL || sscanf(open, "%llu", start) != 1)
		return -1;
	return 0;
}

/* The terminal process pid's stderr is, in buf; -1 if none. */
static int
stderr_tty(long pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%ld/fd/2", pid);
	if ((n = readlink(path, buf, len - 1)) <= 0)
		return -1;
	buf[n] = '\0';
	return strncmp(buf, "/dev/", 5) == 0 ? 0 : -1;
}

/*
 * Called by the hook while ssh waits for it: its nearest ancestor named
 * ssh (the shell that runs LocalCommand may stand between) is the session.
 */
void
notice_register(const char *host)
{
	char comm[64], tty[PATH_MAX], kind[32], text[PATH_MAX + 64];
	char path[64], buf[1024], *p;
	unsigned long long start;
	long pid = (long)getppid();
	int i;

	for (i = 0; i < 4 && pid > 1; i++) {
		if (process_of(pid, comm, sizeof(comm), &start) == -1)
			return;
		if (strcmp(comm, "ssh") == 0)
			break;
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		if (read_file(path, buf, sizeof(buf)) == -1 ||
		    (p = strrchr(buf, ')')) == NULL ||
		    sscanf(p + 2, "%*c %ld", &pid) != 1)
			return;
	}
	if (i == 4 || pid <= 1 || !isatty(2) ||
	    stderr_tty(pid, tty, sizeof(tty)) == -1)
		return;
	snprintf(kind, sizeof(kind), TTY_KIND "%ld", pid);
	snprintf(text, sizeof(text), "%ld %llu %s", pid, start, tty);
	state_write(host, kind, text);
}

/* The session's terminal, open for writing, if the record still holds. */
static int
session_tty(const char *record)
{
	char tty[256], now[256], comm[64];	/* /dev/pts/N, /dev/ttysNNN */
	unsigned long long start, was;
	struct stat st;
	long pid;
	int fd;

	if (sscanf(record, "%ld %llu %255s", &pid, &was, tty) != 3 ||
	    process_of(pid, comm, sizeof(comm), &start) == -1 ||
	    start != was || strcmp(comm, "ssh") != 0 ||
	    stderr_tty(pid, now, sizeof(now)) == -1 || strcmp(now, tty) != 0)
		return -1;
	if ((fd = open(tty, O_WRONLY | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISCHR(st.st_mode) ||
	    st.st_uid != getuid()) {
		close(fd);
		return -1;
	}
	return fd;
}

/* line, made visible, kept for the next command. */
static void
keep_pending(const char *host, const char *line)
{
	char path[PATH_MAX], old[PENDING_MAX], text[PENDING_MAX + 1024];
	ssize_t n = -1;

	if (state_path(host, STATE_NOTICE, path, sizeof(path)) == 0)
		n = read_file(path, old, sizeof(old));
	snprintf(text, sizeof(text), "%s%s\n", n > 0 ? old : "", line);
	if (strlen(text) < sizeof(old))
		state_write(host, STATE_NOTICE, text);
}

/*
 * Says line (one line, made visible) on the terminal of each live session
 * of the host; with none, keeps it for the next command. How many
 * terminals were told.
 */
int
notice_sessions(const struct host_config *hc, const char *line)
{
	char dir[PATH_MAX], prefix[300], vis[1024], *slash, *record;
	const char *kind;
	struct dirent *d;
	size_t plen;
	DIR *dp;
	int told = 0, fd;

	vis_text(vis, sizeof(vis), line, strlen(line), 0);
	if (state_path(hc->host, STATE_NOTICE, dir, sizeof(dir)) == -1 ||
	    (slash = strrchr(dir, '/')) == NULL)
		return 0;
	*slash = '\0';
	plen = (size_t)snprintf(prefix, sizeof(prefix), "%s." TTY_KIND,
	    hc->host);
	if ((dp = opendir(dir)) == NULL)
		return 0;
	while ((d = readdir(dp)) != NULL) {
		if (strncmp(d->d_name, prefix, plen) != 0 ||
		    strspn(d->d_name + plen, "0123456789") !=
		    strlen(d->d_name + plen))
			continue;
		kind = d->d_name + strlen(hc->host) + 1;	/* "tty.PID" */
		if ((record = state_read(hc->host, kind)) == NULL)
			continue;
		fd = session_tty(record);
		free(record);
		if (fd == -1) {
			state_remove(hc->host, kind);	/* that session ended */
			continue;
		}
		say_on(fd, "%s", vis);
		close(fd);
		told++;
	}
	closedir(dp);
	if (told == 0)
		keep_pending(hc->host, vis);
	return told;
}

/* What was said while no session was open: on fd, once. */
void
notice_pending(int fd, const char *host)
{
	char path[PATH_MAX], text[PENDING_MAX], *line, *next;

	if (state_path(host, STATE_NOTICE, path, sizeof(path)) == -1 ||
	    read_file(path, text, sizeof(text)) == -1)
		return;
	state_remove(host, STATE_NOTICE);
	for (line = text; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (*line != '\0')
			say_on(fd, "%s", line);
	}
}
