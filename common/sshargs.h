/* What an ssh command line asks for, as far as jupyssh cares. */
#ifndef JUPYSSH_SSHARGS_H
#define JUPYSSH_SSHARGS_H

#include "sshclient.h"

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

int	host_is_plain(const char *host);

#endif
