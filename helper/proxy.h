/* "jupyssh proxy": the relay (proxy.c) and the notebook (proxy_notebook.c). */
#ifndef JUPYSSH_PROXY_H
#define JUPYSSH_PROXY_H

#include <sys/types.h>

/*
 * For the ssh that runs the proxy, and when it wants one: a notebook,
 * set going by a detached worker. given is %n, or NULL; host and port are
 * what the proxy connects to; relay is the proxy's pid.
 */
void	notebook_worker(const char *given, const char *host, const char *port,
	    pid_t relay);

#endif
