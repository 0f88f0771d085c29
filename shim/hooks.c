/*
 * libjupyssh: preloaded into ssh, it shows ssh a configuration in which
 * the Jupyter* directives have become native OpenSSH options (plan.c).
 *
 * The only hooks are on fopen (and glibc's fopen64), which is how ssh
 * opens its config files. This file tells ssh from every other process,
 * and guards against our own fopen calls: in any process that is not
 * ssh, and for anything but a plain read, the real function is called
 * untouched. How the hooks are put in place is the loader's business:
 * an exported fopen for ELF loaders (below), dyld's interposing table on
 * macOS (interpose.c).
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../compat/os.h"
#include "plan.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int	  lock_ok;

static int	  is_ssh;

/*
 * Serialises the plan, and tells our own fopen calls (getpwuid, reading
 * the configs) from ssh's: the holder that enters again is us. A recursive
 * mutex rather than a thread-local flag: no TLS block for every process
 * that loads the library, and only ssh ever takes it.
 */
static pthread_mutex_t plan_lock;
static int plan_depth;

#ifndef __APPLE__
#define EXPORT	__attribute__((visibility("default")))

static fopen_fn *real_fopen;
#ifdef __GLIBC__
static fopen_fn *real_fopen64;
#endif
#endif

/* Every real symbol, resolved in one place; our own hook is an error. */
static void
hooks_init(void)
{
	lock_ok = os_recursive_lock_init(&plan_lock) == 0;
#ifndef __APPLE__
	real_fopen = (fopen_fn *)dlsym(RTLD_NEXT, "fopen");
	if (real_fopen == fopen)
		real_fopen = NULL;
#ifdef __GLIBC__
	real_fopen64 = (fopen_fn *)dlsym(RTLD_NEXT, "fopen64");
	if (real_fopen64 == fopen64)
		real_fopen64 = NULL;
#endif
#endif
}

/*
 * ssh overwrites its argv strings (setproctitle emulation) before it
 * reads any config, so the plan reads them at load. Elsewhere nothing at
 * all: the hooks initialise lazily if called.
 */
static void
start(int argc, char **argv)
{
	if (plan_init(argc, argv)) {
		pthread_once(&init_once, hooks_init);
		is_ssh = 1;
	} else
		hangup_ignore_if_child();
}

#ifdef OS_CTOR_ARGS
/* glibc and dyld hand constructors argc and argv. */
__attribute__((constructor)) static void
shim_init(int argc, char **argv, char **envp)
{
	(void)envp;
	start(argc, argv);
}
#else
/* musl hands them nothing: the command line is read from the system. */
__attribute__((constructor)) static void
shim_init(void)
{
	char **argv;
	int argc;

	if (os_self_args(&argc, &argv) == 0)
		start(argc, argv);
}
#endif

/* The hook itself, whichever way it was put in place. */
FILE *
hook_fopen(const char *path, const char *mode, fopen_fn *real)
{
	FILE *f;

	pthread_once(&init_once, hooks_init);
	if (real == NULL) {
		errno = ENOSYS;
		return NULL;
	}
	/* Not ours: not ssh, or not a plain read. */
	if (!is_ssh || !lock_ok || path == NULL || mode == NULL ||
	    mode[0] != 'r' || strchr(mode, '+') != NULL)
		return real(path, mode);
	pthread_mutex_lock(&plan_lock);
	if (plan_depth > 0)	/* our own read, from inside the plan */
		f = real(path, mode);
	else {
		plan_depth++;
		f = plan_fopen(path, mode, real);
		plan_depth--;
	}
	pthread_mutex_unlock(&plan_lock);
	return f;
}

#ifndef __APPLE__
EXPORT FILE *
fopen(const char *path, const char *mode)
{
	pthread_once(&init_once, hooks_init);
	return hook_fopen(path, mode, real_fopen);
}

#ifdef __GLIBC__
EXPORT FILE *
fopen64(const char *path, const char *mode)
{
	pthread_once(&init_once, hooks_init);
	return hook_fopen(path, mode, real_fopen64);
}
#endif
#endif
