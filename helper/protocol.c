/*
 * The one reader of the remote scripts' answers, and the gate where remote
 * values become ours: kinds from a fixed set, numbers in bounds, the token
 * in our own format (and the very token we sent for a notebook we started),
 * names and paths in their charsets. Anything else is an error, never a
 * URL. See helper/remote/PROTOCOL.md for the lines.
 */
#include <stdio.h>
#include <string.h>

#include "../common/number.h"
#include "protocol.h"
#include "vis.h"

#define MAX_WORDS	12

struct line {
	const char	*word[MAX_WORDS];
	size_t		 wlen[MAX_WORDS];
	int		 nwords;
	const char	*rest;		/* after word[nwords - 1], or "" */
	size_t		 restlen;
};

/* Splits the first n words of s (single blanks), the rest kept whole. */
static void
split(const char *s, size_t len, int n, struct line *l)
{
	const char *end = s + len, *p = s;

	memset(l, 0, sizeof(*l));
	while (l->nwords < n && p < end) {
		const char *w = p;

		while (p < end && *p != ' ')
			p++;
		l->word[l->nwords] = w;
		l->wlen[l->nwords++] = (size_t)(p - w);
		if (p < end)
			p++;
	}
	l->rest = p;
	l->restlen = (size_t)(end - p);
}

static int
is(const struct line *l, int i, const char *s)
{
	return i < l->nwords && strlen(s) == l->wlen[i] &&
	    memcmp(l->word[i], s, l->wlen[i]) == 0;
}

/* Word i into buf, if it fits and every byte is in the charset. */
static int
word(const struct line *l, int i, char *buf, size_t len, const char *charset)
{
	size_t k;

	if (i >= l->nwords || l->wlen[i] == 0 || l->wlen[i] >= len)
		return -1;
	for (k = 0; k < l->wlen[i]; k++)
		if (l->word[i][k] == '\0' ||
		    strchr(charset, l->word[i][k]) == NULL)
			return -1;
	memcpy(buf, l->word[i], l->wlen[i]);
	buf[l->wlen[i]] = '\0';
	return 0;
}

static int
number(const struct line *l, int i, long lo, long hi, long *v)
{
	char buf[24];

	if (word(l, i, buf, sizeof(buf), "0123456789") == -1)
		return -1;
	return number_in(buf, lo, hi, v);
}

#define DIGITS	"0123456789"
#define NAME	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" DIGITS "._-"
#define PATHCH	NAME "/+,:=@~%"

int
token_ok(const char *t)
{
	size_t n = strspn(t, "0123456789abcdef");

	return n == TOKEN_LEN && t[n] == '\0';
}

static void
rest_visible(const struct line *l, struct remote_result *r)
{
	vis_text(r->detail, sizeof(r->detail), l->rest, l->restlen, 0);
}

/*
 * A job's time left as squeue says it (%L): [D-]HH:MM:SS or MM:SS, in
 * seconds; -1 for none ("-") or no limit (UNLIMITED, NOT_SET, INVALID);
 * -2 for anything else.
 */
long
walltime_seconds(const char *s)
{
	static const char *const none[] = { "-", "UNLIMITED", "NOT_SET",
	    "INVALID", NULL };
	long part[4], days = 0;
	const char *p = s, *dash;
	int n = 0, i;
	char buf[8];
	size_t len;

	for (i = 0; none[i] != NULL; i++)
		if (strcmp(s, none[i]) == 0)
			return -1;
	if ((dash = strchr(s, '-')) != NULL) {
		len = (size_t)(dash - s);
		if (len == 0 || len > 4)
			return -2;
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (number_in(buf, 0, 9999, &days) == -1)
			return -2;
		p = dash + 1;
	}
	/* Two digits a field, but the first (hours or minutes). */
	while (n < 4) {
		len = strspn(p, DIGITS);
		if (len == 0 || len > (n == 0 ? 3 : 2) || len >= sizeof(buf))
			return -2;
		memcpy(buf, p, len);
		buf[len] = '\0';
		number_in(buf, 0, 999, &part[n++]);
		p += len;
		if (*p == '\0')
			break;
		if (*p++ != ':')
			return -2;
	}
	if (*p != '\0' || n < 2 || n > 3 || (dash != NULL && n != 3))
		return -2;
	for (i = 1; i < n; i++)
		if (part[i] > 59)
			return -2;
	if (n == 2)
		return part[0] * 60 + part[1];
	return days * 86400 + part[0] * 3600 + part[1] * 60 + part[2];
}

