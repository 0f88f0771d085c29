/*
 * The proof that 127.0.0.1:PORT on this machine is our forward: loopback
 * is shared by every user here, and a listener that answers HTTP 200 may
 * be anyone's. The listening socket's row in /proc/net/tcp must carry our
 * uid, and its inode must be among the descriptors of our ssh master.
 * Until that holds, no token goes to the port and no URL names it.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listener.h"

/* The inode of the socket listening on 127.0.0.1:port, and its uid. */
static unsigned long
listening_inode(int port, uid_t *uid)
{
	char line[512], want[16];
	unsigned long inode, found = 0;
	unsigned int st;
	char local[64];
	long u;
	FILE *f;

	if ((f = fopen("/proc/net/tcp", "re")) == NULL)
		return 0;
	snprintf(want, sizeof(want), "0100007F:%04X", port);
	while (fgets(line, sizeof(line), f) != NULL) {
		/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
		if (sscanf(line, " %*s %63s %*s %x %*s %*s %*s %ld %*s %lu",
		    local, &st, &u, &inode) != 4 || st != 0x0A ||
		    strcmp(local, want) != 0)
			continue;
		found = inode;
		*uid = (uid_t)u;
		break;
	}
	fclose(f);
	return found;
}

/* Does process pid hold socket inode among its descriptors? */
static int
holds_socket(pid_t pid, unsigned long inode)
{
	char dir[64], link[PATH_MAX], want[64], target[64];
	struct dirent *d;
	ssize_t n;
	DIR *fds;
	int found = 0;

	snprintf(dir, sizeof(dir), "/proc/%ld/fd", (long)pid);
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	if ((fds = opendir(dir)) == NULL)
		return 0;
	while (!found && (d = readdir(fds)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, d->d_name);
		if ((n = readlink(link, target, sizeof(target) - 1)) <= 0)
			continue;
		target[n] = '\0';
		found = strcmp(target, want) == 0;
	}
	closedir(fds);
	return found;
}

/* 1 when 127.0.0.1:port is listened on by pid, a process of our uid. */
int
listener_is(int port, pid_t pid)
{
	unsigned long inode;
	uid_t uid = (uid_t)-1;

	if (port < 1 || port > 65535 || pid <= 0 ||
	    (inode = listening_inode(port, &uid)) == 0 || uid != getuid())
		return 0;
	return holds_socket(pid, inode);
}
