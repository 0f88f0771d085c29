/*
 * The table of Jupyter directives, in OpenSSH readconf.c's manner: a row
 * gives the name, the opcode, the type of the value, the field it fills,
 * the default, the value names and the remote script's variable. Reading,
 * defaults, freeing, printing and the script's inputs all walk the table,
 * so that a new directive is a row here plus its behaviour.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "directives.h"
#include "number.h"

static const struct value_name autostart_values[] = {
	{ "interactive",	AUTOSTART_INTERACTIVE },
	{ "yes",		AUTOSTART_YES },
	{ "no",			AUTOSTART_NO },
	{ NULL,			0 }
};

static const struct value_name yes_no[] = {
	{ "yes",	1 },
	{ "no",		0 },
	{ NULL,		0 }
};

static const struct value_name schedulers[] = {
	{ "slurm",	SCHEDULER_SLURM },
	{ "none",	SCHEDULER_NONE },
	{ NULL,		0 }
};

static const struct value_name forward_lives[] = {
	{ "notebook",	FORWARD_NOTEBOOK },
	{ "session",	FORWARD_SESSION },
	{ NULL,		0 }
};

#define F(name)	offsetof(struct jupyter_options, name)

/* name, opcode, type, field, default, unset as -G says it, values, script */
const struct directive directives[] = {
	{ "JupyterPort", oJupyterPort, T_PORT, F(port),
	    NULL, NULL, NULL, "JS_PORT" },
	{ "JupyterLocalPort", oJupyterLocalPort, T_PORT, F(local_port),
	    NULL, NULL, NULL, NULL },	/* default: JupyterPort */
	{ "JupyterDirectory", oJupyterDirectory, T_WORD, F(directory),
	    NULL, "~", NULL, "JS_DIR" },
	{ "JupyterEnv", oJupyterEnv, T_WORD, F(env),
	    NULL, "none", NULL, "JS_ENV" },
	{ "JupyterModules", oJupyterModules, T_LINE, F(modules),
	    NULL, "none", NULL, "JS_MODULES" },
	{ "JupyterCommand", oJupyterCommand, T_LINE, F(command),
	    "jupyter notebook", NULL, NULL, "JS_CMD" },
	{ "JupyterAutoStart", oJupyterAutoStart, T_CHOICE, F(autostart),
	    "interactive", NULL, autostart_values, NULL },
	{ "JupyterStartTimeout", oJupyterStartTimeout, T_SECONDS,
	    F(start_timeout), "60", NULL, NULL, "JS_TIMEOUT" },
	{ "JupyterSocket", oJupyterSocket, T_CHOICE, F(socket),
	    "no", NULL, yes_no, "JS_SOCKET" },
	{ "JupyterStopOnExit", oJupyterStopOnExit, T_CHOICE, F(stop_on_exit),
	    "no", NULL, yes_no, "JS_STOP_ON_EXIT" },
	{ "JupyterIdleTimeout", oJupyterIdleTimeout, T_DURATION,
	    F(idle_timeout), "none", NULL, NULL, "JS_IDLE_TIMEOUT" },
	{ "JupyterBrowser", oJupyterBrowser, T_LINE, F(browser),
	    NULL, "no", NULL, NULL },
	{ "JupyterScheduler", oJupyterScheduler, T_CHOICE, F(scheduler),
	    "none", NULL, schedulers, "JS_SCHEDULER" },
	{ "JupyterSlurmOptions", oJupyterSlurmOptions, T_LINE,
	    F(slurm_options), NULL, "none", NULL, "JS_SLURM_OPTS" },
	{ "JupyterForward", oJupyterForward, T_CHOICE, F(forward),
	    "notebook", NULL, forward_lives, NULL },
	{ "JupyterForwardPorts", oJupyterForwardPorts, T_PORTS,
	    F(forward_ports), NULL, "none", NULL, NULL },
	{ NULL, oBadOption, T_WORD, 0, NULL, NULL, NULL, NULL }
};

