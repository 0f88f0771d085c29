/*
 * libjupyssh.so: preloaded into ssh, it shows ssh a configuration in which
 * the Jupyter* directives have become native OpenSSH options (plan.c).
 *
 * The only hooks are fopen and fopen64, which is how ssh opens its config
 * files. This file resolves the real functions, tells ssh from every other
 * process, and guards against our own fopen calls: in any process that is
 * not ssh, and for anything but a plain read, the real function is called
 * untouched.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "plan.h"

#define EXPORT	__attribute__((visibility("default")))

static fopen_fn *real_fopen, *real_fopen64;
static pthread_once_t real_once = PTHREAD_ONCE_INIT;

static int	  is_ssh;

/*
 * Serialises the plan, and tells our own fopen calls (getpwuid, reading
 * the configs) from ssh's: the holder that enters again is us. A recursive
 * mutex rather than a thread-local flag: no TLS block for every process
 * that loads the library, and only ssh ever takes it.
 */
static pthread_mutex_t plan_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static int plan_depth;

/* Every real symbol, resolved in one place; our own hook is an error. */
static void
resolve_real(void)
{
	real_fopen = (fopen_fn *)dlsym(RTLD_NEXT, "fopen");
	real_fopen64 = (fopen_fn *)dlsym(RTLD_NEXT, "fopen64");
	if (real_fopen == fopen)
		real_fopen = NULL;
	if (real_fopen64 == fopen64)
		real_fopen64 = NULL;
}

/*
 * glibc hands constructors argc and argv. ssh overwrites its argv strings
 * (setproctitle emulation) before it reads any config, so the plan reads
 * them now. Elsewhere nothing at all: the hooks resolve lazily if called.
 */
__attribute__((constructor)) static void
shim_init(int argc, char **argv, char **envp)
{
	(void)envp;
	if (plan_init(argc, argv)) {
		pthread_once(&real_once, resolve_real);
		is_ssh = 1;
	} else
		hangup_ignore_if_child();
}

static FILE *
dispatch(const char *path, const char *mode, fopen_fn *real)
{
	FILE *f;

	if (real == NULL) {
		errno = ENOSYS;
		return NULL;
	}
	/* Not ours: not ssh, or not a plain read. */
	if (!is_ssh || path == NULL || mode == NULL || mode[0] != 'r' ||
	    strchr(mode, '+') != NULL)
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

EXPORT FILE *
fopen(const char *path, const char *mode)
{
	pthread_once(&real_once, resolve_real);
	return dispatch(path, mode, real_fopen);
}

EXPORT FILE *
fopen64(const char *path, const char *mode)
{
	pthread_once(&real_once, resolve_real);
	return dispatch(path, mode, real_fopen64);
}
