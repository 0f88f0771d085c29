/*
 * Reads ssh's command line the way ssh.c does: BSD getopt (no permutation),
 * options before and after the destination, then the remote command.
 * Clients read it differently (-P is a flag up to 9.3 and takes a tag
 * from 9.4 on, -B came in 8.0, -Z in 10.5, ssh:// destinations after
 * 7.4), so the reading is that of one client: the one at hand, learnt
 * from the getopt string and release in its own image, or, where that
 * cannot be found, only what every known client reads alike.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "sshargs.h"

/*
 * What came with a release, as far as the sources at hand show: 1 from
 * `since` on, 0 up to `before`, -1 (not known) in between or when the
 * release is not known.
 */
static int
has(const struct ssh_client *cl, int before, int since)
{
	if (cl->version >= since)
		return 1;
	if (cl->version > 0 && cl->version <= before)
		return 0;
	return -1;
}
/* ssh://user@host:port, and "--" before the destination ending options. */
#define MODERN(cl)		has(cl, 704, 800)
/* A host in an ssh:// destination may start with "_". */
#define URI_UNDERSCORE(cl)	has(cl, 909, 1005)

static int
yes(const char *v)
{
	return strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0;
}

/* Copies, because ssh rewrites its argv for setproctitle. */
static int
copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

/* -o "Keyword value" or -o Keyword=value */
static int
ssh_option(const char *opt, struct ssh_args *a)
{
	const char *v;
	size_t klen = strcspn(opt, " \t=");

	v = opt + klen;
	v += strspn(v, " \t");
	if (*v == '=')
		v++;
	v += strspn(v, " \t");
#define KEY(k)	(klen == sizeof(k) - 1 && strncasecmp(opt, k, klen) == 0)
	if (KEY("PermitLocalCommand") && !yes(v))
		a->no_local_command = 1;
	else if (KEY("ClearAllForwardings") && yes(v))
		a->clear_forwardings = 1;
	else if (KEY("RemoteCommand") && strcasecmp(v, "none") != 0)
		a->command = 1;
	else if (KEY("SessionType") && strcasecmp(v, "none") == 0)
		a->no_shell = 1;
	else if (KEY("SessionType") && strcasecmp(v, "subsystem") == 0)
		a->subsystem = 1;
	else if (KEY("LocalCommand"))
		a->own_local_command = 1;
	else if (KEY("ControlPath") && a->control_path[0] == '\0')
		return copy(a->control_path, sizeof(a->control_path), v);
#undef KEY
	return 0;
}

/* One option and its argument (or NULL); -1: it cannot be held. */
static int
option(int c, const char *optarg, struct ssh_args *a)
{
	switch (c) {
	case 'F':
		return copy(a->config, sizeof(a->config), optarg);
	case 'S':
		return copy(a->control_path, sizeof(a->control_path), optarg);
	case 'o':
		return ssh_option(optarg, a);
	case 'N': a->no_shell = 1; break;
	case 's': a->subsystem = 1; break;
	case 'W': a->stdio_forward = 1; break;
	case 'O': a->control_command = 1; break;
	case 'G': a->dump_config = 1; break;
	case 'V': case 'Q': case 'Z': a->info_only = 1; break;
	default: break;
	}
	return 0;
}

static int
set_host(struct ssh_args *a, const char *h, size_t len)
{
	if (len == 0 || len >= sizeof(a->host))
		return SSHARGS_NONE;
	memcpy(a->host, h, len);
	a->host[len] = '\0';
	return 0;
}

/* misc.c's urldecode() would take it: %XX escapes, none of them %00. */
static int
urldecodes(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '%') {
			if (len - i < 3 || !isxdigit((unsigned char)s[i + 1]) ||
			    !isxdigit((unsigned char)s[i + 2]) ||
			    (s[i + 1] == '0' && s[i + 2] == '0'))
				return 0;
			i += 2;
		}
	return 1;
}

/*
 * After "ssh://", as misc.c's parse_uri() and readconf.c's parse_ssh_uri()
 * take it: [user[;params]@]host[:port][/], no path, a valid domain.
 */
