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

#include "../common/translate.h"
#include "commands.h"
#include "forward.h"
#include "keeper.h"
#include "nodehop.h"
#include "notice.h"
#include "ports.h"
#include "endings.h"
#include "progress.h"
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

/* A line on stdout, for scripts: its write checked. */
static int
put_line(const char *line)
{
	if (printf("%s\n", line) < 0 || fflush(stdout) == EOF) {
		warnx_("stdout: write error");
		return -1;
	}
	return 0;
}

/* The one line a user waits for; the URL also goes to local state. */
void
print_ready(int fd, const char *host, int local_port, const char *token,
    const char *how, const char *browser)
{
	char *url = make_url(local_port, token);

	if (url == NULL)
		return;
	state_write(host, STATE_URL, url);
	say_on(fd, "jupyssh: notebook on %s %s: %s", host,
	    strcmp(how, "reused") == 0 ? "running" : "ready", url);
	if (strcmp(how, "started") == 0)
		open_browser(host, browser, url);
	free(url);
}

/* The port and token of the URL printed last (make_url's form); 0 if any. */
int
last_url(const char *host, int *port, char token[128])
{
	char *url = state_read(host, STATE_URL);
	int n;

	n = url == NULL ? 0 : sscanf(url, "http://127.0.0.1:%d/?token=%127s",
	    port, token);
	free(url);
	return n == 2 ? 0 : -1;
}

/* The local port of the URL printed last, else the configured one. */
int
local_port_of(const char *host, int configured)
{
	char token[128];
	int port;

	return last_url(host, &port, token) == 0 ? port : configured;
}

/* path (malloc'd, or NULL) if a master answers on it, else NULL. */
static char *
answering(const char *host, char *path)
{
	struct conn c;

	memset(&c, 0, sizeof(c));
	c.host = host;
	c.control = path;
	if (ssh_master_answers(&c))
		return path;
	free(path);
	return NULL;
}

/* A live master for the host: ours from "start", or the ssh session's. */
static char *
live_master(const char *host)
{
	char path[PATH_MAX], *p = NULL;

	if (state_path(host, STATE_CTL, path, sizeof(path)) == 0)
		p = answering(host, strdup(path));
	return p != NULL ? p : answering(host, state_read(host, STATE_SESSION));
}

void
connect_to(struct conn *c, const struct host_config *hc)
{
	memset(c, 0, sizeof(*c));
	c->host = hc->host;
	c->config = hc->ssh_config;
	c->control = live_master(hc->host);
	c->batch = !isatty(0);
}

int
cmd_start(struct host_config *hc)
{
	const char *host = hc->host;
	struct remote_result res;
	struct conn c;
	char token[64], ctl[PATH_MAX], err[512], *url;
	int started_master = 0, local_port, progress;
	int fd;

	if (random_token(token, sizeof(token)) == -1) {
		warnx_("%s: no random bytes for a token", host);
		return 1;
	}
	keeper_tell_down(2, host);
	notice_pending(2, host);
	/* Concurrent starts for one host wait here, then share a master. */
	if ((fd = state_lock(host)) == -1) {
		warnx_("%s: cannot lock the local state folder", host);
		return 1;
	}
	connect_to(&c, hc);
	if (c.control == NULL) {
		if (state_path(host, STATE_CTL, ctl, sizeof(ctl)) == -1 ||
		    strlen(ctl) >= 100) {
			warnx_("%s: state folder path too long for a control "
			    "socket", host);
			return 1;
		}
		unlink(ctl);
		c.control = strdup(ctl);
		if (ssh_start_master(&c, NULL) == -1) {
			char *why = state_last_line(host, STATE_LOG);

			warnx_("%s: ssh failed: %s", host, why ? why :
			    "no reason given");
			free(why);
			return 1;
		}
		started_master = 1;
	}
	local_port = hc->opts.local_port;
	/* A line that counts the seconds, on a terminal only. */
	if ((progress = isatty(2)))
		remote_progress(2, host);
	remote_notes(2, host);
	if (remote_run(&c, "start", &hc->opts, token, &res) == -1 ||
	    ensure_forward(&c, hc, &res, 0, &local_port, 2, err,
	    sizeof(err)) == -1) {
		if (progress)
			finish_progress(host, "failed");
		warnx_("%s: %s", host, res.kind == RESULT_ERROR ?
		    res.detail : err);
		if (started_master) {
			ssh_control(&c, "exit");
			unlink(ctl);
		}
		return 1;
	}
	close(fd);
	if ((url = make_url(local_port, res.token)) == NULL)
		return 1;
	state_write(host, STATE_URL, url);
	if (progress)
		finish_progress(host, "ready");
	notice_ended(2, host, &res);
	notice_walltime(2, host, &res);
	if (put_line(url) == -1)
		return 1;
	if (strcmp(res.how, "started") == 0)
		open_browser(host, hc->opts.browser, url);
	free(url);
	ports_sync(&c, hc, NULL, 0, 2);
	keeper_start(hc);
	return 0;
}

