/* Who listens on a local port. */
#ifndef JUPYSSH_LISTENER_H
#define JUPYSSH_LISTENER_H

#include <sys/types.h>

int	listener_is(int port, pid_t pid);

#endif
