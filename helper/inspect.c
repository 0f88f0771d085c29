/*
 * Commands that look rather than act: list (every configured host's
 * notebook) and log (the notebook's own log on the remote).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/sshargs.h"
#include "commands.h"
#include "forward.h"
#include "remote.h"
#include "util.h"

static void
list_usage(void)
{
	fprintf(stderr, "usage: jupyssh list [--json]\n");
	exit(2);
}

/* Host names with Jupyter settings: Host patterns that are plain names. */
static char **
jupyter_hosts(size_t *n)
{
	struct jupyter_options o;
	struct config_reader r;
	struct host_config hc;
	char **names = NULL, **grown;
	size_t i, j;

	*n = 0;
	options_init(&o);
	reader_init(&r, NULL, home_dir(), &o);
	r.collect_hosts = 1;
	r.quiet = 1;
	config_resolve(&r, NULL);
	for (i = 0; i < r.nhosts; i++) {
		if (!host_is_plain(r.hosts[i]))
			continue;
		for (j = 0; j < *n; j++)
			if (strcmp(names[j], r.hosts[i]) == 0)
				break;
		if (j < *n || load_host(&hc, r.hosts[i], NULL) == -1)
			continue;
		if (hc.opts.port == 0 || (grown = realloc(names,
		    (*n + 1) * sizeof(*names))) == NULL) {
			options_free(&hc.opts);
			continue;
		}
		names = grown;
		names[(*n)++] = strdup(r.hosts[i]);
		options_free(&hc.opts);
	}
	reader_free(&r);
	options_free(&o);
	return names;
}

static void
json_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static const char *
duration(long s, char *buf, size_t len)
{
	if (s < 0)
		snprintf(buf, len, "?");
	else if (s < 60)
		snprintf(buf, len, "%lds", s);
	else if (s < 3600)
		snprintf(buf, len, "%ldm", s / 60);
	else if (s < 86400)
		snprintf(buf, len, "%ldh%02ldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%ldd%02ldh", s / 86400, s % 86400 / 3600);
	return buf;
}

int
cmd_list(int argc, char **argv)
{
	struct host_config hc;
	struct remote_result res;
	struct conn c;
	char **hosts, up[32], url[64], says[288];
	const char *state;
	size_t n, i;
	int json = 0, local, forwarded;

	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		json = 1;
	else if (argc != 1)
		list_usage();
	hosts = jupyter_hosts(&n);
	if (json)
		printf("[");
	for (i = 0; i < n; i++) {
		memset(&res, 0, sizeof(res));
		state = "unreachable";
		if (load_host(&hc, hosts[i], NULL) == 0) {
			connect_to(&c, &hc);
			c.batch = 1;	/* no prompts for a listing */
			if (remote_run(&c, "status", &hc.opts, NULL,
			    &res) == 0)
				state = res.kind == RESULT_RUNNING ?
				    "running" : "stopped";
		}
		/* Proven ours, never by asking the port with the token. */
		if (!(forwarded = strcmp(state, "running") == 0 &&
		    forward_proven(hosts[i], &res, &local)))
			local = local_port_of(hosts[i], hc.opts.local_port);
		snprintf(url, sizeof(url), "http://127.0.0.1:%d/", local);
		/* forwarded, not forwarded, or the keeper's reconnecting/down. */
		forward_state(hosts[i], forwarded, says, sizeof(says));
		if (json) {
			printf("%s\n  {\"host\": ", i ? "," : "");
			json_string(hosts[i]);
			printf(", \"state\": \"%s\"", state);
			if (strcmp(state, "running") == 0) {
				printf(", \"url\": \"%s\", \"folder\": ", url);
				json_string(res.detail);
				printf(", \"pid\": %ld, \"uptime\": %ld, "
				    "\"kernels\": %d, \"forwarded\": %s, "
				    "\"forward\": ", res.pid, res.uptime,
				    res.kernels, forwarded ? "true" : "false");
				json_string(says);
			} else if (strcmp(says, "not forwarded") != 0) {
				printf(", \"forward\": ");
				json_string(says);
			}
			printf("}");
		} else if (strcmp(state, "running") == 0)
			printf("%-16s running  %s  %s  pid %ld  up %s  "
			    "%d kernel%s  %s\n", hosts[i], url, res.detail,
			    res.pid, duration(res.uptime, up, sizeof(up)),
			    res.kernels, res.kernels == 1 ? "" : "s", says);
		else if (strcmp(says, "not forwarded") != 0)
			printf("%-16s %s  %s\n", hosts[i], state, says);
		else
			printf("%-16s %s\n", hosts[i], state);
		options_free(&hc.opts);
		free(hosts[i]);
	}
	if (json)
		printf("%s]\n", n ? "\n" : "");
	free(hosts);
	return fflush(stdout) == EOF ? 1 : 0;
}

int
cmd_log(int argc, char **argv)
{
	struct host_config hc;
	struct conn c;
	int follow = 0;

	if (argc == 3 && strcmp(argv[1], "-f") == 0) {
		follow = 1;
		argv++;
	} else if (argc != 2) {
		fprintf(stderr, "usage: jupyssh log [-f] host\n");
		return 2;
	}
	if (load_host(&hc, argv[1], NULL) == -1)
		return 1;
	if (hc.opts.port == 0) {
		warnx_("%s: no JupyterPort for this host", argv[1]);
		return 1;
	}
	connect_to(&c, &hc);
	return remote_log(&c, &hc.opts, follow) == 0 ? 0 : 1;
}
