/*
 * Processes on Linux, through /proc: another process's command line, its
 * parent and its program; our own. There is no portable way to read
 * another process, so JUPYSSH_PORTABLE keeps these.
 */
#ifdef __linux__
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "os.h"

/* All of a small file, NUL-terminated: its length, or -1. */
static ssize_t
slurp(const char *path, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int fd;

	if (len == 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (got < len - 1 &&
	    ((n = read(fd, buf + got, len - 1 - got)) > 0 ||
	    (n == -1 && errno == EINTR)))
		if (n > 0)
			got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	if (got == 0) {
		errno = ENOENT;
		return -1;
	}
	return (ssize_t)got;
}

ssize_t
os_proc_args(pid_t pid, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
	return slurp(path, buf, len);
}

/* From /proc/PID/stat: "PID (COMM) S PPID ...". */
pid_t
os_parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	long ppid;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (slurp(path, buf, sizeof(buf)) == -1 ||
	    (p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %ld", &ppid) != 1)
		return -1;
	return (pid_t)ppid;
}

/* Where its image can be read, even once the file was replaced. */
int
os_proc_image(pid_t pid, char *buf, size_t len)
{
	int n = snprintf(buf, len, "/proc/%ld/exe", (long)pid);

	return n > 0 && (size_t)n < len && access(buf, R_OK) == 0 ? 0 : -1;
}

/* Its program by name, to run it again: -1 if that file is gone. */
int
os_proc_exe(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%ld/exe", (long)pid);
	if ((n = readlink(path, buf, len - 1)) <= 0 || (size_t)n >= len - 1)
		return -1;
	buf[n] = '\0';
	return buf[0] == '/' && strstr(buf, " (deleted)") == NULL ? 0 : -1;
}

int
os_self_exe(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *del;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* Replaced since it started (an upgrade): the new one, by its name. */
	if ((del = strstr(buf, " (deleted)")) != NULL && del[10] == '\0')
		*del = '\0';
	return 0;
}

/*
 * Our own command line, for a constructor the loader gave none (musl):
 * read once into static storage, as nothing may be allocated there.
 */
int
os_self_args(int *argc, char ***argv)
{
	static char buf[32768];
	static char *args[512];
	ssize_t n;
	char *p;
	int c = 0;

	if ((n = slurp("/proc/self/cmdline", buf, sizeof(buf))) == -1)
		return -1;
	/* Cut short: a command line half read is not read. */
	if ((size_t)n >= sizeof(buf) - 1) {
		errno = E2BIG;
		return -1;
	}
	for (p = buf; p < buf + n; p += strlen(p) + 1) {
		if (c == (int)(sizeof(args) / sizeof(args[0])) - 1) {
			errno = E2BIG;
			return -1;
		}
		args[c++] = p;
	}
	args[c] = NULL;
	*argc = c;
	*argv = args;
	return 0;
}
#endif
