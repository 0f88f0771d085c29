/*
 * What the operating system provides, in one place: each call has a fast
 * path where the system has one (Linux: splice, pipe2, getrandom,
 * memfd_create, /proc; macOS: sysctl) and a portable one elsewhere.
 * Building with -DJUPYSSH_PORTABLE takes the portable paths on Linux too,
 * so that the code other systems run is tested here.
 */
#ifndef JUPYSSH_OS_H
#define JUPYSSH_OS_H

#include <sys/types.h>

#include <pthread.h>
#include <stddef.h>

#if defined(__linux__) && !defined(JUPYSSH_PORTABLE)
#define OS_LINUX	1
#endif

/*
 * Does the loader hand constructors (argc, argv, envp)? glibc's and
 * dyld do; musl calls them with nothing.
 */
#if (defined(__GLIBC__) || defined(__APPLE__)) && !defined(JUPYSSH_PORTABLE)
#define OS_CTOR_ARGS	1
#endif

/* Descriptors, all close-on-exec (fd.c). */
int	os_socket(int domain, int type, int protocol);
int	os_pipe(int fd[2]);
ssize_t	os_splice(int from, int to, size_t len);
int	os_private_file(const char *name);
void	*os_map_file(const char *path, size_t min, size_t *size);
void	 os_unmap_file(void *map, size_t size);

/* Random bytes for tokens: 0, or -1 (misc.c). */
int	os_random(void *buf, size_t len);
int	os_recursive_lock_init(pthread_mutex_t *m);

/* Processes (proc_linux.c, proc_darwin.c, proc_other.c). */
ssize_t	os_proc_args(pid_t pid, char *buf, size_t len);
pid_t	os_parent_of(pid_t pid);
int	os_proc_exe(pid_t pid, char *buf, size_t len);
int	os_proc_image(pid_t pid, char *buf, size_t len);
int	os_self_exe(char *buf, size_t len);
int	os_self_args(int *argc, char ***argv);

#endif
