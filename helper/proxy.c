/*
 * "jupyssh proxy": ProxyCommand mode, for an ssh that cannot preload the
 * library. It connects to the host (or runs ssh -W through a jump host)
 * and relays ssh's bytes with splice(2); meanwhile a detached worker waits
 * for ssh's control master to come up and then does what the LocalCommand
 * does: start or find the notebook through it, forward it, print the URL.
 * The host block needs ControlMaster and ControlPath of its own.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../common/hostname.h"
#include "../common/sshargs.h"
#include "../common/translate.h"
#include "../common/number.h"
#include "commands.h"
#include "remote.h"
#include "spawn.h"
#include "util.h"

#define RELAY_CHUNK	(1 << 20)
#define MASTER_WAIT	300	/* seconds: a person may be typing a password */

static void
proxy_usage(void)
{
	fprintf(stderr, "usage: jupyssh proxy [-J jump] [-t seconds] host "
	    "port [alias]\n");
	exit(2);
}

/* A connected TCP socket to host:port, IPv4 or IPv6, within timeout. */
static int
dial(const char *host, const char *port, int timeout)
{
	struct addrinfo hints, *res, *ai;
	struct pollfd pfd;
	socklen_t len;
	int fd = -1, r, err = 0, flags;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((r = getaddrinfo(host, port, &hints, &res)) != 0) {
		warnx_("proxy: %s: %s", host, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype |
		    SOCK_CLOEXEC, ai->ai_protocol)) == -1)
			continue;
		flags = fcntl(fd, F_GETFL);
		fcntl(fd, F_SETFL, flags | O_NONBLOCK);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    errno == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			len = sizeof(err);
			if (poll(&pfd, 1, timeout * 1000) == 1 &&
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
			    &len) == 0 && err == 0) {
				fcntl(fd, F_SETFL, flags);
				break;
			}
			if (err == 0)
				err = ETIMEDOUT;
		} else
			err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		warnx_("proxy: connect to %s port %s: %s", host, port,
		    strerror(err ? err : ECONNREFUSED));
	return fd;
}

/*
 * One direction of the relay. splice(2) moves the bytes between a pipe
 * (ssh gives ProxyCommand pipes) and the socket inside the kernel; a side
 * that is no pipe falls back to read/write through buf.
 */
struct flow {
	int	 from, to;
	int	 open;		/* until EOF on from */
	int	 blocked;	/* to is full: wait until it takes more */
	int	 copy;		/* not splice-able: read/write */
	char	*buf;
	size_t	 off, len;	/* copy mode: bytes read, not yet written */
};

/* Moves what can move without blocking; 0 at EOF, -1 on error. */
static int
flow_step(struct flow *f)
{
	ssize_t n;

	if (!f->copy) {
		n = splice(f->from, NULL, f->to, NULL, RELAY_CHUNK,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n == -1 && errno == EINVAL) {
			f->copy = 1;
			return flow_step(f);
		}
		if (n == -1 && errno == EAGAIN) {
			/*
			 * Asked because from was readable: to is full, wait
			 * for it. Asked because to took more: from is empty.
			 */
			f->blocked = !f->blocked;
			return 1;
		}
		f->blocked = 0;
		return n == -1 ? (errno == EINTR ? 1 : -1) : n > 0;
	}
	if (f->buf == NULL && (f->buf = malloc(RELAY_CHUNK)) == NULL)
		return -1;
	if (f->len == 0) {
		if ((n = read(f->from, f->buf, RELAY_CHUNK)) <= 0)
			return n == 0 ? 0 : (errno == EAGAIN ||
			    errno == EINTR) ? 1 : -1;
		f->off = 0;
		f->len = (size_t)n;
	}
	n = write(f->to, f->buf + f->off, f->len);
	if (n == -1)
		return errno == EAGAIN || errno == EINTR ? (f->blocked = 1) :
		    -1;
	f->off += (size_t)n;
	f->len -= (size_t)n;
	f->blocked = f->len > 0;
	return 1;
}

/*
 * ssh's stdin to the socket, the socket to ssh's stdout, until the
 * server is done. One thread, nothing buffered in user space with splice.
 */
