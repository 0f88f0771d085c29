/*
 * Runs remote.sh on the host through ssh, preferably as a client of an
 * existing control master (no second authentication), and reads back its
 * one result line. The script and the token travel on ssh's stdin.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/readconf.h"
#include "remote.h"
#include "remote_sh.h"
#include "state.h"
#include "util.h"

#define MAX_ARGS	32

static const char *notes_host = "";

/* "jupyssh start" on a terminal: one line that counts while we wait. */
static struct {
	int		 fd;
	const char	*host;
	struct timespec	 t0;
} progress = { -1, NULL, { 0, 0 } };

static double
elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - progress.t0.tv_sec) +
	    (double)(now.tv_nsec - progress.t0.tv_nsec) / 1e9;
}

void
remote_progress(int fd, const char *host)
{
	progress.fd = fd;
	progress.host = host;
	clock_gettime(CLOCK_MONOTONIC, &progress.t0);
	dprintf(fd, "jupyssh: starting notebook on %s \u2026", host);
}

/*
 * Lines the remote script says while it waits ("jupyssh-progress job 4711
 * pending (Priority)"): shown as they come, on the progress line's
 * terminal or the worker's.
 */
static int progress_note_fd = -1;
static size_t progress_seen;

void
remote_notes(int fd)
{
	progress_note_fd = fd;
}

static void
show_notes(const char *out, size_t got)
{
	const char *p, *nl;

	if (progress_note_fd == -1)
		return;
	while (progress_seen < got &&
	    (nl = memchr(out + progress_seen, '\n', got - progress_seen)) !=
	    NULL) {
		p = out + progress_seen;
		if (strncmp(p, "jupyssh-progress ", 17) == 0) {
			if (progress.fd != -1)
				dprintf(progress.fd, "\r\033[K");
			say_on(progress_note_fd, "jupyssh: %s: %.*s",
			    notes_host, (int)(nl - p - 17), p + 17);
		}
		progress_seen = (size_t)(nl - out) + 1;
	}
}

static void
progress_tick(void)
{
	if (progress.fd != -1)
		dprintf(progress.fd, "\r\033[Kjupyssh: starting notebook on %s "
		    "\u2026 %.1f s", progress.host, elapsed());
}

/* The line's last state: "ready in 2.4 s", or "failed" before an error. */
void
finish_progress(const char *host, const char *how)
{
	if (progress.fd == -1)
		return;
	if (strcmp(how, "ready") == 0)
		dprintf(progress.fd, "\r\033[Kjupyssh: starting notebook on %s "
		    "\u2026 ready in %.1f s\n", host, elapsed());
	else
		dprintf(progress.fd, "\r\033[K");
	progress.fd = -1;
}

