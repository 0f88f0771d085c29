/*
 * jupyssh doctor, what ssh makes of it all: the block that "ssh -G HOST"
 * shows, and the control socket a login's master listens on against the
 * one the helper is told (the library and helper: doctor_library.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doctor.h"
#include "util.h"

/* The first shell word of s (single quotes as translate.c writes them). */
static const char *
first_word(const char *s, char *buf, size_t len, const char **rest)
{
	size_t n = 0;
	int quoted = 0;

	while (*s == ' ')
		s++;
	for (; *s != '\0' && (quoted || *s != ' '); s++) {
		if (*s == '\'') {
			quoted = !quoted;
			continue;
		}
		if (*s == '\\' && !quoted && s[1] != '\0')
			s++;
		if (n + 1 < len)
			buf[n++] = *s;
	}
	buf[n] = '\0';
	if (rest != NULL)
		*rest = s;
	return buf;
}

/* The last shell word of s. */
static const char *
last_word(const char *s, char *buf, size_t len)
{
	const char *rest = s;

	buf[0] = '\0';
	while (*rest != '\0') {
		first_word(rest, buf, len, &rest);
		while (*rest == ' ')
			rest++;
	}
	return buf;
}

/* The lines of ssh -G that are not "keyword value": its complaints. */
void
complaints(const char *dump, char *buf, size_t len, const char *only)
{
	const char *p, *nl;
	size_t n = 0, k;

	buf[0] = '\0';
	for (p = dump; *p != '\0'; p = *nl ? nl + 1 : nl) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		k = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
		if ((k > 0 && p[k] == ' ' && strncmp(p, "jupyssh", 7) != 0) ||
		    strncmp(p, "Pseudo-terminal", 15) == 0 || nl == p)
			continue;
		if (only != NULL && strncmp(p, only, strlen(only)) != 0)
			continue;
		if (n > 0 && n + 2 < len) {
			memcpy(buf + n, "; ", 2);
			n += 2;
		}
		k = (size_t)(nl - p);
		if (n + k >= len)
			k = len - n - 1;
		memcpy(buf + n, p, k);
		n += k;
		buf[n] = '\0';
	}
}

/* ssh -G HOST as a login sees it: the library acting (not our own ssh). */
static int
ssh_dump(struct doctor *d, const char *control)
{
	const char *argv[8];
	char opt[PATH_MAX + 16], *saved;
	int n = 0, rc;

	argv[n++] = "ssh";
	argv[n++] = "-G";
	if (control != NULL) {
		snprintf(opt, sizeof(opt), "ControlPath=%s", control);
		argv[n++] = "-o";
		argv[n++] = opt;
	}
	argv[n++] = "--";
	argv[n++] = d->host;
	argv[n] = NULL;
	saved = getenv("JUPYSSH_INNER") ? strdup(getenv("JUPYSSH_INNER")) :
	    NULL;
	if (control == NULL)
		unsetenv("JUPYSSH_INNER");
	rc = doctor_capture(argv, d->dump, sizeof(d->dump), 30);
	if (saved != NULL)
		setenv("JUPYSSH_INNER", saved, 1);
	free(saved);
	return rc;
}

