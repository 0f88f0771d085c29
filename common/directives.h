/*
 * The Jupyter directives: the settings they fill, and the one table that
 * the reader, "jupyssh -G", the remote script's inputs and the lint
 * (tests/lint/directives.sh) all go by.
 */
#ifndef JUPYSSH_DIRECTIVES_H
#define JUPYSSH_DIRECTIVES_H

#include <stddef.h>

enum autostart {
	AUTOSTART_UNSET = -1,
	AUTOSTART_INTERACTIVE,	/* login shells and ssh -N only */
	AUTOSTART_YES,		/* also ssh host command */
	AUTOSTART_NO		/* only "jupyssh start" */
};

/* JupyterForward: how long the local forward lives. */
enum forward_life {
	FORWARD_NOTEBOOK,	/* as long as the notebook, healed when it drops */
	FORWARD_SESSION		/* only while an ssh session is open */
};

enum scheduler {
	SCHEDULER_NONE,		/* the notebook runs on the host itself */
	SCHEDULER_SLURM		/* a batch job on a compute node */
};

/* Effective settings for one host; the first value seen wins, as in ssh. */
struct jupyter_options {
	int	 port;		/* JupyterPort; 0: not a Jupyter host */
	int	 local_port;	/* JupyterLocalPort */
	char	*directory;	/* JupyterDirectory, remote path */
	char	*env;		/* JupyterEnv: virtualenv path or conda:NAME */
	char	*modules;	/* JupyterModules: to load before JupyterEnv */
	char	*command;	/* JupyterCommand */
	int	 autostart;	/* JupyterAutoStart */
	int	 start_timeout;	/* JupyterStartTimeout, seconds */
	int	 socket;	/* JupyterSocket: a Unix socket, not a port */
	int	 stop_on_exit;	/* JupyterStopOnExit */
	int	 idle_timeout;	/* JupyterIdleTimeout, seconds; 0: none */
	char	*browser;	/* JupyterBrowser: no, yes or a command */
	int	 scheduler;	/* JupyterScheduler */
	char	*slurm_options;	/* JupyterSlurmOptions: for sbatch */
	int	 forward;	/* JupyterForward */
	char	*forward_ports;	/* JupyterForwardPorts: ports and/or auto */
	char	*control_path;	/* the user's own ControlPath, if any */
	char	*port_origin;	/* "FILE:LINE" of JupyterPort, for messages */
};

enum opcode {
	oBadOption, oHost, oMatch, oInclude, oControlPath,
	oJupyterPort, oJupyterLocalPort, oJupyterDirectory, oJupyterEnv,
	oJupyterCommand, oJupyterAutoStart, oJupyterStartTimeout,
	oJupyterSocket, oJupyterStopOnExit, oJupyterBrowser,
	oJupyterScheduler, oJupyterSlurmOptions, oJupyterForward,
	oJupyterForwardPorts, oJupyterModules, oJupyterIdleTimeout
};

/* What a directive's value is, and so how it is read and printed. */
enum directive_type {
	T_PORT,		/* 1-65535 */
	T_SECONDS,	/* 1-86400 */
	T_WORD,		/* one word, quotes allowed */
	T_LINE,		/* the rest of the line as it stands: a command */
	T_CHOICE,	/* one of the value names */
	T_PORTS,	/* ports 1-65535 and the word auto, kept as text */
	T_DURATION	/* ssh's time format (2h, 90m, 1h30m), or none: 0 */
};

struct value_name {
	const char	*name;
	int		 value;
};

struct directive {
	const char	*name;		/* as the manual spells it */
	enum opcode	 opcode;
	enum directive_type type;
	size_t		 field;		/* offset in struct jupyter_options */
	const char	*dflt;		/* filled in when unset, or NULL */
	const char	*none;		/* what -G says when unset, no default */
	const struct value_name *values; /* T_CHOICE: the words it takes */
	const char	*script;	/* the remote script's variable, or NULL */
};

/* Every directive, in the order -G prints them; ends with a NULL name. */
extern const struct directive directives[];

const struct directive *directive_find(const char *keyword);
int	 directive_set(const struct directive *, struct jupyter_options *,
	    const char *value, int store, char *why, size_t whylen);
const char *directive_value(const struct directive *,
	    const struct jupyter_options *, char *buf, size_t len);

/* JupyterForwardPorts: at most this many fixed ports. */
#define MAX_FORWARD_PORTS	16

int	 forward_ports_parse(const char *value, int *ports, int *nports,
	    int *autop, char *why, size_t whylen);

void	 options_init(struct jupyter_options *);
void	 options_fill_defaults(struct jupyter_options *);
void	 options_free(struct jupyter_options *);
int	 options_script_vars(const struct jupyter_options *,
	    int (*put)(void *ctx, const char *name, const char *value),
	    void *ctx);

#endif
