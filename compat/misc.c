/* Random bytes, and a lock its holder may take again. */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "os.h"

#ifdef OS_LINUX
#include <sys/random.h>
#endif

int
os_random(void *buf, size_t len)
{
#if defined(OS_LINUX)
	return getrandom(buf, len, 0) == (ssize_t)len ? 0 : -1;
#elif defined(__APPLE__) && !defined(JUPYSSH_PORTABLE)
	arc4random_buf(buf, len);
	return 0;
#else
	ssize_t n;
	size_t got = 0;
	int fd;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (got < len) {
		n = read(fd, (char *)buf + got, len - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	return got == len ? 0 : -1;
#endif
}

/* Neither PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP nor its kin is everywhere. */
int
os_recursive_lock_init(pthread_mutex_t *m)
{
	pthread_mutexattr_t a;
	int r;

	if ((r = pthread_mutexattr_init(&a)) != 0)
		return r;
	if ((r = pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE)) == 0)
		r = pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	return r;
}