/* The bounds of the numeric types, and what messages call them. */
static const struct {
	long		 lo, hi;
	const char	*what;
} bounds[] = {
	[T_PORT] =	{ 1, 65535, "port" },
	[T_SECONDS] =	{ 1, 86400, "number of seconds" },
	[T_DURATION] =	{ 1, 30 * 86400, "time" },
};

#define INT_FIELD(o, d)	((int *)(void *)((char *)(o) + (d)->field))
#define STR_FIELD(o, d)	((char **)(void *)((char *)(o) + (d)->field))

static int
is_string(const struct directive *d)
{
	return d->type == T_WORD || d->type == T_LINE || d->type == T_PORTS;
}

/* An unset number is -1, but for JupyterPort: 0 means "not ours" to all. */
static int
unset_int(const struct directive *d)
{
	return d->opcode == oJupyterPort ? 0 : -1;
}

static int
is_unset(const struct directive *d, const struct jupyter_options *o)
{
	if (is_string(d))
		return *STR_FIELD(o, d) == NULL;
	return *INT_FIELD(o, d) == unset_int(d);
}

const struct directive *
directive_find(const char *keyword)
{
	const struct directive *d;

	for (d = directives; d->name != NULL; d++)
		if (strcasecmp(keyword, d->name) == 0)
			return d;
	return NULL;
}

static int
refuse(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (len > 0) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* "expected interactive, yes or no, not "maybe"", from the value names. */
static int
refuse_choice(const struct directive *d, const char *value, char *why,
    size_t len)
{
	char names[128] = "";
	const struct value_name *v;
	size_t n = 0;

	for (v = d->values; v->name != NULL && n < sizeof(names); v++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
		    v == d->values ? "" : v[1].name == NULL ? " or " : ", ",
		    v->name);
	return refuse(why, len, "expected %s, not \"%s\"", names, value);
}

/*
 * Checks value for d and, if store and d is still unset, keeps it: the
 * first value wins. On a bad value, -1 and why says what is wrong.
 */
int
directive_set(const struct directive *d, struct jupyter_options *o,
    const char *value, int store, char *why, size_t whylen)
{
	const struct value_name *v;
	char **s;
	long n = 0;

	switch (d->type) {
	case T_PORT:
	case T_SECONDS:
		if (number_in(value, bounds[d->type].lo, bounds[d->type].hi,
		    &n) == -1)
			return refuse(why, whylen, "bad %s \"%s\" (%ld-%ld)",
			    bounds[d->type].what, value, bounds[d->type].lo,
			    bounds[d->type].hi);
		break;
	case T_DURATION:
		if (strcasecmp(value, "none") == 0)
			n = 0;
		else if (duration_in(value, bounds[d->type].lo,
		    bounds[d->type].hi, &n) == -1)
			return refuse(why, whylen, "bad %s \"%s\" (none, or "
			    "1s to 30d as ssh writes times: 90s, 2h, 1h30m)",
			    bounds[d->type].what, value);
		break;
	case T_CHOICE:
		for (v = d->values; v->name != NULL; v++)
			if (strcasecmp(v->name, value) == 0)
				break;
		if (v->name == NULL)
			return refuse_choice(d, value, why, whylen);
		n = v->value;
		break;
	case T_PORTS:
		if (forward_ports_parse(value, NULL, NULL, NULL, why,
		    whylen) == -1)
			return -1;
		/* FALLTHROUGH */
	case T_WORD:
	case T_LINE:
		if (d->opcode == oJupyterEnv && strcmp(value, "conda:") == 0)
			return refuse(why, whylen,
			    "conda: needs an environment name");
		s = STR_FIELD(o, d);
		if (store && *s == NULL)
			*s = strdup(value);
		return 0;
	}
	if (store && is_unset(d, o))
		*INT_FIELD(o, d) = (int)n;
	return 0;
}

/*
 * The value as the config would spell it, its default when unset, or
 * NULL: a string that is unset and has no default.
 */
const char *
directive_value(const struct directive *d, const struct jupyter_options *o,
    char *buf, size_t len)
{
	const struct value_name *v;
	int n;

	if (is_unset(d, o) && d->dflt != NULL)
		return d->dflt;
	if (is_string(d))
		return *STR_FIELD(o, d);
	n = *INT_FIELD(o, d);
	if (d->type == T_DURATION && n == 0)
		return "none";
	if (d->type == T_CHOICE) {
		for (v = d->values; v->name != NULL; v++)
			if (v->value == n)
				return v->name;
		return NULL;
	}
	snprintf(buf, len, "%d", n);
	return buf;
}

/*
 * "6006 8787", "auto" or both ("8787 auto"): the fixed ports in ports
 * (nports of them, each once) and *autop 1 for auto. Any of the three may
 * be NULL to only check. 0, or -1 with why.
 */
int
forward_ports_parse(const char *value, int *ports, int *nports, int *autop,
    char *why, size_t whylen)
{
	int got[MAX_FORWARD_PORTS], n = 0, aut = 0, i;
	const char *p = value, *w;
	char word[16];
	size_t len;
	long v;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		for (w = p; *p != '\0' && *p != ' ' && *p != '\t'; p++)
			;
		len = (size_t)(p - w);
		if (len >= sizeof(word))
			return refuse(why, whylen, "bad port \"%.*s\" "
			    "(1-65535, or auto)", (int)(len > 40 ? 40 : len), w);
		memcpy(word, w, len);
		word[len] = '\0';
		if (strcasecmp(word, "auto") == 0) {
			aut = 1;
			continue;
		}
		if (number_in(word, 1, 65535, &v) == -1)
			return refuse(why, whylen, "bad port \"%s\" "
			    "(1-65535, or auto)", word);
		for (i = 0; i < n && got[i] != (int)v; i++)
			;
		if (i < n)
			return refuse(why, whylen, "port %ld given twice", v);
		if (n == MAX_FORWARD_PORTS)
			return refuse(why, whylen, "more than %d ports",
			    MAX_FORWARD_PORTS);
		got[n++] = (int)v;
	}
	if (n == 0 && !aut)
		return refuse(why, whylen, "expected ports or auto");
	if (ports != NULL)
		memcpy(ports, got, (size_t)n * sizeof(*got));
	if (nports != NULL)
		*nports = n;
	if (autop != NULL)
		*autop = aut;
	return 0;
}

