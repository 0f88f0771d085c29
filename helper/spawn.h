/* Running ssh and scripts: the one place that forks, waits and times out. */
#ifndef JUPYSSH_SPAWN_H
#define JUPYSSH_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

struct spawn {
	const char	*const *argv;	/* argv[0] searched in PATH */
	const char	*host;		/* stderr into this host's log */
	const char	*input;		/* for stdin, or NULL: none */
	int		 keep_stdin;	/* without input: ours, not /dev/null */
	char		*out;		/* stdout, NUL-ended; or NULL */
	size_t		 outlen;
	/* Or stdout in pieces as it comes (a log); neither: our stdout. */
	void		(*on_chunk)(const char *buf, size_t n);
	int		 err_to_out;	/* stderr with stdout, not the log */
	int		 timeout;	/* seconds, then SIGTERM; 0: none */
	int		 tick_ms;	/* call on_wait this often, or 0 */
	void		(*on_wait)(void);
	void		(*on_output)(const char *out, size_t got);
};

long	monotonic_ms(void);
int	spawn_run(const struct spawn *);
int	spawn_reap(pid_t, long deadline_ms);
int	spawn_wait(pid_t);
int	detach(void);
pid_t	spawn_call(int (*fn)(void *, int), void *arg, int *rfd);
int	spawn_detached(const char *const *argv, const char *host);
int	spawn_foreground(const char *const *argv, const char *host,
	    int timeout);

#endif