/* ok and running; returns the name of the first bad field, or NULL. */
static const char *
notebook(const struct line *l, const char *sent, struct remote_result *r)
{
	long v;

	if (l->nwords < 10)
		return "fields";
	if (word(l, 6, r->sock, sizeof(r->sock), PATHCH) == -1 ||
	    (strcmp(r->sock, "-") != 0 && r->sock[0] != '/'))
		return "socket";
	if (strcmp(r->sock, "-") == 0)
		r->sock[0] = '\0';
	if (number(l, 0, r->sock[0] ? 0 : 1, 65535, &v) == -1)
		return "port";
	r->port = (int)v;
	if (word(l, 1, r->token, sizeof(r->token), "0123456789abcdef") ==
	    -1 || !token_ok(r->token))
		return "token";
	if (number(l, 2, 1, 0x7fffffffL, &r->pid) == -1)
		return "pid";
	if (!is(l, 3, "started") && !is(l, 3, "reused") && !is(l, 3, "-"))
		return "how";
	word(l, 3, r->how, sizeof(r->how), NAME);
	/* Ours: the token we sent, for a notebook that we started. */
	if (sent != NULL && strcmp(r->how, "started") == 0 &&
	    strcmp(sent, r->token) != 0)
		return "token";
	r->uptime = -1;
	if (!is(l, 4, "-") && number(l, 4, 0, 0x7fffffffL, &r->uptime) == -1)
		return "uptime";
	if (number(l, 5, 0, 100000, &v) == -1)
		return "kernels";
	r->kernels = (int)v;
	if (word(l, 7, r->node, sizeof(r->node), NAME) == -1)
		return "node";
	if (word(l, 8, r->addr, sizeof(r->addr), NAME ":") == -1 ||
	    (strcmp(r->node, "-") == 0 && strcmp(r->addr, "127.0.0.1") != 0))
		return "address";
	if (word(l, 9, r->left, sizeof(r->left), NAME ":") == -1 ||
	    (r->left_seconds = walltime_seconds(r->left)) == -2)
		return "time left";
	/* The folder may hold blanks: the rest of the line. */
	rest_visible(l, r);
	return NULL;
}

static const char *
pending(const struct line *l, struct remote_result *r)
{
	if (number(l, 0, 1, 0x7fffffffL, &r->pid) == -1)
		return "job";
	if (word(l, 1, r->state, sizeof(r->state), NAME) == -1)
		return "job state";
	rest_visible(l, r);
	return NULL;
}

static const char *
stopped(const struct line *l, struct remote_result *r)
{
	if (l->nwords == 0)
		return NULL;
	if (is(l, 0, "none")) {
		r->stopped_none = 1;
		return NULL;
	}
	return number(l, 0, 1, 0x7fffffffL, &r->pid) == -1 ? "pid" : NULL;
}

/* Word i, one of the words listed (NULL-ended), into buf. */
static int
one_of(const struct line *l, int i, const char *const *words, char *buf,
    size_t len)
{
	for (; *words != NULL; words++)
		if (is(l, i, *words))
			return word(l, i, buf, len, NAME);
	return -1;
}

static const char *
checked(const struct line *l, struct remote_result *r)
{
	static const char *const folder[] = { "ok", "missing", "-", NULL };
	static const char *const env[] = { "ok", "none", "failed", "-", NULL };
	static const char *const command[] = { "ok", "missing", "failed", "-",
	    NULL };
	static const char *const ports[] = { "free", "ours", "busy", "full",
	    "unproven", "socket", NULL };
	static const char *const scheduler[] = { "-", "ok", "missing",
	    "failed", NULL };
	struct remote_check *c = &r->check;
	long v;

	if (l->nwords < 7)
		return "fields";
	if (one_of(l, 0, folder, c->folder, sizeof(c->folder)) == -1)
		return "folder";
	if (one_of(l, 1, env, c->env, sizeof(c->env)) == -1)
		return "env";
	if (one_of(l, 2, command, c->command, sizeof(c->command)) == -1)
		return "command";
	if (word(l, 3, c->version, sizeof(c->version), NAME "+") == -1)
		return "version";
	if (one_of(l, 4, ports, c->ports, sizeof(c->ports)) == -1)
		return "ports";
	if (number(l, 5, strcmp(c->ports, "socket") == 0 ? 0 : 1,
	    strcmp(c->ports, "socket") == 0 ? 0 : 65535, &v) == -1)
		return "port";
	r->port = (int)v;
	if (one_of(l, 6, scheduler, c->scheduler, sizeof(c->scheduler)) == -1)
		return "scheduler";
	rest_visible(l, r);
	return NULL;
}

/* COUNT then COUNT ports, each 1..65535, each once, nothing after. */
static const char *
ports(const struct line *l, struct remote_result *r)
{
	struct line w = *l;
	long v;
	int i, j;

	if (number(&w, 0, 0, MAX_LISTED_PORTS, &v) == -1)
		return "count";
	r->nports = (int)v;
	for (i = 0; i < r->nports; i++) {
		split(w.rest, w.restlen, 1, &w);
		if (number(&w, 0, 1, 65535, &v) == -1)
			return "port";
		for (j = 0; j < i && r->ports[j] != (int)v; j++)
			;
		if (j < i)
			return "port";
		r->ports[i] = (int)v;
	}
	return w.restlen == 0 ? NULL : "fields";
}

