/* Unit tests for the local state module and host name checks. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <err.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/hostname.h"
#include "../../common/state.h"
#include "unit.h"

static char tmpdir[] = "/tmp/jupyssh-state-XXXXXX";
static char home[PATH_MAX / 2];
static char reported[PATH_MAX + 64];

static void
report(const char *what, const char *why)
{
	snprintf(reported, sizeof(reported), "%s: %s", what, why);
}

static int
remove_tree(const char *path)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	return system(cmd);
}

/* A fresh home (nothing in it) and a fresh message. */
static void
fresh_home(const char *name)
{
	snprintf(home, sizeof(home), "%s/%s", tmpdir, name);
	if (remove_tree(home) != 0 || mkdir(home, 0755) == -1)
		perror(home);
	state_init(home, report);
	reported[0] = '\0';
}

static char *
at(const char *rel)
{
	static char path[2][PATH_MAX];
	static int slot;
	char *p = path[slot++ % 2];

	snprintf(p, PATH_MAX, "%s/%s", home, rel);
	return p;
}

static int
mode_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) == -1 ? -1 : (int)(st.st_mode & 07777);
}

/* The names in a folder but . and .., as "a b c". */
static const char *
listing(const char *dir)
{
	static char buf[1024];
	struct dirent *e;
	DIR *d;

	buf[0] = '\0';
	if ((d = opendir(dir)) == NULL)
		return "(none)";
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
			    "%s%s", buf[0] ? " " : "", e->d_name);
	closedir(d);
	return buf;
}

/* Write, read back, remove: the round trip every caller relies on. */
static void
round_trip(const char *dir)
{
	char path[PATH_MAX], want[PATH_MAX + 16], *got;

	ASSERT_INT_EQ(state_write("gpu-box", STATE_URL, "http://x/\n"), 0);
	ASSERT_STR_EQ(got = state_read("gpu-box", STATE_URL), "http://x/");
	free(got);
	ASSERT_INT_EQ(state_path("gpu-box", STATE_URL, path, sizeof(path)),
	    0);
	snprintf(want, sizeof(want), "%s/gpu-box.url", dir);
	ASSERT_STR_EQ(path, want);
	ASSERT_INT_EQ(mode_of(path), 0600);
	ASSERT_INT_EQ(mode_of(dir), 0700);
	/* The temporary name was renamed, not left behind. */
	ASSERT_STR_EQ(listing(dir), "gpu-box.url");
	state_remove("gpu-box", STATE_URL);
	ASSERT_INT_EQ(access(path, F_OK), -1);
	ASSERT_STR_EQ(reported, "");
}

TEST(folder_without_xdg)
{
	fresh_home("unset");
	unsetenv("XDG_STATE_HOME");
	round_trip(at(".local/state/jupyssh"));
	ASSERT_INT_EQ(mode_of(at(".local")), 0700);
	ASSERT_INT_EQ(mode_of(at(".local/state")), 0700);
}

/* A relative XDG_STATE_HOME is ignored, as the spec says; a fresh home. */
TEST(folder_with_relative_xdg)
{
	fresh_home("relative");
	setenv("XDG_STATE_HOME", "rel/state", 1);
	round_trip(at(".local/state/jupyssh"));
	ASSERT_INT_EQ(access("rel", F_OK), -1);
}

TEST(folder_with_absolute_xdg)
{
	char dir[PATH_MAX];

	fresh_home("absolute");
	setenv("XDG_STATE_HOME", at("xdg/deep"), 1);
	snprintf(dir, sizeof(dir), "%s/jupyssh", at("xdg/deep"));
	round_trip(dir);
	ASSERT_INT_EQ(access(at(".local"), F_OK), -1);
	unsetenv("XDG_STATE_HOME");
}

/* The shim's side: the same paths, nothing made, the same reader. */
TEST(shim_reads_the_same_files)
{
	char path[PATH_MAX], buf[64];

	fresh_home("shim");
	unsetenv("XDG_STATE_HOME");
	ASSERT_INT_EQ(state_file_path(home, "gpu-box", STATE_SESSION, path,
	    sizeof(path)), 0);
	ASSERT_STR_EQ(path, at(".local/state/jupyssh/gpu-box.session"));
	ASSERT_INT_EQ(access(at(".local"), F_OK), -1);
	ASSERT_INT_EQ(state_file_read(home, "gpu-box", STATE_SESSION, buf,
	    sizeof(buf)), -1);
	ASSERT_INT_EQ(state_write("gpu-box", STATE_SESSION, "/s\nmore"), 0);
	ASSERT_INT_EQ(state_file_read(home, "gpu-box", STATE_SESSION, buf,
	    sizeof(buf)), 0);
	ASSERT_STR_EQ(buf, "/s");
}