static int
uri_host(const struct ssh_client *cl, const char *s, struct ssh_args *a)
{
	const char *at, *h, *end, *port, *p;
	char host[sizeof(a->host)];
	size_t len, ulen, i;
	long n;

	if ((at = strchr(s, '@')) != NULL) {
		ulen = strcspn(s, ";@");
		if (ulen == 0 || !urldecodes(s, ulen))
			return SSHARGS_NONE;
		h = at + 1;
	} else
		h = s;
	if (*h == '[') {
		if ((end = strchr(h, ']')) == NULL)
			return SSHARGS_NONE;
		end++;
		if (*end != '\0' && *end != ':' && *end != '/')
			return SSHARGS_NONE;
	} else
		end = h + strcspn(h, ":/");
	if ((len = (size_t)(end - h)) == 0 || len >= sizeof(host))
		return SSHARGS_NONE;
	memcpy(host, h, len);
	host[len] = '\0';
	h = host;
	if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
		host[--len] = '\0';
		h = host + 1;
		len--;
	}
	/* valid_domain() */
	if (len == 0)
		return SSHARGS_NONE;
	if (!isalnum((unsigned char)h[0])) {
		if (h[0] != '_')
			return SSHARGS_NONE;
		switch (URI_UNDERSCORE(cl)) {
		case 0: return SSHARGS_NONE;
		case -1: return SSHARGS_DOUBT;
		}
	}
	for (i = 0; i < len; i++)
		if ((h[i] == '.' && i > 0 && h[i - 1] == '.') ||
		    (!isalnum((unsigned char)h[i]) && h[i] != '.' &&
		    h[i] != '-' && h[i] != '_'))
			return SSHARGS_NONE;
	if (h[len - 1] == '.')
		len--;
	/* The port, then nothing but an empty path. */
	if (*end == ':') {
		port = end + 1;
		end = port + strcspn(port, "/");
		if (end > port) {
			for (p = port, n = 0; p < end &&
			    isdigit((unsigned char)*p); p++)
				if (n <= 65535)
					n = n * 10 + (*p - '0');
			/* A service name is looked up in /etc/services. */
			if (p < end)
				return SSHARGS_DOUBT;
			if (n < 1 || n > 65535)
				return SSHARGS_NONE;
		}
	}
	if (*end == '/' && end[1] != '\0')
		return SSHARGS_NONE;
	return set_host(a, h, len);
}

/* The destination: ssh://..., or [user@]host (the last '@'). */
static int
destination(const struct ssh_client *cl, const char *dest, struct ssh_args *a)
{
	const char *at;

	if (strncmp(dest, "ssh://", 6) == 0) {
		switch (MODERN(cl)) {
		case 1: return uri_host(cl, dest + 6, a);
		case -1: return SSHARGS_DOUBT;
		}
	}
	if ((at = strrchr(dest, '@')) == dest)
		return SSHARGS_NONE;
	if (at != NULL)
		dest = at + 1;
	return set_host(a, dest, strlen(dest));
}

/*
 * One run of getopt over argv from first + 1 (argv[first] stands for the
 * program name, as the destination does on the second run). Returns the
 * index of the first argument it did not take, or -1 on a usage error.
 */
static int
options(const struct ssh_client *cl, int argc, char *const argv[], int first,
    struct ssh_args *a)
{
	const char *arg, *p, *o, *optarg;
	int i;

	for (i = first + 1; i < argc; i++) {
		arg = argv[i];
		if (arg[0] != '-' || arg[1] == '\0')
			return i;
		if (strcmp(arg, "--") == 0)
			return i + 1;
		for (p = arg + 1; *p != '\0'; p++) {
			if (*p == ':' || (o = strchr(cl->optstring, *p)) == NULL)
				return -1;
			optarg = NULL;
			if (o[1] == ':') {
				if (p[1] != '\0')
					optarg = p + 1;
				else if (i + 1 < argc)
					optarg = argv[++i];
				else
					return -1;
			}
			if (option(*p, optarg, a) == -1)
				return -2;
			if (optarg != NULL)
				break;
		}
	}
	return i;
}

int
parse_ssh_args_as(const struct ssh_client *cl, int argc, char *const argv[],
    struct ssh_args *a)
{
	int first = 0, next, terminated = 0, r;

	memset(a, 0, sizeof(*a));
	if (argc < 1 || argv == NULL)
		return SSHARGS_NONE;
	for (;;) {
		if ((next = options(cl, argc, argv, first, a)) < 0)
			return next == -1 ? SSHARGS_NONE : SSHARGS_DOUBT;
		/* ssh.c's opt_terminated, even for a "--" that was an argument */
		if (next - first > 1 && strcmp(argv[next - 1], "--") == 0)
			terminated = 1;
		if (a->host[0] != '\0') {
			a->command |= next < argc;
			return 0;
		}
		if (next >= argc)
			return SSHARGS_NONE;
		if ((r = destination(cl, argv[next], a)) != 0)
			return r;
		if (argc - next > 1) {
			/* 7.4 reads options after the host even then. */
			switch (terminated ? MODERN(cl) : 0) {
			case 0:
				first = next;
				continue;
			case -1:
				return SSHARGS_DOUBT;
			}
			a->command = 1;
		}
		return 0;
	}
}

int
parse_ssh_args(int argc, char *const argv[], struct ssh_args *a)
{
	struct ssh_args other;
	size_t i;
	int r;

	r = parse_ssh_args_as(&ssh_known_clients[0], argc, argv, a);
	for (i = 1; i < ssh_nknown_clients; i++)
		if (parse_ssh_args_as(&ssh_known_clients[i], argc, argv,
		    &other) != r || (r == 0 &&
		    memcmp(a, &other, sizeof(other)) != 0)) {
			memset(a, 0, sizeof(*a));
			return SSHARGS_DOUBT;
		}
	return r;
}

/*
 * A name that can be written into a Host line and a LocalCommand as it is:
 * no pattern, quoting or %-token characters.
 */
int
host_is_plain(const char *host)
{
	const char *p;

	if (*host == '\0' || *host == '-')
		return 0;
	for (p = host; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._-:", *p) != NULL))
			return 0;
	return 1;
}
