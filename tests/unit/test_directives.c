/* Unit tests for the table of Jupyter directives (common/directives.c). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../common/number.h"
#include "../../common/readconf.h"
#include "unit.h"

/* One line through the reader, in an active block; its error count. */
static int
read_line(struct jupyter_options *o, const char *text)
{
	struct config_reader r;
	char line[512];
	int active = 1, errors;

	snprintf(line, sizeof(line), "%s\n", text);
	reader_init(&r, "gpu-box", "/nonexistent", o);
	r.quiet = 1;
	read_config_line(&r, line, "/nonexistent/config", 1, 0, &active, 0);
	errors = r.errors;
	reader_free(&r);
	return errors;
}

/* What each type takes, as the config spells it and as it reads back. */
static const char *
sample(const struct directive *d, char *line, size_t len)
{
	static const char *const text[] = {
		[T_PORT] = "8890", [T_SECONDS] = "77",
		[T_WORD] = "~/my project", [T_LINE] = "jupyter lab --debug",
		[T_PORTS] = "6006 8787 auto",
		[T_DURATION] = "5400",
	};

	snprintf(line, len, d->type == T_WORD ? "%s \"%s\"" : "%s %s",
	    d->name, text[d->type]);
	return text[d->type];
}

TEST(every_row_is_complete_and_unique)
{
	const struct directive *d, *e;
	const struct value_name *v;
	int rows = 0;

	for (d = directives; d->name != NULL; d++, rows++) {
		if (strncmp(d->name, "Jupyter", 7) != 0 || d->name[7] == '\0')
			FAILF("row %d: name \"%s\" is not Jupyter...", rows,
			    d->name);
		if (d->opcode <= oControlPath)
			FAILF("%s: opcode %d is not a directive's", d->name,
			    d->opcode);
		if (d->type == T_CHOICE && (d->values == NULL ||
		    d->values[0].name == NULL || d->dflt == NULL))
			FAILF("%s: a choice needs value names and a default",
			    d->name);
		if ((d->type == T_WORD || d->type == T_LINE ||
		    d->type == T_PORTS) &&
		    d->dflt == NULL && d->none == NULL)
			FAILF("%s: -G has nothing to say when it is unset",
			    d->name);
		if (d->script != NULL && strncmp(d->script, "JS_", 3) != 0)
			FAILF("%s: script variable %s is not JS_*", d->name,
			    d->script);
		for (v = d->values; v != NULL && v->name != NULL; v++)
			if (isupper((unsigned char)v->name[0]))
				FAILF("%s: value %s not in lower case",
				    d->name, v->name);
		for (e = directives; e < d; e++) {
			if (strcasecmp(e->name, d->name) == 0)
				FAILF("%s: two rows", d->name);
			if (e->opcode == d->opcode)
				FAILF("%s and %s share opcode %d", e->name,
				    d->name, d->opcode);
			if (e->script != NULL && d->script != NULL &&
			    strcmp(e->script, d->script) == 0)
				FAILF("%s and %s share %s", e->name, d->name,
				    d->script);
		}
		ASSERT_INT_EQ(directive_find(d->name) == d, 1);
	}
	ASSERT_INT_EQ(rows, 16);
	ASSERT_INT_EQ(directive_find("jupyterslurmoptions") ==
	    directive_find("JupyterSlurmOptions"), 1);
	ASSERT_INT_EQ(directive_find("JupyterColour") == NULL, 1);
	ASSERT_INT_EQ(directive_find("Host") == NULL, 1);
}

TEST(every_directive_reads_back_as_written)
{
	const struct directive *d;
	const struct value_name *v;
	struct jupyter_options o;
	char line[256], buf[32], upper[64];
	const char *want;
	size_t i;

	for (d = directives; d->name != NULL; d++) {
		if (d->type == T_CHOICE) {
			for (v = d->values; v->name != NULL; v++) {
				/* Value names are case-insensitive, as ssh's. */
				for (i = 0; v->name[i] != '\0' &&
				    i < sizeof(upper) - 1; i++)
					upper[i] = toupper((unsigned char)
					    v->name[i]);
				upper[i] = '\0';
				snprintf(line, sizeof(line), "%s=%s", d->name,
				    upper);
				options_init(&o);
				ASSERT_INT_EQ(read_line(&o, line), 0);
				ASSERT_STR_EQ(directive_value(d, &o, buf,
				    sizeof(buf)), v->name);
				options_free(&o);
			}
			continue;
		}
		want = sample(d, line, sizeof(line));
		options_init(&o);
		ASSERT_INT_EQ(read_line(&o, line), 0);
		ASSERT_STR_EQ(directive_value(d, &o, buf, sizeof(buf)), want);
		options_free(&o);
	}
}

