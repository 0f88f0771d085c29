/*
 * What ssh is shown, decided once, at its first config: its command line,
 * the host's Jupyter settings, and the translated block (translate.c) for
 * that host. The user's top-level config (~/.ssh/config, from the passwd
 * entry as ssh does, or the -F file) is presented (present.c) with that
 * block; Included files that hold Jupyter lines are presented without one.
 * Whenever a step fails, ssh gets the real file and behaves as if jupyssh
 * were not there.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../compat/os.h"
#include "../common/port.h"
#include "../common/readconf.h"
#include "../common/state.h"
#include "../common/sshargs.h"
#include "../common/translate.h"
#include "plan.h"

/* ssh's user config: the passwd home, then this. */
#define USER_CONFIG	"/.ssh/config"
#define USER_CONFIG_LEN	(sizeof(USER_CONFIG) - 1)

static struct plan {
	int			 made;
	int			 off;		/* disabled or failed: hands off */
	int			 parsed;	/* the command line was read */
	struct ssh_args		 args;
	char			 home[PATH_MAX];
	char			 top[PATH_MAX];	/* the top-level config */
	struct jupyter_options	 opts;
	struct config_reader	 reader;
	char			*block;		/* translated options, or NULL */
} plan;

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/*
 * At load, from the constructor: is this ssh? Its command line is read
 * now, into static storage: no allocation, no file, no output. It is read
 * as this client reads it: its getopt string and release are found in its
 * own read-only data (no system call). Where the reading is in doubt, ssh
 * is left alone; where ssh gives up on its command line, it gets no block.
 */
int
plan_init(int argc, char **argv)
{
	struct ssh_client client;
	const char *disable;
	int r;

	if (argc <= 0 || argv == NULL || argv[0] == NULL ||
	    strcmp(base_name(argv[0]), "ssh") != 0)
		return 0;
	disable = getenv("JUPYSSH_DISABLE");
	if (disable != NULL && *disable != '\0' && strcmp(disable, "0") != 0) {
		plan.made = plan.off = 1;
		return 1;
	}
	if (ssh_client_of_self(&client) == 0)
		r = parse_ssh_args_as(&client, argc, argv, &plan.args);
	else
		r = parse_ssh_args(argc, argv, &plan.args);
	plan.parsed = r == 0;
	if (r == SSHARGS_DOUBT)
		plan.made = plan.off = 1;
	return 1;
}

/*
 * The helper sits next to us: PREFIX/lib -> PREFIX/bin, or the build tree
 * (shim/ -> helper/). Paths are taken apart as text, not resolved: no
 * system call per path component in every ssh.
 */
static int
find_helper(char *buf, size_t len)
{
	static const char *const rel[] = { "bin/jupyssh", "helper/jupyssh",
	    NULL };
	const char *env = getenv("JUPYSSH_HELPER");
	char dir[PATH_MAX];
	Dl_info info;
	char *slash;
	int i;

	if (env != NULL && *env == '/')
		return snprintf(buf, len, "%s", env) < (int)len ? 0 : -1;
	if (dladdr((void *)plan_init, &info) == 0 || info.dli_fname == NULL ||
	    info.dli_fname[0] != '/' ||
	    snprintf(dir, sizeof(dir), "%s", info.dli_fname) >= (int)sizeof(dir))
		return -1;
	/* .../lib/libjupyssh.so -> ... */
	for (i = 0; i < 2; i++) {
		if ((slash = strrchr(dir, '/')) == NULL)
			return -1;
		*slash = '\0';
	}
	for (i = 0; rel[i] != NULL; i++)
		if (snprintf(buf, len, "%s/%s", dir, rel[i]) < (int)len &&
		    access(buf, X_OK) == 0)
			return 0;
	return -1;
}

extern char **environ;

/* The first line of a state file of the helper's, or "". */
static void
read_state(const char *kind, char *buf, size_t len)
{
	if (state_file_read(plan.home, plan.args.host, kind, buf, len) == -1)
		buf[0] = '\0';
}

/*
 * The control socket of a live ssh session that brought the notebook up
 * for this host, in path: this ssh will join it (ControlMaster auto) and
 * run no LocalCommand of its own.
 */
static int
live_session(char *path, size_t len)
{
	struct sockaddr_un sun;
	int fd, ok;

	read_state(STATE_SESSION, path, len);
	if (path[0] == '\0' || strlen(path) >= sizeof(sun.sun_path))
		return 0;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = os_socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return 0;
	ok = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	close(fd);
	return ok;
}

/*
 * The port to forward from: the configured one, unless another program
 * holds it. 0: jupyssh's own forward of "jupyssh start" holds it, so this
 * ssh needs none.
 */
static int
choose_local_port(int joining)
{
	char url[256];
	int port = plan.opts.local_port, held, i;

	if (plan.opts.socket || joining || port_is_free(port))
		return port;
	read_state(STATE_URL, url, sizeof(url));
	if (sscanf(url, "http://127.0.0.1:%d/", &held) == 1 && held == port)
		return 0;
	for (i = 1; i < 100 && port + i < 65536; i++)
		if (port_is_free(port + i)) {
			if (!plan.args.dump_config)
				fprintf(stderr, "jupyssh: %s: local port %d is "
				    "in use; forwarding %d instead\n",
				    plan.args.host, port, port + i);
			return port + i;
		}
	return port;
}

