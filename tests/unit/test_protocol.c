/*
 * The remote scripts' answers as helper/protocol.c reads them: every kind,
 * and what a hostile or broken remote may send instead.
 */
#include <stdlib.h>

#include "../../helper/protocol.h"
#include "../../helper/vis.h"
#include "unit.h"

#define TOK	"0123456789abcdef0123456789abcdef0123456789abcdef"
#define OTHER	"fedcba9876543210fedcba9876543210fedcba9876543210"

static struct remote_result r;

static int
parse(const char *out, const char *sent)
{
	return protocol_parse(out, strlen(out), sent, &r);
}

TEST(ok_started)
{
	ASSERT_INT_EQ(parse("jupyssh-result ok 8890 " TOK " 4711 started 3 0 "
	    "- - 127.0.0.1 - /home/me/my project\n", TOK), 0);
	ASSERT_INT_EQ(r.kind, RESULT_OK);
	ASSERT_INT_EQ(r.port, 8890);
	ASSERT_STR_EQ(r.token, TOK);
	ASSERT_INT_EQ(r.pid, 4711);
	ASSERT_STR_EQ(r.how, "started");
	ASSERT_INT_EQ(r.uptime, 3);
	ASSERT_STR_EQ(r.sock, "");
	ASSERT_STR_EQ(r.node, "-");
	ASSERT_STR_EQ(r.addr, "127.0.0.1");
	ASSERT_STR_EQ(r.detail, "/home/me/my project");
}

TEST(running_on_socket_and_node)
{
	ASSERT_INT_EQ(parse("jupyssh-result running 0 " TOK " 12 - - 2 "
	    "/home/me/.local/state/jupyssh/h/nb-1.sock - 127.0.0.1 - /x\n",
	    NULL), 0);
	ASSERT_INT_EQ(r.kind, RESULT_RUNNING);
	ASSERT_INT_EQ(r.port, 0);
	ASSERT_INT_EQ(r.uptime, -1);
	ASSERT_INT_EQ(r.kernels, 2);
	ASSERT_STR_EQ(r.sock, "/home/me/.local/state/jupyssh/h/nb-1.sock");
	ASSERT_INT_EQ(parse("jupyssh-result running 18900 " TOK " 77 - 60 0 "
	    "- n1 10.250.0.11 0:14:00 /home/me\n", NULL), 0);
	ASSERT_STR_EQ(r.node, "n1");
	ASSERT_STR_EQ(r.addr, "10.250.0.11");
	ASSERT_STR_EQ(r.left, "0:14:00");
}

TEST(last_result_line_counts)
{
	ASSERT_INT_EQ(parse("motd: jupyssh-result error no\n"
	    "jupyssh-progress job 5 pending (Priority)\n"
	    "jupyssh-result stopped\n", NULL), 0);
	ASSERT_INT_EQ(r.kind, RESULT_STOPPED);
	ASSERT_INT_EQ(r.stopped_none, 0);
	ASSERT_INT_EQ(parse("jupyssh-result stopped none\r\n", NULL), 0);
	ASSERT_INT_EQ(r.stopped_none, 1);
	ASSERT_INT_EQ(parse("jupyssh-result stopped 4711\n", NULL), 0);
	ASSERT_INT_EQ(r.pid, 4711);
}

TEST(pending_and_error)
{
	ASSERT_INT_EQ(parse("jupyssh-result pending 4711 pending Priority "
	    "and more\n", NULL), 0);
	ASSERT_INT_EQ(r.kind, RESULT_PENDING);
	ASSERT_INT_EQ(r.pid, 4711);
	ASSERT_STR_EQ(r.state, "pending");
	ASSERT_STR_EQ(r.detail, "Priority and more");
	ASSERT_INT_EQ(parse("jupyssh-result error cannot enter ~/x on the "
	    "remote\n", NULL), -1);
	ASSERT_INT_EQ(r.kind, RESULT_ERROR);
	ASSERT_STR_EQ(r.detail, "cannot enter ~/x on the remote");
	ASSERT_INT_EQ(parse("Welcome!\n", NULL), -1);
	ASSERT_CONTAINS(r.detail, "no answer from the remote script");
	ASSERT_INT_EQ(parse("", NULL), -1);
}

