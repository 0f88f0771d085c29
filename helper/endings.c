/*
 * Notices from the remote's answer, each one line on the terminal: the
 * end of the last notebook ("ended at 14:02 (idle for 2h)"), said once for
 * each record the remote keeps (STATE_ENDED is the one told last), and the
 * walltime of a SLURM job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "endings.h"
#include "notice.h"
#include "state.h"
#include "util.h"

void
notice_ended(int fd, const char *host, const struct remote_result *r)
{
	char told[32], when[32], *last;
	struct tm tm, today;
	time_t t, now;

	if (r->ended_when == 0)
		return;
	snprintf(told, sizeof(told), "%ld", r->ended_when);
	if ((last = state_read(host, STATE_ENDED)) != NULL &&
	    strcmp(last, told) == 0) {
		free(last);
		return;
	}
	free(last);
	state_write(host, STATE_ENDED, told);
	/* By this clock: the remote's may differ, its "how long ago" not. */
	now = time(NULL);
	t = now - (time_t)r->ended_ago;
	localtime_r(&t, &tm);
	localtime_r(&now, &today);
	strftime(when, sizeof(when), tm.tm_yday == today.tm_yday &&
	    tm.tm_year == today.tm_year ? "%H:%M" : "%Y-%m-%d %H:%M", &tm);
	say_on(fd, "jupyssh: %s: the notebook ended at %s (%s)", host, when,
	    r->ended_why[0] != '\0' ? r->ended_why : "no reason given");
}

/* "12 min", or "40 s" in the last minute. */
static void
span(long s, char *buf, size_t len)
{
	if (s >= 60)
		snprintf(buf, len, "%ld min", s / 60);
	else
		snprintf(buf, len, "%ld s", s);
}

void
notice_walltime(int fd, const char *host, const struct remote_result *r)
{
	char buf[64];

	if ((r->kind != RESULT_OK && r->kind != RESULT_RUNNING) ||
	    r->node[0] == '\0' || strcmp(r->node, "-") == 0)
		return;
	if (r->left_seconds < 0) {
		state_remove(host, STATE_WALLTIME);
		return;
	}
	snprintf(buf, sizeof(buf), "%lld %ld",
	    (long long)time(NULL) + r->left_seconds, r->pid);
	state_write(host, STATE_WALLTIME, buf);
	if (r->left_seconds >= WALLTIME_WARN)
		return;
	span(r->left_seconds, buf, sizeof(buf));
	say_on(fd, "jupyssh: %s: job %ld ends in %s, at its time limit: "
	    "save your work", host, r->pid, buf);
}

/*
 * From the keeper, at each look: once the job recorded has WALLTIME_LAST
 * or less left, the terminal of every live session is told once more
 * (notice.c), by the clock time, which stays true on the next command if
 * no session is open. said_job: the job so told, 0 at first.
 */
void
walltime_remind(const struct host_config *hc, long *said_job)
{
	char *rec, at[16], line[160];
	long long end;
	long job, left;
	struct tm tm;
	time_t t;

	if ((rec = state_read(hc->host, STATE_WALLTIME)) == NULL)
		return;
	if (sscanf(rec, "%lld %ld", &end, &job) == 2 && job > 0 &&
	    job != *said_job) {
		left = (long)(end - (long long)time(NULL));
		if (left > 0 && left <= WALLTIME_LAST) {
			t = (time_t)end;
			localtime_r(&t, &tm);
			strftime(at, sizeof(at), "%H:%M", &tm);
			snprintf(line, sizeof(line), "jupyssh: %s: job %ld "
			    "reaches its time limit at %s (in %ld min): save "
			    "your work", hc->host, job, at, (left + 59) / 60);
			notice_sessions(hc, line);
			*said_job = job;
		}
	}
	free(rec);
}
