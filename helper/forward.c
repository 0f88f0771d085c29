/*
 * The local end: 127.0.0.1:PORT on this machine reaching the notebook,
 * whatever port or socket it took on the remote.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../common/port.h"
#include "commands.h"
#include "remote.h"
#include "state.h"
#include "util.h"

#define PORT_TRIES	100

/*
 * Makes 127.0.0.1:*local reach the notebook through the master c: the
 * forward already there if it answers with our token, else a new one,
 * on the next free port if another program holds *local. note_fd gets
 * a line when the port changes. 0, or -1 with why in err.
 */
int
ensure_forward(const struct conn *c, const struct host_config *hc,
    const struct remote_result *res, int *local, int note_fd, char *err,
    size_t errlen)
{
	struct timespec nap = { 0, 50 * 1000 * 1000 };
	char target[PATH_MAX + 16], configured[32];
	int port = *local, i;

	if (http_ok(port, "/api/status", res->token))
		return 0;
	if (res->sock[0] != '\0')
		snprintf(target, sizeof(target), "%s", res->sock);
	else
		snprintf(target, sizeof(target), "%s:%d", res->addr[0] ?
		    res->addr : "127.0.0.1", res->port);
	/* The session's own LocalForward leads to the configured port. */
	snprintf(configured, sizeof(configured), "127.0.0.1:%d",
	    hc->opts.port);
	if (strcmp(target, configured) != 0)
		ssh_forward(c, "cancel", port, configured);
	for (i = 0; i < PORT_TRIES && !port_is_free(port + i) &&
	    port + i < 65535; i++)
		;
	if (i == PORT_TRIES || port + i >= 65535) {
		snprintf(err, errlen, "no free local port from %d on", port);
		return -1;
	}
	if (i > 0)
		say_on(note_fd, "jupyssh: %s: local port %d is in use; "
		    "forwarding %d instead", hc->host, port, port + i);
	port += i;
	if (ssh_forward(c, "forward", port, target) == -1) {
		snprintf(err, errlen, "ssh refused to forward local port %d "
		    "to %s", port, target);
		return -1;
	}
	for (i = 0; i < 60; i++) {
		if (http_ok(port, "/api/status", res->token)) {
			*local = port;
			/* What "jupyssh stop" cancels. */
			state_write(hc->host, "forward", target);
			return 0;
		}
		nanosleep(&nap, NULL);
	}
	snprintf(err, errlen, "the notebook does not answer through local "
	    "port %d", port);
	return -1;
}
