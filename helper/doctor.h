/*
 * jupyssh doctor: every link between "ssh host" and a working URL,
 * checked in order, one line each: what was checked, ok or the problem,
 * and the fix. It never starts a notebook, never sends a token, never
 * prompts.
 */
#ifndef JUPYSSH_DOCTOR_H
#define JUPYSSH_DOCTOR_H

#include <limits.h>
#include <stddef.h>

#include "commands.h"
#include "protocol.h"
#include "remote.h"

enum verdict {
	V_OK,		/* this link holds */
	V_NOTE,		/* it holds, with something to know */
	V_FAIL,		/* broken: a login would bring no working URL */
	V_SKIP		/* not checked: an earlier link is broken, or n/a */
};

#define DOCTOR_LINES	20
#define DUMP_LEN	65536
#define LOG_LEN		32768	/* what we read of our master's log */

struct doctor_line {
	const char	*check;
	enum verdict	 verdict;
	char		 what[1200];
	char		 fix[600];
};

struct doctor {
	const char	*host;
	struct host_config hc;
	int		 settings;	/* hc holds the host's settings */
	char		 self[PATH_MAX];	/* this jupyssh */
	char		 lib[PATH_MAX];		/* the library preloaded, or "" */
	int		 proxy_mode;	/* ProxyCommand jupyssh proxy */
	int		 blocked;	/* ssh -G failed, or no block where due */
	char		 dump[DUMP_LEN];	/* ssh -G HOST, as a login sees it */
	char		 tmp[64];	/* our folder: the master and its log */
	struct conn	 conn;		/* to the host, through our master */
	int		 master;	/* our master is up */
	struct remote_result res;	/* the check script's answer */
	int		 checked;	/* res holds one */
	struct doctor_line line[DOCTOR_LINES];
	int		 n;
};

int	cmd_doctor(int argc, char **argv);

void	doctor_say(struct doctor *, const char *check, enum verdict,
	    const char *fix, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
int	doctor_capture(const char *const *argv, char *out, size_t len,
	    int timeout);
const char *dump_value(const char *dump, const char *key, char *buf,
	    size_t len);

/* doctor_local.c: the state folder, the Jupyter files, the local port. */
void	doctor_local(struct doctor *);
void	doctor_local_port(struct doctor *);

/* doctor_ssh.c: ssh's block, the control path. */
void	doctor_ssh(struct doctor *);
void	complaints(const char *dump, char *buf, size_t len, const char *only);

/* doctor_library.c: the library preloaded (or ProxyCommand mode), the
 * helper next to it. */
int	check_library(struct doctor *);
void	check_helper(struct doctor *, const char *helper);

/* doctor_remote.c: the login, the remote's folder, env and Jupyter, the
 * ports there, the scheduler. */
void	doctor_remote(struct doctor *);
void	doctor_end(struct doctor *);
size_t	master_log(const struct doctor *, long offset, char *buf, size_t len);

/* doctor_forward.c: a test forward of the kind a login needs. */
void	doctor_forward(struct doctor *);

#endif
