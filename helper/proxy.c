/*
 * "jupyssh proxy": ProxyCommand mode, for an ssh that cannot preload the
 * library. It connects to the host (or runs ssh -W through a jump host)
 * and relays ssh's bytes (with splice(2) on Linux); meanwhile a detached worker waits
 * for ssh's control master to come up and then does what the LocalCommand
 * does: start or find the notebook through it, forward it, print the URL.
 * The host block needs ControlMaster and ControlPath of its own.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/number.h"
#include "../compat/os.h"
#include "commands.h"
#include "proxy.h"
#include "spawn.h"
#include "util.h"

#define RELAY_CHUNK	(1 << 20)

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
		if ((fd = os_socket(ai->ai_family, ai->ai_socktype,
		    ai->ai_protocol)) == -1)
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
 * One direction of the relay. On Linux splice(2) moves the bytes between
 * a pipe (ssh gives ProxyCommand pipes) and the socket inside the kernel;
 * a side that is no pipe, or a system without splice, falls back to
 * read/write through buf.
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
		n = os_splice(f->from, f->to, RELAY_CHUNK);
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
