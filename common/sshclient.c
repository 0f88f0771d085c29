/*
 * Which OpenSSH client this is: ssh.c's getopt string and release, as
 * each known release has them, or as found in the client's own image
 * (this process, or an executable on disk: compat/image_*.c). The
 * reading of a command line (sshargs.c) depends on them.
 */
#include <ctype.h>
#include <string.h>

#include "sshclient.h"

/* ssh.c's getopt strings, as each release has it. */
const struct ssh_client ssh_known_clients[] = {
	/* 7.4p1 */
	{ "1246ab:c:e:fgi:kl:m:no:p:qstvxACD:E:F:GI:J:KL:MNO:PQ:R:S:TVw:W:XYy",
	    704 },
	/* 8.0p1 to 9.3p2: -B; Debian 12's 9.2p1 */
	{ "1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:PQ:R:S:TVw:W:XYy",
	    800 },
	/* 9.4p1 on: -P takes a tag */
	{ "1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:P:Q:R:S:TVw:W:XYy",
	    904 },
	/* 10.5p1: -Z, the string reordered */
	{ "1246ACGKMNTVXYZafgknqstvxyB:D:E:F:I:J:L:O:P:Q:R:S:W:b:c:e:i:l:m:o:p:w:",
	    1005 },
};
const size_t ssh_nknown_clients =
    sizeof(ssh_known_clients) / sizeof(ssh_known_clients[0]);

/*
 * A getopt string as ssh's is: letters and digits, each once, some with
 * ':', among them the ones jupyssh reads.
 */
static int
optstring_valid(const char *s, size_t n)
{
	static const char with_arg[] = "FSoWO", flags[] = "NsG";
	unsigned char seen[128];
	const char *q, *o;
	size_t i;

	if (n < 20 || n >= SSH_OPTSTRING_MAX)
		return 0;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n; i++) {
		if (s[i] == ':') {
			if (i == 0 || s[i - 1] == ':')
				return 0;
			continue;
		}
		if (!isalnum((unsigned char)s[i]) || seen[(unsigned char)s[i]]++)
			return 0;
	}
	for (q = with_arg; *q != '\0'; q++)
		if ((o = memchr(s, *q, n)) == NULL || o + 1 == s + n ||
		    o[1] != ':')
			return 0;
	for (q = flags; *q != '\0'; q++)
		if ((o = memchr(s, *q, n)) == NULL ||
		    (o + 1 < s + n && o[1] == ':'))
			return 0;
	return 1;
}

/* "OpenSSH_9.2p1..." as 902; 0 for anything else. */
static int
release(const char *p, const char *end)
{
	char v[16];
	size_t n = (size_t)(end - p) < sizeof(v) - 1 ? (size_t)(end - p) :
	    sizeof(v) - 1;
	int major = 0, minor = 0, i = 8, digits;

	memcpy(v, p, n);
	v[n] = '\0';
	for (digits = 0; isdigit((unsigned char)v[i]) && digits < 2; digits++)
		major = major * 10 + (v[i++] - '0');
	if (major == 0 || v[i++] != '.')
		return 0;
	for (digits = 0; isdigit((unsigned char)v[i]) && digits < 2; digits++)
		minor = minor * 10 + (v[i++] - '0');
	if (digits == 0 || v[i] != 'p' || !isdigit((unsigned char)v[i + 1]))
		return 0;
	return major * 100 + minor;
}

int
ssh_client_scan(struct ssh_client *cl, const char *buf, size_t len)
{
	const char *end = buf + len, *p;
	size_t n;

	for (p = buf; cl->optstring[0] == '\0' && p < end &&
	    (p = memmem(p, (size_t)(end - p), "1246", 4)) != NULL; p++) {
		if (p > buf && p[-1] != '\0')
			continue;
		n = strnlen(p, (size_t)(end - p));
		if (p + n < end && optstring_valid(p, n))
			memcpy(cl->optstring, p, n + 1);
	}
	/* The release: "OpenSSH_9.2p1", perhaps with a vendor's words. */
	for (p = buf; cl->version == 0 && p < end &&
	    (p = memmem(p, (size_t)(end - p), "OpenSSH_", 8)) != NULL; p++)
		if (p == buf || p[-1] == '\0')
			cl->version = release(p, end);
	return cl->optstring[0] != '\0' && cl->version != 0;
}
