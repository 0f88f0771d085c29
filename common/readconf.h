/* Reads Jupyter* directives from ssh-style configuration files. */
#ifndef JUPYSSH_READCONF_H
#define JUPYSSH_READCONF_H

#include <sys/types.h>

#include "directives.h"
#include "words.h"

#define MAX_INCLUDE_DEPTH	16

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

void	 reader_init(struct config_reader *, const char *host,
	    const char *home, struct jupyter_options *);
void	 reader_free(struct config_reader *);
int	 read_config_file(struct config_reader *, const char *path, int flags);
int	 read_config_line(struct config_reader *, char *line, const char *file,
	    int linenum, int flags, int *active, int depth);
int	 reader_is_marked(const struct config_reader *, dev_t, ino_t);

/* Reads the side config, then the ssh config (-F path or ~/.ssh/config). */
struct stat;
int	 config_resolve(struct config_reader *, const char *ssh_config);
const char *side_config_path(const char *home, char *buf, size_t len);
int	 config_unsafe(const struct stat *);

#endif
