/*
 * Replays the fuzz corpus (tests/fuzz/corpus/) and every input the fuzzer
 * ever crashed on (tests/fuzz/crashes/) through the fuzz harness: the
 * reader as a side and as an ssh config, the translation, the argv parser.
 * Each input runs in a child with a time limit, so that a crash, a hang or
 * a sanitizer report (make check-sanitize) fails that input by name. The
 * named seeds also check what the reader made of them.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../fuzz/harness.h"
#include "unit.h"

#define TIME_LIMIT	10	/* seconds per input; a fuzz input takes ms */
#define INPUT_MAX_BYTES	(1 << 20)

/* What the seeds mean: bad lines as a side and as an ssh config. */
static const struct expect {
	const char	*name;
	int		 errors_side, errors_ssh, port, translated;
} expected[] = {
	{ "classic",		0, 0, 8889, 1 },
	{ "ssh-config",		3, 0, 8889, 1 },	/* ssh keywords */
	{ "control-path",	2, 0, 8889, 1 },
	{ "include",		0, 0, 9000, 1 },	/* no match: fine */
	{ "include-self",	1, 1, 8889, 1 },	/* nested too deep */
	{ "quoting",		0, 0, 8889, 1 },
	{ "keyword-equals",	0, 0, 8890, 1 },
	{ "comments-crlf",	0, 0, 8889, 1 },
	{ "patterns",		0, 0, 8889, 1 },
	{ "match",		2, 2, 0, 0 },		/* Jupyter in Match */
	{ "bad-values",		7, 7, 8889, 1 },
	{ "unterminated",	3, 3, 8889, 1 },
	{ "unknown-directive",	3, 2, 8889, 1 },
	{ "mixed",		3, 0, 8889, 1 },	/* and an argv */
	{ NULL,			0, 0, 0, 0 }
};

static const struct expect *
expectation(const char *name)
{
	int i;

	for (i = 0; expected[i].name != NULL; i++)
		if (strcmp(expected[i].name, name) == 0)
			return &expected[i];
	return NULL;
}

static uint8_t *
slurp(const char *path, size_t *size)
{
	uint8_t *buf;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if ((buf = malloc(INPUT_MAX_BYTES)) != NULL)
		*size = fread(buf, 1, INPUT_MAX_BYTES, f);
	fclose(f);
	return buf;
}

/*
 * Runs one input in a child; the result comes back through a pipe. Returns
 * 0, or -1 with why filled in.
 */
static int
replay(const uint8_t *data, size_t size, struct fuzz_result *res,
    char *why, size_t len)
{
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	fflush(stdout);
	if (pipe(fds) == -1 || (pid = fork()) == -1) {
		snprintf(why, len, "pipe/fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		alarm(TIME_LIMIT);
		fuzz_one(data, size, res);
		n = write(fds[1], res, sizeof(*res));
		/* exit(), not _exit(): LeakSanitizer checks at exit. */
		exit(n == (ssize_t)sizeof(*res) ? 0 : 1);
	}
	close(fds[1]);
	n = read(fds[0], res, sizeof(*res));
	close(fds[0]);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			snprintf(why, len, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		snprintf(why, len, "still running after %d s", TIME_LIMIT);
	else if (WIFSIGNALED(status))
		snprintf(why, len, "killed by signal %d", WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		snprintf(why, len, "exited %d (a sanitizer report?)",
		    WEXITSTATUS(status));
	else if (n != (ssize_t)sizeof(*res))
		snprintf(why, len, "no result from the child");
	else
		return 0;
	return -1;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every file in dir; returns how many, or -1 if dir cannot be read. */
static int
replay_dir(const char *top, const char *sub, int check_seeds)
{
	char dir[PATH_MAX], path[PATH_MAX * 2], name[PATH_MAX], why[128];
	const struct expect *e;
	struct dirent **list;
	struct fuzz_result res;
	uint8_t *data;
	size_t size = 0;
	int i, n, files = 0;

	snprintf(dir, sizeof(dir), "%s/%s", top, sub);
	if ((n = scandir(dir, &list, NULL, by_name)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (list[i]->d_name[0] == '.') {
			free(list[i]);
			continue;
		}
		files++;
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		snprintf(name, sizeof(name), "regressions/%s/%s", sub,
		    list[i]->d_name);
		unit_case = name;
		unit_case_failed = 0;
		if ((data = slurp(path, &size)) == NULL)
			FAILF("cannot read %s", path);
		else if (replay(data, size, &res, why, sizeof(why)) == -1)
			FAILF("%s", why);
		else if (check_seeds &&
		    (e = expectation(list[i]->d_name)) != NULL) {
			ASSERT_INT_EQ(res.errors_side, e->errors_side);
			ASSERT_INT_EQ(res.errors_ssh, e->errors_ssh);
			ASSERT_INT_EQ(res.port, e->port);
			ASSERT_INT_EQ(res.translated, e->translated);
		}
		if (!unit_case_failed)
			printf("PASS: unit/%s\n", unit_case);
		fflush(stdout);
		free(data);
		free(list[i]);
	}
	free(list);
	return files;
}

/* A seed that went missing would silently test nothing. */
static void
seeds_are_there(const char *top)
{
	char path[PATH_MAX];
	int i;

	unit_case = "regressions/seeds-present";
	unit_case_failed = 0;
	for (i = 0; expected[i].name != NULL; i++) {
		snprintf(path, sizeof(path), "%s/corpus/%s", top,
		    expected[i].name);
		if (access(path, R_OK) == -1)
			FAILF("%s: %s", path, strerror(errno));
	}
	if (!unit_case_failed)
		printf("PASS: unit/%s\n", unit_case);
}

int
main(void)
{
	const char *top = getenv("JUPYSSH_FUZZ_DIR");

	if (top == NULL)
		top = "tests/fuzz";	/* tests/run works from the top */
	if (fuzz_setup() == -1) {
		perror("test_regressions: sandbox");
		return 1;
	}
	seeds_are_there(top);
	unit_case = "regressions/corpus";
	unit_case_failed = 0;
	if (replay_dir(top, "corpus", 1) <= 0)
		FAILF("no inputs in %s/corpus (run from the top folder)", top);
	/* No crash found yet is no failure. */
	replay_dir(top, "crashes", 0);
	fuzz_cleanup();
	return unit_failed != 0;
}
