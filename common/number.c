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

/*
 * A time as ssh_config(5) and sshd_config(5) write one (OpenSSH's
 * convtime): a number of seconds, or numbers each followed by s, m, h, d
 * or w (either case) and summed, as in "1h30m"; from lo to hi seconds.
 */
int
duration_in(const char *s, long lo, long hi, long *out)
{
	long total = 0, n, unit;
	char *end;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	while (*s != '\0') {
		if (!isdigit((unsigned char)*s))
			return -1;
		errno = 0;
		n = strtol(s, &end, 10);
		if (errno != 0 || n > hi)
			return -1;
		switch (*end) {
		case '\0':	unit = 1; break;
		case 's': case 'S': unit = 1; end++; break;
		case 'm': case 'M': unit = 60; end++; break;
		case 'h': case 'H': unit = 3600; end++; break;
		case 'd': case 'D': unit = 86400; end++; break;
		case 'w': case 'W': unit = 604800; end++; break;
		default:	return -1;
		}
		if (n > (hi - total) / unit)
			return -1;
		total += n * unit;
		s = end;
	}
	if (total < lo)
		return -1;
	*out = total;
	return 0;
}