/*
 * This ssh joins a session's master, where no LocalCommand runs: start
 * the helper as that LocalCommand would (it returns at once; its worker
 * finds the notebook through the master and prints the URL).
 */
static void
run_hook_for_joining(const char *helper, const char *control)
{
	posix_spawn_file_actions_t fa;
	char *argv[8];
	pid_t pid;
	int n = 0, status;

	argv[n++] = "jupyssh";
	argv[n++] = "hook";
	if (plan.args.config[0] != '\0') {
		argv[n++] = "-F";
		argv[n++] = plan.args.config;
	}
	argv[n++] = plan.args.host;
	argv[n++] = (char *)control;
	argv[n] = NULL;
	if (posix_spawn_file_actions_init(&fa) != 0)
		return;
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (posix_spawn(&pid, helper, &fa, NULL, argv, environ) == 0)
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	posix_spawn_file_actions_destroy(&fa);
}

static int
is_top_level(const char *path)
{
	if (plan.args.config[0] != '\0')
		return strcmp(path, plan.args.config) == 0;
	return strcmp(path, plan.top) == 0;
}

/*
 * The passwd home, as ssh uses it. Without -F, the first config ssh opens
 * is that home's .ssh/config: the home is in its path, and another passwd
 * lookup is saved.
 */
static int
find_home(const char *path)
{
	struct passwd *pw;
	size_t n;

	if (plan.args.config[0] == '\0' && path != NULL &&
	    (n = strlen(path)) > USER_CONFIG_LEN &&
	    n - USER_CONFIG_LEN < sizeof(plan.home)) {
		memcpy(plan.home, path, n - USER_CONFIG_LEN);
		plan.home[n - USER_CONFIG_LEN] = '\0';
		return 0;
	}
	if ((pw = getpwuid(getuid())) == NULL || pw->pw_dir == NULL ||
	    snprintf(plan.home, sizeof(plan.home), "%s", pw->pw_dir) >=
	    (int)sizeof(plan.home))
		return -1;
	return 0;
}

static void
make_plan(const char *path)
{
	const char *host = plan.parsed ? plan.args.host : NULL, *why;
	char helper[PATH_MAX], session[PATH_MAX];
	int n, joining;

	plan.made = 1;
	if (find_home(path) == -1) {
		plan.off = 1;
		return;
	}
	n = snprintf(plan.top, sizeof(plan.top), "%s" USER_CONFIG, plan.home);
	if (n < 0 || (size_t)n >= sizeof(plan.top)) {
		plan.off = 1;
		return;
	}
	options_init(&plan.opts);
	reader_init(&plan.reader, host, plan.home, &plan.opts);
	if (config_resolve(&plan.reader, plan.args.config[0] != '\0' ?
	    plan.args.config : NULL) != 0)
		return;		/* reported; Jupyter lines are hidden, no more */
	options_fill_defaults(&plan.opts);
	/* The helper's own ssh calls must not start anything again. */
	if (getenv("JUPYSSH_INNER") != NULL || host == NULL ||
	    !wants_notebook(&plan.args, &plan.opts))
		return;
	if (!host_is_plain(host)) {
		fprintf(stderr, "jupyssh: %s: host name \"%s\" has characters "
		    "jupyssh cannot pass on; not starting the notebook\n",
		    plan.opts.port_origin, host);
		return;
	}
	if (find_helper(helper, sizeof(helper)) == -1) {
		fprintf(stderr, "jupyssh: %s: cannot find the jupyssh helper "
		    "next to libjupyssh.so (set JUPYSSH_HELPER)\n",
		    plan.opts.port_origin);
		return;
	}
	if ((why = translate_refusal(&plan.args, &plan.opts, helper)) != NULL) {
		fprintf(stderr, "jupyssh: %s: %s has control characters; not "
		    "starting the notebook\n", host, why);
		return;
	}
	joining = live_session(session, sizeof(session));
	plan.block = translate(&plan.args, &plan.opts, helper,
	    choose_local_port(joining));
	if (joining && plan.block != NULL && !plan.args.dump_config)
		run_hook_for_joining(helper, session);
	if (plan.block != NULL && !plan.args.dump_config &&
	    forward_outlives_session(&plan.opts))
		hangup_mark_children();
}

FILE *
plan_fopen(const char *path, const char *mode, fopen_fn *real)
{
	struct stat st;
	FILE *f = NULL;
	int candidate, saved_errno = errno, top;

	if (plan.args.config[0] != '\0')
		candidate = strcmp(path, plan.args.config) == 0 &&
		    strcasecmp(path, "none") != 0;
	else {
		size_t n = strlen(path);

		candidate = n >= USER_CONFIG_LEN &&
		    strcmp(path + n - USER_CONFIG_LEN, USER_CONFIG) == 0;
	}
	/* Plan only at the config: earlier fopens may be inside nss. */
	if (!plan.made && candidate)
		make_plan(path);
	if (!plan.made || plan.off) {
		errno = saved_errno;
		return real(path, mode);
	}
	top = candidate && is_top_level(path);
	if (top)
		f = present_config(path, plan.block, plan.args.config[0] == '\0',
		    &plan.reader, real);
	else if (plan.reader.nmarked > 0 && stat(path, &st) == 0 &&
	    reader_is_marked(&plan.reader, st.st_dev, st.st_ino))
		f = present_config(path, NULL, 1, &plan.reader, real);
	else {
		errno = saved_errno;
		return real(path, mode);
	}
	if (f != NULL)
		errno = saved_errno;
	return f;
}

