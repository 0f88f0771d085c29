/*
 * One input, every way the shim reads text: as a side config and as an ssh
 * config (common/readconf.c), then, if it gave gpu-box a JupyterPort, the
 * block for "ssh gpu-box" (common/translate.c); split at NULs and newlines it
 * is also an ssh command line (common/sshargs.c); last, both configs at once
 * through config_resolve(). The input is the file
 * SANDBOX/.ssh/config, so that "Include config" and "~/.ssh/config" reach
 * it again. Broken invariants abort, as a sanitizer report would.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/readconf.h"
#include "../../common/sshargs.h"
#include "../../common/translate.h"
#include "harness.h"

#define MAX_ARGS	256

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "harness: %s:%d: expected %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

static char sandbox[] = "/tmp/jupyssh-fuzz-XXXXXX";
static char sshdir[sizeof(sandbox) + 8], config[sizeof(sandbox) + 16];

int	__real_glob(const char *, int, int (*)(const char *, int), glob_t *);
int	__wrap_glob(const char *, int, int (*)(const char *, int), glob_t *);

/*
 * Include patterns stay inside the sandbox: no /dev/zero or /dev/tty, no
 * walk over the whole disk, nothing that differs between machines. No way
 * up either: "..", a component that starts ".*" or ".?" (both match ".."),
 * brackets and escapes, which could spell the same.
 */
int
__wrap_glob(const char *pattern, int flags,
    int (*errfunc)(const char *, int), glob_t *g)
{
	size_t n = strlen(sandbox);
	const char *p = pattern + n;

	if (strncmp(pattern, sandbox, n) != 0 || *p != '/' ||
	    strstr(p, "..") != NULL || strstr(p, "/.*") != NULL ||
	    strstr(p, "/.?") != NULL || strpbrk(p, "[\\") != NULL)
		return GLOB_NOMATCH;
	return __real_glob(pattern, flags, errfunc, g);
}

int
fuzz_setup(void)
{
	if (mkdtemp(sandbox) == NULL)
		return -1;
	snprintf(sshdir, sizeof(sshdir), "%s/.ssh", sandbox);
	snprintf(config, sizeof(config), "%s/config", sshdir);
	if (mkdir(sshdir, 0700) == -1)
		return -1;
	/* "~/" in an Include is $HOME, as in ssh; the side config is ours. */
	if (setenv("JUPYSSH_CONFIG", config, 1) == -1)
		return -1;
	return setenv("HOME", sandbox, 1);
}

void
fuzz_cleanup(void)
{
	unlink(config);
	rmdir(sshdir);
	rmdir(sandbox);
}

static void
write_input(const uint8_t *data, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(config, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1) {
		fprintf(stderr, "harness: %s: %s\n", config, strerror(errno));
		abort();
	}
	while (size > 0) {
		if ((n = write(fd, data, size)) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "harness: %s: %s\n", config,
			    strerror(errno));
			abort();
		}
		data += n;
		size -= (size_t)n;
	}
	close(fd);
}

/* What the reader may leave in the options, bad input or not. */
static void
check_options(const struct jupyter_options *o)
{
	CHECK(o->port == 0 || (o->port >= 1 && o->port <= 65535));
	CHECK(o->local_port == -1 ||
	    (o->local_port >= 1 && o->local_port <= 65535));
	CHECK(o->start_timeout == -1 ||
	    (o->start_timeout >= 1 && o->start_timeout <= 86400));
	CHECK(o->autostart >= AUTOSTART_UNSET && o->autostart <= AUTOSTART_NO);
	CHECK(o->socket >= -1 && o->socket <= 1);
	CHECK(o->stop_on_exit >= -1 && o->stop_on_exit <= 1);
	CHECK((o->port != 0) == (o->port_origin != NULL));
}

