/*
 * Runs the remote scripts (helper/remote/) on the host through ssh,
 * preferably as a client of an existing control master (no second
 * authentication). The settings, the token and the script itself travel
 * on ssh's stdin, never in an argument; what comes back is read by
 * protocol.c alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/directives.h"
#include "../common/readconf.h"
#include "progress.h"
#include "remote.h"
#include "remote_sh.h"
#include "spawn.h"
#include "state.h"
#include "vis.h"

/* NAME='value', with ' written as '\'' : safe for any POSIX shell. */
static int
append_quoted(char **buf, size_t *len, const char *name, const char *value)
{
	size_t need = strlen(name) + 4 + strlen(value) * 4 + 1, n = *len;
	const char *p;
	char *b;

	if ((b = realloc(*buf, n + need + 1)) == NULL)
		return -1;
	n += (size_t)sprintf(b + n, "%s='", name);
	for (p = value; *p != '\0'; p++) {
		if (*p == '\'') {
			memcpy(b + n, "'\\''", 4);
			n += 4;
		} else
			b[n++] = *p;
	}
	b[n++] = '\'';
	b[n++] = '\n';
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

struct input {
	char	*buf;
	size_t	 len;
};

static int
put_var(void *ctx, const char *name, const char *value)
{
	struct input *in = ctx;

	return append_quoted(&in->buf, &in->len, name, value);
}

/*
 * What every backend and every batch job runs first: common.sh, and the
 * roles it calls (modules.sh, idle.sh). Kept in JS_COMMON.
 */
static char *
shared_part(void)
{
	const char *parts[] = { remote_common_sh, remote_modules_sh,
	    remote_idle_sh };
	size_t i, n = 0, len = 1;
	char *s;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		len += strlen(parts[i]);
	if ((s = malloc(len)) == NULL)
		return NULL;
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		memcpy(s + n, parts[i], strlen(parts[i]));
		n += strlen(parts[i]);
	}
	s[n] = '\0';
	return s;
}

/*
 * The JS_* assignments the scripts expect (PROTOCOL.md): the directives'
 * from their table, then this run's own; then the scripts.
 */
static char *
script_input(const char *mode, const struct jupyter_options *o,
    const char *token, int follow, const char *state)
{
	static const char run_common[] = "eval \"$JS_COMMON\"\n";
	struct input in = { NULL, 0 };
	const char *backend, *dispatch;
	char *all, *shared;

	if ((shared = shared_part()) == NULL)
		return NULL;
	if (append_quoted(&in.buf, &in.len, "JS_MODE", mode) == -1 ||
	    options_script_vars(o, put_var, &in) == -1 ||
	    append_quoted(&in.buf, &in.len, "JS_TOKEN", token ? token : "") ==
	    -1 || append_quoted(&in.buf, &in.len, "JS_FOLLOW",
	    follow ? "yes" : "no") == -1 ||
	    /* A batch job gets the common part too: it is kept in a variable. */
	    append_quoted(&in.buf, &in.len, "JS_COMMON", shared) == -1 ||
	    /* On a job's node: the login node's folder, where its files are. */
	    (state != NULL && append_quoted(&in.buf, &in.len, "JS_STATE",
	    state) == -1))
		goto fail;
	free(shared);
	shared = NULL;
	backend = o->scheduler == SCHEDULER_SLURM ? remote_slurm_sh :
	    remote_local_sh;
	/* The listing of the notebook's listeners stands alone (ports.sh). */
	if (strcmp(mode, "ports") == 0)
		backend = "";
	dispatch = strcmp(mode, "ports") == 0 ? remote_ports_sh :
	    remote_main_sh;
	if ((all = realloc(in.buf, in.len + sizeof(run_common) +
	    strlen(backend) + strlen(dispatch) + 1)) == NULL)
		goto fail;
	memcpy(all + in.len, run_common, sizeof(run_common) - 1);
	in.len += sizeof(run_common) - 1;
	memcpy(all + in.len, backend, strlen(backend));
	in.len += strlen(backend);
	memcpy(all + in.len, dispatch, strlen(dispatch) + 1);
	return all;
 fail:
	free(shared);
	free(in.buf);
	return NULL;
}