static void
relay(int sock)
{
	struct flow up = { 0, sock, 1, 0, 0, NULL, 0, 0 };
	struct flow down = { sock, 1, 1, 0, 0, NULL, 0, 0 };
	struct pollfd pfd[3];
	int r;

	fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
	fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK);
	fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
	while (down.open) {
		pfd[0].fd = 0;
		pfd[0].events = up.open && !up.blocked ? POLLIN : 0;
		pfd[1].fd = sock;
		pfd[1].events = (down.open && !down.blocked ? POLLIN : 0) |
		    (up.open && up.blocked ? POLLOUT : 0);
		pfd[2].fd = 1;
		pfd[2].events = down.blocked ? POLLOUT : 0;
		if (poll(pfd, 3, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (up.open && (pfd[0].revents || (up.blocked &&
		    (pfd[1].revents & (POLLOUT | POLLERR | POLLHUP))))) {
			if ((r = flow_step(&up)) <= 0) {
				up.open = 0;
				shutdown(sock, SHUT_WR);
			}
		}
		if ((pfd[1].revents & (POLLIN | POLLERR | POLLHUP) &&
		    !down.blocked) || (down.blocked && pfd[2].revents)) {
			if ((r = flow_step(&down)) <= 0)
				down.open = 0;
		}
		if (pfd[2].revents & (POLLERR | POLLHUP))
			break;	/* ssh is gone */
	}
	free(up.buf);
	free(down.buf);
	close(1);
}

/* ssh's own command line, from /proc: what the user asked ssh for. */
static int
proc_args(pid_t pid, char *buf, size_t len, char **argv, int max)
{
	char path[64];
	ssize_t n;
	int fd, argc = 0;
	char *p;

	snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (p = buf; p < buf + n && argc < max - 1; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	return argc;
}

/* The parent of pid, from /proc/PID/stat ("PID (COMM) S PPID ..."). */
static pid_t
parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	long ppid;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || sscanf(p + 1, " %*c %ld",
	    &ppid) != 1)
		return -1;
	return (pid_t)ppid;
}

/*
 * The ssh that runs us, and which client it is: our parent (ssh execs its
 * ProxyCommand through the shell), or the grandparent past a shell that
 * did not exec. exe: the client's binary, to ask it the same questions.
 */
static pid_t
ssh_of_proxy(struct ssh_client *cl, char *exe, size_t len)
{
	char path[64];
	pid_t pid = getppid();
	ssize_t n;
	int i;

	for (i = 0; i < 2 && pid > 1; i++, pid = parent_of(pid)) {
		snprintf(path, sizeof(path), "/proc/%ld/exe", (long)pid);
		if (ssh_client_of_file(path, cl) != 0)
			continue;
		if ((n = readlink(path, exe, len - 1)) <= 0 ||
		    (size_t)n >= len - 1)
			snprintf(exe, len, "ssh");
		else {
			exe[n] = '\0';
			/* Replaced since it started: the one on PATH. */
			if (exe[0] != '/' || strstr(exe, " (deleted)") != NULL)
				snprintf(exe, len, "ssh");
		}
		return pid;
	}
	return -1;
}

/* What ssh -G says of this session. */
struct session {
	char	*control;		/* ControlPath, or NULL */
	char	 hostname[256];		/* HostName, as %h has it */
	char	 port[16];		/* Port, as %p has it */
};

/* The session's settings: the same ssh, -G, with the same arguments. */
static int
session_of(const char *exe, const char *alias, int argc, char **argv,
    struct session *ses)
{
	const char *args[256];
	char out[65536], *line;
	struct spawn s;
	int i, n = 0;

