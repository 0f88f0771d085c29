/*
 * jupyssh doctor's forward: a real test forward through our master, of
 * the kind a login needs (TCP to the notebook's port, or to a Unix socket
 * with JupyterSocket), so that a server's AllowTcpForwarding no or
 * AllowStreamLocalForwarding no is named. Nothing is sent through it.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../compat/os.h"
#include "doctor.h"
#include "spawn.h"
#include "util.h"

/* A listening socket on 127.0.0.1, port chosen by the kernel; or -1. */
static int
listener(int *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd;

	if ((fd = os_socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 4) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1) {
		close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A free local port for a test forward. */
static int
free_port(void)
{
	int port = -1, fd = listener(&port);

	if (fd != -1)
		close(fd);
	return fd == -1 ? -1 : port;
}

/*
 * One connection through the forward on port, nothing sent. With
 * accept_fd: 1 once that listener gets the connection back (the far end
 * opened it), else 0. Without: 0 once the master closes our end (it knows
 * the server's answer) or the far end does. Bounded.
 */
static int
poke(int port, int accept_fd)
{
	struct sockaddr_in sin;
	struct pollfd pfd;
	char buf[256];
	long deadline = monotonic_ms() + 10000;
	int fd, back = 0, c;

	if ((fd = os_socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0) {
		if (accept_fd == -1)
			shutdown(fd, SHUT_WR);
		pfd.fd = accept_fd != -1 ? accept_fd : fd;
		pfd.events = POLLIN;
		while (monotonic_ms() < deadline &&
		    poll(&pfd, 1, (int)(deadline - monotonic_ms())) > 0) {
			if (accept_fd != -1) {
				if ((c = accept(accept_fd, NULL, NULL)) != -1)
					close(c);
				back = c != -1;
				break;
			}
			if ((pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) ||
			    read(fd, buf, sizeof(buf)) <= 0)
				break;
		}
	}
	close(fd);
	return back;
}

/* ssh -O OP -L|-R FWD on our master; 0 when ssh says yes. */
static int
master_forward(struct doctor *d, const char *op, const char *flag,
    const char *fwd)
{
	struct conn bare = d->conn;
	const char *argv[MAX_ARGS];
	char *control, out[512];
	int n, rc;

	bare.config = "none";	/* only FWD: not the config's forwards */
	if ((control = control_option(&bare)) == NULL)
		return -1;
	n = ssh_base_args(&bare, argv, control);
	argv[n++] = "-O";
	argv[n++] = op;
	argv[n++] = flag;
	argv[n++] = fwd;
	argv[n++] = "--";
	argv[n++] = d->host;
	argv[n] = NULL;
	rc = doctor_capture(argv, out, sizeof(out), 15);
	free(control);
	return rc == 0 ? 0 : -1;
}

/* A command on the host through our master, its output ignored. */
static void
master_run(struct doctor *d, const char *command)
{
	const char *argv[MAX_ARGS];
	char *control, out[512];
	int n;

	if ((control = control_option(&d->conn)) == NULL)
		return;
	n = ssh_base_args(&d->conn, argv, control);
	argv[n++] = "-T";
	argv[n++] = "--";
	argv[n++] = d->host;
	argv[n++] = command;
	argv[n] = NULL;
	doctor_capture(argv, out, sizeof(out), 15);
	free(control);
}

/*
 * TCP, as a login forwards the notebook: a channel to its port, nothing
 * sent. A refusal is the only "administratively prohibited" in the
 * master's log; a port nobody listens on is "connect failed", allowed.
 */
static void
forward_tcp(struct doctor *d)
{
	char target[64], fwd[96], out[LOG_LEN];
	struct stat st;
	long before;
	int local;

	snprintf(target, sizeof(target), "127.0.0.1:%d", d->checked &&
	    d->res.port > 0 ? d->res.port : d->hc.opts.port);
	snprintf(out, sizeof(out), "%s/ssh.log", d->tmp);
	before = stat(out, &st) == 0 ? (long)st.st_size : 0;
	if ((local = free_port()) == -1 ||
	    snprintf(fwd, sizeof(fwd), "127.0.0.1:%d:%s", local, target) < 0 ||
	    master_forward(d, "forward", "-L", fwd) == -1) {
		doctor_say(d, "forward", V_FAIL, NULL, "ssh -O forward of a "
		    "free local port to %s failed", target);
		return;
	}
	poke(local, -1);
	master_forward(d, "cancel", "-L", fwd);
	master_log(d, before, out, sizeof(out));
	if (strstr(out, "administratively prohibited") != NULL) {
		doctor_say(d, "forward", V_FAIL, "the server's sshd_config "
		    "must allow it for you (its admin's call), or use a "
		    "server that does", "%s refuses TCP forwarding to %s "
		    "(administratively prohibited: AllowTcpForwarding no, "
		    "or a PermitOpen that leaves it out)", d->host, target);
		return;
	}
	doctor_say(d, "forward", V_OK, NULL, "%s allows TCP forwarding (a "
	    "test channel to %s, nothing sent)", d->host, target);
}

/*
 * A Unix socket, as a notebook with JupyterSocket listens on. A refusal
 * and a missing socket answer alike, so the server is first asked to
 * listen on a socket of its own that leads back to us (-R); a channel to
 * that socket (-L) that comes back through it proves the forward.
 */
static void
forward_stream(struct doctor *d)
{
	char token[64], path[96], rfwd[160], lfwd[160], rm[128];
	int back_fd, back, local, made, ok = 0;

	if (random_token(token, sizeof(token)) == -1 ||
	    (back_fd = listener(&back)) == -1 || (local = free_port()) == -1) {
		doctor_say(d, "forward", V_FAIL, NULL, "no local port or "
		    "random name for the test forward");
		return;
	}
	snprintf(path, sizeof(path), "/tmp/jupyssh-doctor-%.16s.sock", token);
	snprintf(rfwd, sizeof(rfwd), "%s:127.0.0.1:%d", path, back);
	snprintf(lfwd, sizeof(lfwd), "127.0.0.1:%d:%s", local, path);
	made = master_forward(d, "forward", "-R", rfwd) == 0;
	if (made && master_forward(d, "forward", "-L", lfwd) == 0) {
		ok = poke(local, back_fd);
		master_forward(d, "cancel", "-L", lfwd);
	}
	close(back_fd);
	if (made) {
		master_forward(d, "cancel", "-R", rfwd);
		snprintf(rm, sizeof(rm), "rm -f %s", path);
		master_run(d, rm);
	}
	if (ok)
		doctor_say(d, "forward", V_OK, NULL, "%s forwards to a Unix "
		    "socket (a test socket of its own, nothing sent)",
		    d->host);
	else
		doctor_say(d, "forward", V_FAIL, "the server's sshd_config "
		    "must allow it for you (its admin's call), or "
		    "JupyterSocket no", "%s refuses to forward to a Unix "
		    "socket (%s: AllowStreamLocalForwarding no)", d->host,
		    made ? "a test channel was refused" : "it would not even "
		    "listen on one");
}

void
doctor_forward(struct doctor *d)
{
	if (d->hc.opts.socket && d->hc.opts.scheduler == SCHEDULER_NONE)
		forward_stream(d);
	else
		forward_tcp(d);
}
