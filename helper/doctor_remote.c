/*
 * jupyssh doctor, the remote's links, over one master of our own (in a
 * private folder, BatchMode: it never prompts): the login, then the check
 * script (folder, env, Jupyter, the ports there, the scheduler; it starts
 * nothing and is sent no token); the test forward is doctor_forward.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doctor.h"
#include "spawn.h"
#include "util.h"

/* Our master's log (ssh -E), from offset on, into buf. */
size_t
master_log(const struct doctor *d, long offset, char *buf, size_t len)
{
	char path[sizeof(d->tmp) + 16];
	size_t n = 0;
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/ssh.log", d->tmp);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	if (fseek(f, offset, SEEK_SET) == 0)
		n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

/* The last non-empty line of text, into buf. */
static const char *
last_line(const char *text, char *buf, size_t len)
{
	const char *end = text + strlen(text), *start;

	while (end > text && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	for (start = end; start > text && start[-1] != '\n'; start--)
		;
	snprintf(buf, len, "%.*s", (int)(end - start), start);
	return buf;
}

/* The remote's links from "from" on, not checked, and why. */
static void
skip_remote(struct doctor *d, const char *from, const char *why)
{
	static const char *const links[] = { "folder", "env", "jupyter",
	    "remote-port", "forward", NULL };
	int i;

	for (i = 0; links[i] != NULL && strcmp(links[i], from) != 0; i++)
		;
	for (; links[i] != NULL; i++)
		doctor_say(d, links[i], V_SKIP, NULL, "%s", why);
}

/* How often a login asks, when ssh cannot get in without asking. */
static void
say_prompt(struct doctor *d, const char *what, const char *fix)
{
	doctor_say(d, "login", V_FAIL, fix, "ssh would prompt (%s): once for "
	    "each new connection to %s (a second login while one is open "
	    "shares it, and so do jupyssh's own steps)%s", what, d->host,
	    d->hc.opts.scheduler == SCHEDULER_SLURM ? ", and once more for "
	    "the job's node" : "");
}

static int
login(struct doctor *d)
{
	const char *argv[32], *ssh = getenv("JUPYSSH_SSH");
	char ctl[sizeof(d->tmp) + 8], log[sizeof(d->tmp) + 16];
	char copt[sizeof(ctl) + 16], out[LOG_LEN], line[512], *p, *q;
	int n = 0;

	snprintf(d->tmp, sizeof(d->tmp), "/tmp/jupyssh-doctor.XXXXXX");
	if (mkdtemp(d->tmp) == NULL) {
		d->tmp[0] = '\0';
		doctor_say(d, "login", V_FAIL, NULL, "cannot make a private "
		    "folder in /tmp: %s", strerror(errno));
		return -1;
	}
	snprintf(ctl, sizeof(ctl), "%s/ctl", d->tmp);
	snprintf(log, sizeof(log), "%s/ssh.log", d->tmp);
	snprintf(copt, sizeof(copt), "ControlPath=%s", ctl);
	argv[n++] = ssh != NULL && *ssh != '\0' ? ssh : "ssh";
	argv[n++] = "-o"; argv[n++] = copt;
	argv[n++] = "-o"; argv[n++] = "PermitLocalCommand=no";
	argv[n++] = "-o"; argv[n++] = "BatchMode=yes";
	argv[n++] = "-o"; argv[n++] = "ConnectTimeout=20";
	argv[n++] = "-o"; argv[n++] = "LogLevel=VERBOSE";
	argv[n++] = "-o"; argv[n++] = "ControlMaster=yes";
	argv[n++] = "-o"; argv[n++] = "ControlPersist=no";
	argv[n++] = "-o"; argv[n++] = "ClearAllForwardings=yes";
	argv[n++] = "-E"; argv[n++] = log;
	argv[n++] = "-f"; argv[n++] = "-N";
	argv[n++] = "--"; argv[n++] = d->host;
	argv[n] = NULL;
	memset(&d->conn, 0, sizeof(d->conn));
	d->conn.host = d->host;
	d->conn.control = strdup(ctl);
	d->conn.batch = 1;
	if (d->conn.control != NULL && spawn_foreground(argv, d->host, 60) ==
	    0 && ssh_control(&d->conn, "check") == 0) {
		d->master = 1;
		master_log(d, 0, out, sizeof(out));
		if ((p = strstr(out, " using \"")) != NULL &&
		    (q = strchr(p + 8, '"')) != NULL)
			*q = '\0';
		doctor_say(d, "login", V_OK, NULL, "ssh reaches %s without a "
		    "prompt%s%s%s", d->host, p ? " (" : "", p ? p + 8 : "",
		    p ? ")" : "");
		return 0;
	}
	master_log(d, 0, out, sizeof(out));
	if ((p = strstr(out, "Permission denied (")) != NULL) {
		q = p + 19;
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(q, ")"), q);
		say_prompt(d, line, "let a key in without typing: ssh-copy-id "
		    "to the host, and ssh-add a key that has a passphrase; "
		    "until then type it at each login");
	} else if (strstr(out, "IDENTIFICATION HAS CHANGED") != NULL)
		doctor_say(d, "login", V_FAIL, "find out why; if the change "
		    "is expected, ssh-keygen -R the host and accept the new "
		    "key", "the host key of %s has changed: ssh refuses it",
		    d->host);
	else if (strstr(out, "Host key verification failed") != NULL)
		say_prompt(d, "to accept an unknown host key", "ssh to the host "
		    "once and check the key it shows, or add it to "
		    "~/.ssh/known_hosts");
	else
		doctor_say(d, "login", V_FAIL, "check the host's name, "
		    "HostName, ProxyCommand and the network", "ssh cannot "
		    "reach %s: %s", d->host, out[0] ? last_line(out, line,
		    sizeof(line)) : "no reason given");
	return -1;
}

/*
 * A check the script failed, in its own words (taken: later lines say
 * less), or one it never reached.
 */
static void
failed_or_not_reached(struct doctor *d, const char *check, int failed,
    const char *fix, int *taken)
{
	if (failed) {
		*taken = 1;
		doctor_say(d, check, V_FAIL, fix, "%s", d->res.detail);
	} else
		doctor_say(d, check, V_SKIP, NULL, "not reached");
}

/* The check script's words, a line each. */
static void
say_checked(struct doctor *d)
{
	const struct remote_check *c = &d->res.check;
	const struct jupyter_options *o = &d->hc.opts;
	const char *why = d->res.detail, *dir = o->directory ? o->directory :
	    "~";
	int taken = 0;	/* the detail belongs to an earlier line */

	if (strcmp(c->folder, "ok") == 0)
		doctor_say(d, "folder", V_OK, NULL, "%s exists on %s", dir,
		    d->host);
	else {
		taken = 1;
		doctor_say(d, "folder", V_FAIL, "create it on the host, or "
		    "correct JupyterDirectory", "%s", why);
	}
	if (strcmp(c->env, "none") == 0)
		doctor_say(d, "env", V_OK, NULL, "no JupyterEnv: the remote "
		    "login's own PATH");
	else if (strcmp(c->env, "ok") == 0)
		doctor_say(d, "env", V_OK, NULL, "%s activates", o->env);
	else
		failed_or_not_reached(d, "env", strcmp(c->env, "failed") == 0,
		    "create it there (python3 -m venv PATH, then PATH/bin/pip "
		    "install notebook), or correct JupyterEnv", &taken);
	if (strcmp(c->command, "ok") == 0 && strcmp(c->version, "-") != 0)
		doctor_say(d, "jupyter", V_OK, NULL, "\"%s\" is there, version "
		    "%s", o->command, c->version);
	else if (strcmp(c->command, "ok") == 0)
		doctor_say(d, "jupyter", V_OK, NULL, "\"%s\" is there (not "
		    "asked its version: not Jupyter's own command)",
		    o->command);
	else
		failed_or_not_reached(d, "jupyter", strcmp(c->command,
		    "-") != 0, "install Jupyter where the env finds it (pip "
		    "install notebook), or correct JupyterCommand", &taken);
	if (strcmp(c->ports, "free") == 0)
		doctor_say(d, "remote-port", V_OK, NULL, "127.0.0.1:%d is free "
		    "on %s", d->res.port, d->host);
	else if (strcmp(c->ports, "ours") == 0)
		doctor_say(d, "remote-port", V_OK, NULL, "jupyssh's notebook "
		    "listens on 127.0.0.1:%d on %s: a login reuses it",
		    d->res.port, d->host);
	else if (strcmp(c->ports, "busy") == 0)
		doctor_say(d, "remote-port", V_NOTE, NULL, "127.0.0.1:%d is in "
		    "use on %s; Jupyter would take %d, and the forward follows",
		    o->port, d->host, d->res.port);
	else if (strcmp(c->ports, "socket") == 0)
		doctor_say(d, "remote-port", V_OK, NULL, "none: the notebook "
		    "listens on a Unix socket");
	else {
		doctor_say(d, "remote-port", V_FAIL, strcmp(c->ports,
		    "unproven") == 0 ? "JupyterSocket yes" : "end some of "
		    "what holds them, or choose another JupyterPort", "%s",
		    taken ? (strcmp(c->ports, "full") == 0 ? "every port "
		    "Jupyter would try is in use" : "no /proc/net/tcp to "
		    "prove a port") : why);
		taken = 1;
	}
	if (strcmp(c->scheduler, "ok") == 0)
		doctor_say(d, "scheduler", V_OK, NULL, "sbatch, squeue, "
		    "scontrol and scancel answer on %s", d->host);
	else if (strcmp(c->scheduler, "-") != 0)
		doctor_say(d, "scheduler", V_FAIL, "use a SLURM login node, or "
		    "JupyterScheduler none", "%s", taken ? "SLURM's commands "
		    "do not answer there" : why);
}

void
doctor_remote(struct doctor *d)
{
	if (login(d) == -1) {
		skip_remote(d, "folder", "needs a login without a prompt "
		    "(doctor never prompts)");
		return;
	}
	if (remote_run(&d->conn, "check", &d->hc.opts, NULL, &d->res) == 0 &&
	    d->res.kind == RESULT_CHECKED) {
		d->checked = 1;
		say_checked(d);
	} else {
		doctor_say(d, "folder", V_FAIL, NULL, "the remote check "
		    "failed: %s", d->res.detail);
		skip_remote(d, "env", "not known: the remote check failed");
		return;
	}
	doctor_forward(d);
}

/* Our master ends; its folder goes. */
void
doctor_end(struct doctor *d)
{
	char path[sizeof(d->tmp) + 16];

	if (d->master)
		ssh_control(&d->conn, "exit");
	if (d->tmp[0] != '\0') {
		snprintf(path, sizeof(path), "%s/ctl", d->tmp);
		unlink(path);
		snprintf(path, sizeof(path), "%s/ssh.log", d->tmp);
		unlink(path);
		rmdir(d->tmp);
	}
	free((char *)d->conn.control);
	d->conn.control = NULL;
}