/* Each line is one field gone wrong; the field is named, nothing kept. */
TEST(malformed_lines)
{
	static const struct {
		const char *line, *field;
	} bad[] = {
		{ "jupyssh-result okay 1", "kind" },
		{ "jupyssh-result ok 8890 " TOK " 1 started", "fields" },
		{ "jupyssh-result ok 99999 " TOK " 1 started 1 0 - - 127.0.0.1 - /", "port" },
		{ "jupyssh-result ok 0 " TOK " 1 started 1 0 - - 127.0.0.1 - /", "port" },
		{ "jupyssh-result ok -1 " TOK " 1 started 1 0 - - 127.0.0.1 - /", "port" },
		{ "jupyssh-result ok 8890 " OTHER " 1 started 1 0 - - 127.0.0.1 - /", "token" },
		{ "jupyssh-result ok 8890 abc 1 reused 1 0 - - 127.0.0.1 - /", "token" },
		{ "jupyssh-result ok 8890 " TOK "\033 1 reused 1 0 - - 127.0.0.1 - /", "token" },
		{ "jupyssh-result ok 8890 0123456789ABCDEF0123456789abcdef0123456789abcdef 1 reused 1 0 - - 127.0.0.1 - /", "token" },
		{ "jupyssh-result ok 8890 " TOK " 0 started 1 0 - - 127.0.0.1 - /", "pid" },
		{ "jupyssh-result ok 8890 " TOK " 1x started 1 0 - - 127.0.0.1 - /", "pid" },
		{ "jupyssh-result ok 8890 " TOK " 1 maybe 1 0 - - 127.0.0.1 - /", "how" },
		{ "jupyssh-result ok 8890 " TOK " 1 started x 0 - - 127.0.0.1 - /", "uptime" },
		{ "jupyssh-result ok 8890 " TOK " 1 started 1 many - - 127.0.0.1 - /", "kernels" },
		{ "jupyssh-result ok 8890 " TOK " 1 started 1 0 relative - 127.0.0.1 - /", "socket" },
		{ "jupyssh-result ok 8890 " TOK " 1 started 1 0 - n\0331 127.0.0.1 - /", "node" },
		{ "jupyssh-result ok 8890 " TOK " 1 started 1 0 - - 10.0.0.1 - /", "address" },
		{ "jupyssh-result ok 8890 " TOK " 1 started 1 0 - - 127.0.0.1 $(x) /", "time left" },
		{ "jupyssh-result ok 8890 " TOK " 1 started 1 0 - - 127.0.0.1 - /", NULL },
		{ "jupyssh-result pending x RUNNING r", "job" },
		{ "jupyssh-result stopped 12ab", "pid" },
	};
	char want[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i].line, TOK);

		if (bad[i].field == NULL) {
			ASSERT_INT_EQ(rc, 0);
			continue;
		}
		snprintf(want, sizeof(want), "bad answer from the remote "
		    "script: %s", bad[i].field);
		if (rc != -1 || r.kind != RESULT_ERROR ||
		    strcmp(r.detail, want) != 0 || r.token[0] != '\0')
			FAILF("line %zu (%s): expected \"%s\", got %d \"%s\"",
			    i, bad[i].line, want, rc, r.detail);
	}
}

/* jupyssh doctor's check: each step's word, the port, the reason. */
TEST(checked)
{
	ASSERT_INT_EQ(parse("jupyssh-result checked ok ok ok 6.4.12 free 8889 "
	    "- \n", NULL), 0);
	ASSERT_INT_EQ(r.kind, RESULT_CHECKED);
	ASSERT_STR_EQ(r.check.folder, "ok");
	ASSERT_STR_EQ(r.check.env, "ok");
	ASSERT_STR_EQ(r.check.command, "ok");
	ASSERT_STR_EQ(r.check.version, "6.4.12");
	ASSERT_STR_EQ(r.check.ports, "free");
	ASSERT_INT_EQ(r.port, 8889);
	ASSERT_STR_EQ(r.check.scheduler, "-");
	ASSERT_STR_EQ(r.detail, "");
	ASSERT_INT_EQ(parse("jupyssh-result checked ok failed - - socket 0 "
	    "failed no virtualenv at ~/v (\033[2J)\n", NULL), 0);
	ASSERT_STR_EQ(r.check.env, "failed");
	ASSERT_STR_EQ(r.check.command, "-");
	ASSERT_STR_EQ(r.check.scheduler, "failed");
	ASSERT_INT_EQ(r.port, 0);
	ASSERT_STR_EQ(r.detail, "no virtualenv at ~/v (\\033[2J)");
	ASSERT_INT_EQ(parse("jupyssh-result checked ok ok ok 2.0.0+dev busy "
	    "8893 -\n", NULL), 0);
	ASSERT_STR_EQ(r.check.version, "2.0.0+dev");
	ASSERT_INT_EQ(r.port, 8893);
}

