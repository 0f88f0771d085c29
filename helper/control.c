/*
 * ssh's -O operations on a live control master, and the background master
 * of "jupyssh start". A master's pid is what proves that a local listener
 * is our forward (listener.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/number.h"
#include "remote.h"
#include "spawn.h"

/*
 * ssh -O OP [-L FWD] on a live master; what it said in out. -F none: the
 * client would also send every forward of the user's config, and only FWD
 * is meant.
 */
static int
control_command(const struct conn *c, const char *op, const char *fwd,
    char *out, size_t outlen)
{
	struct conn bare = *c;
	const char *argv[MAX_ARGS];
	struct spawn s;
	char *control;
	int n, rc;

	if (c->control == NULL || (control = control_option(c)) == NULL)
		return -1;
	bare.config = "none";
	n = ssh_base_args(&bare, argv, control);
	argv[n++] = "-O";
	argv[n++] = op;
	if (fwd != NULL) {
		argv[n++] = "-L";
		argv[n++] = fwd;
	}
	argv[n++] = "--";
	argv[n++] = c->host;
	argv[n] = NULL;
	memset(&s, 0, sizeof(s));
	s.argv = argv;
	s.host = c->host;
	s.out = out;
	s.outlen = outlen;
	s.err_to_out = 1;
	s.timeout = 15;
	rc = spawn_run(&s);
	free(control);
	return rc == 0 ? 0 : -1;
}

/* ssh -O check|exit; 0 when ssh says yes. */
int
ssh_control(const struct conn *c, const char *op)
{
	char out[256];

	return control_command(c, op, NULL, out, sizeof(out));
}

/*
 * Does a master answer on c->control? Without the socket file there is
 * none, and no ssh is run to say so.
 */
int
ssh_master_answers(const struct conn *c)
{
	return c->control != NULL && access(c->control, F_OK) == 0 &&
	    ssh_control(c, "check") == 0;
}

/* The pid of the master on c->control ("Master running (pid=N)"), or -1. */
pid_t
ssh_master_pid(const struct conn *c)
{
	char out[256], *p, *end;
	long pid;

	if (control_command(c, "check", NULL, out, sizeof(out)) == -1 ||
	    (p = strstr(out, "(pid=")) == NULL)
		return -1;
	p += 5;
	if ((end = strchr(p, ')')) == NULL)
		return -1;
	*end = '\0';
	return number_in(p, 1, INT_MAX, &pid) == -1 ? -1 : (pid_t)pid;
}

/* ssh -O forward|cancel of 127.0.0.1:local_port to target (host:port or
 * a remote Unix socket path). */
int
ssh_forward(const struct conn *c, const char *op, int local_port,
    const char *target)
{
	char fwd[PATH_MAX + 32], out[512];

	snprintf(fwd, sizeof(fwd), "127.0.0.1:%d:%s", local_port, target);
	return control_command(c, op, fwd, out, sizeof(out));
}

/*
 * A background master for "jupyssh start" outside of an ssh session, or
 * for the hop to a job's node; the forward is added once the notebook's
 * end is known. extra: more -o options, NULL-ended, or NULL (they come
 * before the keepalives every such master has, so they win). Authenticates
 * in the foreground (prompts as ssh does unless c->batch), then ssh -f
 * puts it in the background. With a command, that is the master's session,
 * and the master ends once it has (and the forwarded connections with it);
 * without, it has none (-N) and ends when told.
 */
int
ssh_start_master(const struct conn *c, const char *const *extra)
{
	return ssh_start_master_for(c, extra, NULL);
}

int
ssh_start_master_for(const struct conn *c, const char *const *extra,
    const char *command)
{
	const char *argv[MAX_ARGS];
	char *control;
	int n, rc;

	if ((control = control_option(c)) == NULL)
		return -1;
	n = ssh_base_args(c, argv, control);
	argv[n++] = "-f";
	if (command == NULL)
		argv[n++] = "-N";
	argv[n++] = "-o";
	argv[n++] = "ControlMaster=yes";
	argv[n++] = "-o";
	argv[n++] = "ControlPersist=no";
	argv[n++] = "-o";
	argv[n++] = "ClearAllForwardings=yes";
	for (; extra != NULL && *extra != NULL && n < MAX_ARGS - 9; extra++) {
		argv[n++] = "-o";
		argv[n++] = *extra;
	}
	/* It carries a forward: a dead link is noticed (the keeper heals). */
	argv[n++] = "-o";
	argv[n++] = "ServerAliveInterval=5";
	argv[n++] = "-o";
	argv[n++] = "ServerAliveCountMax=3";
	argv[n++] = "--";
	argv[n++] = c->host;
	if (command != NULL)
		argv[n++] = command;
	argv[n] = NULL;
	rc = spawn_foreground(argv, c->host, 120);
	free(control);
	return rc == 0 ? 0 : -1;
}
