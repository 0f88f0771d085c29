/*
 * Processes on macOS: sysctl(KERN_PROCARGS2) for another process's
 * command line, KERN_PROC_PID for its parent, libproc for its program,
 * dyld for our own. Built by "make cross"; not yet run on a Mac.
 */
#ifdef __APPLE__
#include <sys/types.h>
#include <sys/sysctl.h>

#include <crt_externs.h>
#include <errno.h>
#include <libproc.h>
#include <limits.h>
#include <mach-o/dyld.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os.h"

/*
 * KERN_PROCARGS2 gives argc (an int), the program's path, NUL padding,
 * then argv's strings and the environment's: argv is copied into buf,
 * each string NUL-terminated, as /proc/PID/cmdline has it.
 */
ssize_t
os_proc_args(pid_t pid, char *buf, size_t len)
{
	int mib[3] = { CTL_KERN, KERN_PROCARGS2, (int)pid };
	int argmax_mib[2] = { CTL_KERN, KERN_ARGMAX }, argmax, argc;
	size_t size = sizeof(argmax), out = 0, n;
	char *raw, *p, *end;

	if (len == 0 ||
	    sysctl(argmax_mib, 2, &argmax, &size, NULL, 0) == -1 ||
	    argmax <= (int)sizeof(int) ||
	    (raw = malloc((size_t)argmax)) == NULL)
		return -1;
	size = (size_t)argmax;
	if (sysctl(mib, 3, raw, &size, NULL, 0) == -1 || size <= sizeof(int)) {
		free(raw);
		return -1;
	}
	memcpy(&argc, raw, sizeof(argc));
	end = raw + size;
	p = raw + sizeof(int);
	p = memchr(p, '\0', (size_t)(end - p));		/* the path */
	while (p != NULL && p < end && *p == '\0')
		p++;
	for (; p != NULL && p < end && argc > 0; argc--) {
		n = strnlen(p, (size_t)(end - p));
		if (p + n == end || out + n + 1 > len - 1)
			break;
		memcpy(buf + out, p, n + 1);
		out += n + 1;
		p += n + 1;
	}
	free(raw);
	buf[out] = '\0';
	/* Cut short: a command line half read is not read. */
	if (out == 0 || argc > 0) {
		errno = out == 0 ? ESRCH : E2BIG;
		return -1;
	}
	return (ssize_t)out;
}

pid_t
os_parent_of(pid_t pid)
{
	int mib[4] = { CTL_KERN, KERN_PROC, KERN_PROC_PID, (int)pid };
	struct kinfo_proc kp;
	size_t size = sizeof(kp);

	memset(&kp, 0, sizeof(kp));
	if (sysctl(mib, 4, &kp, &size, NULL, 0) == -1 || size == 0) {
		if (size == 0)
			errno = ESRCH;
		return -1;
	}
	return kp.kp_eproc.e_ppid;
}

int
os_proc_exe(pid_t pid, char *buf, size_t len)
{
	char path[PROC_PIDPATHINFO_MAXSIZE];
	int n;

	if ((n = proc_pidpath(pid, path, sizeof(path))) <= 0 ||
	    (size_t)n >= len)
		return -1;
	memcpy(buf, path, (size_t)n);
	buf[n] = '\0';
	return 0;
}

int
os_proc_image(pid_t pid, char *buf, size_t len)
{
	return os_proc_exe(pid, buf, len);
}

int
os_self_exe(char *buf, size_t len)
{
	char path[PATH_MAX];
	uint32_t size = sizeof(path);

	if (_NSGetExecutablePath(path, &size) != 0 ||
	    realpath(path, buf) == NULL || strlen(buf) >= len)
		return -1;
	return 0;
}

int
os_self_args(int *argc, char ***argv)
{
	*argc = *_NSGetArgc();
	*argv = *_NSGetArgv();
	return 0;
}
#endif
