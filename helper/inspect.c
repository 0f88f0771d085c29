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
#include "spawn.h"
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

/* One host's answer to "status", as a child of list gives it back. */
struct answer {
	int			 reached;
	struct remote_result	 res;
};

struct asking {
	struct host_config	*hc;
};

static int
ask_one(void *arg, int fd)
{
	struct asking *a = arg;
	struct answer ans;
	struct conn c;

	memset(&ans, 0, sizeof(ans));
	connect_to(&c, a->hc);
	c.batch = 1;	/* no prompts for a listing */
	c.connect_timeout = LOOK_CONNECT_TIMEOUT;
	ans.reached = remote_run(&c, "status", &a->hc->opts, NULL,
	    &ans.res) == 0;
	return write(fd, &ans, sizeof(ans)) == (ssize_t)sizeof(ans) ? 0 : 1;
}

/*
 * Every host asked at once, each bounded by LOOK_CONNECT_TIMEOUT: a list
 * of many hosts, some off the VPN, takes about the slowest one's time,
 * not the sum. ans[i].reached is 0 where host i did not answer.
 */
static void
ask_all(struct host_config *hcs, const int *loaded, size_t n,
    struct answer *ans)
{
	struct asking a;
	size_t i, got;
	pid_t *pids;
	ssize_t r;
	int *fds;

	memset(ans, 0, n * sizeof(*ans));
	if ((pids = calloc(n, sizeof(*pids))) == NULL ||
	    (fds = calloc(n, sizeof(*fds))) == NULL) {
		free(pids);
		return;
	}
	fflush(stdout);
	for (i = 0; i < n; i++) {
		pids[i] = -1;
		a.hc = &hcs[i];
		if (loaded[i])
			pids[i] = spawn_call(ask_one, &a, &fds[i]);
	}
	for (i = 0; i < n; i++) {
		if (pids[i] == -1)
			continue;
		for (got = 0; got < sizeof(ans[i]); got += (size_t)r)
			if ((r = read(fds[i], (char *)&ans[i] + got,
			    sizeof(ans[i]) - got)) <= 0)
				break;
		if (got != sizeof(ans[i]))
			memset(&ans[i], 0, sizeof(ans[i]));
		close(fds[i]);
		spawn_wait(pids[i]);
	}
	free(pids);
	free(fds);
}

int
cmd_list(int argc, char **argv)
{
	struct host_config *hcs;
	struct answer *ans;
	char **hosts, up[32], url[64], says[288];
	const char *state;
	size_t n, i;
	int json = 0, local, forwarded, *loaded;

	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		json = 1;
	else if (argc != 1)
		list_usage();
	hosts = jupyter_hosts(&n);
	hcs = calloc(n + 1, sizeof(*hcs));
	loaded = calloc(n + 1, sizeof(*loaded));
	ans = calloc(n + 1, sizeof(*ans));
	if (hcs == NULL || loaded == NULL || ans == NULL) {
		warnx_("list: out of memory");
		return 1;
	}
	for (i = 0; i < n; i++)
		loaded[i] = load_host(&hcs[i], hosts[i], NULL) == 0;
	ask_all(hcs, loaded, n, ans);
	if (json)
		printf("[");
	for (i = 0; i < n; i++) {
		struct remote_result *rp = &ans[i].res, res = *rp;
		struct host_config hc = hcs[i];

		state = "unreachable";
		if (ans[i].reached)
			state = res.kind == RESULT_RUNNING ? "running" :
			    "stopped";
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
	free(hcs);
	free(loaded);
	free(ans);
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
