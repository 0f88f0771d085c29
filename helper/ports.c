/*
 * JupyterForwardPorts: the ports beside the notebook. Fixed ones are
 * forwarded with the notebook's (ssh -O forward through the same master);
 * with auto, the keeper asks the remote every few seconds which ports the
 * notebook's own processes listen on (remote/ports.sh) and forwards those
 * while they listen. A local port is the same number when free, else the
 * next free one, said; a forward is ours only once its listener is proven
 * to be our master (listener.c), as the notebook's. They are recorded in
 * the state file "ports" (state.h): status lists them, stop cancels them,
 * and a forward whose master died is made again on the next sync. A
 * SLURM job's ports are on its node: they are forwarded, and looked for,
 * through the connection to that node (nodehop.c), as the notebook is.
 */
#include <sys/file.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/number.h"
#include "../common/port.h"
#include "commands.h"
#include "forward.h"
#include "listener.h"
#include "nodehop.h"
#include "notice.h"
#include "ports.h"
#include "remote.h"
#include "state.h"
#include "util.h"

#define MAX_FWD		(MAX_FORWARD_PORTS + MAX_LISTED_PORTS)
#define PORT_TRIES	100

struct port_fwd {
	long	master;
	int	local, remote;
	char	kind[8];		/* fixed, auto */
	char	control[128];	/* fits sun_path, as every ControlPath */
};

static int
ports_read(const char *host, struct port_fwd *p, int max)
{
	char path[PATH_MAX], *text, *line, *next;
	int n = 0, off;
	size_t len = (size_t)MAX_FWD * 256;

	if (state_path(host, STATE_PORTS, path, sizeof(path)) == -1 ||
	    (text = malloc(len)) == NULL)
		return 0;
	if (read_file(path, text, len) == -1)
		text[0] = '\0';
	for (line = text; *line != '\0' && n < max; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		off = 0;
		if (sscanf(line, "%ld %d %d %7s %n", &p[n].master, &p[n].local,
		    &p[n].remote, p[n].kind, &off) == 4 && off > 0 &&
		    p[n].local > 0 && p[n].local < 65536 && p[n].remote > 0 &&
		    p[n].remote < 65536) {
			snprintf(p[n].control, sizeof(p[n].control), "%s",
			    line + off);
			n++;
		}
	}
	free(text);
	return n;
}

static void
ports_save(const char *host, const struct port_fwd *p, int n)
{
	size_t len = (size_t)MAX_FWD * 256, at = 0;
	char *text;
	int i;

	if (n == 0) {
		state_remove(host, STATE_PORTS);
		return;
	}
	if ((text = malloc(len)) == NULL)
		return;
	text[0] = '\0';
	for (i = 0; i < n; i++)
		at += (size_t)snprintf(text + at, len - at, "%ld %d %d %s %s\n",
		    p[i].master, p[i].local, p[i].remote, p[i].kind,
		    p[i].control);
	state_write(host, STATE_PORTS, text);
	free(text);
}

static void
tell(const struct host_config *hc, int fd, const char *line)
{
	if (fd >= 0)
		say_on(fd, "%s", line);
	else
		notice_sessions(hc, line);
}

/* Remote port through c (master pid) on the first free local port. */
static int
add_one(const struct conn *c, const struct host_config *hc, pid_t master,
    int remote, const char *kind, int fd, struct port_fwd *out)
{
	char target[32], line[256];
	int local = remote, i;

	for (i = 0; i < PORT_TRIES && local < 65536 && !port_is_free(local);
	    i++)
		local++;
	if (i == PORT_TRIES || local >= 65536)
		return -1;
	if (local != remote) {
		snprintf(line, sizeof(line), "jupyssh: %s: local port %d is in "
		    "use; forwarding %d instead", hc->host, remote, local);
		tell(hc, fd, line);
	}
	snprintf(target, sizeof(target), "127.0.0.1:%d", remote);
	if (ssh_forward(c, "forward", local, target) == -1)
		return -1;
	/* Another program may have taken the port meanwhile: not ours. */
	if (!listener_is(local, master)) {
		ssh_forward(c, "cancel", local, target);
		return -1;
	}
	out->master = (long)master;
	out->local = local;
	out->remote = remote;
	snprintf(out->kind, sizeof(out->kind), "%s", kind);
	snprintf(out->control, sizeof(out->control), "%s", c->control);
	snprintf(line, sizeof(line), "jupyssh: %s: forwarding %d at "
	    "http://127.0.0.1:%d/", hc->host, remote, local);
	tell(hc, fd, line);
	return 0;
}

static void
cancel_one(const struct port_fwd *p, const char *host)
{
	struct conn m;
	char target[32];

	memset(&m, 0, sizeof(m));
	m.host = host;
	m.control = p->control;
	snprintf(target, sizeof(target), "127.0.0.1:%d", p->remote);
	if (access(p->control, F_OK) == 0)
		ssh_forward(&m, "cancel", p->local, target);
}

/*
 * One sync at a time for a host: the hook of a second login and the
 * keeper would otherwise both forward a port, the second one moved.
 */
