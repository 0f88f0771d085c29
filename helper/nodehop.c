/*
 * A SLURM job's notebook listens on a 0600 Unix socket on its node, so no
 * other user of the cluster can reach it, and nothing crosses the cluster
 * network in clear. The laptop reaches it through a second ssh connection,
 * to the node, carried inside the login node's own (ssh -W through its
 * control master: no new authentication to the login node, no prompt),
 * with the host's settings (user, keys) and the node's host key checked
 * under the node's name. Its session waits on the node for the notebook
 * to end (hold_command), so it ends with the job, however the job ends: it
 * must, as its channel in the login's master keeps that master open after
 * the user's shell has ended. Or with the login connection, or at stop.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/state.h"
#include "nodehop.h"
#include "remote.h"
#include "spawn.h"
#include "vis.h"

/* s single-quoted for ProxyCommand's shell, '%' doubled for ssh. */
static int
quote(char *dst, size_t len, const char *s)
{
	size_t n = 0;

#define PUT(c)	do { if (n + 1 >= len) return -1; dst[n++] = (c); } while (0)
	PUT('\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			PUT('\''); PUT('\\'); PUT('\''); PUT('\'');
		} else if (*s == '%') {
			PUT('%'); PUT('%');
		} else
			PUT(*s);
	}
	PUT('\'');
#undef PUT
	dst[n] = '\0';
	return 0;
}

/* The ssh -W through the login node's master, as a ProxyCommand. */
static int
proxy_command(const struct conn *login, char *buf, size_t len)
{
	const char *ssh = getenv("JUPYSSH_SSH");
	char qssh[PATH_MAX], qctl[PATH_MAX * 2], qcfg[PATH_MAX * 2] = "";
	char qhost[1024];
	int n;

	if (quote(qssh, sizeof(qssh), ssh != NULL && *ssh != '\0' ? ssh :
	    "ssh") == -1 || quote(qctl, sizeof(qctl), login->control) == -1 ||
	    quote(qhost, sizeof(qhost), login->host) == -1 ||
	    (login->config != NULL && quote(qcfg, sizeof(qcfg),
	    login->config) == -1))
		return -1;
	n = snprintf(buf, len, "ProxyCommand=%s -S %s -o ControlMaster=no "
	    "-o PermitLocalCommand=no -o BatchMode=yes %s%s -W %%h:%%p -- %s",
	    qssh, qctl, qcfg[0] ? "-F " : "", qcfg, qhost);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/*
 * The node's side of the hop: while the notebook of the job's pid file
 * (the socket's name, .pid for .sock) is that process, else while its
 * socket is there. The path is the remote's: only plain characters pass,
 * inside single quotes for the login shell and for sh.
 */
static int
hold_command(const char *sock, char *buf, size_t len)
{
	size_t n = strlen(sock);
	int w;

	if (sock[0] != '/' || n < 6 || strcmp(sock + n - 5, ".sock") != 0 ||
	    strspn(sock, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._/-") != n)
		return -1;
	w = snprintf(buf, len, "exec /bin/sh -c 'exec 2>/dev/null; "
	    "f=%.*s.pid s=%s; "
	    "if read -r p t x < \"$f\"; then "
	    "while kill -0 \"$p\" && read -r q u x < \"$f\" && "
	    "[ \"$q $u\" = \"$p $t\" ]; do sleep 2; done; "
	    "else while [ -S \"$s\" ]; do sleep 2; done; fi'",
	    (int)(n - 5), sock, sock);
	return w < 0 || (size_t)w >= len ? -1 : 0;
}

/*
 * A live connection to the node of res's job, in node (its control
 * socket in ctl); started if need be. 0, or -1 with why in err.
 */
int
node_conn(const struct conn *login, const struct remote_result *res,
    struct conn *node, char *ctl, size_t ctllen, char *err, size_t errlen)
{
	char proxy[PATH_MAX * 6], hostname[128], alias[128], hold[1024];
	char vis[256];
	const char *extra[4];

	*node = *login;
	node->batch = 1;	/* in the background, never a prompt */
	if (login->control == NULL || state_path(login->host, STATE_NODE_CTL,
	    ctl, ctllen) == -1 || strlen(ctl) >= 100) {
		snprintf(err, errlen, "no way to reach node %s", res->node);
		return -1;
	}
	node->control = ctl;
	/* Up, and to this job's node: a replaced job may run elsewhere. */
	if (ssh_master_answers(node)) {
		char *to = state_read(login->host, STATE_NODE);
		int same = to != NULL && strcmp(to, res->node) == 0;

		free(to);
		if (same)
			return 0;
		ssh_control(node, "exit");
	}
	unlink(ctl);
	if (proxy_command(login, proxy, sizeof(proxy)) == -1) {
		snprintf(err, errlen, "paths too long for a ProxyCommand");
		return -1;
	}
	if (hold_command(res->sock, hold, sizeof(hold)) == -1) {
		vis_text(vis, sizeof(vis), res->sock, strlen(res->sock), 0);
		snprintf(err, errlen, "the job's socket path is not plain: %s",
		    vis);
		return -1;
	}
	snprintf(hostname, sizeof(hostname), "HostName=%s", res->addr);
	snprintf(alias, sizeof(alias), "HostKeyAlias=%s", res->node);
	extra[0] = hostname;
	extra[1] = alias;
	extra[2] = proxy;
	extra[3] = NULL;
	state_write(login->host, STATE_NODE, res->node);
	if (ssh_start_master_for(node, extra, hold) == -1) {
		char *why = state_last_line(login->host, STATE_LOG), vis[256];

		vis_text(vis, sizeof(vis), why ? why : "no reason given",
		    why ? strlen(why) : 15, 0);
		snprintf(err, errlen, "cannot reach node %s (%s) by ssh: %s",
		    res->node, res->addr, vis);
		free(why);
		return -1;
	}
	return 0;
}

/*
 * The connection to the job's node that node_conn made, in node, when it
 * still answers: for more forwards to that node, and for looking there.
 * Never started here, so never to another node than the notebook's.
 */
int
node_conn_up(const struct conn *login, struct conn *node, char *ctl,
    size_t ctllen)
{
	*node = *login;
	node->batch = 1;
	if (state_path(login->host, STATE_NODE_CTL, ctl, ctllen) == -1)
		return -1;
	node->control = ctl;
	return ssh_master_answers(node) ? 0 : -1;
}

/* Ends the connection to the job's node, if there is one. */
void
node_conn_end(const char *host)
{
	struct conn c;
	char ctl[PATH_MAX];

	if (state_path(host, STATE_NODE_CTL, ctl, sizeof(ctl)) == -1 ||
	    access(ctl, F_OK) == -1)
		return;
	memset(&c, 0, sizeof(c));
	c.host = host;
	c.control = ctl;
	ssh_control(&c, "exit");
	unlink(ctl);
	state_remove(host, STATE_NODE);
}
