/*
 * "jupyssh keep HOST": one small supervisor per host that keeps the URL it
 * printed working for as long as the notebook runs (JupyterForward
 * notebook). It holds no terminal and never prompts.
 *
 * Every second it looks at the forward proven ours (forward.c: the master
 * recorded still holds the port): /proc only, no process. When that no
 * longer holds (the master died: a reset, or keepalives unanswered after
 * a blackhole, or the login it rode on ended), it heals, one attempt per
 * step of a capped backoff: a live master of ours or the session's if one
 * answers, else a new one of its own (BatchMode: keys, agent, GSSAPI, never
 * a person); the remote is asked with mode "status" only, never "start",
 * so no second notebook is ever made; the token must be the one of the
 * URL printed last; and the forward comes back on that very port, proven
 * ours before the token goes through it. Authentication that needs a
 * person ends the attempts (no prompt storm, no lockout): the forward is
 * down, and the next command says so once. A notebook that ended ends it
 * (a job's forward goes with the job: nodehop.c), quietly: the remote's
 * record of how it ended is what the next command says.
 *
 * While the forward holds it also keeps the ports beside it
 * (JupyterForwardPorts, ports.c): a look every few seconds.
 *
 * Its state is the file "keep" (keepstate.c). "jupyssh stop" ends it, by a
 * pid proven to be this very command (its /proc cmdline), never a stranger.
 */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/hostname.h"
#include "../common/number.h"
#include "../common/translate.h"
#include "commands.h"
#include "endings.h"
#include "forward.h"
#include "keeper.h"
#include "listener.h"
#include "ports.h"
#include "remote.h"
#include "spawn.h"
#include "state.h"
#include "util.h"

#define TICK_MS		1000	/* how often the forward is looked at */
#define BACKOFF_CAP	5	/* seconds between attempts, at most */
#define STOP_WAIT_MS	30000	/* for a keeper in the middle of an attempt */
#define WATCH_TICKS	3	/* JupyterForwardPorts: a look every 3 ticks */

/* A reconnect gives up soon on a link still down (keepalives: control.c). */
static const char *const master_options[] = {
	"ConnectTimeout=5",
	NULL
};

/* Starts the host's keeper unless one runs. 0, or -1 if it cannot be. */
int
keeper_start(const struct host_config *hc)
{
	const char *argv[8];
	struct keep_state k;
	char self[PATH_MAX];
	int n = 0;

	if (!forward_outlives_session(&hc->opts))
		return 0;
	if (keep_read(hc->host, &k) == 0 && is_keeper(k.pid, hc->host))
		return 0;
	if (self_exe(self, sizeof(self)) == -1)
		return -1;
	argv[n++] = self;
	argv[n++] = "keep";
	if (hc->ssh_config != NULL) {
		argv[n++] = "-F";
		argv[n++] = hc->ssh_config;
	}
	argv[n++] = hc->host;
	argv[n] = NULL;
	return spawn_detached(argv, hc->host);
}

/* Ends the host's keeper, if one runs, and waits until it has gone. */
void
keeper_stop(const char *host)
{
	struct timespec nap = { 0, 50 * 1000 * 1000 };
	struct keep_state k;
	long deadline;

	if (keep_read(host, &k) == 0 && is_keeper(k.pid, host)) {
		kill((pid_t)k.pid, SIGTERM);
		deadline = monotonic_ms() + STOP_WAIT_MS;
		while (is_keeper(k.pid, host) && monotonic_ms() < deadline)
			nanosleep(&nap, NULL);
		if (is_keeper(k.pid, host))
			kill((pid_t)k.pid, SIGKILL);
	}
	state_remove(host, STATE_KEEP);
}

static volatile sig_atomic_t healing, stopping;

/* Between attempts it just goes; in one, it finishes it first. */
static void
on_term(int sig)
{
	(void)sig;
	if (!healing)
		_exit(0);
	stopping = 1;
}

static int
proven(const char *host)
{
	struct forward f;

	return forward_recorded(host, &f) == 0 && listener_is(f.port, f.master);
}

/* FINISHED: the notebook ended, and with it what there was to keep. */
enum heal { HEALED, RETRY, DOWN, ENDED, FINISHED };

/* ssh's last words on why it could not log in: can a retry help? */
static enum heal
login_failed(const char *host, char *why, size_t len)
{
	char *last = state_last_line(host, STATE_LOG);
	enum heal r = RETRY;

	if (last != NULL && (strstr(last, "Permission denied") != NULL ||
	    strstr(last, "Too many authentication failures") != NULL)) {
		snprintf(why, len, "needs a password or a key");
		r = DOWN;
	} else if (last != NULL && (strstr(last, "Host key verification "
	    "failed") != NULL || strstr(last, "HOST IDENTIFICATION") != NULL)) {
		snprintf(why, len, "the host key is not known or has changed");
		r = DOWN;
	} else
		snprintf(why, len, "cannot reach %s", host);
	free(last);
	return r;
}

/* A master that answers on path, in c. */
static int
answers(struct conn *c, const char *path)
{
	c->control = path;
	return ssh_master_answers(c);
}

