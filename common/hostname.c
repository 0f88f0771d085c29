/*
 * A host name is a file name in the state folder and an argument to ssh:
 * it must name one file there (no '/', no leading '.', no "..") and be
 * one ssh would take (ssh.c's valid_hostname: no leading '-', no shell
 * metacharacters, spaces or control characters), in printable ASCII as
 * DNS names are. Every name the shim's host_is_plain passes, but for a
 * leading '.' or "..", passes here.
 */
#include <string.h>

#include "hostname.h"

int
host_name_ok(const char *host)
{
	const unsigned char *p;

	if (host[0] == '\0' || host[0] == '-' || host[0] == '.' ||
	    strlen(host) > HOST_NAME_MAXLEN || strstr(host, "..") != NULL)
		return 0;
	for (p = (const unsigned char *)host; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f ||
		    strchr("/'`\"$\\;&<>|(){}", *p) != NULL)
			return 0;
	return 1;
}
