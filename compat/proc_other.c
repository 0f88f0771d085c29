/*
 * Processes on a system this knows nothing of: nothing can be learnt, and
 * every caller says so rather than guess.
 */
#if !defined(__linux__) && !defined(__APPLE__)
#include <sys/types.h>

#include <errno.h>

#include "os.h"

ssize_t
os_proc_args(pid_t pid, char *buf, size_t len)
{
	(void)pid;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

pid_t
os_parent_of(pid_t pid)
{
	(void)pid;
	errno = ENOSYS;
	return -1;
}

int
os_proc_exe(pid_t pid, char *buf, size_t len)
{
	return (int)os_proc_args(pid, buf, len);
}

int
os_proc_image(pid_t pid, char *buf, size_t len)
{
	return (int)os_proc_args(pid, buf, len);
}

int
os_self_exe(char *buf, size_t len)
{
	return (int)os_proc_args(0, buf, len);
}

int
os_self_args(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	errno = ENOSYS;
	return -1;
}
#endif