	memset(ses, 0, sizeof(*ses));
	if (argc > 250)
		return -1;
	args[n++] = exe;
	args[n++] = "-G";
	for (i = 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	/* Not ssh's pipes: -G would complain that stdin is no tty. */
	memset(&s, 0, sizeof(s));
	s.argv = args;
	s.host = alias;		/* its complaints to the log, not the terminal */
	s.out = out;
	s.outlen = sizeof(out);
	s.timeout = 15;
	if (spawn_run(&s) != 0)
		return -1;
	for (line = strtok(out, "\n"); line != NULL; line = strtok(NULL, "\n"))
		if (strncmp(line, "controlpath ", 12) == 0 &&
		    strcmp(line + 12, "none") != 0 && ses->control == NULL)
			ses->control = strdup(line + 12);
		else if (strncmp(line, "hostname ", 9) == 0)
			snprintf(ses->hostname, sizeof(ses->hostname), "%s",
			    line + 9);
		else if (strncmp(line, "port ", 5) == 0)
			snprintf(ses->port, sizeof(ses->port), "%s", line + 5);
	return 0;
}

/*
 * The terminal, where ssh left it to us. Under ControlPersist ssh gives
 * its ProxyCommand /dev/null for stderr, so as not to write on the
 * terminal from the background; a line the person must read goes to
 * /dev/tty then. Returns a descriptor to close, or -1 (stderr is it).
 */
static int
terminal(void)
{
	struct stat err, null;

	if (fstat(2, &err) == 0 && stat("/dev/null", &null) == 0 &&
	    S_ISCHR(err.st_mode) && err.st_rdev == null.st_rdev)
		return open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	return -1;
}

/* One line for the person at the terminal: "jupyssh: ...". */
static void
tell(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int fd = terminal();

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	say_on(fd != -1 ? fd : 2, "jupyssh: %s", line);
	if (fd != -1)
		close(fd);
}

#define NEEDS_N	"for its notebook the ProxyCommand needs %%n " \
	"(ProxyCommand jupyssh proxy %%h %%p %%n)"

/*
 * The detached worker: waits until ssh's master answers on its control
 * socket, then does the LocalCommand's work. relay is the proxy's pid:
 * when it is gone, so is the session. given is the alias ssh passed
 * (%n), or NULL: then it is the destination on ssh's own command line,
 * as long as ssh -G says it leads to host and port. Where that cannot be
 * told, the terminal says so.
 */
static void
notebook_worker(const char *given, const char *host, const char *port,
    pid_t relay)
{
	struct host_config hc;
	struct ssh_client cl;
	struct ssh_args a;
	struct session ses;
	struct conn c;
	struct timespec nap = { 0, 100 * 1000 * 1000 };
	char cmdline[8192], *argv[256], exe[PATH_MAX];
	const char *alias = given, *config;
	time_t deadline = time(NULL) + MASTER_WAIT;
	pid_t ssh;
	int argc, term, wanted, fd;

	/* Not run by ssh (by hand, say): a relay and nothing more. */
	if ((ssh = ssh_of_proxy(&cl, exe, sizeof(exe))) == -1) {
		if (given != NULL)
			tell("%s: not run by ssh: no notebook", given);
		return;
	}
	if ((argc = proc_args(ssh, cmdline, sizeof(cmdline), argv, 256)) < 2 ||
	    parse_ssh_args_as(&cl, argc, argv, &a) != 0) {
		if (given != NULL)
			tell("%s: cannot tell what ssh was asked to do: no "
			    "notebook", given);
		else
			tell("%s: cannot tell which host ssh was asked for; "
			    NEEDS_N, host);
		return;
	}
	if (alias == NULL)
		alias = a.host;
	config = a.config[0] ? a.config : NULL;
	if (load_host(&hc, alias, config) == -1)
		return;
	wanted = wants_notebook(&a, &hc.opts);
	options_free(&hc.opts);
	if (!wanted)
		return;
	if (!host_name_ok(alias)) {
		tell("%s: not a host name jupyssh can use: no notebook", host);
		return;
	}
	if (session_of(exe, alias, argc, argv, &ses) == -1)
		ses.control = NULL;
	else if (given == NULL && (strcasecmp(ses.hostname, host) != 0 ||
	    strcmp(ses.port, port) != 0)) {
		tell("%s: ssh's %s is %s port %s, not %s port %s; " NEEDS_N,
		    alias, alias, ses.hostname[0] ? ses.hostname : "?",
		    ses.port[0] ? ses.port : "?", host, port);
		free(ses.control);
		return;
	}
	/*
	 * The worker's lines (the URL) reach the terminal even so; opened
	 * now, as its new session will have no /dev/tty.
	 */
	fd = terminal();
	if (detach() != 0) {
		if (fd != -1)
			close(fd);
		return;
	}
	if (fd != -1) {
		dup2(fd, 2);
		close(fd);
	}
	term = become_worker(alias);
	if (ses.control == NULL) {
		say_on(term, "jupyssh: %s: ProxyCommand mode needs "
		    "ControlMaster auto and a ControlPath for this host", alias);
		_exit(1);
	}
	memset(&c, 0, sizeof(c));
	c.host = alias;
	c.control = ses.control;
	while (ssh_control(&c, "check") != 0) {
		if (kill(relay, 0) == -1 || time(NULL) > deadline)
			_exit(0);
		nanosleep(&nap, NULL);
	}
	_exit(run_worker(alias, config, ses.control, 0, term));
}

int
cmd_proxy(int argc, char **argv)
{
	const char *jump = NULL, *alias;
	char target[512], to[64];
	int ch, timeout = 30, fd, rc;
	long v;

	while ((ch = getopt(argc, argv, "J:t:")) != -1) {
		switch (ch) {
		case 'J':
			jump = optarg;
			break;
		case 't':
			if (number_in(optarg, 1, 86400, &v) == -1)
				proxy_usage();
			timeout = (int)v;
			break;
		default:
			proxy_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2 && argc != 3)
		proxy_usage();
	alias = argc == 3 ? argv[2] : NULL;
	notebook_worker(alias, argv[0], argv[1], getpid());

	if (jump != NULL) {
		/* ssh -W through the jump host, on our own stdin and stdout. */
		const char *args[] = { "ssh", "-o", to, "-W", target, "--",
		    jump, NULL };
		struct spawn sp;

		snprintf(target, sizeof(target), "%s:%s", argv[0], argv[1]);
		snprintf(to, sizeof(to), "ConnectTimeout=%d", timeout);
		memset(&sp, 0, sizeof(sp));
		sp.argv = args;
		sp.keep_stdin = 1;
		return (rc = spawn_run(&sp)) == -1 ? 1 : rc;
	}
	if ((fd = dial(argv[0], argv[1], timeout)) == -1)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	relay(fd);
	return 0;
}
