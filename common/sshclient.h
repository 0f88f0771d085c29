/* Which OpenSSH client this is, as far as its command line goes. */
#ifndef JUPYSSH_SSHCLIENT_H
#define JUPYSSH_SSHCLIENT_H

#include <stddef.h>

/*
 * One OpenSSH client, as its command line is read: its getopt string and
 * its version (the release, as 9.2p1 is 902), 0 where not known.
 */
#define SSH_OPTSTRING_MAX	128
struct ssh_client {
	char		 optstring[SSH_OPTSTRING_MAX];
	int		 version;
};

/* The readings known, from 7.4p1 to 10.5p1, oldest first. */
extern const struct ssh_client ssh_known_clients[];
extern const size_t ssh_nknown_clients;

/*
 * Learning the client from its own image: ssh_client_scan looks for the
 * getopt string and the release in one read-only piece of it (call it for
 * each, until it returns 1: both found). ssh_client_of_self walks this
 * process's program, ssh_client_of_file an executable on disk (such as
 * /proc/PID/exe). They return 0 when the getopt string was found.
 */
int	ssh_client_scan(struct ssh_client *, const char *buf, size_t len);
int	ssh_client_of_self(struct ssh_client *);
int	ssh_client_of_file(const char *path, struct ssh_client *);

#endif
