/*
 * jupyssh: the user's commands, and the entry point ssh runs as the
 * LocalCommand that libjupyssh.so adds.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/hostname.h"
#include "commands.h"
#include "doctor.h"
#include "state.h"
#include "util.h"
#include "vis.h"

static const char usage_text[] =
    "usage: jupyssh start host     start the notebook, forward it, print "
    "its URL\n"
    "       jupyssh stop host      stop the notebook jupyssh started\n"
    "       jupyssh url host       print the notebook's URL\n"
    "       jupyssh status host    say whether it runs\n"
    "       jupyssh list [--json]  every configured host's notebook\n"
    "       jupyssh log [-f] host  the notebook's log on the remote\n"
    "       jupyssh -G host        the settings that apply to host\n"
    "       jupyssh doctor host [--json]\n"
    "                              check every link to a working URL\n"
    "       jupyssh proxy [-J jump] [-t secs] host port [alias]\n"
    "                              ProxyCommand mode, without the library\n"
    "       jupyssh --help | --version\n";

static void
usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

/*
 * What the state module has to say: "jupyssh: WHAT: WHY", WHAT (a name as
 * typed, a path from the environment) with its control characters shown.
 */
static void
report(const char *what, const char *why)
{
	char shown[PATH_MAX];

	vis_text(shown, sizeof(shown), what, strlen(what), 0);
	warnx_("%s: %s", shown, why);
}

/* Every command that names a host checks it here; the state module too. */
static const char *
host_arg(const char *host)
{
	if (!host_name_ok(host)) {
		report(host, "not a valid host name");
		exit(2);
	}
	return host;
}

/* The host's settings live as long as the command that uses them. */
static int
run_for_host(int (*run)(struct host_config *), const char *host)
{
	struct host_config hc;
	int rc;

	if (state_check() == -1 || load_host(&hc, host, NULL) == -1)
		return 1;
	if (hc.opts.port == 0) {
		warnx_("%s: no JupyterPort for this host (see "
		    "~/.ssh/jupyter_config)", host);
		rc = 1;
	} else
		rc = run(&hc);
	options_free(&hc.opts);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		(*run)(struct host_config *);
	} commands[] = {
		{ "start",	cmd_start },
		{ "stop",	cmd_stop },
		{ "url",	cmd_url },
		{ "status",	cmd_status },
		{ NULL,		NULL }
	};
	int i;

	if (argc < 2)
		usage();
	/* Our own ssh calls must not start notebooks again. */
	setenv("JUPYSSH_INNER", "1", 1);
	state_init(home_dir(), report);
	if (strcmp(argv[1], "--version") == 0) {
		printf("jupyssh %s\n", JUPYSSH_VERSION);
		return fflush(stdout) == EOF;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, stdout);
		return fflush(stdout) == EOF;
	}
	/* ssh goes on without a notebook if the state folder is not safe. */
	if (strcmp(argv[1], "hook") == 0)
		return state_check() == -1 ? 1 : cmd_hook(argc - 1, argv + 1);
	if (strcmp(argv[1], "proxy") == 0)
		return cmd_proxy(argc - 1, argv + 1);
	/* The supervisor of a forward, started by the helper itself. */
	if (strcmp(argv[1], "keep") == 0)
		return state_check() == -1 ? 1 : cmd_keep(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return cmd_list(argc - 1, argv + 1);
	if (strcmp(argv[1], "log") == 0) {
		if (argc < 3 || argv[argc - 1][0] == '-')
			usage();
		host_arg(argv[argc - 1]);
		return cmd_log(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "doctor") == 0) {
		if (argc < 3 || argc > 4)
			usage();
		host_arg(argv[argc == 4 && strcmp(argv[2], "--json") == 0 ?
		    3 : 2]);
		return cmd_doctor(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "-G") == 0) {
		if (argc != 3)
			usage();
		return cmd_settings(host_arg(argv[2]));
	}
	for (i = 0; commands[i].name != NULL; i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			if (argc != 3 || argv[2][0] == '-')
				usage();
			return run_for_host(commands[i].run, host_arg(argv[2]));
		}
	warnx_("unknown command \"%s\"", argv[1]);
	usage();
	return 2;
}