/* A link planted in place of a file is neither read nor written through. */
TEST(symlink_is_not_followed)
{
	char buf[64], *got;
	int fd;

	fresh_home("symlink");
	unsetenv("XDG_STATE_HOME");
	ASSERT_INT_EQ(state_check(), 0);
	if ((fd = open(at("elsewhere"), O_WRONLY | O_CREAT, 0600)) != -1) {
		ASSERT_INT_EQ(write(fd, "secret\n", 7), 7);
		close(fd);
	}
	ASSERT_INT_EQ(symlink(at("elsewhere"),
	    at(".local/state/jupyssh/gpu-box.url")), 0);
	ASSERT_STR_EQ(got = state_read("gpu-box", STATE_URL), NULL);
	free(got);
	ASSERT_CONTAINS(reported, "gpu-box.url: a symbolic link; not followed");
	ASSERT_INT_EQ(state_file_read(home, "gpu-box", STATE_URL, buf,
	    sizeof(buf)), -1);
	ASSERT_STR_EQ(buf, "");
	ASSERT_INT_EQ(symlink(at("elsewhere"),
	    at(".local/state/jupyssh/gpu-box.log")), 0);
	ASSERT_STR_EQ(got = state_last_line("gpu-box", STATE_LOG), NULL);
	free(got);
	ASSERT_INT_EQ(symlink(at("elsewhere"),
	    at(".local/state/jupyssh/gpu-box.lock")), 0);
	ASSERT_INT_EQ(state_lock("gpu-box"), -1);
	/* A write replaces the link itself; its target keeps its text. */
	ASSERT_INT_EQ(state_write("gpu-box", STATE_URL, "mine"), 0);
	ASSERT_STR_EQ(got = state_read("gpu-box", STATE_URL), "mine");
	free(got);
	ASSERT_INT_EQ(mode_of(at(".local/state/jupyssh/gpu-box.url")) != -1 &&
	    (mode_of(at(".local/state/jupyssh/gpu-box.url")) & 0777) == 0600,
	    1);
	if ((fd = open(at("elsewhere"), O_RDONLY)) != -1) {
		ASSERT_INT_EQ(read(fd, buf, sizeof(buf)), 7);
		close(fd);
	}
}

/* As ssh checks ~/.ssh: a folder others may write is refused. */
TEST(open_folder_is_refused)
{
	char path[PATH_MAX], *dir;

	fresh_home("open");
	unsetenv("XDG_STATE_HOME");
	dir = at(".local/state/jupyssh");
	ASSERT_INT_EQ(state_check(), 0);
	ASSERT_INT_EQ(chmod(dir, 0777), 0);
	ASSERT_INT_EQ(state_write("gpu-box", STATE_URL, "x"), -1);
	ASSERT_STR_EQ(reported, strcat(strcpy(path, dir),
	    ": bad owner or permissions"));
	ASSERT_INT_EQ(access(at(".local/state/jupyssh/gpu-box.url"), F_OK),
	    -1);
	ASSERT_INT_EQ(state_check(), -1);
	ASSERT_INT_EQ(state_lock("gpu-box"), -1);
	ASSERT_INT_EQ(state_file_path(home, "gpu-box", STATE_SESSION, path,
	    sizeof(path)), -1);
	ASSERT_INT_EQ(chmod(dir, 0720), 0);
	ASSERT_INT_EQ(state_check(), -1);
	ASSERT_INT_EQ(chmod(dir, 0700), 0);
	ASSERT_INT_EQ(state_check(), 0);
	/* Someone else's folder, where we can try that (root). */
	if (geteuid() == 0) {
		ASSERT_INT_EQ(chown(dir, 65534, 65534), 0);
		ASSERT_INT_EQ(state_check(), -1);
	}
	/* Not a folder at all. */
	fresh_home("file");
	ASSERT_INT_EQ(mkdir(at(".local"), 0700), 0);
	ASSERT_INT_EQ(mkdir(at(".local/state"), 0700), 0);
	ASSERT_INT_EQ(close(open(at(".local/state/jupyssh"), O_CREAT |
	    O_WRONLY, 0600)), 0);
	ASSERT_INT_EQ(state_write("gpu-box", STATE_URL, "x"), -1);
	ASSERT_CONTAINS(reported, "jupyssh: bad owner or permissions");
}

TEST(host_names)
{
	static const char *const good[] = { "gpu-box", "node01.cluster.example",
	    "a_b", "10.0.0.1", "::1", "fe80::1%eth0", "gpu-box.", "a:b", "x",
	    "host*", NULL };
	static const char *const bad[] = { "", "/", "a/b", "-oProxyCommand=x",
	    ".", "..", ".hidden", "a..b", "../../x", "a b", "a\tb", "a\nb",
	    "a\033[2Jb", "a\177", "caf\303\251", "a;b", "a$b", "a`b`", "a'b",
	    "a\"b", "a\\b", "a|b", "a&b", "a<b", "a(b)", "a{b}", NULL };
	char name[HOST_NAME_MAXLEN + 2];
	int i;

	for (i = 0; good[i] != NULL; i++)
		if (!host_name_ok(good[i]))
			FAILF("\"%s\" should be a valid host name", good[i]);
	for (i = 0; bad[i] != NULL; i++)
		if (host_name_ok(bad[i]))
			FAILF("\"%s\" should not be a valid host name", bad[i]);
	memset(name, 'a', sizeof(name));
	name[HOST_NAME_MAXLEN] = '\0';
	ASSERT_INT_EQ(host_name_ok(name), 1);
	name[HOST_NAME_MAXLEN] = 'a';
	name[HOST_NAME_MAXLEN + 1] = '\0';
	ASSERT_INT_EQ(host_name_ok(name), 0);
}

