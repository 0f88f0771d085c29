/*
 * The user's commands: start, stop, url, status. Each finds the host's
 * settings, a way to reach it (a live control master if there is one,
 * else a new ssh that may prompt as ssh does), and runs remote.sh there.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "remote.h"
#include "state.h"
#include "util.h"

int
load_host(struct host_config *hc, const char *host, const char *ssh_config)
{
	struct config_reader r;

	memset(hc, 0, sizeof(*hc));
	hc->host = host;
	hc->ssh_config = ssh_config;
	options_init(&hc->opts);
	if (home_dir() == NULL) {
		warnx_("cannot find the home directory of uid %ld",
		    (long)getuid());
		return -1;
	}
	reader_init(&r, host, home_dir(), &hc->opts);
	if (config_resolve(&r, ssh_config) == -1) {
		reader_free(&r);
		return -1;
	}
	reader_free(&r);
	options_fill_defaults(&hc->opts);
	return 0;
}

char *
make_url(int local_port, const char *token)
{
	char *url;

	if (asprintf(&url, "http://127.0.0.1:%d/?token=%s", local_port,
	    token) == -1)
		return NULL;
	return url;
}

/* The one line a user waits for; the URL also goes to local state. */
void
print_ready(int fd, const char *host, int local_port, const char *token,
    const char *how)
{
	char *url = make_url(local_port, token);

	if (url == NULL)
		return;
	state_write(host, "url", url);
	say_on(fd, "jupyssh: notebook on %s %s: %s", host,
	    strcmp(how, "reused") == 0 ? "running" : "ready", url);
	free(url);
}

static int
need_port(const struct host_config *hc)
{
	if (hc->opts.port != 0)
		return 0;
	warnx_("%s: no JupyterPort for this host (see ~/.ssh/jupyter_config)",
	    hc->host);
	return -1;
}

/* A live master for the host: ours from "start", or the ssh session's. */
static char *
live_master(const char *host)
{
	static const char *const kinds[] = { "ctl", "session", NULL };
	struct conn c;
	char path[PATH_MAX], *p;
	int i;

	for (i = 0; kinds[i] != NULL; i++) {
		if (strcmp(kinds[i], "ctl") == 0) {
			if (state_path(host, "ctl", path, sizeof(path)) == -1)
				continue;
			p = strdup(path);
		} else if ((p = state_read(host, kinds[i])) == NULL)
			continue;
		if (p == NULL || access(p, F_OK) == -1) {
			free(p);
			continue;
		}
		memset(&c, 0, sizeof(c));
		c.host = host;
		c.control = p;
		if (ssh_control(&c, "check") == 0)
			return p;
		free(p);
	}
	return NULL;
}

static void
connect_to(struct conn *c, const struct host_config *hc)
{
	memset(c, 0, sizeof(*c));
	c->host = hc->host;
	c->config = hc->ssh_config;
	c->control = live_master(hc->host);
	c->batch = !isatty(0);
}

int
cmd_start(const char *host)
{
	struct host_config hc;
	struct remote_result res;
	struct conn c;
	char token[64], ctl[PATH_MAX], *url;
	int started_master = 0;

	if (load_host(&hc, host, NULL) == -1 || need_port(&hc) == -1)
		return 1;
	if (random_token(token, sizeof(token)) == -1) {
		warnx_("%s: no random bytes for a token", host);
		return 1;
	}
	connect_to(&c, &hc);
	if (c.control == NULL) {
		if (state_path(host, "ctl", ctl, sizeof(ctl)) == -1 ||
		    strlen(ctl) >= 100) {
			warnx_("%s: state folder path too long for a control "
			    "socket", host);
			return 1;
		}
		if (!port_is_free(hc.opts.local_port)) {
			warnx_("%s: local port %d is in use by another program",
			    host, hc.opts.local_port);
			return 1;
		}
		unlink(ctl);
		c.control = strdup(ctl);
		if (ssh_start_master(&c, hc.opts.local_port,
		    hc.opts.port) == -1) {
			char *why = state_last_line(host, "log");

			warnx_("%s: ssh failed: %s", host, why ? why :
			    "no reason given");
			free(why);
			return 1;
		}
		started_master = 1;
	}
	if (remote_run(&c, "start", &hc.opts, token, &res) == -1) {
		warnx_("%s: %s", host, res.detail);
		if (started_master)
			ssh_control(&c, "exit");
		return 1;
	}
	if ((url = make_url(hc.opts.local_port, res.token)) == NULL)
		return 1;
	state_write(host, "url", url);
	if (printf("%s\n", url) < 0 || fflush(stdout) == EOF) {
		warnx_("stdout: write error");
		return 1;
	}
	free(url);
	return 0;
}

