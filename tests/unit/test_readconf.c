/* Unit tests for the Jupyter directive reader and host matching. */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/match.h"
#include "../../common/readconf.h"
#include "unit.h"

static char tmpdir[] = "/tmp/jupyssh-unit-XXXXXX";

static char *
write_file(const char *name, const char *text)
{
	static char path[4][512];
	static int slot;
	FILE *f;
	char *p = path[slot++ % 4];

	snprintf(p, 512, "%s/%s", tmpdir, name);
	if ((f = fopen(p, "w")) == NULL)
		return p;
	fputs(text, f);
	fclose(f);
	chmod(p, 0600);
	return p;
}

/* Reads text as a side config for host; returns the error count. */
static int
read_text(const char *host, const char *text, struct jupyter_options *o,
    int flags)
{
	struct config_reader r;
	int errors;

	options_init(o);
	reader_init(&r, host, tmpdir, o);
	r.quiet = 1;
	read_config_file(&r, write_file("config", text), flags);
	errors = r.errors;
	reader_free(&r);
	return errors;
}

TEST(pattern_wildcards)
{
	ASSERT_INT_EQ(match_pattern("gpu-box", "gpu-*"), 1);
	ASSERT_INT_EQ(match_pattern("gpu-box", "gpu-bo?"), 1);
	ASSERT_INT_EQ(match_pattern("gpu-box", "gpu"), 0);
	ASSERT_INT_EQ(match_pattern("gpu-box", "*"), 1);
	ASSERT_INT_EQ(match_pattern("", "*"), 1);
	ASSERT_INT_EQ(match_pattern("GPU-box", "gpu-box"), 0);
	ASSERT_INT_EQ(match_pattern("a.b.c", "*.c"), 1);
	ASSERT_INT_EQ(match_pattern("abc", "a**c"), 1);
}

TEST(pattern_lists_and_negation)
{
	ASSERT_INT_EQ(match_pattern_list("gpu-box", "cpu,gpu-*"), 1);
	ASSERT_INT_EQ(match_pattern_list("gpu-box", "*,!gpu-box"), -1);
	ASSERT_INT_EQ(match_pattern_list("gpu-box", "!other"), 0);
	ASSERT_INT_EQ(match_pattern_list("gpu-box", "other"), 0);
}

TEST(classic_block)
{
	struct jupyter_options o;

	ASSERT_INT_EQ(read_text("gpu-box",
	    "# the classic recipe\n"
	    "Host gpu-box\n"
	    "    JupyterPort 8889\n"
	    "    JupyterDirectory ~/project\n"
	    "    JupyterEnv ~/project/venv\n", &o, 0), 0);
	options_fill_defaults(&o);
	ASSERT_INT_EQ(o.port, 8889);
	ASSERT_INT_EQ(o.local_port, 8889);
	ASSERT_STR_EQ(o.directory, "~/project");
	ASSERT_STR_EQ(o.env, "~/project/venv");
	ASSERT_STR_EQ(o.command, "jupyter notebook");
	ASSERT_INT_EQ(o.autostart, AUTOSTART_INTERACTIVE);
	ASSERT_INT_EQ(o.start_timeout, 60);
	ASSERT_CONTAINS(o.port_origin, "/config:3");
	options_free(&o);
}

TEST(syntax_variants)
{
	struct jupyter_options o;

	ASSERT_INT_EQ(read_text("lab",
	    "host lab other\n"
	    "jupyterport=9000\n"
	    "\tJUPYTERLOCALPORT = 9001\r\n"
	    "JupyterDirectory \"/srv/my project\"  # a comment\n"
	    "JupyterCommand jupyter lab --debug\n"
	    "JupyterAutoStart YES\n"
	    "JupyterStartTimeout 5\n"
	    "JupyterEnv 'conda:torch'\n", &o, 0), 0);
	ASSERT_INT_EQ(o.port, 9000);
	ASSERT_INT_EQ(o.local_port, 9001);
	ASSERT_STR_EQ(o.directory, "/srv/my project");
	ASSERT_STR_EQ(o.command, "jupyter lab --debug");
	ASSERT_INT_EQ(o.autostart, AUTOSTART_YES);
	ASSERT_INT_EQ(o.start_timeout, 5);
	ASSERT_STR_EQ(o.env, "conda:torch");
	options_free(&o);
}

