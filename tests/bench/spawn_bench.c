/*
 * spawn_bench: times a command under several LD_PRELOAD values, side by
 * side: each round runs every variant once, in rotating order, so that a
 * noisy neighbour hits them all alike. Prints one line per variant:
 * "VARIANT median_us p10_us p90_us".
 *
 *   spawn_bench ROUNDS PRELOAD... -- CMD [ARGS...]
 *
 * A PRELOAD of "-" means none.
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_VARIANTS	8

extern char **environ;

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* environ without LD_PRELOAD, then LD_PRELOAD=preload unless "-". */
static char **
env_with(const char *preload)
{
	static char var[4096];
	size_t n = 0, i;
	char **env;

	while (environ[n] != NULL)
		n++;
	if ((env = calloc(n + 2, sizeof(*env))) == NULL)
		exit(1);
	for (i = 0, n = 0; environ[i] != NULL; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0)
			env[n++] = environ[i];
	if (strcmp(preload, "-") != 0) {
		snprintf(var, sizeof(var), "LD_PRELOAD=%s", preload);
		env[n++] = strdup(var);
	}
	env[n] = NULL;
	return env;
}

int
main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	char **envs[MAX_VARIANTS], **cmd;
	double *t[MAX_VARIANTS];
	struct timespec a, b;
	int rounds, nv = 0, i, r, v, status;
	pid_t pid;

	if (argc < 5 || (rounds = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: spawn_bench ROUNDS PRELOAD... -- CMD "
		    "[ARGS...]\n");
		return 2;
	}
	for (i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (nv == MAX_VARIANTS)
			return 2;
		envs[nv] = env_with(argv[i]);
		t[nv++] = calloc((size_t)rounds, sizeof(double));
	}
	if (i >= argc - 1)
		return 2;
	cmd = argv + i + 1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	for (r = 0; r < rounds; r++)
		for (i = 0; i < nv; i++) {
			v = (r + i) % nv;
			clock_gettime(CLOCK_MONOTONIC, &a);
			if (posix_spawnp(&pid, cmd[0], &fa, NULL, cmd,
			    envs[v]) != 0)
				return 1;
			waitpid(pid, &status, 0);
			clock_gettime(CLOCK_MONOTONIC, &b);
			t[v][r] = (double)(b.tv_sec - a.tv_sec) * 1e6 +
			    (double)(b.tv_nsec - a.tv_nsec) / 1e3;
		}
	for (v = 0; v < nv; v++) {
		qsort(t[v], (size_t)rounds, sizeof(double), cmp);
		printf("%s %.1f %.1f %.1f\n", argv[2 + v], t[v][rounds / 2],
		    t[v][rounds / 10], t[v][rounds * 9 / 10]);
	}
	return 0;
}