int
cmd_stop(struct host_config *hc)
{
	const char *host = hc->host;
	struct remote_result res;
	struct forward f;
	struct conn c, m;
	char ctl[PATH_MAX], configured[32], *session;

	/* First what would bring the forward back, then the ports beside. */
	keeper_stop(host);
	ports_cancel_all(host);
	connect_to(&c, hc);
	if (remote_run(&c, "stop", &hc->opts, NULL, &res) == -1) {
		warnx_("%s: %s", host, res.detail);
		return 1;
	}
	/* The forwards to it go too: our background master, the session's. */
	if (state_path(host, STATE_CTL, ctl, sizeof(ctl)) == 0 &&
	    access(ctl, F_OK) == 0) {
		m = c;
		m.control = ctl;
		ssh_control(&m, "exit");
		unlink(ctl);
	}
	if ((session = state_read(host, STATE_SESSION)) != NULL) {
		m = c;
		m.control = session;
		snprintf(configured, sizeof(configured), "127.0.0.1:%d",
		    hc->opts.port);
		if (access(session, F_OK) == 0) {
			ssh_forward(&m, "cancel", hc->opts.local_port,
			    configured);
			if (forward_recorded(host, &f) == 0)
				ssh_forward(&m, "cancel", f.port, f.target);
			/*
			 * Kept on for the forward (ControlPersist): it ends
			 * once the sessions still open on it have.
			 */
			if (forward_outlives_session(&hc->opts))
				ssh_control(&m, "stop");
		}
		free(session);
	}
	node_conn_end(host);
	state_remove(host, STATE_URL);
	state_remove(host, STATE_FORWARD);
	if (res.stopped_none)
		warnx_("%s: no notebook of jupyssh's was running", host);
	else
		warnx_("%s: notebook stopped (pid %ld)", host, res.pid);
	return 0;
}

/*
 * The forward in words: "forwarded" when proven, else what the keeper is
 * doing about it, "reconnecting (attempt N, next in S s)" or "down (why)",
 * else "not forwarded".
 */
void
forward_state(const char *host, int forwarded, char *buf, size_t len)
{
	if (forwarded)
		snprintf(buf, len, "forwarded");
	else if (keeper_says(host, buf, len) == -1 ||
	    strcmp(buf, "forwarded") == 0)
		snprintf(buf, len, "not forwarded");
}

static int
remote_status(const struct host_config *hc, struct remote_result *res)
{
	struct conn c;
	int rc = 0;

	connect_to(&c, hc);
	c.connect_timeout = LOOK_CONNECT_TIMEOUT;
	if (remote_run(&c, "status", &hc->opts, NULL, res) == -1) {
		warnx_("%s: %s", hc->host, res->detail);
		rc = -1;
	}
	free((char *)c.control);
	return rc;
}

int
cmd_url(struct host_config *hc)
{
	const char *host = hc->host;
	struct remote_result res;
	char *url;
	int local, rc;

	keeper_tell_down(2, host);
	notice_pending(2, host);
	if (remote_status(hc, &res) == -1)
		return 1;
	if (res.kind != RESULT_RUNNING) {
		warnx_("%s: no notebook running (jupyssh start %s)", host,
		    host);
		return 1;
	}
	/* No URL that names a port we cannot prove is our forward. */
	if (!forward_proven(host, &res, &local)) {
		warnx_("%s: the notebook runs, but no forward of ours reaches "
		    "it (jupyssh start %s)", host, host);
		return 1;
	}
	if ((url = make_url(local, res.token)) == NULL)
		return 1;
	notice_walltime(2, host, &res);
	rc = put_line(url) == -1;
	free(url);
	return rc;
}

int
cmd_status(struct host_config *hc)
{
	const char *host = hc->host;
	struct remote_result res;
	char where[PATH_MAX + 16], fwd[320], says[288];
	int forwarded, local;

	keeper_tell_down(2, host);
	notice_pending(2, host);
	if (remote_status(hc, &res) == -1)
		return 1;
	if (res.kind == RESULT_PENDING) {
		printf("%s: job %ld %s %s\n", host, res.pid, res.state,
		    res.detail);
		return fflush(stdout) == EOF ? 1 : 3;
	}
	if (res.kind != RESULT_RUNNING) {
		printf("%s: stopped\n", host);
		fflush(stdout);
		notice_ended(2, host, &res);
		return fflush(stdout) == EOF ? 1 : 3;
	}
	if (!(forwarded = forward_proven(host, &res, &local)))
		local = local_port_of(host, hc->opts.local_port);
	/* "(not forwarded)", and what is being done about it, if anything. */
	forward_state(host, forwarded, says, sizeof(says));
	snprintf(fwd, sizeof(fwd), "(%s)%s%s", forwarded ? "forwarded" :
	    "not forwarded", strcmp(says, "not forwarded") != 0 && !forwarded ?
	    ", " : "", strcmp(says, "not forwarded") != 0 && !forwarded ?
	    says : "");
	if (res.sock[0] != '\0')
		snprintf(where, sizeof(where), "socket %s", res.sock);
	else
		snprintf(where, sizeof(where), "remote port %d", res.port);
	if (strcmp(res.node, "-") != 0)
		printf("%s: running, job %ld on %s (%s), time left %s, %s, "
		    "folder %s, local port %d %s\n", host, res.pid, res.node,
		    res.addr, res.left, where, res.detail[0] ? res.detail : "?",
		    local, fwd);
	else
		printf("%s: running, pid %ld, %s, folder %s, local port %d "
		    "%s\n", host, res.pid, where,
		    res.detail[0] ? res.detail : "?", local, fwd);
	ports_status(host);
	if (fflush(stdout) == EOF)
		return 1;
	notice_walltime(2, host, &res);
	return 0;
}