void
options_init(struct jupyter_options *o)
{
	const struct directive *d;

	memset(o, 0, sizeof(*o));
	for (d = directives; d->name != NULL; d++)
		if (!is_string(d))
			*INT_FIELD(o, d) = unset_int(d);
}

void
options_fill_defaults(struct jupyter_options *o)
{
	const struct directive *d;

	if (o->local_port == -1)
		o->local_port = o->port;
	for (d = directives; d->name != NULL; d++)
		if (d->dflt != NULL)
			directive_set(d, o, d->dflt, 1, NULL, 0);
}

void
options_free(struct jupyter_options *o)
{
	const struct directive *d;

	for (d = directives; d->name != NULL; d++)
		if (is_string(d))
			free(*STR_FIELD(o, d));
	free(o->control_path);
	free(o->port_origin);
	options_init(o);
}

/*
 * The remote script's inputs: put(ctx, "JS_PORT", "8889") once for every
 * directive that has a variable, with the value's text (yes or no for a
 * switch, "" for an unset string). -1 as soon as put fails.
 */
int
options_script_vars(const struct jupyter_options *o,
    int (*put)(void *ctx, const char *name, const char *value), void *ctx)
{
	const struct directive *d;
	const char *v;
	char buf[32];

	for (d = directives; d->name != NULL; d++) {
		if (d->script == NULL)
			continue;
		v = directive_value(d, o, buf, sizeof(buf));
		if (put(ctx, d->script, v != NULL ? v : "") != 0)
			return -1;
	}
	return 0;
}