/* A check answer out of its short lists is no answer at all. */
TEST(checked_malformed)
{
	static const struct {
		const char *line, *field;
	} bad[] = {
		{ "jupyssh-result checked ok ok ok 6.4 free 8889", "fields" },
		{ "jupyssh-result checked fine ok ok 6.4 free 8889 -", "folder" },
		{ "jupyssh-result checked ok yes ok 6.4 free 8889 -", "env" },
		{ "jupyssh-result checked ok ok ran 6.4 free 8889 -", "command" },
		{ "jupyssh-result checked ok ok ok 6.4\033 free 8889 -", "version" },
		{ "jupyssh-result checked ok ok ok 6.4 open 8889 -", "ports" },
		{ "jupyssh-result checked ok ok ok 6.4 free 0 -", "port" },
		{ "jupyssh-result checked ok ok ok 6.4 free 65536 -", "port" },
		{ "jupyssh-result checked ok ok ok 6.4 socket 8889 -", "port" },
		{ "jupyssh-result checked ok ok ok 6.4 free 8889 slurm", "scheduler" },
	};
	char want[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i].line, NULL);

		snprintf(want, sizeof(want), "bad answer from the remote "
		    "script: %s", bad[i].field);
		if (rc != -1 || r.kind != RESULT_ERROR ||
		    strcmp(r.detail, want) != 0 || r.check.folder[0] != '\0')
			FAILF("line %zu (%s): expected \"%s\", got %d \"%s\"",
			    i, bad[i].line, want, rc, r.detail);
	}
}

/* The notebook's own listeners (JupyterForwardPorts auto). */
TEST(ports)
{
	static const char *const bad[][2] = {
		{ "jupyssh-result ports", "count" },
		{ "jupyssh-result ports 33", "count" },
		{ "jupyssh-result ports -1", "count" },
		{ "jupyssh-result ports 2 6006", "port" },
		{ "jupyssh-result ports 1 0", "port" },
		{ "jupyssh-result ports 1 65536", "port" },
		{ "jupyssh-result ports 2 6006 6006", "port" },
		{ "jupyssh-result ports 2 6006  8787", "port" },
		{ "jupyssh-result ports 1 6006x", "port" },
		{ "jupyssh-result ports 1 6006 8787", "fields" },
	};
	char want[128];
	size_t i;

	ASSERT_INT_EQ(parse("jupyssh-result ports 0\n", NULL), 0);
	ASSERT_INT_EQ(r.kind, RESULT_PORTS);
	ASSERT_INT_EQ(r.nports, 0);
	ASSERT_INT_EQ(parse("jupyssh-result ports 3 6006 8787 65535\r\n",
	    NULL), 0);
	ASSERT_INT_EQ(r.nports, 3);
	ASSERT_INT_EQ(r.ports[0] == 6006 && r.ports[1] == 8787 &&
	    r.ports[2] == 65535, 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i][0], NULL);

		snprintf(want, sizeof(want), "bad answer from the remote "
		    "script: %s", bad[i][1]);
		if (rc != -1 || r.kind != RESULT_ERROR || r.nports != 0 ||
		    strcmp(r.detail, want) != 0)
			FAILF("line %zu (%s): expected \"%s\", got %d \"%s\"",
			    i, bad[i][0], want, rc, r.detail);
	}
}

/* Remote text cannot reach a terminal as control sequences. */
TEST(free_text_made_visible)
{
	ASSERT_INT_EQ(parse("jupyssh-result error x\033]0;pwned\007\033[2J\r"
	    "jupyssh: notebook ready: http://evil\n", NULL), -1);
	ASSERT_STR_EQ(r.detail, "x\\033]0;pwned\\007\\033[2J\\015jupyssh: "
	    "notebook ready: http://evil");
	ASSERT_INT_EQ(parse("jupyssh-result running 8890 " TOK " 1 - 1 0 - - "
	    "127.0.0.1 - /home/Donn\303\251es \302\233[1m\n", NULL), 0);
	ASSERT_STR_EQ(r.detail, "/home/Donn\303\251es \\302\\233[1m");
}

TEST(progress_lines)
{
	char text[64];
	const char *l = "jupyssh-progress job 5 \033[31mpending\r";

	ASSERT_INT_EQ(protocol_progress(l, strlen(l), text, sizeof(text)) > 0,
	    1);
	ASSERT_STR_EQ(text, "job 5 \\033[31mpending");
	ASSERT_INT_EQ(protocol_progress("jupyssh-result ok", 17, text,
	    sizeof(text)), 0);
}

TEST(vis_edges)
{
	char out[16];

	vis_text(out, sizeof(out), "a\\b", 3, 0);
	ASSERT_STR_EQ(out, "a\\\\b");
	vis_text(out, sizeof(out), "l1\n\tl2", 6, VIS_LINES);
	ASSERT_STR_EQ(out, "l1\n\tl2");
	vis_text(out, sizeof(out), "l1\n", 3, 0);
	ASSERT_STR_EQ(out, "l1\\012");
	/* Cut at a whole escape, never half of one. */
	vis_text(out, 6, "ab\033cd", 5, 0);
	ASSERT_STR_EQ(out, "ab");
	/* Overlong and truncated UTF-8 are bytes, not characters. */
	vis_text(out, sizeof(out), "\300\257\303", 3, 0);
	ASSERT_STR_EQ(out, "\\300\\257\\303");
	ASSERT_INT_EQ(token_ok(TOK), 1);
	ASSERT_INT_EQ(token_ok(TOK "0"), 0);
}