static int
read_as(int flags, int collect_hosts, struct jupyter_options *o)
{
	struct config_reader r;
	int errors;

	options_init(o);
	reader_init(&r, FUZZ_HOST, sandbox, o);
	r.quiet = 1;
	r.collect_hosts = collect_hosts;
	CHECK((read_config_file(&r, config, flags) == 0) == (r.errors == 0));
	errors = r.errors;
	CHECK(errors >= 0);
	reader_free(&r);
	check_options(o);
	return errors;
}

/* As the shim and the helper read: side config, ssh config, one reader. */
static void
resolve(void)
{
	struct jupyter_options o;
	struct config_reader r;

	options_init(&o);
	reader_init(&r, FUZZ_HOST, sandbox, &o);
	r.quiet = 1;
	CHECK((config_resolve(&r, config) == 0) == (r.errors == 0));
	reader_free(&r);
	check_options(&o);
	options_free(&o);
}

/*
 * The block, as make_plan() in the shim asks for it, forwarding from local
 * (0: no forward). Every value stays on its line: a line of any other kind
 * would be an option of the config's or the command line's making.
 */
static int
translate_checked(const struct ssh_args *a, struct jupyter_options *o,
    int local)
{
	static const char *const kinds[] = { "# jupyssh: JupyterPort ",
	    "Host ", "\tLocalForward 127.0.0.1:", "\tPermitLocalCommand yes",
	    "\tLocalCommand ", "\tControlMaster auto", "\tControlPath ",
	    "\tControlPersist yes", "\tServerAliveInterval 5",
	    "\tServerAliveCountMax 3", NULL };
	char *t, *line, *end;
	int i, lines = 0;

	if (o->port == 0 || !host_is_plain(a->host))
		return 0;
	options_fill_defaults(o);
	(void)wants_notebook(a, o);
	t = translate(a, o, "/usr/local/bin/jupyssh",
	    local == -1 ? o->local_port : local);
	CHECK(t != NULL);
	CHECK(t[0] == '\n');
	for (line = t + 1; *line != '\0'; line = end + 1) {
		CHECK((end = strchr(line, '\n')) != NULL);
		for (i = 0; kinds[i] != NULL; i++)
			if (strncmp(line, kinds[i], strlen(kinds[i])) == 0)
				break;
		CHECK(kinds[i] != NULL);
		lines++;
	}
	CHECK(lines >= 5 && lines <= 10);
	free(t);
	return 1;
}

/*
 * The input as argv: words end at NULs and newlines. Each is also a line
 * the shim may comment out.
 */
static void
parse_argv(const uint8_t *data, size_t size, struct jupyter_options *o,
    struct fuzz_result *res)
{
	char *buf, *argv[MAX_ARGS + 1];
	struct ssh_args a;
	size_t i, start = 0;
	int argc = 0;

	if ((buf = malloc(size + 1)) == NULL)
		return;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (i = 0; i <= size && argc < MAX_ARGS; i++)
		if (buf[i] == '\0' || buf[i] == '\n') {
			buf[i] = '\0';
			argv[argc++] = buf + start;
			start = i + 1;
		}
	argv[argc] = NULL;
	for (i = 0; i < (size_t)argc; i++)
		(void)is_jupyter_keyword(argv[i]);
	if (parse_ssh_args(argc, argv, &a) == 0) {
		res->argv_parsed = 1;
		CHECK(a.host[0] != '\0');
		translate_checked(&a, o, 0);
	}
	free(buf);
}

void
fuzz_one(const uint8_t *data, size_t size, struct fuzz_result *res)
{
	static char arg0[] = "ssh", arg1[] = FUZZ_HOST;
	char *argv[] = { arg0, arg1, NULL };
	struct jupyter_options o;
	struct ssh_args a;

	memset(res, 0, sizeof(*res));
	write_input(data, size);
	res->errors_side = read_as(0, 1, &o);
	options_free(&o);
	res->errors_ssh = read_as(CONF_SSH, 0, &o);
	res->port = o.port;
	CHECK(parse_ssh_args(2, argv, &a) == 0);
	res->translated = translate_checked(&a, &o, -1);
	parse_argv(data, size, &o, res);
	options_free(&o);
	resolve();
}
