/*
 * Reads ssh's command line the way ssh.c does: BSD getopt (no permutation),
 * options before and after the destination, then the remote command.
 * Clients read it differently (-P is a flag up to 9.3 and takes a tag
 * from 9.4 on, -B came in 8.0, -Z in 10.5, ssh:// destinations after
 * 7.4), so the reading is that of one client: the one at hand, learnt
 * from the getopt string and release in its own image, or, where that
 * cannot be found, only what every known client reads alike.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <ctype.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sshargs.h"

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

/*
 * The pieces of an image to look through: read-only data first (where
 * ssh.c's strings sit, near its start), then the rest that is not
 * writable (an image linked without separate code segments).
 */
static int
scan_segments(struct ssh_client *cl, const char *base, size_t size,
    const ElfW(Phdr) *ph, int phnum, int from_file)
{
	const ElfW(Phdr) *p;
	size_t off, len;
	int pass, i;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < phnum; i++) {
			p = &ph[i];
			if (p->p_type != PT_LOAD || (p->p_flags & PF_W) ||
			    (pass == 0) != (!(p->p_flags & PF_X) &&
			    p->p_offset != 0))
				continue;
			off = from_file ? p->p_offset : p->p_vaddr;
			len = from_file ? p->p_filesz : p->p_memsz;
			if (from_file && (off > size || len > size - off))
				continue;
			if (ssh_client_scan(cl, base + off, len))
				return 0;
		}
	return cl->optstring[0] != '\0' ? 0 : -1;
}

static int
self_segments(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	/* The first is the program itself. */
	scan_segments(arg, (const char *)info->dlpi_addr, 0, info->dlpi_phdr,
	    info->dlpi_phnum, 0);
	return 1;
}

int
ssh_client_of_self(struct ssh_client *cl)
{
	memset(cl, 0, sizeof(*cl));
	dl_iterate_phdr(self_segments, cl);
	return cl->optstring[0] != '\0' ? 0 : -1;
}

int
ssh_client_of_file(const char *path, struct ssh_client *cl)
{
	const ElfW(Ehdr) *eh;
	struct stat st;
	void *map;
	size_t size;
	int fd, r = -1;

	memset(cl, 0, sizeof(*cl));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size < (off_t)sizeof(*eh) || st.st_size > (64 << 20)) {
		close(fd);
		return -1;
	}
	size = (size_t)st.st_size;
	map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	eh = map;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 &&
	    eh->e_ident[EI_CLASS] == (sizeof(void *) == 8 ? ELFCLASS64 :
	    ELFCLASS32) && eh->e_phentsize == sizeof(ElfW(Phdr)) &&
	    eh->e_phoff <= size &&
	    (size - eh->e_phoff) / sizeof(ElfW(Phdr)) >= eh->e_phnum)
		r = scan_segments(cl, map, size, (const ElfW(Phdr) *)
		    ((const char *)map + eh->e_phoff), eh->e_phnum, 1);
	munmap(map, size);
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