TEST(first_value_wins)
{
	struct jupyter_options o;

	ASSERT_INT_EQ(read_text("gpu-box",
	    "Host gpu-box\n  JupyterPort 8889\n"
	    "Host *\n  JupyterPort 7777\n  JupyterDirectory /data\n",
	    &o, 0), 0);
	ASSERT_INT_EQ(o.port, 8889);
	ASSERT_STR_EQ(o.directory, "/data");
	options_free(&o);
}

TEST(negated_and_unmatched_hosts)
{
	struct jupyter_options o;

	ASSERT_INT_EQ(read_text("gpu-box",
	    "Host * !gpu-box\n  JupyterPort 1111\n"
	    "Host other\n  JupyterPort 2222\n", &o, 0), 0);
	ASSERT_INT_EQ(o.port, 0);
	options_free(&o);
	/* Before any Host line, everything applies. */
	ASSERT_INT_EQ(read_text("x", "JupyterPort 3333\n", &o, 0), 0);
	ASSERT_INT_EQ(o.port, 3333);
	options_free(&o);
}

/* A Host line with no pattern: FILE:LINE, as ssh reports it. */
TEST(host_needs_a_pattern)
{
	struct jupyter_options o;
	struct config_reader r;
	char *path, msgs[1024], want[2048];
	FILE *err;
	size_t n;
	int saved;

	ASSERT_INT_EQ(read_text("gpu-box", "Host\n  JupyterPort 8889\n", &o,
	    0), 1);
	ASSERT_INT_EQ(o.port, 0);
	options_free(&o);
	ASSERT_INT_EQ(read_text("gpu-box", "Host \"\"\n", &o, 0), 1);
	options_free(&o);
	ASSERT_INT_EQ(read_text("gpu-box", "Host \"\" gpu-box\n", &o, 0), 1);
	options_free(&o);
	/* In ssh's own config, ssh says it. */
	ASSERT_INT_EQ(read_text("gpu-box", "Host\n", &o, CONF_SSH), 0);
	options_free(&o);
	/* What the user reads, every such line. */
	path = write_file("hosts", "Host gpu-box\n  JupyterPort 8889\n"
	    "Host\n  JupyterPort 8890\nHost \"\"\n");
	options_init(&o);
	reader_init(&r, "gpu-box", tmpdir, &o);
	fflush(stderr);
	saved = dup(2);
	if ((err = tmpfile()) == NULL || saved == -1) {
		FAILF("no temporary file for stderr");
		return;
	}
	dup2(fileno(err), 2);
	read_config_file(&r, path, 0);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(err);
	n = fread(msgs, 1, sizeof(msgs) - 1, err);
	msgs[n] = '\0';
	fclose(err);
	snprintf(want, sizeof(want), "jupyssh: %s:3: Host needs a pattern\n"
	    "jupyssh: %s:5: Host has an empty pattern\n", path, path);
	ASSERT_STR_EQ(msgs, want);
	ASSERT_INT_EQ(r.errors, 2);
	ASSERT_INT_EQ(o.port, 8889);
	reader_free(&r);
	options_free(&o);
}

TEST(every_bad_line_is_counted)
{
	struct jupyter_options o;

	ASSERT_INT_EQ(read_text("gpu-box",
	    "Host gpu-box\n"
	    "  JupyterPort 99999\n"		/* out of range */
	    "  JupyterPort 12x\n"		/* not a number */
	    "  JupyterLocalPort\n"		/* no value */
	    "  JupyterFrobnicate yes\n"		/* unknown */
	    "  JupyterAutoStart maybe\n"
	    "  JupyterStartTimeout 0\n"
	    "  JupyterDirectory \"unterminated\n"
	    "  JupyterDirectory a b\n"		/* two values */
	    "  JupyterEnv conda:\n"
	    "  HostName example.org\n"		/* ssh's, not ours */
	    "  JupyterPort 8889\n", &o, 0), 10);
	/* The good line after the bad ones still counts. */
	ASSERT_INT_EQ(o.port, 8889);
	options_free(&o);
}

TEST(ssh_config_ignores_ssh_keywords)
{
	struct jupyter_options o;

	ASSERT_INT_EQ(read_text("gpu-box",
	    "IgnoreUnknown Jupyter*\n"
	    "Host gpu-box\n  HostName 10.0.0.5\n  User me\n"
	    "  ControlPath ~/.ssh/cm-%r@%h:%p\n  JupyterPort 8889\n",
	    &o, CONF_SSH), 0);
	ASSERT_INT_EQ(o.port, 8889);
	ASSERT_STR_EQ(o.control_path, "~/.ssh/cm-%r@%h:%p");
	options_free(&o);
}

