/* Reads Jupyter* directives from ssh-style configuration files. */
#ifndef JUPYSSH_READCONF_H
#define JUPYSSH_READCONF_H

#include <sys/types.h>

enum autostart {
	AUTOSTART_UNSET = -1,
	AUTOSTART_INTERACTIVE,	/* login shells and ssh -N only */
	AUTOSTART_YES,		/* also ssh host command */
	AUTOSTART_NO		/* only "jupyssh start" */
};

enum scheduler {
	SCHEDULER_NONE,		/* the notebook runs on the host itself */
	SCHEDULER_SLURM		/* a batch job on a compute node */
};

#define DEFAULT_COMMAND		"jupyter notebook"
#define DEFAULT_START_TIMEOUT	60
#define MAX_INCLUDE_DEPTH	16

/* Effective settings for one host; the first value seen wins, as in ssh. */
struct jupyter_options {
	int	 port;		/* JupyterPort; 0: not a Jupyter host */
	int	 local_port;	/* JupyterLocalPort */
	char	*directory;	/* JupyterDirectory, remote path */
	char	*env;		/* JupyterEnv: virtualenv path or conda:NAME */
	char	*command;	/* JupyterCommand */
	int	 autostart;	/* JupyterAutoStart */
	int	 start_timeout;	/* JupyterStartTimeout, seconds */
	int	 socket;	/* JupyterSocket: a Unix socket, not a port */
	int	 stop_on_exit;	/* JupyterStopOnExit */
	char	*browser;	/* JupyterBrowser: no, yes or a command */
	int	 scheduler;	/* JupyterScheduler */
	char	*slurm_options;	/* JupyterSlurmOptions: for sbatch */
	char	*control_path;	/* the user's own ControlPath, if any */
	char	*port_origin;	/* "FILE:LINE" of JupyterPort, for messages */
};

/* A file ssh will read that holds Jupyter lines it must not see. */
struct file_id {
	dev_t	dev;
	ino_t	ino;
};

struct config_reader {
	const char	*host;		/* the alias as typed; NULL: match none */
	const char	*home;		/* the passwd home directory */
	struct jupyter_options *opts;
	int		 errors;	/* bad lines seen so far */
	int		 quiet;		/* count errors without printing them */
	struct file_id	*marked;	/* files with Jupyter lines */
	size_t		 nmarked;
	char		**hosts;	/* with collect_hosts: Host patterns seen */
	size_t		 nhosts;
	int		 collect_hosts;
	int		 too_deep;	/* an Include nested too deep: no more */
};

#define CONF_SSH	0x01	/* an ssh config: other keywords are ssh's */
#define CONF_CHECKPERM	0x02	/* refuse files others can write, like ssh */
#define CONF_OPTIONAL	0x04	/* a missing file is not an error */
#define CONF_NEVERMATCH	0x08	/* included from an inactive block */

void	 options_init(struct jupyter_options *);
void	 options_fill_defaults(struct jupyter_options *);
void	 options_free(struct jupyter_options *);

void	 reader_init(struct config_reader *, const char *host,
	    const char *home, struct jupyter_options *);
void	 reader_free(struct config_reader *);
int	 read_config_file(struct config_reader *, const char *path, int flags);
int	 read_config_line(struct config_reader *, char *line, const char *file,
	    int linenum, int flags, int *active, int depth);
int	 reader_is_marked(const struct config_reader *, dev_t, ino_t);

/* Reads the side config, then the ssh config (-F path or ~/.ssh/config). */
int	 config_resolve(struct config_reader *, const char *ssh_config);
const char *side_config_path(const char *home, char *buf, size_t len);

int	 is_jupyter_keyword(const char *line);

#endif
