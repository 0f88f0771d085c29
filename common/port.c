/*
 * Whether ssh could listen on 127.0.0.1:port. Like ssh, with SO_REUSEADDR:
 * connections of an earlier forward in TIME_WAIT do not make it busy.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>
#include <unistd.h>

#include "../compat/os.h"
#include "port.h"

int
port_is_free(int port)
{
	struct sockaddr_in sin;
	int fd, ok, on = 1;

	if ((fd = os_socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 1;	/* let ssh find out, and say so */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	close(fd);
	return ok;
}