TEST(defaults)
{
	const struct directive *d;
	struct jupyter_options o;
	char buf[32];

	options_init(&o);
	ASSERT_INT_EQ(o.port, 0);
	ASSERT_INT_EQ(o.local_port, -1);
	ASSERT_INT_EQ(o.autostart, AUTOSTART_UNSET);
	o.port = 8889;
	options_fill_defaults(&o);
	for (d = directives; d->name != NULL; d++)
		if (d->dflt != NULL)
			ASSERT_STR_EQ(directive_value(d, &o, buf, sizeof(buf)),
			    d->dflt);
	ASSERT_INT_EQ(o.local_port, 8889);
	ASSERT_STR_EQ(o.command, "jupyter notebook");
	ASSERT_INT_EQ(o.autostart, AUTOSTART_INTERACTIVE);
	ASSERT_INT_EQ(o.start_timeout, 60);
	ASSERT_INT_EQ(o.socket, 0);
	ASSERT_INT_EQ(o.stop_on_exit, 0);
	ASSERT_INT_EQ(o.idle_timeout, 0);
	ASSERT_INT_EQ(o.scheduler, SCHEDULER_NONE);
	ASSERT_INT_EQ(o.directory == NULL && o.env == NULL &&
	    o.browser == NULL && o.slurm_options == NULL, 1);
	options_free(&o);
}

TEST(first_value_wins_and_bad_values_say_why)
{
	static const struct {
		const char	*name, *value, *why;
	} bad[] = {
		{ "JupyterPort", "65536", "bad port \"65536\" (1-65535)" },
		{ "JupyterLocalPort", "0", "bad port \"0\" (1-65535)" },
		{ "JupyterStartTimeout", "0",
		    "bad number of seconds \"0\" (1-86400)" },
		{ "JupyterAutoStart", "maybe",
		    "expected interactive, yes or no, not \"maybe\"" },
		{ "JupyterSocket", "on", "expected yes or no, not \"on\"" },
		{ "JupyterScheduler", "pbs",
		    "expected slurm or none, not \"pbs\"" },
		{ "JupyterEnv", "conda:", "conda: needs an environment name" },
		{ "JupyterForwardPorts", "6006 0",
		    "bad port \"0\" (1-65535, or auto)" },
		{ "JupyterForwardPorts", "65536",
		    "bad port \"65536\" (1-65535, or auto)" },
		{ "JupyterForwardPorts", "tensorboard",
		    "bad port \"tensorboard\" (1-65535, or auto)" },
		{ "JupyterForwardPorts", "6006 8787 6006",
		    "port 6006 given twice" },
		{ "JupyterForwardPorts", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 "
		    "16 17", "more than 16 ports" },
		{ "JupyterIdleTimeout", "2x", "bad time \"2x\" (none, or 1s "
		    "to 30d as ssh writes times: 90s, 2h, 1h30m)" },
		{ "JupyterIdleTimeout", "0", "bad time \"0\" (none, or 1s "
		    "to 30d as ssh writes times: 90s, 2h, 1h30m)" },
		{ "JupyterIdleTimeout", "31d", "bad time \"31d\" (none, or 1s "
		    "to 30d as ssh writes times: 90s, 2h, 1h30m)" },
	};
	const struct directive *port = directive_find("JupyterPort");
	struct jupyter_options o;
	char why[256];
	size_t i;

	options_init(&o);
	ASSERT_INT_EQ(directive_set(port, &o, "8889", 1, why, sizeof(why)), 0);
	ASSERT_INT_EQ(directive_set(port, &o, "7777", 1, why, sizeof(why)), 0);
	ASSERT_INT_EQ(o.port, 8889);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		ASSERT_INT_EQ(directive_set(directive_find(bad[i].name), &o,
		    bad[i].value, 1, why, sizeof(why)), -1);
		ASSERT_STR_EQ(why, bad[i].why);
	}
	/* Checked, not kept, where it does not apply. */
	ASSERT_INT_EQ(directive_set(directive_find("JupyterEnv"), &o,
	    "~/venv", 0, why, sizeof(why)), 0);
	ASSERT_INT_EQ(o.env == NULL && o.local_port == -1, 1);
	options_free(&o);
}

TEST(forward_ports)
{
	int ports[MAX_FORWARD_PORTS], n = -1, aut = -1;
	char why[128] = "";

	ASSERT_INT_EQ(forward_ports_parse("6006  8787", ports, &n, &aut, why,
	    sizeof(why)), 0);
	ASSERT_INT_EQ(n, 2);
	ASSERT_INT_EQ(ports[0], 6006);
	ASSERT_INT_EQ(ports[1], 8787);
	ASSERT_INT_EQ(aut, 0);
	ASSERT_INT_EQ(forward_ports_parse("AUTO", ports, &n, &aut, why,
	    sizeof(why)), 0);
	ASSERT_INT_EQ(n == 0 && aut == 1, 1);
	ASSERT_INT_EQ(forward_ports_parse("8787 auto", ports, &n, &aut, why,
	    sizeof(why)), 0);
	ASSERT_INT_EQ(n == 1 && ports[0] == 8787 && aut == 1, 1);
	ASSERT_INT_EQ(forward_ports_parse("  ", ports, &n, &aut, why,
	    sizeof(why)), -1);
	ASSERT_STR_EQ(why, "expected ports or auto");
	ASSERT_INT_EQ(forward_ports_parse("6006x", NULL, NULL, NULL, why,
	    sizeof(why)), -1);
	ASSERT_STR_EQ(why, "bad port \"6006x\" (1-65535, or auto)");
}

