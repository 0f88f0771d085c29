/*
 * "jupyssh hook": the LocalCommand the shim adds. ssh waits for it and does
 * not serve its control socket or forwards until it returns, so it returns
 * at once and leaves the work to a detached worker. The worker talks to the
 * host through the session's own control master (no second login), and
 * tells the user on ssh's stderr, never on its stdout (the data stream of
 * "ssh host cmd", git and rsync).
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/number.h"
#include "../common/translate.h"
#include "commands.h"
#include "forward.h"
#include "keeper.h"
#include "notice.h"
#include "ports.h"
#include "endings.h"
#include "progress.h"
#include "remote.h"
#include "state.h"
#include "spawn.h"
#include "util.h"

static void
hook_usage(void)
{
	fprintf(stderr, "usage: jupyssh hook [-F ssh_config] [-p local_port] "
	    "host control_path\n");
	exit(2);
}

/* stdin and stdout on /dev/null, stderr into the host's log. */
int
become_worker(const char *host)
{
	int term, fd;

	if ((term = fcntl(2, F_DUPFD_CLOEXEC, 3)) == -1)
		return -1;
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		if (fd > 2)
			close(fd);
	}
	state_log_to_stderr(host);
	/* Nothing else of ssh's (its ProxyCommand pipes) stays open. */
	for (fd = 3; fd < 1024; fd++)
		if (fd != term)
			close(fd);
	return term;
}

/*
 * No URL came of this session: the master kept on for the forward
 * (ControlPersist, translate.c) has nothing to keep, and ends with the
 * sessions open on it rather than linger.
 */
static int
no_notebook(const struct conn *c, const struct host_config *hc)
{
	if (forward_outlives_session(&hc->opts))
		ssh_control(c, "stop");
	return 1;
}

int
run_worker(const char *host, const char *ssh_config, const char *control,
    int local_port, int term)
{
	struct host_config hc;
	struct remote_result res;
	struct conn c;
	char token[64], err[512], *ctl;

	if (load_host(&hc, host, ssh_config) == -1 || hc.opts.port == 0) {
		say_on(term, "jupyssh: %s: no JupyterPort for this host", host);
		return 1;
	}
	if (local_port == 0)
		local_port = hc.opts.local_port;
	if ((ctl = expand_tilde(control)) == NULL || random_token(token,
	    sizeof(token)) == -1) {
		say_on(term, "jupyssh: %s: out of resources", host);
		return 1;
	}
	state_write(host, STATE_SESSION, ctl);
	/* The forward the keeper gave up on: said once, here. */
	keeper_tell_down(term, host);
	notice_pending(term, host);
	memset(&c, 0, sizeof(c));
	c.host = host;
	c.config = ssh_config;
	c.control = ctl;
	c.batch = 1;
	remote_notes(term, host);
	if (remote_run(&c, "start", &hc.opts, token, &res) == -1) {
		say_on(term, "jupyssh: %s: %s", host, res.detail);
		return no_notebook(&c, &hc);
	}
	notice_ended(term, host, &res);
	/* The translated config forwards the configured port (translate.c). */
	if (ensure_forward(&c, &hc, &res, !hc.opts.socket &&
	    hc.opts.scheduler == SCHEDULER_NONE, &local_port, term, err,
	    sizeof(err)) == -1) {
		say_on(term, "jupyssh: %s: %s", host, err);
		return no_notebook(&c, &hc);
	}
	print_ready(term, host, local_port, res.token, res.how,
	    hc.opts.browser);
	/* JupyterForwardPorts: the fixed ones beside it, at once. */
	ports_sync(&c, &hc, NULL, 0, term);
	notice_walltime(term, host, &res);
	/* The URL outlives this session: something must keep it working. */
	keeper_start(&hc);
	return 0;
}

int
cmd_hook(int argc, char **argv)
{
	const char *config = NULL;
	int term, ch, local_port = 0;
	long v;

	while ((ch = getopt(argc, argv, "F:p:")) != -1) {
		switch (ch) {
		case 'F':
			config = optarg;
			break;
		case 'p':
			if (number_in(optarg, 1, 65535, &v) == -1)
				hook_usage();
			local_port = (int)v;
			break;
		default:
			hook_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		hook_usage();
	/* While ssh waits: which terminal is this session's (notice.c). */
	notice_register(argv[0]);
	/* ssh goes on at once; without a process there is no notebook. */
	if (detach() != 0)
		return 0;
	if ((term = become_worker(argv[0])) == -1)
		_exit(1);
	_exit(run_worker(argv[0], config, argv[1], local_port, term));
}