/* The control socket a login's master listens on, and the helper's. */
static void
check_control(struct doctor *d, const char *told)
{
	char ssh_path[PATH_MAX], helper_path[PATH_MAX], dir[PATH_MAX], *slash;
	struct conn c;

	if (dump_value(d->dump, "controlpath", ssh_path, sizeof(ssh_path)) ==
	    NULL || strcmp(ssh_path, "none") == 0) {
		doctor_say(d, "control", V_FAIL, "remove \"ControlPath none\" "
		    "for this host", "ssh has no ControlPath for %s: a login "
		    "would have no master for the helper to use", d->host);
		return;
	}
	if (told != NULL) {
		if (ssh_dump(d, told) != 0 || dump_value(d->dump,
		    "controlpath", helper_path, sizeof(helper_path)) == NULL)
			snprintf(helper_path, sizeof(helper_path), "%s", told);
		if (strcmp(helper_path, ssh_path) != 0) {
			doctor_say(d, "control", V_FAIL, "set ControlPath in "
			    "a \"Host\" block (ssh's config or "
			    "~/.ssh/jupyter_config), not in a Match block",
			    "a login's master would listen on %s, but the "
			    "helper would be told %s: ControlPath is set "
			    "where jupyssh does not read it", ssh_path,
			    helper_path);
			return;
		}
	}
	/* ssh binds PATH plus 17 characters first, within sun_path. */
	if (strlen(ssh_path) + 17 >= 108) {
		doctor_say(d, "control", V_FAIL, "a shorter ControlPath, such "
		    "as ~/.ssh/cm-%%C", "ControlPath %s is too long for a Unix "
		    "socket", ssh_path);
		return;
	}
	snprintf(dir, sizeof(dir), "%s", ssh_path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if (slash == NULL || access(dir, W_OK | X_OK) != 0) {
		doctor_say(d, "control", V_FAIL, "create that folder (mode "
		    "700), or use another ControlPath", "ssh cannot make its "
		    "control socket %s: %s is not a folder you can write",
		    ssh_path, dir);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.host = d->host;
	c.control = ssh_path;
	c.batch = 1;
	doctor_say(d, "control", V_OK, NULL, "a login's master listens on "
	    "%s%s, which the helper uses", ssh_path, ssh_master_answers(&c) ?
	    " (a session is open on it)" : "");
}

/* An ssh option that keeps a login from working, v for the host. */
static void
ssh_refuses(struct doctor *d, const char *option, const char *v,
    const char *fix, const char *tail)
{
	d->blocked = 1;
	doctor_say(d, "ssh", V_FAIL, fix, "%s is %s for %s%s", option, v,
	    d->host, tail);
}

/* ssh -G failed: what it says is the one line known. */
static void
check_refused(struct doctor *d)
{
	char why[2048];

	complaints(d->dump, why, sizeof(why), NULL);
	d->blocked = 1;
	doctor_say(d, "helper", V_SKIP, NULL, "not known while ssh "
	    "refuses the configuration");
	doctor_say(d, "ssh", V_FAIL, strstr(why, "Bad configuration "
	    "option") != NULL ? "put \"IgnoreUnknown Jupyter*\" at the "
	    "very top of ~/.ssh/config" : "correct ssh's "
	    "configuration", "ssh -G %s fails: %s", d->host, why);
	doctor_say(d, "control", V_SKIP, NULL, "not known while ssh "
	    "refuses the configuration");
}

/* The library's block is there (LocalCommand lc): what could undo it. */
static void
check_block(struct doctor *d, const char *lc)
{
	char helper[PATH_MAX], told[PATH_MAX], v[64];
	const char *rest;

	first_word(lc, helper, sizeof(helper), &rest);
	last_word(rest, told, sizeof(told));
	check_helper(d, helper);
	if (dump_value(d->dump, "permitlocalcommand", v, sizeof(v)) &&
	    strcmp(v, "yes") != 0)
		ssh_refuses(d, "PermitLocalCommand", v, "remove "
		    "PermitLocalCommand no for this host", ", set before "
		    "jupyssh's yes: its LocalCommand would not run");
	else if (dump_value(d->dump, "controlmaster", v, sizeof(v)) &&
	    strcmp(v, "auto") != 0 && strcmp(v, "true") != 0 &&
	    strcmp(v, "yes") != 0)
		ssh_refuses(d, "ControlMaster", v, "remove ControlMaster for "
		    "this host, or set it to auto", ": a login would have no "
		    "master for the helper");
	else
		doctor_say(d, "ssh", V_OK, NULL, "ssh -G %s shows what "
		    "libjupyssh.so adds: LocalCommand %s", d->host, lc);
	check_control(d, told);
}

/* Preloaded, but no block in ssh -G (LocalCommand lc): why not. */
static void
check_no_block(struct doctor *d, const char *lc)
{
	char why[2048];

	complaints(d->dump, why, sizeof(why), "jupyssh: ");
	if (strstr(why, "cannot find the jupyssh helper") != NULL) {
		doctor_say(d, "helper", V_FAIL, "install jupyssh and "
		    "libjupyssh.so from one build (the package, or "
		    "make install), or export JUPYSSH_HELPER=PATH",
		    "no jupyssh next to %s (its ../bin/jupyssh)", d->lib);
		doctor_say(d, "ssh", V_SKIP, NULL, "no block without "
		    "the helper");
		doctor_say(d, "control", V_SKIP, NULL, "not used "
		    "without the block");
		return;
	}
	doctor_say(d, "helper", V_SKIP, NULL, "ssh would not run it");
	if (d->hc.opts.autostart == AUTOSTART_NO) {
		doctor_say(d, "ssh", V_NOTE, NULL, "JupyterAutoStart no: a "
		    "login starts nothing; \"jupyssh start %s\" does",
		    d->host);
		return;
	}
	d->blocked = 1;
	if (lc[0] != '\0')
		doctor_say(d, "ssh", V_FAIL, "remove that LocalCommand (ssh "
		    "runs one, the first set)", "%s has a LocalCommand of its "
		    "own, which comes first and wins: %s", d->host, lc);
	else
		doctor_say(d, "ssh", V_FAIL, NULL, "ssh -G %s shows no jupyssh "
		    "block%s%s", d->host, why[0] ? ": " : "", why);
	doctor_say(d, "control", V_SKIP, NULL, "not used without the block");
}

/* ProxyCommand mode: it needs ssh's own master. */
static void
check_proxy_mode(struct doctor *d, const char *lc)
{
	char helper[PATH_MAX], v[64];

	first_word(lc[0] ? lc : "jupyssh", helper, sizeof(helper), NULL);
	doctor_say(d, "helper", V_OK, NULL, "ssh runs jupyssh proxy from "
	    "PATH");
	if (dump_value(d->dump, "controlmaster", v, sizeof(v)) == NULL ||
	    (strcmp(v, "auto") != 0 && strcmp(v, "true") != 0 &&
	    strcmp(v, "yes") != 0)) {
		d->blocked = 1;
		doctor_say(d, "ssh", V_FAIL, "add \"ControlMaster auto\" and a "
		    "ControlPath to the host's block", "ProxyCommand mode "
		    "needs ControlMaster auto for %s (it is %s)", d->host, v);
	} else
		doctor_say(d, "ssh", V_OK, NULL, "ProxyCommand mode with "
		    "ControlMaster %s", v);
	check_control(d, NULL);
}

/* The library preloaded and acting in ssh: its block in ssh -G. */
void
doctor_ssh(struct doctor *d)
{
	char lc[PATH_MAX * 2];
	int preloaded, rc;

	rc = ssh_dump(d, NULL);
	preloaded = check_library(d);
	if (!d->settings) {
		doctor_say(d, "helper", V_SKIP, NULL, "no settings for %s",
		    d->host);
		doctor_say(d, "ssh", V_SKIP, NULL, "no settings for %s",
		    d->host);
		doctor_say(d, "control", V_SKIP, NULL, "no settings for %s",
		    d->host);
		return;
	}
	if (rc != 0) {
		check_refused(d);
		return;
	}
	if (dump_value(d->dump, "localcommand", lc, sizeof(lc)) == NULL)
		lc[0] = '\0';
	if (preloaded && strstr(lc, " hook ") != NULL)
		check_block(d, lc);
	else if (preloaded)
		check_no_block(d, lc);
	else if (d->proxy_mode)
		check_proxy_mode(d, lc);
	else {
		d->blocked = 1;
		doctor_say(d, "helper", V_SKIP, NULL, "not run without the "
		    "library");
		doctor_say(d, "ssh", V_SKIP, NULL, "ssh gets no jupyssh block "
		    "without the library");
		doctor_say(d, "control", V_SKIP, NULL, "not used without the "
		    "library");
	}
}
