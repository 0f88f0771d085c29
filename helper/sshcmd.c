/* The common start of every ssh command line the helper runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remote.h"

/* -o ControlPath=..., or none; malloc'd. */
char *
control_option(const struct conn *c)
{
	char *opt, *p;
	size_t n = 0;
	const char *s;

	if (c->control == NULL)
		return strdup("ControlPath=none");
	/* ssh expands %-tokens in ControlPath: keep a literal path literal. */
	for (s = c->control; *s != '\0'; s++)
		n += *s == '%' ? 2 : 1;
	if ((opt = malloc(n + sizeof("ControlPath="))) == NULL)
		return NULL;
	p = opt + sprintf(opt, "ControlPath=");
	for (s = c->control; *s != '\0'; s++) {
		*p++ = *s;
		if (*s == '%')
			*p++ = '%';
	}
	*p = '\0';
	return opt;
}

/*
 * ssh (or $JUPYSSH_SSH), the control path, no LocalCommand (our own ssh
 * must not run the hook again), no prompts without a terminal, -F.
 */
int
ssh_base_args(const struct conn *c, const char **argv, char *control)
{
	const char *ssh = getenv("JUPYSSH_SSH");
	int n = 0;

	argv[n++] = ssh != NULL && *ssh != '\0' ? ssh : "ssh";
	argv[n++] = "-o";
	argv[n++] = control;
	argv[n++] = "-o";
	argv[n++] = "PermitLocalCommand=no";
	if (c->batch) {
		argv[n++] = "-o";
		argv[n++] = "BatchMode=yes";
	}
	if (c->connect_timeout > 0) {
		/* Also bounds the handshake: a host off the VPN, say. */
		static char timeout[32];

		snprintf(timeout, sizeof(timeout), "ConnectTimeout=%d",
		    c->connect_timeout);
		argv[n++] = "-o";
		argv[n++] = timeout;
	}
	if (c->config != NULL) {
		argv[n++] = "-F";
		argv[n++] = c->config;
	}
	return n;
}
