/* Local TCP ports; shared by the shim and the helper. */
#ifndef JUPYSSH_PORT_H
#define JUPYSSH_PORT_H

int	port_is_free(int port);

#endif
