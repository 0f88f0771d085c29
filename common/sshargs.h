/* What an ssh command line asks for, as far as jupyssh cares. */
#ifndef JUPYSSH_SSHARGS_H
#define JUPYSSH_SSHARGS_H

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
	int		 info_only;	/* -V, -Q: no connection at all */
};

int	parse_ssh_args(int argc, char *const argv[], struct ssh_args *);
int	host_is_plain(const char *host);

#endif
