/*
 * Descriptors: sockets and pipes that do not leak into what we run, the
 * relay's in-kernel copy, and the anonymous private file that holds the
 * config ssh is shown.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "os.h"

#include <sys/mman.h>

#ifndef OS_LINUX
static int
cloexec(int fd)
{
	int e;

	if (fd == -1 || fcntl(fd, F_SETFD, FD_CLOEXEC) == 0)
		return fd;
	e = errno;
	close(fd);
	errno = e;
	return -1;
}
#endif

int
os_socket(int domain, int type, int protocol)
{
#ifdef OS_LINUX
	return socket(domain, type | SOCK_CLOEXEC, protocol);
#else
	return cloexec(socket(domain, type, protocol));
#endif
}

int
os_pipe(int fd[2])
{
#ifdef OS_LINUX
	return pipe2(fd, O_CLOEXEC);
#else
	if (pipe(fd) == -1)
		return -1;
	if (cloexec(fd[0]) == -1) {
		close(fd[1]);
		return -1;
	}
	if (cloexec(fd[1]) == -1) {
		close(fd[0]);
		return -1;
	}
	return 0;
#endif
}

/*
 * Up to len bytes from one descriptor to the other inside the kernel,
 * without blocking. -1 with EINVAL where it cannot (no pipe on either
 * side, or no splice on this system): the caller copies instead.
 */
ssize_t
os_splice(int from, int to, size_t len)
{
#ifdef OS_LINUX
	return splice(from, NULL, to, NULL, len,
	    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
#else
	(void)from;
	(void)to;
	(void)len;
	errno = EINVAL;
	return -1;
#endif
}

/*
 * A file no one else can open: a memfd on Linux; elsewhere a file made
 * 0600 in $TMPDIR and unlinked at once (ssh fstats what it reads, so it
 * must be a real file, and a private one).
 */
#ifdef OS_LINUX
int
os_private_file(const char *name)
{
	int fd;

	/* 0600: ssh refuses the 0777 a memfd starts with. */
	if ((fd = memfd_create(name, MFD_CLOEXEC)) != -1 &&
	    fchmod(fd, 0600) == -1) {
		close(fd);
		fd = -1;
	}
	return fd;
}
#else
int
os_private_file(const char *name)
{
	char path[1024];
	const char *dir;
	int fd;

	if ((dir = getenv("TMPDIR")) == NULL || *dir != '/')
		dir = "/tmp";
	if (snprintf(path, sizeof(path), "%s/%s.XXXXXX", dir, name) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* mkstemp makes it 0600, O_EXCL, whatever the umask. */
	if ((fd = mkstemp(path)) == -1)
		return -1;
	unlink(path);
	if (fchmod(fd, 0600) == -1) {
		close(fd);
		return -1;
	}
	return cloexec(fd);
}
#endif

/*
 * A regular file of min bytes to 64 MiB mapped for reading (an ssh
 * client's image), its size in *size; NULL if it is none such.
 */
void *
os_map_file(const char *path, size_t min, size_t *size)
{
	struct stat st;
	void *map;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size < (off_t)min || st.st_size == 0 ||
	    st.st_size > (64 << 20)) {
		close(fd);
		return NULL;
	}
	*size = (size_t)st.st_size;
	map = mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	return map == MAP_FAILED ? NULL : map;
}

void
os_unmap_file(void *map, size_t size)
{
	munmap(map, size);
}
