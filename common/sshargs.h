/* What an ssh command line asks for, as far as jupyssh cares. */
#ifndef JUPYSSH_SSHARGS_H
#define JUPYSSH_SSHARGS_H

#include <stddef.h>

struct ssh_args {
	char		 host[256];	/* the destination's host part */
	char		 config[1024];	/* -F; empty: none given */
	char		 control_path[1024]; /* -S or -o ControlPath */
	int		 command;	/* a remote command or RemoteCommand */
	int		 no_shell;	/* -N or SessionType none */
	int		 subsystem;	/* -s */
	int		 stdio_forward;	/* -W */
	int		 control_command; /* -O */
	int		 dump_config;	/* -G */
	int		 no_local_command; /* PermitLocalCommand no */
	int		 clear_forwardings; /* ClearAllForwardings yes */
	int		 own_local_command; /* -o LocalCommand */
	int		 info_only;	/* -V, -Q, -Z: no session at all */
};

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
 * parse_ssh_args_as: argv read as client reads it. 0: a destination,
 * classified; SSHARGS_NONE: ssh itself gives up on this line (a usage
 * error, no destination, or a host too long to hold); SSHARGS_DOUBT: the
 * reading depends on what is not known about this client.
 * parse_ssh_args: when the client is not known at all; only what every
 * known client reads alike is classified, anything else is a doubt.
 */
#define SSHARGS_NONE	(-1)
#define SSHARGS_DOUBT	(-2)
int	parse_ssh_args_as(const struct ssh_client *, int argc,
	    char *const argv[], struct ssh_args *);
int	parse_ssh_args(int argc, char *const argv[], struct ssh_args *);

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

int	host_is_plain(const char *host);

#endif
