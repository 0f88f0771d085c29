/*
 * The client's image where it is no ELF one (Mach-O on macOS, a fat file
 * of several): the whole file is searched, our own through its path.
 */
#if !defined(__ELF__) || defined(JUPYSSH_PORTABLE)

#include <limits.h>
#include <string.h>

#include "../common/sshclient.h"
#include "os.h"

int
ssh_client_of_file(const char *path, struct ssh_client *cl)
{
	void *map;
	size_t size;

	memset(cl, 0, sizeof(*cl));
	if ((map = os_map_file(path, 1, &size)) == NULL)
		return -1;
	ssh_client_scan(cl, map, size);
	os_unmap_file(map, size);
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
