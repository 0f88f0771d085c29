/*
 * Reads ssh's command line the way ssh.c does: BSD getopt (no permutation),
 * options before and after the destination, then the remote command.
 */
#include <string.h>
#include <strings.h>

#include "sshargs.h"

/* ssh.c's option string (OpenSSH 9.x). */
static const char ssh_optstring[] =
    "1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:P:Q:R:S:TVw:W:XYy";

static int
takes_argument(int c)
{
	const char *p = strchr(ssh_optstring, c);

	return p != NULL && p[1] == ':';
}

static int
yes(const char *v)
{
	return strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0;
}

static void copy(char *, size_t, const char *);

/* -o "Keyword value" or -o Keyword=value */
static void
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
		copy(a->control_path, sizeof(a->control_path), v);
#undef KEY
}

/* Copies, because ssh rewrites its argv for setproctitle. */
static void
copy(char *dst, size_t len, const char *src)
{
	if (strlen(src) < len)
		memcpy(dst, src, strlen(src) + 1);
}

static void
set_host(const char *dest, struct ssh_args *a)
{
	const char *h = dest, *at;
	size_t len;

	if (strncmp(h, "ssh://", 6) == 0) {
		h += 6;
		if ((at = strrchr(h, '@')) != NULL)
			h = at + 1;
		len = strcspn(h, ":/");
	} else {
		if ((at = strrchr(h, '@')) != NULL)
			h = at + 1;
		len = strlen(h);
	}
	if (len >= sizeof(a->host))
		len = 0;
	memcpy(a->host, h, len);
	a->host[len] = '\0';
}

/* Returns 0 when a destination was found, -1 otherwise. */
int
parse_ssh_args(int argc, char *const argv[], struct ssh_args *a)
{
	int i, have_dest = 0;
	const char *arg, *p, *optarg;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (arg[0] != '-' || arg[1] == '\0') {
			if (have_dest) {
				a->command = 1;
				break;
			}
			set_host(arg, a);
			have_dest = 1;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			if (i + 1 < argc) {
				if (have_dest)
					a->command = 1;
				else {
					set_host(argv[i + 1], a);
					have_dest = 1;
					a->command = i + 2 < argc;
				}
			}
			break;
		}
		for (p = arg + 1; *p != '\0'; p++) {
			optarg = NULL;
			if (takes_argument(*p)) {
				if (p[1] != '\0')
					optarg = p + 1;
				else if (i + 1 < argc)
					optarg = argv[++i];
				else
					return -1;
			}
			switch (*p) {
			case 'F':
				copy(a->config, sizeof(a->config), optarg);
				break;
			case 'S':
				copy(a->control_path, sizeof(a->control_path),
				    optarg);
				break;
			case 'N': a->no_shell = 1; break;
			case 's': a->subsystem = 1; break;
			case 'W': a->stdio_forward = 1; break;
			case 'O': a->control_command = 1; break;
			case 'G': a->dump_config = 1; break;
			case 'V': case 'Q': a->info_only = 1; break;
			case 'o': ssh_option(optarg, a); break;
			default: break;
			}
			if (optarg != NULL)
				break;
		}
	}
	return have_dest && a->host[0] != '\0' ? 0 : -1;
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