int
cmd_stop(const char *host)
{
	struct host_config hc;
	struct remote_result res;
	struct conn c;
	char ctl[PATH_MAX], *session;

	if (load_host(&hc, host, NULL) == -1 || need_port(&hc) == -1)
		return 1;
	connect_to(&c, &hc);
	if (remote_run(&c, "stop", &hc.opts, NULL, &res) == -1) {
		warnx_("%s: %s", host, res.detail);
		return 1;
	}
	/* The forwards to it go too: our background master, the session's. */
	if (state_path(host, "ctl", ctl, sizeof(ctl)) == 0 &&
	    access(ctl, F_OK) == 0) {
		struct conn m = c;

		m.control = ctl;
		ssh_control(&m, "exit");
		unlink(ctl);
	}
	if ((session = state_read(host, "session")) != NULL) {
		struct conn m = c;

		m.control = session;
		if (access(session, F_OK) == 0)
			ssh_forward(&m, "cancel", hc.opts.local_port,
			    hc.opts.port);
		free(session);
	}
	state_remove(host, "url");
	if (strcmp(res.detail, "none") == 0)
		warnx_("%s: no notebook of jupyssh's was running", host);
	else
		warnx_("%s: notebook stopped (pid %s)", host, res.detail);
	return 0;
}

static int
remote_status(const char *host, struct host_config *hc,
    struct remote_result *res)
{
	struct conn c;

	if (load_host(hc, host, NULL) == -1 || need_port(hc) == -1)
		return -1;
	connect_to(&c, hc);
	if (remote_run(&c, "status", &hc->opts, NULL, res) == -1) {
		warnx_("%s: %s", host, res->detail);
		return -1;
	}
	return 0;
}

int
cmd_url(const char *host)
{
	struct host_config hc;
	struct remote_result res;
	char *url;

	if (remote_status(host, &hc, &res) == -1)
		return 1;
	if (strcmp(res.kind, "running") != 0) {
		warnx_("%s: no notebook running (jupyssh start %s)", host,
		    host);
		return 1;
	}
	if ((url = make_url(hc.opts.local_port, res.token)) == NULL)
		return 1;
	if (printf("%s\n", url) < 0 || fflush(stdout) == EOF) {
		warnx_("stdout: write error");
		return 1;
	}
	free(url);
	return 0;
}

int
cmd_status(const char *host)
{
	struct host_config hc;
	struct remote_result res;
	int forwarded;

	if (remote_status(host, &hc, &res) == -1)
		return 1;
	if (strcmp(res.kind, "running") != 0) {
		printf("%s: stopped\n", host);
		return fflush(stdout) == EOF ? 1 : 3;
	}
	forwarded = http_ok(hc.opts.local_port, "/api/status", res.token);
	printf("%s: running, pid %ld, remote port %d, folder %s, "
	    "local port %d (%s)\n", host, res.pid, res.port,
	    res.detail[0] ? res.detail : "?", hc.opts.local_port,
	    forwarded ? "forwarded" : "not forwarded");
	return fflush(stdout) == EOF ? 1 : 0;
}