static int
script_args(const struct conn *c, const char **argv, char *control)
{
	int n = ssh_base_args(c, argv, control);

	argv[n++] = "-T";
	argv[n++] = "-o";
	argv[n++] = "ControlMaster=no";
	argv[n++] = "-o";
	argv[n++] = "ClearAllForwardings=yes";
	argv[n++] = "--";
	argv[n++] = c->host;
	argv[n++] = "exec /bin/sh -s";
	argv[n] = NULL;
	return n;
}

/*
 * Runs the script for mode (start, status, stop) and reads its answer
 * into res; token is the one a new notebook is to use, state the state
 * folder to use instead of the host's own, or NULL. 0, or -1 with
 * res->kind RESULT_ERROR and why in res->detail.
 */
static int
run(const struct conn *c, const char *mode, const struct jupyter_options *o,
    const char *token, const char *state, struct remote_result *res)
{
	const char *argv[MAX_ARGS];
	char *input, *control, out[8192];
	struct spawn s;
	int rc;

	memset(res, 0, sizeof(*res));
	res->kind = RESULT_ERROR;
	snprintf(res->detail, sizeof(res->detail), "out of memory");
	if ((control = control_option(c)) == NULL)
		return -1;
	if ((input = script_input(mode, o, token, 0, state)) == NULL) {
		free(control);
		return -1;
	}
	script_args(c, argv, control);
	memset(&s, 0, sizeof(s));
	s.argv = argv;
	s.host = c->host;
	s.input = input;
	s.out = out;
	s.outlen = sizeof(out);
	/* A look (status, list) is bounded by the time to reach the host. */
	s.timeout = c->connect_timeout > 0 ? c->connect_timeout + 20 :
	    o->start_timeout + 60;
	s.tick_ms = 200;
	s.on_wait = progress_tick;
	s.on_output = progress_output;
	rc = spawn_run(&s);
	protocol_parse(out, strlen(out), token, res);
	if (rc == 255 && res->kind == RESULT_ERROR &&
	    strncmp(res->detail, "no answer", 9) == 0) {
		char *why = state_last_line(c->host, STATE_LOG);

		snprintf(res->detail, sizeof(res->detail), "ssh failed: ");
		vis_text(res->detail + strlen(res->detail), sizeof(res->detail) -
		    strlen(res->detail), why ? why : "no reason given",
		    why ? strlen(why) : 15, 0);
		free(why);
	}
	free(input);
	free(control);
	return res->kind == RESULT_ERROR ? -1 : 0;
}

/* A log on a terminal: its control characters made visible. */
static void
visible_chunk(const char *buf, size_t n)
{
	char out[4096 * 4 + 1];
	size_t len;

	len = vis_text(out, sizeof(out), buf, n, VIS_LINES);
	if (write(1, out, len) == -1)
		return;
}

/* The notebook's log, to our stdout; errors to our stderr. */
int
remote_log(const struct conn *c, const struct jupyter_options *o, int follow)
{
	const char *argv[MAX_ARGS];
	char *input, *control;
	struct spawn s;
	int rc = -1;

	if ((control = control_option(c)) == NULL)
		return -1;
	if ((input = script_input("log", o, NULL, follow, NULL)) != NULL) {
		script_args(c, argv, control);
		memset(&s, 0, sizeof(s));
		s.argv = argv;
		s.host = NULL;
		s.input = input;
		s.err_to_out = 0;
		if (isatty(1))
			s.on_chunk = visible_chunk;
		rc = spawn_run(&s);
	}
	free(input);
	free(control);
	return rc;
}

int
remote_run(const struct conn *c, const char *mode,
    const struct jupyter_options *o, const char *token,
    struct remote_result *res)
{
	return run(c, mode, o, token, NULL, res);
}

/*
 * The ports the notebook's processes listen on (ports.sh). For a job, c
 * reaches its node and state is the login node's state folder.
 */
int
remote_ports(const struct conn *c, const struct jupyter_options *o,
    const char *state, struct remote_result *res)
{
	return run(c, "ports", o, NULL, state, res);
}
