/*
 * jupyssh doctor, the first links: the library preloaded in this shell (or
 * ProxyCommand mode), and the helper ssh would run next to it.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doctor.h"
#include "util.h"

/* "PREFIX/lib/libjupyssh.so" for the helper at PREFIX/bin/jupyssh. */
static void
library_for(const char *self, char *buf, size_t len)
{
	char dir[PATH_MAX - 32], *slash;
	int i;

	if (snprintf(dir, sizeof(dir), "%s", self) >= (int)sizeof(dir)) {
		snprintf(buf, len, "/usr/lib/libjupyssh.so");
		return;
	}
	for (i = 0; i < 2 && (slash = strrchr(dir, '/')) != NULL; i++)
		*slash = '\0';
	snprintf(buf, len, "%s/lib/libjupyssh.so", dir);
	if (access(buf, R_OK) == 0)
		return;
	/* The build tree: helper/jupyssh and shim/libjupyssh.so. */
	snprintf(buf, len, "%s/shim/libjupyssh.so", dir);
	if (access(buf, R_OK) != 0)
		snprintf(buf, len, "/usr/lib/libjupyssh.so");
}

/* The word of LD_PRELOAD that is a libjupyssh.so, into lib; 1 if any. */
static int
preload_word(char *lib, size_t len)
{
	const char *p = getenv("LD_PRELOAD"), *end, *base;
	size_t n;

	for (; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ": ");
		n = (size_t)(end - p);
		for (base = end; base > p && base[-1] != '/'; base--)
			;
		if ((size_t)(end - base) == 13 &&
		    strncmp(base, "libjupyssh.so", 13) == 0 && n < len) {
			memcpy(lib, p, n);
			lib[n] = '\0';
			return 1;
		}
	}
	return 0;
}

void
check_helper(struct doctor *d, const char *helper)
{
	const char *argv[] = { helper, "--version", NULL };
	char out[256], mine[64];

	if (access(helper, X_OK) != 0) {
		doctor_say(d, "helper", V_FAIL, "install jupyssh and "
		    "libjupyssh.so from one build (the package, or make "
		    "install)", "%s, which ssh would run, is not there",
		    helper);
		return;
	}
	snprintf(mine, sizeof(mine), "jupyssh %s\n", JUPYSSH_VERSION);
	if (doctor_capture(argv, out, sizeof(out), 15) != 0 ||
	    strcmp(out, mine) != 0) {
		out[strcspn(out, "\n")] = '\0';
		doctor_say(d, "helper", V_NOTE, "install both from one build",
		    "%s is \"%s\", not %s's version %s", helper, out,
		    d->self, JUPYSSH_VERSION);
		return;
	}
	doctor_say(d, "helper", V_OK, NULL, "%s (%s) is the helper ssh "
	    "runs", helper, JUPYSSH_VERSION);
}

/* The library: preloaded in this shell, or ProxyCommand mode. 1 if it is. */
int
check_library(struct doctor *d)
{
	char pc[PATH_MAX * 2], expected[PATH_MAX], fix[PATH_MAX + 128];
	int preloaded;

	library_for(d->self, expected, sizeof(expected));
	preloaded = preload_word(d->lib, sizeof(d->lib));
	if (dump_value(d->dump, "proxycommand", pc, sizeof(pc)) != NULL &&
	    strstr(pc, "jupyssh proxy") != NULL)
		d->proxy_mode = 1;
	if (preloaded && access(d->lib, R_OK) != 0) {
		doctor_say(d, "library", V_FAIL, NULL, "LD_PRELOAD names %s, "
		    "which is not there (export LD_PRELOAD=%s)", d->lib,
		    expected);
		preloaded = 0;
	} else if (preloaded)
		doctor_say(d, "library", V_OK, NULL, "%s is preloaded in this "
		    "shell", d->lib);
	else if (d->proxy_mode)
		doctor_say(d, "library", V_OK, NULL, "ProxyCommand mode: ssh "
		    "runs \"%s\" for %s, no preload needed", pc, d->host);
	else {
		snprintf(fix, sizeof(fix), "add \"export LD_PRELOAD=%s\" to "
		    "~/.profile and log in again (or ProxyCommand mode, see "
		    "jupyssh(1))", expected);
		doctor_say(d, "library", V_FAIL, fix, "libjupyssh.so is not "
		    "preloaded in this shell (LD_PRELOAD is \"%s\")",
		    getenv("LD_PRELOAD") ? getenv("LD_PRELOAD") : "");
	}
	return preloaded;
}
