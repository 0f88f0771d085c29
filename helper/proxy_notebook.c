/*
 * The notebook side of "jupyssh proxy": the ssh that runs the proxy is
 * found (through /proc on Linux, sysctl on macOS: compat/), its command
 * line read as that client reads it, and
 * if it wants a notebook a detached worker waits for its control master
 * and then does what the LocalCommand does.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include "../compat/os.h"
#include "commands.h"
#include "proxy.h"
#include "remote.h"
#include "spawn.h"
#include "util.h"

#define MASTER_WAIT	300	/* seconds: a person may be typing a password */

/* ssh's own command line: what the user asked ssh for. */
static int
proc_args(pid_t pid, char *buf, size_t len, char **argv, int max)
{
	ssize_t n;
	int argc = 0;
	char *p;

	if ((n = os_proc_args(pid, buf, len)) == -1)
		return -1;
	for (p = buf; p < buf + n && argc < max - 1; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	return argc;
}

#define UNREADABLE	(-2)

/*
 * The ssh that runs us, and which client it is: our parent (ssh execs its
 * ProxyCommand through the shell), or the grandparent past a shell that
 * did not exec. exe: the client's binary, to ask it the same questions.
 * -1: not run by ssh; UNREADABLE: who runs us cannot be learnt here (no
 * /proc, a parent outside our view), and why says why.
 */
static pid_t
ssh_of_proxy(struct ssh_client *cl, char *exe, size_t len, char *why,
    size_t whylen)
{
	char image[PATH_MAX];
	pid_t pid = getppid();
	int i, e;

	for (i = 0; i < 2 && pid != 1; i++) {
		if (pid <= 0) {
			snprintf(why, whylen, "its parent is outside this "
			    "process's view");
			return UNREADABLE;
		}
		if (os_proc_image(pid, image, sizeof(image)) == -1) {
			/* Another user's process is not our ssh. */
			if ((e = errno) == EACCES || e == EPERM || i > 0)
				return -1;
			snprintf(why, whylen, "process %ld: %s", (long)pid,
			    strerror(e));
			return UNREADABLE;
		}
		if (ssh_client_of_file(image, cl) == 0) {
			/* Replaced since it started: the one on PATH. */
			if (os_proc_exe(pid, exe, len) == -1)
				snprintf(exe, len, "ssh");
			return pid;
		}
		if (i == 0 && (pid = os_parent_of(pid)) == -1)
			return -1;
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

/* The session a notebook is for, as the worker learns it from ssh. */
struct target {
	struct ssh_args	 args;		/* ssh's command line, read */
	struct session	 ses;
	const char	*alias;		/* %n, or ssh's destination */
	const char	*config;	/* -F, or NULL */
};

/*
 * The ssh that runs us, what it was asked and whether that wants a
 * notebook here; 0: it does, and t says for which session.
 */
static int
find_target(struct target *t, const char *given, const char *host,
    const char *port)
{
	struct host_config hc;
	struct ssh_client cl;
	char cmdline[8192], *argv[256], exe[PATH_MAX], why[256];
	pid_t ssh;
	int argc, wanted;

	t->alias = given;
	/* Not run by ssh (by hand, say): a relay and nothing more. */
	if ((ssh = ssh_of_proxy(&cl, exe, sizeof(exe), why,
	    sizeof(why))) == -1) {
		if (given != NULL)
			tell("%s: not run by ssh: no notebook", given);
		return -1;
	}
	/* Never silence: the person would wait for a URL. */
	if (ssh == UNREADABLE) {
		tell("%s: cannot read the command line of the ssh that runs "
		    "the proxy (%s): no notebook", given != NULL ? given : host,
		    why);
		return -1;
	}
	if ((argc = proc_args(ssh, cmdline, sizeof(cmdline), argv, 256)) == -1) {
		tell("%s: cannot read the command line of ssh (process %ld: "
		    "%s): no notebook", given != NULL ? given : host,
		    (long)ssh, strerror(errno));
		return -1;
	}
	if (argc < 2 || parse_ssh_args_as(&cl, argc, argv, &t->args) != 0) {
		if (given != NULL)
			tell("%s: cannot tell what ssh was asked to do: no "
			    "notebook", given);
		else
			tell("%s: cannot tell which host ssh was asked for; "
			    NEEDS_N, host);
		return -1;
	}
	if (t->alias == NULL)
		t->alias = t->args.host;
	t->config = t->args.config[0] ? t->args.config : NULL;
	if (load_host(&hc, t->alias, t->config) == -1)
		return -1;
	wanted = wants_notebook(&t->args, &hc.opts);
	options_free(&hc.opts);
	if (!wanted)
		return -1;
	if (!host_name_ok(t->alias)) {
		tell("%s: not a host name jupyssh can use: no notebook", host);
		return -1;
	}
	if (session_of(exe, t->alias, argc, argv, &t->ses) == -1)
		t->ses.control = NULL;
	else if (given == NULL && (strcasecmp(t->ses.hostname, host) != 0 ||
	    strcmp(t->ses.port, port) != 0)) {
		tell("%s: ssh's %s is %s port %s, not %s port %s; " NEEDS_N,
		    t->alias, t->alias, t->ses.hostname[0] ? t->ses.hostname :
		    "?", t->ses.port[0] ? t->ses.port : "?", host, port);
		free(t->ses.control);
		return -1;
	}
	return 0;
}

/*
 * Detached from ssh: waits until its master answers on the control
 * socket, then runs the worker, until deadline or while relay (the
 * proxy's pid) lives.
 */
static void
await_master(const struct target *t, pid_t relay, time_t deadline)
{
	struct timespec nap = { 0, 100 * 1000 * 1000 };
	struct conn c;
	int term, fd;

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
	term = become_worker(t->alias);
	if (t->ses.control == NULL) {
		say_on(term, "jupyssh: %s: ProxyCommand mode needs "
		    "ControlMaster auto and a ControlPath for this host",
		    t->alias);
		_exit(1);
	}
	memset(&c, 0, sizeof(c));
	c.host = t->alias;
	c.control = t->ses.control;
	while (ssh_control(&c, "check") != 0) {
		if (kill(relay, 0) == -1 || time(NULL) > deadline)
			_exit(0);
		nanosleep(&nap, NULL);
	}
	_exit(run_worker(t->alias, t->config, t->ses.control, 0, term));
}

/*
 * The detached worker: waits until ssh's master answers on its control
 * socket, then does the LocalCommand's work. relay is the proxy's pid:
 * when it is gone, so is the session. given is the alias ssh passed
 * (%n), or NULL: then it is the destination on ssh's own command line,
 * as long as ssh -G says it leads to host and port. Where that cannot be
 * told, the terminal says so.
 */
void
notebook_worker(const char *given, const char *host, const char *port,
    pid_t relay)
{
	struct target t;
	time_t deadline = time(NULL) + MASTER_WAIT;

	if (find_target(&t, given, host, port) == 0)
		await_master(&t, relay, deadline);
}