/* squeue's %L, in seconds: the walltime line's source. */
TEST(time_left)
{
	static const struct {
		const char	*text;
		long		 seconds;
	} cases[] = {
		{ "-", -1 }, { "UNLIMITED", -1 }, { "NOT_SET", -1 },
		{ "INVALID", -1 }, { "14:00", 840 }, { "0:45", 45 },
		{ "1:29:58", 5398 }, { "00:14:59", 899 }, { "100:00:00", 360000 },
		{ "2-03:04:05", 183845 }, { "9999-23:59:59", 863999999 },
		{ "", -2 }, { "5", -2 }, { "1:60", -2 }, { "1:2:3:4", -2 },
		{ "1-14:00", -2 }, { "-14:00", -2 }, { "10000-00:00:00", -2 },
		{ "1:", -2 }, { ":30", -2 }, { "1::2", -2 }, { "1:2x", -2 },
		{ "a:bc", -2 }, { "1000:00:00", -2 }, { "12:345", -2 },
		{ "unlimited", -2 }, { "1--1:00:00", -2 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (walltime_seconds(cases[i].text) != cases[i].seconds)
			FAILF("\"%s\": expected %ld, got %ld", cases[i].text,
			    cases[i].seconds, walltime_seconds(cases[i].text));
	ASSERT_INT_EQ(parse("jupyssh-result running 0 " TOK " 77 - 60 0 "
	    "/s.sock n1 10.250.0.11 12:30 /home/me\n", NULL), 0);
	ASSERT_INT_EQ(r.left_seconds, 750);
	ASSERT_INT_EQ(parse("jupyssh-result running 0 " TOK " 77 - 60 0 "
	    "/s.sock n1 10.250.0.11 12:61 /home/me\n", NULL), -1);
	ASSERT_STR_EQ(r.detail, "bad answer from the remote script: time left");
	ASSERT_INT_EQ(parse("jupyssh-result ok 8890 " TOK " 4711 started 3 0 "
	    "- - 127.0.0.1 - /x\n", NULL), 0);
	ASSERT_INT_EQ(r.left_seconds, -1);
}

/* The record of a notebook that a watcher ended, from any line. */
TEST(ended)
{
	ASSERT_INT_EQ(parse("jupyssh-ended 1764680000 65 idle for 2h\n"
	    "jupyssh-result stopped\n", NULL), 0);
	ASSERT_INT_EQ(r.kind, RESULT_STOPPED);
	ASSERT_INT_EQ(r.ended_when, 1764680000);
	ASSERT_INT_EQ(r.ended_ago, 65);
	ASSERT_STR_EQ(r.ended_why, "idle for 2h");
	/* The last one counts; none is none; remote text made visible. */
	ASSERT_INT_EQ(parse("jupyssh-ended 1 1 old\n"
	    "jupyssh-ended 7 0 idle \033]0;x\r\n"
	    "jupyssh-result ok 8890 " TOK " 4711 started 3 0 - - 127.0.0.1 "
	    "- /x\n", TOK), 0);
	ASSERT_INT_EQ(r.ended_when, 7);
	ASSERT_STR_EQ(r.ended_why, "idle \\033]0;x");
	ASSERT_INT_EQ(parse("jupyssh-result stopped\n", NULL), 0);
	ASSERT_INT_EQ(r.ended_when, 0);
	ASSERT_STR_EQ(r.ended_why, "");
	/* Bad numbers are a bad answer, not a note. */
	ASSERT_INT_EQ(parse("jupyssh-ended -5 1 x\njupyssh-result stopped\n",
	    NULL), -1);
	ASSERT_STR_EQ(r.detail, "bad answer from the remote script: ended");
	ASSERT_INT_EQ(parse("jupyssh-ended 5 x1 x\njupyssh-result stopped\n",
	    NULL), -1);
	ASSERT_INT_EQ(parse("jupyssh-ended 99999999999999 1 x\n"
	    "jupyssh-result stopped\n", NULL), -1);
	ASSERT_INT_EQ(parse("jupyssh-ended \njupyssh-result stopped\n", NULL),
	    -1);
	ASSERT_INT_EQ(r.ended_when, 0);
}

int
main(void)
{
	RUN(time_left);
	RUN(ended);
	RUN(ok_started);
	RUN(running_on_socket_and_node);
	RUN(last_result_line_counts);
	RUN(pending_and_error);
	RUN(malformed_lines);
	RUN(checked);
	RUN(checked_malformed);
	RUN(ports);
	RUN(free_text_made_visible);
	RUN(progress_lines);
	RUN(vis_edges);
	return unit_failed != 0;
}
