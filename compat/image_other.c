/*
 * The client's image where it is no ELF one (Mach-O on macOS, a fat file
 * of several): the whole file is searched, our own through its path.
 */
#if !defined(__ELF__) || defined(JUPYSSH_PORTABLE)
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "../common/sshclient.h"
#include "os.h"

int
ssh_client_of_file(const char *path, struct ssh_client *cl)
{
	struct stat st;
	void *map;
	size_t size;
	int fd;

	memset(cl, 0, sizeof(*cl));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size == 0 ||
	    st.st_size > (64 << 20)) {
		close(fd);
		return -1;
	}
	size = (size_t)st.st_size;
	map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	ssh_client_scan(cl, map, size);
	munmap(map, size);
	return cl->optstring[0] != '\0' ? 0 : -1;
}

int
ssh_client_of_self(struct ssh_client *cl)
{
	char self[PATH_MAX];

	memset(cl, 0, sizeof(*cl));
	if (os_self_exe(self, sizeof(self)) == -1)
		return -1;
	return ssh_client_of_file(self, cl);
}
#endif
