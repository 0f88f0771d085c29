/*
 * Every process the helper runs and waits for goes through here: argument
 * vectors checked, deadlines on the monotonic clock (a laptop that sleeps
 * or a clock that jumps does not cut a wait short), waits that survive
 * signals, and a child that is always reaped.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../compat/os.h"
#include "spawn.h"
#include "state.h"

long
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

/* Waits for pid as long as it takes; its exit status. */
int
spawn_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return exit_code(status);
}

/* Waits for pid until the deadline, then ends it; its exit status. */
int
spawn_reap(pid_t pid, long deadline_ms)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	int status;
	pid_t r;

	while ((r = waitpid(pid, &status, WNOHANG)) == 0 ||
	    (r == -1 && errno == EINTR)) {
		if (r == 0 && monotonic_ms() >= deadline_ms) {
			kill(pid, SIGTERM);
			spawn_wait(pid);
			return 255;
		}
		nanosleep(&nap, NULL);
	}
	return r == -1 ? -1 : exit_code(status);
}

static int
argv_ok(const char *const *argv)
{
	return argv != NULL && argv[0] != NULL && argv[0][0] != '\0';
}

/* In the child: the pipe ends in place, stderr where it belongs, exec. */
static void
child(const struct spawn *s, int in, int out)
{
	if (in != -1)
		dup2(in, 0);
	else if (!s->keep_stdin && (in = open("/dev/null", O_RDONLY)) != -1)
		dup2(in, 0);
	if (out != -1)
		dup2(out, 1);
	if (s->err_to_out && out != -1)
		dup2(out, 2);
	else if (s->host != NULL)
		state_log_to_stderr(s->host);
	execvp(s->argv[0], (char *const *)s->argv);
	fprintf(stderr, "jupyssh: %s: %s\n", s->argv[0], strerror(errno));
	_exit(127);
}

/* Output: into s->out, or to s->on_chunk; 1 once there is no more. */
static int
take_output(const struct spawn *s, int fd, size_t *got)
{
	char chunk[4096];
	ssize_t n;

	if (s->on_chunk != NULL) {
		if ((n = read(fd, chunk, sizeof(chunk))) > 0)
			s->on_chunk(chunk, (size_t)n);
		return n == -1 && errno == EINTR ? 0 : n <= 0;
	}
	n = read(fd, s->out + *got, s->outlen - 1 - *got);
	if (n == -1 && errno == EINTR)
		return 0;
	if (n > 0)
		*got += (size_t)n;
	s->out[*got] = '\0';
	if (n > 0 && s->on_output != NULL)
		s->on_output(s->out, *got);
	return n <= 0 || *got >= s->outlen - 1;
}

static void
feed(const struct spawn *s, int *in, size_t *sent)
{
	size_t len = strlen(s->input);
	ssize_t n;

	n = write(*in, s->input + *sent, len - *sent);
	if (n > 0)
		*sent += (size_t)n;
	if ((n == -1 && errno != EINTR && errno != EAGAIN) || *sent == len) {
		close(*in);
		*in = -1;
	}
}

