/*
 * jupyssh -G: the effective settings of a host, and what the library adds
 * to ssh's options for it.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../shim/sshargs.h"
#include "../shim/translate.h"
#include "commands.h"

/* jupyssh -G host: like ssh -G, what applies to host and why. */
int
cmd_settings(const char *host)
{
	static const char *const autostart[] = { "interactive", "yes", "no" };
	struct host_config hc;
	struct ssh_args a;
	char self[PATH_MAX], *block;
	char *const argv[] = { "ssh", (char *)host, NULL };
	ssize_t n;

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
	printf("jupyterport %d\njupyterlocalport %d\n", hc.opts.port,
	    hc.opts.local_port);
	printf("jupyterdirectory %s\n", hc.opts.directory ?
	    hc.opts.directory : "~");
	printf("jupyterenv %s\n", hc.opts.env ? hc.opts.env : "none");
	printf("jupytercommand %s\n", hc.opts.command);
	printf("jupyterautostart %s\n", autostart[hc.opts.autostart]);
	printf("jupyterstarttimeout %d\n", hc.opts.start_timeout);
	printf("jupytersocket %s\n", hc.opts.socket ? "yes" : "no");
	printf("jupyterstoponexit %s\n", hc.opts.stop_on_exit ? "yes" : "no");
	printf("# JupyterPort from %s\n", hc.opts.port_origin);
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1)
		snprintf(self, sizeof(self), "jupyssh");
	else
		self[n] = '\0';
	if (parse_ssh_args(2, argv, &a) == 0 &&
	    (block = translate(&a, &hc.opts, self, hc.opts.local_port)) != NULL) {
		printf("# what libjupyssh.so adds for \"ssh %s\":%s", host,
		    block);
		free(block);
	}
	options_free(&hc.opts);
	return fflush(stdout) == EOF;
}
