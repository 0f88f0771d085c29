/*
 * "jupyssh start" on a terminal: one line that counts the seconds while we
 * wait; and the notes the remote script says meanwhile ("job 4711 pending
 * (Priority)"), shown as they come on that terminal or the worker's. The
 * notes are remote text: made visible before they are shown.
 */
#include <stdio.h>
#include <string.h>

#include "progress.h"
#include "protocol.h"
#include "spawn.h"
#include "util.h"

static struct {
	int		 fd;		/* the counting line's terminal */
	const char	*host;
	long		 t0;
	int		 note_fd;	/* where notes go, or -1 */
	const char	*note_host;
	size_t		 seen;		/* output already looked at */
} progress = { -1, NULL, 0, -1, "", 0 };

static double
elapsed(void)
{
	return (double)(monotonic_ms() - progress.t0) / 1000.0;
}

void
remote_progress(int fd, const char *host)
{
	progress.fd = fd;
	progress.host = host;
	progress.t0 = monotonic_ms();
	dprintf(fd, "jupyssh: starting notebook on %s \u2026", host);
}

/* Notes for host go to fd from the next remote script on. */
void
remote_notes(int fd, const char *host)
{
	progress.note_fd = fd;
	progress.note_host = host;
	progress.seen = 0;
}

/* Called with all the output so far, each time more arrives. */
void
progress_output(const char *out, size_t got)
{
	char text[512];
	const char *p, *nl;

	if (got < progress.seen)
		progress.seen = 0;
	while (progress.seen < got && (nl = memchr(out + progress.seen,
	    '\n', got - progress.seen)) != NULL) {
		p = out + progress.seen;
		if (progress.note_fd != -1 && protocol_progress(p,
		    (size_t)(nl - p), text, sizeof(text)) > 0) {
			if (progress.fd != -1)
				dprintf(progress.fd, "\r\033[K");
			say_on(progress.note_fd, "jupyssh: %s: %s",
			    progress.note_host, text);
		}
		progress.seen = (size_t)(nl - out) + 1;
	}
}

void
progress_tick(void)
{
	if (progress.fd != -1)
		dprintf(progress.fd, "\r\033[Kjupyssh: starting notebook on %s "
		    "\u2026 %.1f s", progress.host, elapsed());
}

/* The line's last state: "ready in 2.4 s", or "failed" before an error. */
void
finish_progress(const char *host, const char *how)
{
	if (progress.fd == -1)
		return;
	if (strcmp(how, "ready") == 0)
		dprintf(progress.fd, "\r\033[Kjupyssh: starting notebook on %s "
		    "\u2026 ready in %.1f s\n", host, elapsed());
	else
		dprintf(progress.fd, "\r\033[K");
	progress.fd = -1;
}
