/*
 * What the keeper shows of itself: the state file "keep" (state.h), "PID
 * WHAT A B [WHY]" (WHAT forwarded, reconnecting ATTEMPT NEXT, or down
 * SINCE TOLD), what status and list print from it, and the line that says
 * once that the forward went down. A pid in it counts only once proven
 * to be the host's keeper: nothing else is ever signalled.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "keeper.h"
#include "state.h"
#include "util.h"

int
keep_read(const char *host, struct keep_state *k)
{
	char *text = state_read(host, STATE_KEEP), what[16];
	int n, off = 0;

	memset(k, 0, sizeof(*k));
	if (text == NULL)
		return -1;
	n = sscanf(text, "%ld %15s %ld %ld %n", &k->pid, what, &k->a, &k->b,
	    &off);
	if (n >= 2)
		snprintf(k->what, sizeof(k->what), "%s", what);
	if (n == 4 && off > 0)
		snprintf(k->why, sizeof(k->why), "%s", text + off);
	free(text);
	return n >= 2 ? 0 : -1;
}

void
keep_write(const char *host, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	int n;

	n = snprintf(text, sizeof(text), "%ld ", (long)getpid());
	va_start(ap, fmt);
	vsnprintf(text + n, sizeof(text) - (size_t)n, fmt, ap);
	va_end(ap);
	state_write(host, STATE_KEEP, text);
}

/*
 * Is pid the keeper of host, a live process of ours whose command line is
 * "…/jupyssh keep [-F file] HOST"?
 */
int
is_keeper(long pid, const char *host)
{
	char path[64], buf[4096], *p, *last = NULL, *argv0, *argv1;
	struct stat st;
	ssize_t n;

	if (pid <= 1 || pid == (long)getpid())
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (stat(path, &st) == -1 || st.st_uid != getuid() ||
	    read_file(path, buf, sizeof(buf)) == -1)
		return 0;
	/* The state letter after the ")": a zombie is gone. */
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ' || p[2] == 'Z' ||
	    p[2] == 'X')
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	if ((n = read_file(path, buf, sizeof(buf))) == -1)
		return 0;
	argv0 = buf;
	argv1 = argv0 + strlen(argv0) + 1;
	if (argv1 >= buf + n || strcmp(argv1, "keep") != 0)
		return 0;
	for (p = argv1; p < buf + n; p += strlen(p) + 1)
		last = p;
	p = strrchr(argv0, '/');
	return strcmp(p != NULL ? p + 1 : argv0, "jupyssh") == 0 &&
	    last != argv1 && strcmp(last, host) == 0;
}

/*
 * What the keeper says about the forward, for status and list:
 * "reconnecting (attempt N, next in S s)" or "down (why)"; "forwarded"
 * while a keeper runs and believes it. -1 when there is nothing to say.
 */
int
keeper_says(const char *host, char *buf, size_t len)
{
	struct keep_state k;
	long next;

	if (keep_read(host, &k) == -1)
		return -1;
	if (strcmp(k.what, "down") == 0) {
		snprintf(buf, len, "down (%s)", k.why[0] ? k.why : "?");
		return 0;
	}
	if (!is_keeper(k.pid, host))
		return -1;
	if (strcmp(k.what, "reconnecting") == 0) {
		next = k.b - (long)time(NULL);
		snprintf(buf, len, "reconnecting (attempt %ld, next in %ld s)",
		    k.a, next > 0 ? next : 0);
		return 0;
	}
	snprintf(buf, len, "%s", k.what);
	return 0;
}

/* The forward went down while nobody looked: said once, on fd. */
void
keeper_tell_down(int fd, const char *host)
{
	struct keep_state k;
	char hm[8] = "?", text[512];
	time_t since;
	struct tm tm;

	if (keep_read(host, &k) == -1 || strcmp(k.what, "down") != 0 ||
	    k.b != 0)
		return;
	since = (time_t)k.a;
	if (localtime_r(&since, &tm) != NULL)
		strftime(hm, sizeof(hm), "%H:%M", &tm);
	say_on(fd, "jupyssh: %s: forward down since %s; ssh %s to reconnect",
	    host, hm, host);
	snprintf(text, sizeof(text), "%ld down %ld 1 %s", k.pid, k.a, k.why);
	state_write(host, STATE_KEEP, text);
}