/* One attempt to bring the forward of the URL back; why it failed. */
static enum heal
heal(const struct host_config *hc, char *why, size_t len)
{
	struct remote_result res;
	char ctl[PATH_MAX], token[128], *session;
	struct conn c;
	enum heal r;
	int port;

	if (last_url(hc->host, &port, token) == -1) {
		snprintf(why, len, "no URL to keep");
		return ENDED;
	}
	memset(&c, 0, sizeof(c));
	c.host = hc->host;
	c.config = hc->ssh_config;
	c.batch = 1;		/* never a prompt */
	if (state_path(hc->host, STATE_CTL, ctl, sizeof(ctl)) == -1 ||
	    strlen(ctl) >= 100) {
		snprintf(why, len, "state folder path too long for a control "
		    "socket");
		return DOWN;
	}
	/* An authenticated connection still up: no new login. */
	session = state_read(hc->host, STATE_SESSION);
	if (!answers(&c, ctl) && !answers(&c, session)) {
		unlink(ctl);
		c.control = ctl;
		if (ssh_start_master(&c, master_options) == -1) {
			free(session);
			return login_failed(hc->host, why, len);
		}
		warnx_("%s: reconnected", hc->host);
	}
	r = RETRY;
	if (remote_run(&c, "status", &hc->opts, NULL, &res) == -1)
		snprintf(why, len, "%.200s", res.detail);
	else if (res.kind == RESULT_STOPPED) {
		snprintf(why, len, "the notebook ended");
		r = FINISHED;
	} else if (res.kind != RESULT_RUNNING)
		snprintf(why, len, "the job is %s", res.state);
	else if (strcmp(res.token, token) != 0) {
		/* Not the notebook of the URL: it is not ours to forward. */
		snprintf(why, len, "another notebook runs there now");
		r = ENDED;
	} else if (forward_again(&c, hc->host, &res, port, why, len) == 0)
		r = HEALED;
	free(session);
	return r;
}

static void
keep_usage(void)
{
	fprintf(stderr, "usage: jupyssh keep [-F ssh_config] host\n");
	exit(2);
}

/* The keeper itself; it runs detached (keeper_start), until stopped. */
int
cmd_keep(int argc, char **argv)
{
	struct timespec tick = { TICK_MS / 1000, TICK_MS % 1000 * 1000000L };
	struct host_config hc;
	const char *config = NULL, *host;
	char lock[PATH_MAX], why[256], ctl[PATH_MAX];
	long attempt = 0, delay, next, reminded = 0;
	int ch, fd, start_lock, said = 0, watch = 0;
	enum heal r = RETRY;
	struct conn c;

	while ((ch = getopt(argc, argv, "F:")) != -1) {
		if (ch != 'F')
			keep_usage();
		config = optarg;
	}
	if (argc - optind != 1 || !host_name_ok(argv[optind]))
		keep_usage();
	host = argv[optind];
	if (load_host(&hc, host, config) == -1 || hc.opts.port == 0)
		return 1;
	/* One keeper a host: the lock is held as long as it runs. */
	if (state_path(host, STATE_KEEP_LOCK, lock, sizeof(lock)) == -1 ||
	    (fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) == -1 || flock(fd, LOCK_EX | LOCK_NB) == -1)
		return 0;
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_term);
	while (!stopping) {
		walltime_remind(&hc, &reminded);
		if (proven(host)) {
			if (attempt > 0 || !said) {
				if (attempt > 0)
					warnx_("%s: forward back on its port",
					    host);
				keep_write(host, "forwarded");
				attempt = 0;
				said = 1;
				watch = 0;
			}
			/* The ports beside it; a stop waits for the look. */
			if (watch++ % WATCH_TICKS == 0) {
				healing = 1;
				ports_watch(&hc);
				healing = 0;
				if (stopping)
					break;
			}
			nanosleep(&tick, NULL);
			continue;
		}
		said = 0;
		if (attempt++ == 0)
			warnx_("%s: forward lost; reconnecting", host);
		keep_write(host, "reconnecting %ld %ld now", attempt,
		    (long)time(NULL));
		healing = 1;
		start_lock = state_lock(host);
		r = proven(host) ? HEALED : heal(&hc, why, sizeof(why));
		if (start_lock != -1)
			close(start_lock);
		healing = 0;
		if (r == HEALED)
			continue;
		/*
		 * Not a forward down: the next command says how it ended. The
		 * master stays for that command (status, start) to use.
		 */
		if (r == FINISHED) {
			state_remove(host, STATE_KEEP);
			break;
		}
		if (r == DOWN || r == ENDED) {
			warnx_("%s: forward down: %s", host, why);
			keep_write(host, "down %ld 0 %s", (long)time(NULL), why);
			break;
		}
		delay = attempt < 4 ? 1L << (attempt - 1) : BACKOFF_CAP;
		if (delay > BACKOFF_CAP)
			delay = BACKOFF_CAP;
		next = (long)time(NULL) + delay;
		keep_write(host, "reconnecting %ld %ld %s", attempt, next, why);
		while (!stopping && (long)time(NULL) < next && !proven(host))
			nanosleep(&tick, NULL);
	}
	/* A notebook that ended, or a stop in the middle: no master left. */
	if ((r == ENDED || stopping) && state_path(host, STATE_CTL, ctl,
	    sizeof(ctl)) == 0 && access(ctl, F_OK) == 0) {
		memset(&c, 0, sizeof(c));
		c.host = host;
		c.control = ctl;
		ssh_control(&c, "exit");
		unlink(ctl);
	}
	options_free(&hc.opts);
	return 0;
}
