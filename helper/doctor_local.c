/*
 * jupyssh doctor, this machine's own links: the state folder, the Jupyter
 * files and the host's settings, and the local port. What ssh makes of
 * them is doctor_ssh.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/port.h"
#include "../common/readconf.h"
#include "doctor.h"
#include "forward.h"
#include "listener.h"
#include "state.h"
#include "util.h"

/* What state_check() has to say, for the state line. */
static char state_why[PATH_MAX + 128];

static void
state_said(const char *what, const char *why)
{
	snprintf(state_why, sizeof(state_why), "%s: %s", what, why);
}

static void
check_state(struct doctor *d)
{
	char path[PATH_MAX];

	state_init(home_dir(), state_said);
	if (state_check() == -1) {
		doctor_say(d, "state", V_FAIL, "chmod 700 it and make it yours "
		    "(jupyssh keeps tokens there, and refuses a folder others "
		    "can write)", "the local state folder is not safe: %s",
		    state_why);
		return;
	}
	if (state_dir_path(home_dir(), path, sizeof(path)) == -1)
		snprintf(path, sizeof(path), "~/.local/state/jupyssh");
	doctor_say(d, "state", V_OK, NULL, "%s is private to you", path);
}

/* The Jupyter files parse, as "jupyssh -G" reads them; then the settings. */
static void
check_config(struct doctor *d)
{
	const char *argv[] = { d->self, "-G", d->host, NULL };
	char out[8192], why[2048], side[PATH_MAX];
	const char *path;
	struct jupyter_options *o = &d->hc.opts;

	if (doctor_capture(argv, out, sizeof(out), 30) != 0) {
		complaints(out, why, sizeof(why), "jupyssh: ");
		doctor_say(d, "config", V_FAIL, "correct those lines: until "
		    "then ssh runs as if jupyssh were not there",
		    "the Jupyter settings do not parse: %s", why[0] ? why :
		    out);
		doctor_say(d, "settings", V_SKIP, NULL, "not known until the "
		    "files parse");
		return;
	}
	path = side_config_path(home_dir(), side, sizeof(side));
	doctor_say(d, "config", V_OK, NULL, "the Jupyter settings parse (%s, "
	    "ssh's config, /etc/ssh/jupyter_config)", path ? path :
	    "~/.ssh/jupyter_config");
	if (load_host(&d->hc, d->host, NULL) == -1) {
		options_free(o);
		doctor_say(d, "settings", V_FAIL, NULL, "cannot read the "
		    "settings for %s", d->host);
		return;
	}
	if (o->port == 0) {
		options_free(o);
		snprintf(why, sizeof(why), "add \"Host %s\" and, under it, "
		    "\"JupyterPort 8889\" to %s", d->host, path ? path :
		    "~/.ssh/jupyter_config");
		doctor_say(d, "settings", V_FAIL, why, "no JupyterPort applies "
		    "to %s: jupyssh leaves it alone", d->host);
		return;
	}
	d->settings = 1;
	doctor_say(d, "settings", V_OK, NULL, "JupyterPort %d (from %s), "
	    "local port %d, folder %s, env %s, command \"%s\"%s%s",
	    o->port, o->port_origin ? o->port_origin : "?", o->local_port,
	    o->directory ? o->directory : "~", o->env ? o->env : "none",
	    o->command ? o->command : "jupyter notebook",
	    o->scheduler == SCHEDULER_SLURM ? ", SLURM" : "",
	    o->socket ? ", on a Unix socket" : "");
}

void
doctor_local(struct doctor *d)
{
	if (self_exe(d->self, sizeof(d->self)) == -1)
		snprintf(d->self, sizeof(d->self), "jupyssh");
	check_config(d);
	doctor_ssh(d);
	check_state(d);
}

/* The local port: free, our forward's, or the next one the shim takes. */
void
doctor_local_port(struct doctor *d)
{
	struct forward f;
	int port, i;

	if (!d->settings)
		return;
	port = d->hc.opts.local_port;
	if (port_is_free(port)) {
		doctor_say(d, "local-port", V_OK, NULL, "127.0.0.1:%d is free "
		    "here", port);
		return;
	}
	if (forward_recorded(d->host, &f) == 0 && f.port == port &&
	    listener_is(port, f.master)) {
		doctor_say(d, "local-port", V_OK, NULL, "127.0.0.1:%d is "
		    "jupyssh's own forward (ssh pid %ld)", port,
		    (long)f.master);
		return;
	}
	for (i = 1; i < 100 && port + i < 65536; i++)
		if (port_is_free(port + i)) {
			doctor_say(d, "local-port", V_NOTE, NULL, "127.0.0.1:%d "
			    "is in use by another program; a login would "
			    "forward 127.0.0.1:%d instead", port, port + i);
			return;
		}
	doctor_say(d, "local-port", V_FAIL, "end what holds them, or set "
	    "JupyterLocalPort to a free range", "127.0.0.1:%d and the 99 "
	    "ports after it are all in use here", port);
}
