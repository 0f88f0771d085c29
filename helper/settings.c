/*
 * jupyssh -G host: like ssh -G, every directive's value for the host as
 * ssh -G prints its own (keyword in lower case, then the value), where
 * JupyterPort came from, and the block the library adds to ssh's config.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../common/sshargs.h"
#include "../common/translate.h"
#include "commands.h"
#include "util.h"

static void
print_directives(const struct jupyter_options *o)
{
	const struct directive *d;
	const char *name, *v;
	char buf[32];

	for (d = directives; d->name != NULL; d++) {
		for (name = d->name; *name != '\0'; name++)
			putchar(tolower((unsigned char)*name));
		v = directive_value(d, o, buf, sizeof(buf));
		printf(" %s\n", v != NULL ? v : d->none != NULL ? d->none :
		    "none");
	}
}

int
cmd_settings(const char *host)
{
	struct host_config hc;
	struct ssh_args a;
	char self[PATH_MAX], *block;
	char *const argv[] = { "ssh", (char *)host, NULL };

	if (load_host(&hc, host, NULL) == -1) {
		options_free(&hc.opts);
		return 1;
	}
	printf("host %s\n", host);
	if (hc.opts.port == 0) {
		printf("# no JupyterPort: jupyssh leaves this host alone\n");
		options_free(&hc.opts);
		return fflush(stdout) == EOF;
	}
	print_directives(&hc.opts);
	printf("# JupyterPort from %s\n", hc.opts.port_origin);
	if (self_exe(self, sizeof(self)) == -1)
		snprintf(self, sizeof(self), "jupyssh");
	if (parse_ssh_args(2, argv, &a) == 0 &&
	    (block = translate(&a, &hc.opts, self, hc.opts.local_port)) != NULL) {
		printf("# what libjupyssh.so adds for \"ssh %s\":%s", host,
		    block);
		free(block);
	}
	options_free(&hc.opts);
	return fflush(stdout) == EOF;
}