TEST(match_blocks_are_refused)
{
	struct jupyter_options o;

	ASSERT_INT_EQ(read_text("gpu-box",
	    "Match host gpu-box\n  JupyterPort 8889\n", &o, CONF_SSH), 1);
	ASSERT_INT_EQ(o.port, 0);
	options_free(&o);
}

TEST(include_follows_ssh_rules)
{
	struct jupyter_options o;
	struct config_reader r;
	char inc[600], text[1400];
	struct stat st;

	snprintf(inc, sizeof(inc), "%s", write_file("inc.conf",
	    "Host gpu-box\n  JupyterPort 4444\n"));
	/* An Include inside a block that does not match reads nothing. */
	snprintf(text, sizeof(text),
	    "Host nomatch\n  Include %s\nHost gpu-box\n  JupyterLocalPort 5\n",
	    inc);
	ASSERT_INT_EQ(read_text("gpu-box", text, &o, CONF_SSH), 0);
	ASSERT_INT_EQ(o.port, 0);
	ASSERT_INT_EQ(o.local_port, 5);
	options_free(&o);
	/* At top level it applies, and the file is marked for hiding. */
	snprintf(text, sizeof(text), "Include %s/inc.*\n", tmpdir);
	options_init(&o);
	reader_init(&r, "gpu-box", tmpdir, &o);
	r.quiet = 1;
	ASSERT_INT_EQ(read_config_file(&r, write_file("top", text), CONF_SSH),
	    0);
	ASSERT_INT_EQ(o.port, 4444);
	ASSERT_INT_EQ(stat(inc, &st), 0);
	ASSERT_INT_EQ(reader_is_marked(&r, st.st_dev, st.st_ino), 1);
	reader_free(&r);
	options_free(&o);
}

TEST(include_loop_is_bounded)
{
	struct jupyter_options o;
	char text[600];

	snprintf(text, sizeof(text), "Include %s/loop\n", tmpdir);
	write_file("loop", text);
	ASSERT_INT_EQ(read_text("x", text, &o, CONF_SSH) > 0, 1);
	options_free(&o);
}

TEST(permissions_are_checked)
{
	struct jupyter_options o;
	struct config_reader r;
	char *p = write_file("open", "JupyterPort 1\n");

	chmod(p, 0666);
	options_init(&o);
	reader_init(&r, "x", tmpdir, &o);
	r.quiet = 1;
	ASSERT_INT_EQ(read_config_file(&r, p, CONF_CHECKPERM), -1);
	ASSERT_INT_EQ(o.port, 0);
	reader_free(&r);
	options_free(&o);
}

TEST(missing_file)
{
	struct jupyter_options o;
	struct config_reader r;

	options_init(&o);
	reader_init(&r, "x", tmpdir, &o);
	r.quiet = 1;
	ASSERT_INT_EQ(read_config_file(&r, "/nonexistent/jc", CONF_OPTIONAL),
	    0);
	ASSERT_INT_EQ(read_config_file(&r, "/nonexistent/jc", 0), -1);
	reader_free(&r);
}

TEST(jupyter_keyword_detection)
{
	ASSERT_INT_EQ(is_jupyter_keyword("  JupyterPort 1"), 1);
	ASSERT_INT_EQ(is_jupyter_keyword("jupyterport=1"), 1);
	ASSERT_INT_EQ(is_jupyter_keyword("# JupyterPort 1"), 0);
	ASSERT_INT_EQ(is_jupyter_keyword("HostName j"), 0);
}

int
main(void)
{
	char cmd[600];

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	RUN(pattern_wildcards);
	RUN(pattern_lists_and_negation);
	RUN(classic_block);
	RUN(syntax_variants);
	RUN(first_value_wins);
	RUN(negated_and_unmatched_hosts);
	RUN(host_needs_a_pattern);
	RUN(every_bad_line_is_counted);
	RUN(ssh_config_ignores_ssh_keywords);
	RUN(match_blocks_are_refused);
	RUN(include_follows_ssh_rules);
	RUN(include_loop_is_bounded);
	RUN(permissions_are_checked);
	RUN(missing_file);
	RUN(jupyter_keyword_detection);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		return 1;
	return unit_failed != 0;
}
