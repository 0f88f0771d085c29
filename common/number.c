/*
 * Digits only, no sign, no blanks, from lo to hi (OpenSSH's strtonum):
 * everything that comes from a command line, a config or the remote.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "number.h"

int
number_in(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}
