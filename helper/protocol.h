/*
 * What the remote scripts answer: one result line, after any number of
 * progress lines (helper/remote/PROTOCOL.md). Everything in it comes from
 * the remote and is validated here, the only reader; free text is made
 * visible (vis.c) before it is stored.
 */
#ifndef JUPYSSH_PROTOCOL_H
#define JUPYSSH_PROTOCOL_H

#include <stddef.h>

#define RESULT_TAG	"jupyssh-result "
#define PROGRESS_TAG	"jupyssh-progress "
#define ENDED_TAG	"jupyssh-ended "

enum result_kind {
	RESULT_ERROR,		/* MESSAGE */
	RESULT_OK,		/* start: the notebook runs, fields below */
	RESULT_RUNNING,		/* status: the same fields */
	RESULT_PENDING,		/* JOB STATE REASON: a queued SLURM job */
	RESULT_STOPPED,		/* none | ID, or nothing (status) */
	RESULT_CHECKED,		/* check: each step's word, see below */
	RESULT_PORTS		/* ports: COUNT PORT...: the notebook's own */
};

/* ports: at most this many listeners of the notebook's tree. */
#define MAX_LISTED_PORTS	32

/* Our tokens: 24 random bytes in lowercase hex (util.c). */
#define TOKEN_LEN	48

/*
 * ok and running:
 *   PORT TOKEN ID HOW UPTIME KERNELS SOCKET NODE ADDR LEFT FOLDER
 */
/*
 * checked (jupyssh doctor):
 *   FOLDER ENV COMMAND VERSION PORTS PORT SCHEDULER WHY
 * each a word from PROTOCOL.md's short list; PORT in remote_result.port,
 * WHY in its detail.
 */
struct remote_check {
	char	folder[8];	/* ok, missing, - */
	char	env[8];		/* ok, none, failed, - */
	char	command[8];	/* ok, missing, failed, - */
	char	version[32];	/* what --version said, unknown, - */
	char	ports[12];	/* free, ours, busy, full, unproven, socket */
	char	scheduler[8];	/* -, ok, missing, failed */
};

struct remote_result {
	enum result_kind kind;
	int	port;		/* the proven port Jupyter bound; 0 on a socket */
	char	token[TOKEN_LEN + 1];
	long	pid;		/* the notebook's pid, or the job's id */
	char	how[8];		/* started, reused, "-" */
	long	uptime;		/* seconds, -1 unknown */
	int	kernels;
	char	sock[108];	/* the Unix socket, or empty */
	char	node[64];	/* a job's node, "-" on the host itself */
	char	addr[64];	/* the address the notebook listens on */
	char	left[32];	/* a job's time left, "-" without one */
	long	left_seconds;	/* the same in seconds; -1 none, no limit */
	char	state[16];	/* a pending job's state */
	int	stopped_none;	/* stop found no notebook of ours */
	char	detail[1024];	/* folder, error or reason: made visible */
	struct remote_check check;	/* checked */
	int	nports;		/* ports */
	int	ports[MAX_LISTED_PORTS];
	/* "jupyssh-ended WHEN AGO WHY": how the last notebook ended. */
	long	ended_when;	/* the remote's time of it, 0: no such line */
	long	ended_ago;	/* seconds before the answer */
	char	ended_why[256];	/* made visible */
};

int	protocol_parse(const char *out, size_t len, const char *sent_token,
	    struct remote_result *);
size_t	protocol_progress(const char *line, size_t len, char *text,
	    size_t textlen);
int	token_ok(const char *);
long	walltime_seconds(const char *);

#endif