static int
sync_lock(const char *host)
{
	char path[PATH_MAX];
	int fd;

	if (state_path(host, STATE_PORTS_LOCK, path, sizeof(path)) == -1 ||
	    (fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	if (flock(fd, LOCK_EX) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
has(const int *v, int n, int x)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

/*
 * Where the ports are: the master of the login c, or for a job the
 * connection to its node (in node), when it is up; NULL when not.
 */
static const struct conn *
via(const struct conn *c, const struct host_config *hc, struct conn *node,
    char *ctl, size_t len)
{
	if (hc->opts.scheduler != SCHEDULER_SLURM)
		return c;
	return node_conn_up(c, node, ctl, len) == 0 ? node : NULL;
}

/*
 * A job's notebook is looked for on its node, in the login node's state
 * folder: where its socket is, which the forward of the notebook records.
 */
static int
job_state_dir(const char *host, char *buf, size_t len)
{
	struct forward f;
	const char *slash;

	if (forward_recorded(host, &f) == -1 || strcmp(f.node, "-") == 0 ||
	    f.target[0] != '/' || (slash = strrchr(f.target, '/')) == f.target)
		return -1;
	snprintf(buf, len, "%.*s", (int)(slash - f.target), f.target);
	return 0;
}

/*
 * Makes the forwards match the settings and, when listed is not NULL
 * (auto: nlisted ports that the notebook's tree listens on), the listing:
 * what is wanted and not proven is forwarded through the login's master
 * (or its job's node's), an auto forward whose listener went away is
 * cancelled. Lines go to fd, or with fd -1 to the host's sessions.
 */
void
ports_sync(const struct conn *login, const struct host_config *hc,
    const int *listed, int nlisted, int fd)
{
	struct port_fwd have[MAX_FWD], keep[MAX_FWD];
	int fixed[MAX_FORWARD_PORTS], nfixed = 0, aut = 0, n, nkeep = 0, i;
	int lock;
	const struct conn *c;
	struct conn node;
	char ctl[PATH_MAX];
	pid_t master;

	if (hc->opts.forward_ports == NULL || forward_ports_parse(
	    hc->opts.forward_ports, fixed, &nfixed, &aut, NULL, 0) == -1 ||
	    login->control == NULL ||
	    (c = via(login, hc, &node, ctl, sizeof(ctl))) == NULL ||
	    (master = ssh_master_pid(c)) == -1)
		return;
	lock = sync_lock(hc->host);
	n = ports_read(hc->host, have, MAX_FWD);
	for (i = 0; i < n; i++) {
		/* A master that died took its forward with it. */
		if (!listener_is(have[i].local, (pid_t)have[i].master))
			continue;
		if (strcmp(have[i].kind, "auto") == 0 && listed != NULL &&
		    !has(listed, nlisted, have[i].remote)) {
			cancel_one(&have[i], hc->host);
			continue;
		}
		keep[nkeep++] = have[i];
	}
	for (i = 0; i < nfixed + (listed != NULL && aut ? nlisted : 0); i++) {
		int want = i < nfixed ? fixed[i] : listed[i - nfixed], j;

		for (j = 0; j < nkeep && keep[j].remote != want; j++)
			;
		if (j < nkeep || want == hc->opts.port || nkeep == MAX_FWD)
			continue;
		if (add_one(c, hc, master, want, i < nfixed ? "fixed" : "auto",
		    fd, &keep[nkeep]) == 0)
			nkeep++;
	}
	ports_save(hc->host, keep, nkeep);
	if (lock != -1)
		close(lock);
}

/* The keeper's look, every few seconds: the listing, then the sync. */
void
ports_watch(const struct host_config *hc)
{
	struct remote_result res;
	int fixed[MAX_FORWARD_PORTS], nfixed, aut = 0;
	char ctl[PATH_MAX], dir[PATH_MAX], *state = NULL;
	const struct conn *at;
	struct conn c, node;

	if (hc->opts.forward_ports == NULL || forward_ports_parse(
	    hc->opts.forward_ports, fixed, &nfixed, &aut, NULL, 0) == -1)
		return;
	connect_to(&c, hc);
	c.batch = 1;
	c.connect_timeout = LOOK_CONNECT_TIMEOUT;
	if (c.control == NULL)
		return;
	/* Looked for where they listen: a job's on its node. */
	if (hc->opts.scheduler == SCHEDULER_SLURM && job_state_dir(hc->host,
	    dir, sizeof(dir)) == 0)
		state = dir;
	if (!aut)
		ports_sync(&c, hc, NULL, 0, -1);
	else if ((at = via(&c, hc, &node, ctl, sizeof(ctl))) != NULL &&
	    (hc->opts.scheduler != SCHEDULER_SLURM || state != NULL) &&
	    remote_ports(at, &hc->opts, state, &res) == 0 &&
	    res.kind == RESULT_PORTS)
		ports_sync(&c, hc, res.ports, res.nports, -1);
	free((char *)c.control);
}

/* status: each forward still proven, a line on stdout. */
void
ports_status(const char *host)
{
	struct port_fwd p[MAX_FWD];
	int n, i;

	n = ports_read(host, p, MAX_FWD);
	for (i = 0; i < n; i++)
		if (listener_is(p[i].local, (pid_t)p[i].master))
			printf("%s: forwarding %d at http://127.0.0.1:%d/\n",
			    host, p[i].remote, p[i].local);
}

/* stop: every forward recorded, cancelled on its master; none left. */
void
ports_cancel_all(const char *host)
{
	struct port_fwd p[MAX_FWD];
	int n, i, lock;

	lock = sync_lock(host);
	n = ports_read(host, p, MAX_FWD);
	for (i = 0; i < n; i++)
		cancel_one(&p[i], host);
	state_remove(host, STATE_PORTS);
	if (lock != -1)
		close(lock);
}
