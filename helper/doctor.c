/*
 * "jupyssh doctor HOST [--json]": the chain from the shell to a working
 * URL, link by link (doctor_local.c, doctor_remote.c), then one verdict.
 * Exit 0 only when every link holds; 1 when one does not, or could not be
 * checked without a prompt.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doctor.h"
#include "spawn.h"
#include "util.h"
#include "vis.h"

static const char *const verdicts[] = { "ok", "note", "FAIL", "skip" };

void
doctor_say(struct doctor *d, const char *check, enum verdict v,
    const char *fix, const char *fmt, ...)
{
	struct doctor_line *l;
	va_list ap;

	if (d->n >= DOCTOR_LINES)
		return;
	l = &d->line[d->n++];
	l->check = check;
	l->verdict = v;
	va_start(ap, fmt);
	vsnprintf(l->what, sizeof(l->what), fmt, ap);
	va_end(ap);
	snprintf(l->fix, sizeof(l->fix), "%s", fix != NULL ? fix : "");
}

/* Runs argv, its stdout and stderr together in out; its exit status. */
int
doctor_capture(const char *const *argv, char *out, size_t len, int timeout)
{
	struct spawn s;

	memset(&s, 0, sizeof(s));
	s.argv = argv;
	s.out = out;
	s.outlen = len;
	s.err_to_out = 1;
	s.timeout = timeout;
	return spawn_run(&s);
}

/* The value of "key value" in ssh -G's output, the first one; or NULL. */
const char *
dump_value(const char *dump, const char *key, char *buf, size_t len)
{
	size_t k = strlen(key), n;
	const char *p = dump, *nl;

	for (; *p != '\0'; p = *nl ? nl + 1 : nl) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if ((size_t)(nl - p) <= k || strncmp(p, key, k) != 0 ||
		    p[k] != ' ')
			continue;
		n = (size_t)(nl - p) - k - 1;
		if (n >= len)
			n = len - 1;
		memcpy(buf, p + k + 1, n);
		buf[n] = '\0';
		return buf;
	}
	return NULL;
}

static int
problems(const struct doctor *d)
{
	int i, n = 0;

	for (i = 0; i < d->n; i++)
		n += d->line[i].verdict == V_FAIL;
	return n;
}

/* Everything held: no problem, and nothing left unchecked that counts. */
static int
ready(const struct doctor *d)
{
	return problems(d) == 0 && d->checked;
}

/* The lines in the order of the chain, whatever order they were found. */
static void
sort_lines(struct doctor *d)
{
	static const char *const order[] = { "library", "helper", "config",
	    "settings", "ssh", "control", "state", "login", "folder", "env",
	    "jupyter", "scheduler", "remote-port", "forward", "local-port",
	    NULL };
	struct doctor_line sorted[DOCTOR_LINES];
	int i, j, n = 0;

	for (i = 0; order[i] != NULL; i++)
		for (j = 0; j < d->n; j++)
			if (strcmp(d->line[j].check, order[i]) == 0)
				sorted[n++] = d->line[j];
	if (n == d->n)
		memcpy(d->line, sorted, sizeof(sorted[0]) * (size_t)n);
}

static void
print_json(const struct doctor *d)
{
	int i;

	printf("{\"host\": ");
	json_string(d->host);
	printf(", \"ready\": %s, \"checks\": [", ready(d) ? "true" : "false");
	for (i = 0; i < d->n; i++) {
		printf("%s\n  {\"check\": \"%s\", \"status\": \"%s\", "
		    "\"detail\": ", i ? "," : "", d->line[i].check,
		    d->line[i].verdict == V_FAIL ? "fail" :
		    verdicts[d->line[i].verdict]);
		json_string(d->line[i].what);
		printf(", \"fix\": ");
		if (d->line[i].fix[0] != '\0')
			json_string(d->line[i].fix);
		else
			printf("null");
		printf("}");
	}
	printf("\n]}\n");
}

/* One line a link; text from files and the remote made visible. */
static void
print_text(const struct doctor *d)
{
	char what[sizeof(d->line[0].what) * 4], fix[sizeof(d->line[0].fix) * 4];
	const struct doctor_line *l;
	int i, n;

	for (i = 0; i < d->n; i++) {
		l = &d->line[i];
		vis_text(what, sizeof(what), l->what, strlen(l->what), 0);
		vis_text(fix, sizeof(fix), l->fix, strlen(l->fix), 0);
		printf("%-12s %-4s  %s%s%s\n", l->check, verdicts[l->verdict],
		    what, fix[0] ? "; fix: " : "", fix);
	}
	if (ready(d))
		printf("%s: a login would bring a working URL\n", d->host);
	else if ((n = problems(d)) > 0)
		printf("%s: %d problem%s: a login would bring no working "
		    "URL\n", d->host, n, n == 1 ? "" : "s");
	else
		printf("%s: not every link could be checked (see skip "
		    "above)\n", d->host);
}

static void
doctor_usage(void)
{
	fprintf(stderr, "usage: jupyssh doctor host [--json]\n");
	exit(2);
}

int
cmd_doctor(int argc, char **argv)
{
	static struct doctor d;
	int json = 0;

	if (argc == 3 && strcmp(argv[1], "--json") == 0) {
		json = 1;
		argv++;
	} else if (argc == 3 && strcmp(argv[2], "--json") == 0)
		json = 1;
	else if (argc != 2)
		doctor_usage();
	if (argv[1][0] == '-')
		doctor_usage();
	d.host = argv[1];
	doctor_local(&d);
	if (d.settings)
		doctor_remote(&d);
	doctor_local_port(&d);
	doctor_end(&d);
	sort_lines(&d);
	if (json)
		print_json(&d);
	else
		print_text(&d);
	if (fflush(stdout) == EOF) {
		warnx_("stdout: write error");
		return 1;
	}
	if (d.settings)
		options_free(&d.hc.opts);
	return ready(&d) ? 0 : 1;
}