TEST(forward_ports_error_names_file_and_line)
{
	struct jupyter_options o;

	options_init(&o);
	ASSERT_INT_EQ(read_line(&o, "JupyterForwardPorts 6006 99999"), 1);
	ASSERT_INT_EQ(o.forward_ports == NULL, 1);
	ASSERT_INT_EQ(read_line(&o, "JupyterForwardPorts"), 1);
	ASSERT_INT_EQ(read_line(&o, "JupyterForwardPorts 6006 auto"), 0);
	ASSERT_STR_EQ(o.forward_ports, "6006 auto");
	options_free(&o);
}

struct collected {
	char	text[512];
	int	calls, fail_at;
};

static int
collect(void *ctx, const char *name, const char *value)
{
	struct collected *c = ctx;
	size_t n = strlen(c->text);

	if (++c->calls == c->fail_at)
		return -1;
	snprintf(c->text + n, sizeof(c->text) - n, "%s=%s\n", name, value);
	return 0;
}

TEST(script_variables)
{
	struct jupyter_options o;
	struct collected c;

	options_init(&o);
	o.port = 8889;
	o.env = strdup("~/venv");
	o.socket = 1;
	o.browser = strdup("firefox");
	options_fill_defaults(&o);
	memset(&c, 0, sizeof(c));
	ASSERT_INT_EQ(options_script_vars(&o, collect, &c), 0);
	ASSERT_STR_EQ(c.text,
	    "JS_PORT=8889\n"
	    "JS_DIR=\n"
	    "JS_ENV=~/venv\n"
	    "JS_MODULES=\n"
	    "JS_CMD=jupyter notebook\n"
	    "JS_TIMEOUT=60\n"
	    "JS_SOCKET=yes\n"
	    "JS_STOP_ON_EXIT=no\n"
	    "JS_IDLE_TIMEOUT=none\n"
	    "JS_SCHEDULER=none\n"
	    "JS_SLURM_OPTS=\n");
	/* A put that fails stops it there. */
	memset(&c, 0, sizeof(c));
	c.fail_at = 2;
	ASSERT_INT_EQ(options_script_vars(&o, collect, &c), -1);
	ASSERT_INT_EQ(c.calls, 2);
	options_free(&o);
}

/* ssh's time formats (sshd_config(5) TIME FORMATS), with bounds. */
TEST(durations)
{
	static const struct {
		const char	*text;
		long		 seconds;	/* -1: refused */
	} cases[] = {
		{ "90", 90 }, { "90s", 90 }, { "90S", 90 }, { "2h", 7200 },
		{ "90m", 5400 }, { "1h30m", 5400 }, { "1h30", 3630 },
		{ "1d", 86400 }, { "1w", 604800 }, { "10m10m", 1200 },
		{ "", -1 }, { "h", -1 }, { "2x", -1 }, { "-5", -1 },
		{ "+5", -1 }, { " 5", -1 }, { "5 ", -1 }, { "1h 30m", -1 },
		{ "0", -1 }, { "0s", -1 }, { "1h-", -1 }, { "31d", -1 },
		{ "99999999999999999999", -1 }, { "4w3d", -1 },
		{ "2592000", 2592000 }, { "2592001", -1 }, { "4w2d", 2592000 },
	};
	struct jupyter_options o;
	size_t i;
	long v;
	char buf[32];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = -1;
		if (duration_in(cases[i].text, 1, 30 * 86400, &v) == -1)
			v = -1;
		if (v != cases[i].seconds)
			FAILF("\"%s\": expected %ld, got %ld", cases[i].text,
			    cases[i].seconds, v);
	}
	ASSERT_INT_EQ(duration_in(NULL, 1, 10, &v), -1);
	/* "none", and -G's spelling of each. */
	options_init(&o);
	ASSERT_INT_EQ(read_line(&o, "JupyterIdleTimeout None"), 0);
	ASSERT_INT_EQ(o.idle_timeout, 0);
	ASSERT_STR_EQ(directive_value(directive_find("JupyterIdleTimeout"),
	    &o, buf, sizeof(buf)), "none");
	options_free(&o);
	options_init(&o);
	ASSERT_INT_EQ(read_line(&o, "JupyterIdleTimeout 1h30m"), 0);
	ASSERT_STR_EQ(directive_value(directive_find("JupyterIdleTimeout"),
	    &o, buf, sizeof(buf)), "5400");
	options_free(&o);
}

int
main(void)
{
	RUN(durations);
	RUN(every_row_is_complete_and_unique);
	RUN(every_directive_reads_back_as_written);
	RUN(defaults);
	RUN(first_value_wins_and_bad_values_say_why);
	RUN(forward_ports);
	RUN(forward_ports_error_names_file_and_line);
	RUN(script_variables);
	return unit_failed != 0;
}
