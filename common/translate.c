/*
 * The Jupyter settings of the host being connected to, written as the ssh
 * options that make ssh do the work: a LocalForward bound to 127.0.0.1, a
 * LocalCommand that runs the helper, and a control master that the helper
 * reuses, so that nothing authenticates twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "readconf.h"
#include "sshargs.h"
#include "translate.h"

/* Should this ssh invocation bring the notebook up? */
int
wants_notebook(const struct ssh_args *a, const struct jupyter_options *o)
{
	if (o->port == 0 || o->autostart == AUTOSTART_NO)
		return 0;
	/* Not a session of its own: -V, -O, -W, sftp, scp and their kin. */
	if (a->info_only || a->control_command || a->stdio_forward ||
	    a->subsystem || a->no_local_command || a->clear_forwardings ||
	    a->own_local_command)
		return 0;
	if (a->command && o->autostart != AUTOSTART_YES)
		return 0;
	return 1;
}

/*
 * Single-quotes s for the shell that runs LocalCommand. ssh expands
 * %-tokens in LocalCommand before the shell sees it, so a literal '%'
 * is doubled unless the tokens are meant (keep_tokens).
 * Returns the length needed, like snprintf.
 */
size_t
quote_for_local_command(char *dst, size_t len, const char *s, int keep_tokens)
{
	size_t n = 0;

#define PUT(c)	do { if (n + 1 < len) dst[n] = (c); n++; } while (0)
	PUT('\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			PUT('\''); PUT('\\'); PUT('\''); PUT('\'');
		} else if (*s == '%' && !keep_tokens) {
			PUT('%'); PUT('%');
		} else
			PUT(*s);
	}
	PUT('\'');
#undef PUT
	if (len > 0)
		dst[n < len ? n : len - 1] = '\0';
	return n;
}

static char *
quoted(const char *s, int keep_tokens)
{
	size_t n = quote_for_local_command(NULL, 0, s, keep_tokens);
	char *q;

	if ((q = malloc(n + 1)) != NULL)
		quote_for_local_command(q, n + 1, s, keep_tokens);
	return q;
}

static int
has_control(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/*
 * What of the text a block would carry has a control character, by the
 * name the user knows it by: a newline there would end its line and begin
 * another option. NULL when there is none; helper may be NULL. The shim
 * asks before it translates, and hands such an ssh off untouched.
 */
const char *
translate_refusal(const struct ssh_args *a, const struct jupyter_options *o,
    const char *helper)
{
	if (has_control(a->host))
		return "the host name";
	if (has_control(a->config))
		return "the -F file name";
	if (has_control(a->control_path) || has_control(o->control_path))
		return "ControlPath";
	if (has_control(o->port_origin))
		return "the name of the file with JupyterPort";
	if (has_control(helper))
		return "the helper's path";
	return NULL;
}

/*
 * Does the forward outlive the session (JupyterForward notebook)? Not when
 * the notebook itself is to end with the last session (JupyterStopOnExit).
 */
int
forward_outlives_session(const struct jupyter_options *o)
{
	return o->forward != FORWARD_SESSION && o->stop_on_exit != 1;
}

/*
 * What keeps the forward once the login ends: the master stays (it has
 * authenticated, and holds the forward), and keepalives notice a dead link
 * within ServerAliveInterval * (ServerAliveCountMax + 1) seconds, so that
 * "jupyssh keep" can heal it. Written last: a user's own ControlPersist or
 * keepalives come first in the config and win.
 */
#define PERSIST_OPTIONS \
	"\tControlPersist yes\n" \
	"\tServerAliveInterval 5\n" \
	"\tServerAliveCountMax 3\n"

/*
 * Returns a malloc'd block of ssh_config text, or NULL. local is the port
 * to forward from (the configured one, or a free one when that is taken),
 * or 0 for no LocalForward. On a Unix socket, whose remote path only the
 * remote knows, or on a SLURM compute node, the helper adds the forward
 * once the notebook is up.
 */
char *
translate(const struct ssh_args *a, const struct jupyter_options *o,
    const char *helper, int local)
{
	const char *control = JUPYSSH_CONTROL_PATH;
	char *qhelper = NULL, *qconfig = NULL, *qcontrol = NULL, *out = NULL;
	char forward[80] = "", port[32] = "";
	int own_control = 0;

	if (a->control_path[0] != '\0' && strcasecmp(a->control_path, "none"))
		control = a->control_path, own_control = 1;
	else if (o->control_path != NULL &&
	    strcasecmp(o->control_path, "none") != 0)
		control = o->control_path, own_control = 1;

	if ((qhelper = quoted(helper, 0)) == NULL ||
	    (qcontrol = quoted(control, 1)) == NULL ||
	    (a->config[0] != '\0' && (qconfig = quoted(a->config, 0)) == NULL))
		goto out;
	/* A socket's path or a job's node: known once the notebook runs. */
	if (local > 0 && !o->socket && o->scheduler != SCHEDULER_SLURM)
		snprintf(forward, sizeof(forward),
		    "\tLocalForward 127.0.0.1:%d 127.0.0.1:%d\n", local, o->port);
	if (local > 0 && local != o->local_port)
		snprintf(port, sizeof(port), " -p %d", local);
	if (asprintf(&out,
	    "\n# jupyssh: JupyterPort %d (%s)\n"
	    "Host %s\n"
	    "%s"
	    "\tPermitLocalCommand yes\n"
	    "\tLocalCommand %s hook%s%s%s %s %s\n"
	    "\tControlMaster auto\n"
	    "%s%s%s"
	    "%s",
	    o->port, o->port_origin ? o->port_origin : "?",
	    a->host,
	    forward,
	    qhelper, qconfig ? " -F " : "", qconfig ? qconfig : "", port,
	    a->host, qcontrol,
	    own_control ? "" : "\tControlPath ", own_control ? "" : control,
	    own_control ? "" : "\n",
	    forward_outlives_session(o) ? PERSIST_OPTIONS : "") == -1)
		out = NULL;
 out:
	free(qhelper);
	free(qconfig);
	free(qcontrol);
	return out;
}