/* The last line of out that starts with the result tag; its length. */
static const char *
last_result(const char *out, size_t len, size_t *linelen)
{
	const char *p = out, *end = out + len, *found = NULL, *nl;
	size_t tag = sizeof(RESULT_TAG) - 1;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((size_t)(nl - p) >= tag && memcmp(p, RESULT_TAG, tag) == 0) {
			found = p + tag;
			*linelen = (size_t)(nl - found);
		}
		p = nl + 1;
	}
	return found;
}

/*
 * The last "jupyssh-ended WHEN AGO WHY" line of out, into r: the record
 * of a notebook that a watcher on the remote ended. NULL, or the name of
 * the bad field.
 */
static const char *
ended_line(const char *out, size_t len, struct remote_result *r)
{
	const char *p = out, *end = out + len, *nl, *found = NULL;
	size_t tag = sizeof(ENDED_TAG) - 1, n = 0;
	struct line l;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((size_t)(nl - p) >= tag && memcmp(p, ENDED_TAG, tag) == 0) {
			found = p + tag;
			n = (size_t)(nl - found);
		}
		p = nl + 1;
	}
	if (found == NULL)
		return NULL;
	if (n > 0 && found[n - 1] == '\r')
		n--;
	split(found, n, 2, &l);
	/* Up to the year 9999; up to a hundred years ago. */
	if (number(&l, 0, 1, 253402300799L, &r->ended_when) == -1)
		return "ended";
	if (number(&l, 1, 0, 3153600000L, &r->ended_ago) == -1)
		return "ended";
	vis_text(r->ended_why, sizeof(r->ended_why), l.rest, l.restlen, 0);
	return NULL;
}

/*
 * Fills r from the script's output. sent_token: what we asked a new
 * notebook to use, or NULL. 0, or -1 with r->kind RESULT_ERROR and why in
 * r->detail.
 */
int
protocol_parse(const char *out, size_t len, const char *sent_token,
    struct remote_result *r)
{
	static const struct {
		const char	*name;
		enum result_kind kind;
		int		 words;		/* before the free text */
	} kinds[] = {
		{ "error",	RESULT_ERROR,	0 },
		{ "ok",		RESULT_OK,	10 },
		{ "running",	RESULT_RUNNING,	10 },
		{ "pending",	RESULT_PENDING,	2 },
		{ "stopped",	RESULT_STOPPED,	1 },
		{ "checked",	RESULT_CHECKED,	7 },
		{ "ports",	RESULT_PORTS,	1 },
	};
	const char *line, *bad = "kind";
	struct line kind, l;
	size_t n, i;

	memset(r, 0, sizeof(*r));
	r->kind = RESULT_ERROR;
	if ((line = last_result(out, len, &n)) == NULL) {
		snprintf(r->detail, sizeof(r->detail), "no answer from the "
		    "remote script (is sh there?)");
		return -1;
	}
	if (n > 0 && line[n - 1] == '\r')
		n--;
	split(line, n, 1, &kind);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (!is(&kind, 0, kinds[i].name))
			continue;
		split(kind.rest, kind.restlen, kinds[i].words, &l);
		switch (kinds[i].kind) {
		case RESULT_ERROR:
			rest_visible(&l, r);
			return -1;
		case RESULT_OK:
		case RESULT_RUNNING:
			bad = notebook(&l, sent_token, r);
			break;
		case RESULT_PENDING:
			bad = pending(&l, r);
			break;
		case RESULT_STOPPED:
			bad = stopped(&l, r);
			break;
		case RESULT_CHECKED:
			bad = checked(&l, r);
			break;
		case RESULT_PORTS:
			bad = ports(&l, r);
			break;
		}
		if (bad == NULL && (bad = ended_line(out, len, r)) == NULL) {
			r->kind = kinds[i].kind;
			return 0;
		}
		break;
	}
	memset(r, 0, sizeof(*r));
	r->kind = RESULT_ERROR;
	snprintf(r->detail, sizeof(r->detail), "bad answer from the remote "
	    "script: %s", bad);
	return -1;
}

/*
 * A progress line's text, made visible into text; 0 if line (len bytes,
 * without its newline) is not one.
 */
size_t
protocol_progress(const char *line, size_t len, char *text, size_t textlen)
{
	size_t tag = sizeof(PROGRESS_TAG) - 1;

	if (len < tag || memcmp(line, PROGRESS_TAG, tag) != 0 || textlen == 0)
		return 0;
	if (len > tag && line[len - 1] == '\r')
		len--;
	vis_text(text, textlen, line + tag, len - tag, 0);
	return text[0] != '\0' ? len - tag : 0;
}