/* The module's own check: no file outside the folder, whoever calls. */
TEST(state_refuses_bad_hosts)
{
	char path[PATH_MAX], *got;

	fresh_home("badhost");
	unsetenv("XDG_STATE_HOME");
	ASSERT_INT_EQ(state_write("../../x", STATE_URL, "x"), -1);
	ASSERT_STR_EQ(reported, "../../x: not a valid host name");
	ASSERT_INT_EQ(state_lock("../x"), -1);
	ASSERT_INT_EQ(state_path("a/b", STATE_CTL, path, sizeof(path)), -1);
	ASSERT_STR_EQ(got = state_read("..", STATE_URL), NULL);
	free(got);
	state_log_to_stderr("/x");
	ASSERT_INT_EQ(state_file_path(home, "../x", STATE_URL, path,
	    sizeof(path)), -1);
	ASSERT_STR_EQ(listing(home), "");
	snprintf(path, sizeof(path), "%s/x.url", tmpdir);
	ASSERT_INT_EQ(access(path, F_OK), -1);
}

/* The helper's exit status and what it said, run on args. */
static int
run_helper(char *const args[], char *out, size_t len)
{
	char *argv[8] = { "helper/jupyssh" };
	ssize_t n, got = 0;
	int fd[2], status, i;
	pid_t pid;

	for (i = 0; args[i] != NULL && i < 6; i++)
		argv[i + 1] = args[i];
	if (pipe(fd) == -1 || (pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	while ((size_t)got < len - 1 &&
	    (n = read(fd[0], out + got, len - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	close(fd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Every command that names a host refuses a bad one before anything. */
TEST(helper_refuses_bad_hosts)
{
	static char *const cases[][4] = {
		{ "start", "../../x", NULL }, { "stop", "a/b", NULL },
		{ "url", "", NULL }, { "status", ".hidden", NULL },
		{ "log", "-f", "a b", NULL }, { "-G", "..", NULL },
	};
	char out[512], want[PATH_MAX];
	size_t i;

	fresh_home("helper");
	setenv("XDG_STATE_HOME", at("xdg"), 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_INT_EQ(run_helper(cases[i], out, sizeof(out)), 2);
		snprintf(want, sizeof(want), "jupyssh: %s: not a valid host "
		    "name\n", cases[i][1][0] == '-' ? cases[i][2] :
		    cases[i][1]);
		ASSERT_STR_EQ(out, want);
	}
	ASSERT_INT_EQ(run_helper((char *const[]){ "start", "a\033[2Jb", NULL },
	    out, sizeof(out)), 2);
	ASSERT_STR_EQ(out, "jupyssh: a\\033[2Jb: not a valid host name\n");
	ASSERT_STR_EQ(listing(home), "");
	snprintf(want, sizeof(want), "%s/x.url", tmpdir);
	ASSERT_INT_EQ(access(want, F_OK), -1);
	/* An open folder: one line, and nothing done. */
	ASSERT_INT_EQ(mkdir(at("xdg"), 0700), 0);
	ASSERT_INT_EQ(mkdir(at("xdg/jupyssh"), 0700), 0);
	ASSERT_INT_EQ(chmod(at("xdg/jupyssh"), 0777), 0);
	ASSERT_INT_EQ(run_helper((char *const[]){ "start", "gpu-box", NULL },
	    out, sizeof(out)), 1);
	snprintf(want, sizeof(want), "jupyssh: %s: bad owner or permissions\n",
	    at("xdg/jupyssh"));
	ASSERT_STR_EQ(out, want);
	ASSERT_STR_EQ(listing(at("xdg/jupyssh")), "");
	unsetenv("XDG_STATE_HOME");
}

int
main(void)
{
	umask(022);
	if (mkdtemp(tmpdir) == NULL)
		err(1, "mkdtemp");
	RUN(folder_without_xdg);
	RUN(folder_with_relative_xdg);
	RUN(folder_with_absolute_xdg);
	RUN(shim_reads_the_same_files);
	RUN(symlink_is_not_followed);
	RUN(open_folder_is_refused);
	RUN(host_names);
	RUN(state_refuses_bad_hosts);
	RUN(helper_refuses_bad_hosts);
	return remove_tree(tmpdir) != 0 || unit_failed != 0;
}
