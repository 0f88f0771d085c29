/*
 * The local end: 127.0.0.1:PORT on this machine reaching the notebook,
 * whatever port or socket it took on the remote. Loopback is shared by
 * every local user, so a port is ours only once proven (listener.c): its
 * listener is our ssh master, which forwards to the target the remote
 * proved. Only then does a token go through it or a URL name it.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/number.h"
#include "../common/port.h"
#include "commands.h"
#include "forward.h"
#include "listener.h"
#include "nodehop.h"
#include "remote.h"
#include "state.h"
#include "util.h"

#define PORT_TRIES	100

/* Where on the remote the notebook is: its socket, or ADDR:PORT. */
void
forward_target(const struct remote_result *res, char *buf, size_t len)
{
	if (res->sock[0] != '\0')
		snprintf(buf, len, "%s", res->sock);
	else
		snprintf(buf, len, "%s:%d", res->addr[0] ? res->addr :
		    "127.0.0.1", res->port);
}

/*
 * The state file "forward": MASTER_PID PORT TARGET NODE. The node too: a
 * job replaced on another node has a socket of the same path.
 */
int
forward_recorded(const char *host, struct forward *f)
{
	char *text = state_read(host, STATE_FORWARD), pid[16], port[8];
	long v = 0;
	int ok;

	memset(f, 0, sizeof(*f));
	ok = text != NULL && sscanf(text, "%15s %7s %159s %63s", pid, port,
	    f->target, f->node) == 4 && number_in(pid, 1, 0x7fffffffL, &v) == 0;
	f->master = (pid_t)v;
	ok = ok && number_in(port, 1, 65535, &v) == 0;
	f->port = (int)v;
	free(text);
	return ok ? 0 : -1;
}

static void
record(const char *host, pid_t master, int port, const char *target,
    const struct remote_result *res)
{
	char text[320];

	snprintf(text, sizeof(text), "%ld %d %s %s", (long)master, port, target,
	    res->node[0] != '\0' ? res->node : "-");
	state_write(host, STATE_FORWARD, text);
}

/*
 * Does a forward of ours reach res's notebook? The one recorded leads to
 * that very target, and its master still holds the port. *port then.
 */
int
forward_proven(const char *host, const struct remote_result *res, int *port)
{
	char target[sizeof(((struct forward *)0)->target)];
	struct forward f;

	forward_target(res, target, sizeof(target));
	if (forward_recorded(host, &f) == -1 || strcmp(f.target, target) != 0 ||
	    strcmp(f.node, res->node[0] != '\0' ? res->node : "-") != 0 ||
	    !listener_is(f.port, f.master))
		return 0;
	*port = f.port;
	return 1;
}

/* The first port from *port on that nobody holds, said on note_fd. */
static int
free_port(const char *host, int *port, int note_fd)
{
	int i;

	for (i = 0; i < PORT_TRIES && *port + i < 65536 &&
	    !port_is_free(*port + i); i++)
		;
	if (i == PORT_TRIES || *port + i >= 65536)
		return -1;
	if (i > 0)
		say_on(note_fd, "jupyssh: %s: local port %d is in use; "
		    "forwarding %d instead", host, *port, *port + i);
	*port += i;
	return 0;
}

/*
 * A forward of 127.0.0.1:port to target on master (whose pid it is, from
 * c), proven: the listener is that master's before the token goes through
 * it to ask the notebook. 0, or -1 with why in err.
 */
static int
forward_on(const struct conn *c, const char *host, pid_t master, int port,
    const char *target, const struct remote_result *res, char *err,
    size_t errlen)
{
	struct timespec nap = { 0, 50 * 1000 * 1000 };
	int i;

	if (ssh_forward(c, "forward", port, target) == -1) {
		snprintf(err, errlen, "ssh refused to forward local port %d "
		    "to %s", port, target);
		return -1;
	}
	/* ssh says yes also to a forward it already had and never bound. */
	if (!listener_is(port, master)) {
		ssh_forward(c, "cancel", port, target);
		snprintf(err, errlen, "local port %d is not held by our ssh "
		    "(another program took it)", port);
		return -1;
	}
	record(host, master, port, target, res);
	for (i = 0; i < 60; i++) {
		if (http_ok(port, "/api/status", res->token))
			return 0;
		nanosleep(&nap, NULL);
	}
	snprintf(err, errlen, "the notebook does not answer through local "
	    "port %d", port);
	return -1;
}