/* Feeds input and takes output until both are done or time is up. */
static void
converse(const struct spawn *s, int *in, int *from, long deadline)
{
	struct pollfd pfd[2];
	size_t got = 0, sent = 0;
	long left;

	while (*from != -1) {
		left = s->timeout > 0 ? deadline - monotonic_ms() : 86400000;
		if (left <= 0)
			break;
		pfd[0].fd = *from;
		pfd[0].events = POLLIN;
		pfd[1].fd = *in;
		pfd[1].events = POLLOUT;
		if (poll(pfd, *in != -1 ? 2 : 1, s->tick_ms > 0 &&
		    s->tick_ms < left ? s->tick_ms : (int)left) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (s->on_wait != NULL)
			s->on_wait();
		if (*in != -1 && (pfd[1].revents & (POLLOUT | POLLERR |
		    POLLHUP)))
			feed(s, in, &sent);
		if ((pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    take_output(s, *from, &got)) {
			close(*from);
			*from = -1;
		}
	}
}

/*
 * Runs s->argv with s->input on its stdin and its stdout in s->out (or
 * s->on_chunk, or our own stdout). Its exit status, 255 when it ran out of
 * time, -1 when it could not run.
 */
int
spawn_run(const struct spawn *s)
{
	int in[2] = { -1, -1 }, from[2] = { -1, -1 }, e;
	int passthrough = s->out == NULL && s->on_chunk == NULL;
	long deadline = monotonic_ms() + (long)s->timeout * 1000;
	size_t sent = 0;
	pid_t pid;

	if (!argv_ok(s->argv) || (s->out != NULL && s->outlen == 0)) {
		errno = EINVAL;
		return -1;
	}
	if (s->out != NULL)
		s->out[0] = '\0';
	if ((s->input != NULL && os_pipe(in) == -1) ||
	    (!passthrough && os_pipe(from) == -1) ||
	    (pid = fork()) == -1) {
		e = errno;
		close(in[0]); close(in[1]); close(from[0]); close(from[1]);
		errno = e;
		return -1;
	}
	if (pid == 0)
		child(s, in[0], from[1]);
	close(in[0]);
	close(from[1]);
	/* A peer that stops reading must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	if (passthrough) {
		/* Only the input to feed: the child writes where we do. */
		while (in[1] != -1)
			feed(s, &in[1], &sent);
	} else
		converse(s, &in[1], &from[0], deadline);
	if (in[1] != -1)
		close(in[1]);
	if (from[0] != -1) {
		close(from[0]);
		kill(pid, SIGTERM);
	}
	return s->timeout > 0 ? spawn_reap(pid, deadline + 5000) :
	    spawn_wait(pid);
}

/*
 * Runs a background master (ssh -f): the process that stays holds
 * whatever stdout and stderr it was given, so they must not be pipes
 * anyone waits on. stdout goes to /dev/null, stderr to the host's log.
 * It gets a process group of its own, in the terminal's foreground while it
 * authenticates: its ProxyCommand is in that group, and a terminal that
 * closes later hangs up our group, not that one.
 */
int
spawn_foreground(const char *const *argv, const char *host, int timeout)
{
	void (*ttou)(int);
	pid_t pid;
	int fd, tty, rc;

	if (!argv_ok(argv))
		return -1;
	tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
	ttou = signal(SIGTTOU, SIG_IGN);
	if ((pid = fork()) == -1) {
		signal(SIGTTOU, ttou);
		if (tty != -1)
			close(tty);
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
	rc = spawn_reap(pid, monotonic_ms() + (long)timeout * 1000);
	if (tty != -1) {
		tcsetpgrp(tty, getpgrp());
		close(tty);
	}
	signal(SIGTTOU, ttou);
	return rc;
}

/*
 * Runs argv as a process of its own that outlives us: nobody's child, in
 * a session of its own (no terminal that closes can hang it up), stdin and
 * stdout on /dev/null, stderr into the host's log, no descriptor of ours.
 * 0 once it is on its way, -1 if it could not be.
 */
int
spawn_detached(const char *const *argv, const char *host)
{
	sigset_t none;
	int fd;

	if (!argv_ok(argv))
		return -1;
	switch (detach()) {
	case -1:
		return -1;
	case 1:
		return 0;
	}
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
	}
	state_log_to_stderr(host);
	for (fd = 3; fd < 1024; fd++)
		close(fd);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);	/* hangup.c's block ends here: no terminal now */
	sigprocmask(SIG_SETMASK, &none, NULL);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

/*
 * Double fork: returns 0 in a grandchild that is nobody's child and in no
 * session (the caller goes on there, and _exits), 1 in the caller once
 * the middle process is reaped, -1 if there is no process to be had.
 */
int
detach(void)
{
	pid_t pid;
	int status;

	if ((pid = fork()) == -1)
		return -1;
	if (pid > 0) {
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		return 1;
	}
	setsid();
	if (fork() != 0)
		_exit(0);
	return 0;
}

/*
 * fn(arg, fd) in a child of ours, fd the write end of a pipe whose read
 * end is *rfd: work done side by side (list asks every host at once).
 * The child's pid, or -1.
 */
pid_t
spawn_call(int (*fn)(void *, int), void *arg, int *rfd)
{
	int p[2];
	pid_t pid;

	if (os_pipe(p) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		_exit(fn(arg, p[1]));
	}
	close(p[1]);
	*rfd = p[0];
	return pid;
}