/* 'value', with ' written as '\'' : safe for any POSIX shell. */
static int
append_quoted(char **buf, size_t *len, const char *name, const char *value)
{
	size_t need = strlen(name) + 4 + strlen(value) * 4 + 1, n = *len;
	const char *p;
	char *b;

	if ((b = realloc(*buf, n + need + 1)) == NULL)
		return -1;
	n += (size_t)sprintf(b + n, "%s='", name);
	for (p = value; *p != '\0'; p++) {
		if (*p == '\'') {
			memcpy(b + n, "'\\''", 4);
			n += 4;
		} else
			b[n++] = *p;
	}
	b[n++] = '\'';
	b[n++] = '\n';
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

static char *
control_option(const struct conn *c)
{
	char *opt, *p;
	size_t n = 0;
	const char *s;

	if (c->control == NULL)
		return strdup("ControlPath=none");
	/* ssh expands %-tokens in ControlPath: keep a literal path literal. */
	for (s = c->control; *s != '\0'; s++)
		n += *s == '%' ? 2 : 1;
	if ((opt = malloc(n + sizeof("ControlPath="))) == NULL)
		return NULL;
	p = opt + sprintf(opt, "ControlPath=");
	for (s = c->control; *s != '\0'; s++) {
		*p++ = *s;
		if (*s == '%')
			*p++ = '%';
	}
	*p = '\0';
	return opt;
}

/* The common start of every ssh command line the helper runs. */
static int
base_args(const struct conn *c, const char **argv, char *control)
{
	const char *ssh = getenv("JUPYSSH_SSH");
	int n = 0;

	argv[n++] = ssh != NULL && *ssh != '\0' ? ssh : "ssh";
	argv[n++] = "-o";
	argv[n++] = control;
	argv[n++] = "-o";
	argv[n++] = "PermitLocalCommand=no";
	if (c->batch) {
		argv[n++] = "-o";
		argv[n++] = "BatchMode=yes";
	}
	if (c->config != NULL) {
		argv[n++] = "-F";
		argv[n++] = c->config;
	}
	return n;
}

/* Waits for pid until the deadline, then ends it; its exit status. */
static int
reap(pid_t pid, time_t deadline)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	int status;
	pid_t r;

	while ((r = waitpid(pid, &status, WNOHANG)) == 0) {
		if (time(NULL) >= deadline) {
			kill(pid, SIGTERM);
			waitpid(pid, &status, 0);
			return 255;
		}
		nanosleep(&nap, NULL);
	}
	if (r == -1)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

/*
 * Runs a background master (ssh -f): the process that stays holds
 * whatever stdout and stderr it was given, so they must not be pipes
 * anyone waits on. stdout goes to /dev/null, stderr to the host's log.
 * It gets a process group of its own, in the terminal's foreground while it
 * authenticates: its ProxyCommand is in that group, and a terminal that
 * closes later hangs up our group, not that one.
 */
static int
run_detached(const char **argv, const char *host, int timeout)
{
	void (*ttou)(int);
	pid_t pid;
	int fd, tty, rc;

	tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
	ttou = signal(SIGTTOU, SIG_IGN);
	if ((pid = fork()) == -1) {
		signal(SIGTTOU, ttou);
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		if (tty != -1)
			tcsetpgrp(tty, getpid());
		else
			setsid();
		signal(SIGTTOU, SIG_DFL);
		if ((fd = open("/dev/null", O_RDWR)) != -1)
			dup2(fd, 1);
		state_log_to_stderr(host);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	setpgid(pid, pid);
	if (tty != -1)
		tcsetpgrp(tty, pid);
	rc = reap(pid, time(NULL) + timeout);
	if (tty != -1) {
		tcsetpgrp(tty, getpgrp());
		close(tty);
	}
	signal(SIGTTOU, ttou);
	return rc;
}

/*
 * Runs argv with input on its stdin, its stdout into out (NUL-ended),
 * its stderr into the host's log. Gives up after timeout seconds.
 */
static int
run(const char **argv, const char *host, const char *input, char *out,
    size_t outlen, int timeout)
{
	int in[2] = { -1, -1 }, from[2] = { -1, -1 }, r;
	size_t got = 0, sent = 0, inlen = input ? strlen(input) : 0;
	struct pollfd pfd[2];
	time_t deadline = time(NULL) + timeout;
	pid_t pid;
	ssize_t n;

	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(from, O_CLOEXEC) == -1)
		goto fail;
	if ((pid = fork()) == -1)
		goto fail;
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(from[1], 1);
		state_log_to_stderr(host);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "jupyssh: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(from[1]);
	in[0] = from[1] = -1;
	if (inlen == 0) {
		close(in[1]);
		in[1] = -1;
	}
	while (from[0] != -1) {
		int left = (int)(deadline - time(NULL));

		if (left <= 0) {
			kill(pid, SIGTERM);
			break;
		}
		pfd[0].fd = from[0];
		pfd[0].events = POLLIN;
		pfd[1].fd = in[1];
		pfd[1].events = POLLOUT;
		if (poll(pfd, in[1] != -1 ? 2 : 1, progress.fd != -1 ? 200 :
		    left * 1000) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		progress_tick();
		if (in[1] != -1 && (pfd[1].revents & (POLLOUT | POLLERR |
		    POLLHUP))) {
			n = write(in[1], input + sent, inlen - sent);
			if (n > 0)
				sent += (size_t)n;
			if (n == -1 || sent == inlen) {
				close(in[1]);
				in[1] = -1;
			}
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(from[0], out + got, outlen - 1 - got);
			if (n <= 0 || got + (size_t)n >= outlen - 1) {
				if (n > 0)
					got += (size_t)n;
				close(from[0]);
				from[0] = -1;
			} else
				got += (size_t)n;
			show_notes(out, got);
		}
	}
	out[got] = '\0';
	if (in[1] != -1)
		close(in[1]);
	if (from[0] != -1)
		close(from[0]);
	return reap(pid, deadline + 5);
 fail:
	r = errno;
	close(in[0]); close(in[1]); close(from[0]); close(from[1]);
	errno = r;
	return -1;
}

static void
parse_result(const char *out, struct remote_result *res)
{
	const char *line = out, *p;
	char detail[sizeof(res->detail)];

	memset(res, 0, sizeof(*res));
	snprintf(res->kind, sizeof(res->kind), "error");
	snprintf(res->detail, sizeof(res->detail), "no answer from the "
	    "remote script (is sh there?)");
	/* The last result line counts: a chatty login may print before it. */
	while ((p = strstr(line, "jupyssh-result ")) != NULL) {
		line = p + 15;
		p = line;
	}
	if (line == out)
		return;
	detail[0] = '\0';
	if (sscanf(line, "%15s", res->kind) != 1)
		return;
	line += strlen(res->kind);
	while (*line == ' ')
		line++;
	if (strcmp(res->kind, "error") == 0) {
		snprintf(res->detail, sizeof(res->detail), "%.*s",
		    (int)strcspn(line, "\n"), line);
		return;
	}
	if (strcmp(res->kind, "ok") == 0 || strcmp(res->kind, "running") == 0) {
		char up[32];

		if (sscanf(line, "%d %127s %ld %15s %31s %d %4095s %63s %63s "
		    "%31s %4095[^\n]", &res->port, res->token, &res->pid,
		    res->how, up, &res->kernels, res->sock, res->node,
		    res->addr, res->left, detail) < 10) {
			snprintf(res->kind, sizeof(res->kind), "error");
			snprintf(res->detail, sizeof(res->detail),
			    "garbled answer from the remote script");
			return;
		}
		res->uptime = strcmp(up, "-") == 0 ? -1 : atol(up);
		if (strcmp(res->sock, "-") == 0)
			res->sock[0] = '\0';
	} else if (strcmp(res->kind, "pending") == 0) {
		/* A queued job: its id, state and reason. */
		sscanf(line, "%ld %63s %4095[^\n]", &res->pid, res->node,
		    detail);
	} else
		sscanf(line, "%4095[^\n]", detail);
	snprintf(res->detail, sizeof(res->detail), "%s", detail);
}

/* The JS_* assignments remote.sh expects, then remote.sh itself. */
static char *
script_input(const char *mode, const struct jupyter_options *o,
    const char *token, int follow)
{
	static const char run_common[] = "eval \"$JS_COMMON\"\n";
	char *input = NULL, *all, port[16], timeout[16];
	const char *backend;
	size_t len = 0;

	snprintf(port, sizeof(port), "%d", o->port);
	snprintf(timeout, sizeof(timeout), "%d", o->start_timeout);
	if (append_quoted(&input, &len, "JS_MODE", mode) == -1 ||
	    append_quoted(&input, &len, "JS_PORT", port) == -1 ||
	    append_quoted(&input, &len, "JS_DIR",
	    o->directory ? o->directory : "") == -1 ||
	    append_quoted(&input, &len, "JS_ENV", o->env ? o->env : "") == -1 ||
	    append_quoted(&input, &len, "JS_CMD", o->command) == -1 ||
	    append_quoted(&input, &len, "JS_TOKEN", token ? token : "") == -1 ||
	    append_quoted(&input, &len, "JS_TIMEOUT", timeout) == -1 ||
	    append_quoted(&input, &len, "JS_SOCKET",
	    o->socket == 1 ? "yes" : "no") == -1 ||
	    append_quoted(&input, &len, "JS_STOP_ON_EXIT",
	    o->stop_on_exit == 1 ? "yes" : "no") == -1 ||
	    append_quoted(&input, &len, "JS_FOLLOW", follow ? "yes" : "no") == -1 ||
	    append_quoted(&input, &len, "JS_SLURM_OPTS",
	    o->slurm_options ? o->slurm_options : "") == -1 ||
	    /* A batch job gets the common part too: it is kept in a variable. */
	    append_quoted(&input, &len, "JS_COMMON", remote_common_sh) == -1)
		goto fail;
	backend = o->scheduler == SCHEDULER_SLURM ? remote_slurm_sh :
	    remote_local_sh;
	if ((all = realloc(input, len + sizeof(run_common) +
	    strlen(backend) + sizeof(remote_main_sh))) == NULL)
		goto fail;
	memcpy(all + len, run_common, sizeof(run_common) - 1);
	len += sizeof(run_common) - 1;
	memcpy(all + len, backend, strlen(backend));
	len += strlen(backend);
	memcpy(all + len, remote_main_sh, sizeof(remote_main_sh));
	return all;
 fail:
	free(input);
	return NULL;
}

static int
script_args(const struct conn *c, const char **argv, char *control)
{
	int n = base_args(c, argv, control);

	argv[n++] = "-T";
	argv[n++] = "-o";
	argv[n++] = "ControlMaster=no";
	argv[n++] = "-o";
	argv[n++] = "ClearAllForwardings=yes";
	argv[n++] = "--";
	argv[n++] = c->host;
	argv[n++] = "exec /bin/sh -s";
	argv[n] = NULL;
	return n;
}

int
remote_run(const struct conn *c, const char *mode,
    const struct jupyter_options *o, const char *token,
    struct remote_result *res)
{
	const char *argv[MAX_ARGS];
	char *input, *control, out[8192];
	int n;

	memset(res, 0, sizeof(*res));
	snprintf(res->kind, sizeof(res->kind), "error");
	snprintf(res->detail, sizeof(res->detail), "out of memory");
	if ((control = control_option(c)) == NULL)
		return -1;
	if ((input = script_input(mode, o, token, 0)) == NULL) {
		free(control);
		return -1;
	}
	notes_host = c->host;
	progress_seen = 0;
	script_args(c, argv, control);
	n = run(argv, c->host, input, out, sizeof(out), o->start_timeout + 60);
	parse_result(out, res);
	if (n == 255 && strcmp(res->kind, "error") == 0 &&
	    strncmp(res->detail, "no answer", 9) == 0) {
		char *why = state_last_line(c->host, "log");

		snprintf(res->detail, sizeof(res->detail), "ssh failed: %s",
		    why ? why : "no reason given");
		free(why);
	}
	free(input);
	free(control);
	return strcmp(res->kind, "error") == 0 ? -1 : 0;
}

/* The notebook's log, straight to our stdout; errors to our stderr. */
int
remote_log(const struct conn *c, const struct jupyter_options *o, int follow)
{
	const char *argv[MAX_ARGS];
	char *input, *control;
	int in[2], status, rc = -1;
	size_t len;
	pid_t pid;

	if ((control = control_option(c)) == NULL)
		return -1;
	if ((input = script_input("log", o, NULL, follow)) == NULL ||
	    pipe2(in, O_CLOEXEC) == -1)
		goto out;
	script_args(c, argv, control);
	if ((pid = fork()) == -1)
		goto out;
	if (pid == 0) {
		dup2(in[0], 0);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	len = strlen(input);
	if (write(in[1], input, len) != (ssize_t)len)
		kill(pid, SIGTERM);
	close(in[1]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
 out:
	free(input);
	free(control);
	return rc;
}

/*
 * ssh -O OP [-L FWD] on a live master. -F none: the client would also send
 * every forward of the user's config, and only FWD is meant.
 */
static int
control_command(const struct conn *c, const char *op, const char *fwd)
{
	struct conn bare = *c;
	const char *argv[MAX_ARGS];
	char *control, out[256];
	int n, rc;

	if (c->control == NULL || (control = control_option(c)) == NULL)
		return -1;
	bare.config = "none";
	n = base_args(&bare, argv, control);
	argv[n++] = "-O";
	argv[n++] = op;
	if (fwd != NULL) {
		argv[n++] = "-L";
		argv[n++] = fwd;
	}
	argv[n++] = "--";
	argv[n++] = c->host;
	argv[n] = NULL;
	rc = run(argv, c->host, NULL, out, sizeof(out), 15);
	free(control);
	return rc == 0 ? 0 : -1;
}

/* ssh -O check|exit; 0 when ssh says yes. */
int
ssh_control(const struct conn *c, const char *op)
{
	return control_command(c, op, NULL);
}

/* ssh -O forward|cancel of 127.0.0.1:local_port to target (host:port or
 * a remote Unix socket path). */
int
ssh_forward(const struct conn *c, const char *op, int local_port,
    const char *target)
{
	char fwd[PATH_MAX + 32];

	snprintf(fwd, sizeof(fwd), "127.0.0.1:%d:%s", local_port, target);
	return control_command(c, op, fwd);
}

/*
 * A background master for "jupyssh start" outside of an ssh session; the
 * forward is added once the notebook's port is known. Authenticates in the
 * foreground (prompts as ssh does), then ssh -f puts it in the background.
 */
int
ssh_start_master(const struct conn *c)
{
	const char *argv[MAX_ARGS];
	char *control;
	int n, rc;

	if ((control = control_option(c)) == NULL)
		return -1;
	n = base_args(c, argv, control);
	argv[n++] = "-f";
	argv[n++] = "-N";
	argv[n++] = "-o";
	argv[n++] = "ControlMaster=yes";
	argv[n++] = "-o";
	argv[n++] = "ControlPersist=no";
	argv[n++] = "-o";
	argv[n++] = "ClearAllForwardings=yes";
	argv[n++] = "--";
	argv[n++] = c->host;
	argv[n] = NULL;
	rc = run_detached(argv, c->host, 120);
	free(control);
	return rc == 0 ? 0 : -1;
}