/* How a forward reaches a notebook: the connection, its master, where. */
struct route {
	const struct conn *c;		/* the login's, or node for a job */
	struct conn	 node;
	char		 nctl[PATH_MAX];
	pid_t		 master;
	char		 target[160];
};

/*
 * The route from the master c to res's notebook: through c, or through
 * the connection to its job's node. 0, or -1 with why in err.
 */
static int
route_to(struct route *rt, const struct conn *c,
    const struct remote_result *res, char *err, size_t errlen)
{
	rt->c = c;
	if (strcmp(res->node, "-") != 0 && res->node[0] != '\0') {
		if (node_conn(c, res, &rt->node, rt->nctl, sizeof(rt->nctl),
		    err, errlen) == -1)
			return -1;
		rt->c = &rt->node;
	}
	if ((rt->master = ssh_master_pid(rt->c)) == -1) {
		snprintf(err, errlen, "no ssh master to forward through");
		return -1;
	}
	forward_target(res, rt->target, sizeof(rt->target));
	return 0;
}

/*
 * Makes 127.0.0.1:*local reach the notebook through the master c: a
 * proven forward of ours if there is one, the session's own LocalForward
 * (session_forward: the translated config has one from *local to the
 * configured port) if it leads there, else a new one, on the next free
 * port if another program holds *local. note_fd gets a line when the port
 * changes. 0, or -1 with why in err.
 */
int
ensure_forward(const struct conn *c, const struct host_config *hc,
    const struct remote_result *res, int session_forward, int *local,
    int note_fd, char *err, size_t errlen)
{
	char configured[32];
	int port = *local;
	struct route rt;

	if (forward_proven(hc->host, res, local))
		return 0;
	/* A job's notebook: through a connection to its node. */
	if (route_to(&rt, c, res, err, errlen) == -1)
		return -1;
	snprintf(configured, sizeof(configured), "127.0.0.1:%d",
	    hc->opts.port);
	if (session_forward) {
		if (strcmp(rt.target, configured) == 0 &&
		    listener_is(port, rt.master)) {
			record(hc->host, rt.master, port, rt.target, res);
			return 0;
		}
		/* It leads elsewhere, or was never bound: not for a token. */
		ssh_forward(rt.c, "cancel", port, configured);
	}
	if (free_port(hc->host, &port, note_fd) == -1) {
		snprintf(err, errlen, "no free local port from %d on", port);
		return -1;
	}
	if (forward_on(rt.c, hc->host, rt.master, port, rt.target, res, err,
	    errlen) == -1)
		return -1;
	*local = port;
	return 0;
}

/*
 * The forward of a URL already given out, back through the master c (or
 * its job's node): on that very port, never another, for the URL names it
 * and a browser has it open. A port someone else holds now is refused, and
 * nothing is sent there. 0, or -1 with why in err.
 */
int
forward_again(const struct conn *c, const char *host,
    const struct remote_result *res, int port, char *err, size_t errlen)
{
	struct route rt;
	int have;

	if (forward_proven(host, res, &have) && have == port)
		return 0;
	if (route_to(&rt, c, res, err, errlen) == -1)
		return -1;
	if (listener_is(port, rt.master)) {
		record(host, rt.master, port, rt.target, res);
		return 0;
	}
	if (!port_is_free(port)) {
		snprintf(err, errlen, "local port %d is held by another "
		    "program", port);
		return -1;
	}
	return forward_on(rt.c, host, rt.master, port, rt.target, res, err,
	    errlen);
}
