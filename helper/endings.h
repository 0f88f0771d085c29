/*
 * What the remote says once and the terminal is told: how the last
 * notebook ended, when a watcher there ended it; and a SLURM job's time
 * left, kept in the host's state (STATE_WALLTIME) for the live sessions and
 * said at each login and status while it is under WALLTIME_WARN.
 */
#ifndef JUPYSSH_ENDINGS_H
#define JUPYSSH_ENDINGS_H

#include "protocol.h"

#define WALLTIME_WARN	(15 * 60)
#define WALLTIME_LAST	(10 * 60)	/* said once more, to live sessions */

struct host_config;

void	notice_ended(int fd, const char *host, const struct remote_result *);
void	notice_walltime(int fd, const char *host, const struct remote_result *);
void	walltime_remind(const struct host_config *, long *said_job);

#endif
