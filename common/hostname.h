/* Host names the helper accepts; shared by the shim and the helper. */
#ifndef JUPYSSH_HOSTNAME_H
#define JUPYSSH_HOSTNAME_H

/*
 * A DNS name has at most 253 characters; ours must also fit a file name
 * with a kind and a temporary suffix (NAME_MAX 255, "HOST.session.XXXXXX").
 */
#define HOST_NAME_MAXLEN	240

int	host_name_ok(const char *host);

#endif
