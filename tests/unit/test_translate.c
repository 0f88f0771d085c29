/* Unit tests for reading ssh's command line and the translation. */
#include <stdlib.h>
#include <string.h>

#include "../../common/readconf.h"
#include "../../common/sshargs.h"
#include "../../common/translate.h"
#include "unit.h"

static struct ssh_args a;

static int
parse(const char *line)
{
	static char buf[1024];
	const char *sep = strchr(line, '|') != NULL ? "|" : " ";
	char *argv[64], *p;
	int argc = 0;

	/* Words split at blanks, or at '|' where a word holds a blank. */
	snprintf(buf, sizeof(buf), "%s", line);
	for (p = strtok(buf, sep); p != NULL && argc < 63;
	    p = strtok(NULL, sep))
		argv[argc++] = p;
	argv[argc] = NULL;
	return parse_ssh_args(argc, argv, &a);
}

static void
jupyter_host(struct jupyter_options *o)
{
	options_init(o);
	o->port = 8889;
	o->port_origin = strdup("/home/u/.ssh/jupyter_config:3");
	options_fill_defaults(o);
}

TEST(destination_forms)
{
	ASSERT_INT_EQ(parse("ssh gpu-box"), 0);
	ASSERT_STR_EQ(a.host, "gpu-box");
	ASSERT_INT_EQ(a.command, 0);
	ASSERT_INT_EQ(parse("ssh me@gpu-box"), 0);
	ASSERT_STR_EQ(a.host, "gpu-box");
	/* 7.4 reads no ssh:// URI: without the client, a doubt (test_sshargs) */
	ASSERT_INT_EQ(parse("ssh ssh://me@gpu-box:2222"), SSHARGS_DOUBT);
	ASSERT_INT_EQ(parse("ssh -V"), -1);
	ASSERT_INT_EQ(parse("ssh"), -1);
}

TEST(options_with_arguments_are_skipped)
{
	ASSERT_INT_EQ(parse("ssh -p 2222 -l me -i key -vvv gpu-box"), 0);
	ASSERT_STR_EQ(a.host, "gpu-box");
	ASSERT_INT_EQ(parse("ssh -p2222 -F/tmp/cfg gpu-box"), 0);
	ASSERT_STR_EQ(a.host, "gpu-box");
	ASSERT_STR_EQ(a.config, "/tmp/cfg");
	ASSERT_INT_EQ(parse("ssh -tt -L 1:h:2 -F cfg gpu-box"), 0);
	ASSERT_STR_EQ(a.config, "cfg");
	ASSERT_STR_EQ(a.host, "gpu-box");
}

TEST(options_after_destination_then_command)
{
	ASSERT_INT_EQ(parse("ssh gpu-box -N -v"), 0);
	ASSERT_INT_EQ(a.no_shell, 1);
	ASSERT_INT_EQ(a.command, 0);
	ASSERT_INT_EQ(parse("ssh gpu-box ls -l"), 0);
	ASSERT_INT_EQ(a.command, 1);
	ASSERT_INT_EQ(parse("ssh -- gpu-box"), 0);
	ASSERT_STR_EQ(a.host, "gpu-box");
	ASSERT_INT_EQ(a.command, 0);
}

TEST(what_scp_sftp_git_and_rsync_run)
{
	struct jupyter_options o;

	jupyter_host(&o);
	/* scp */
	ASSERT_INT_EQ(parse("ssh -x -oPermitLocalCommand=no "
	    "-oClearAllForwardings=yes -oRemoteCommand=none -oRequestTTY=no "
	    "-oForwardAgent=no -l u -- gpu-box scp -t ."), 0);
	ASSERT_INT_EQ(wants_notebook(&a, &o), 0);
	/* sftp */
	ASSERT_INT_EQ(parse("ssh|-oForwardX11 no|-oPermitLocalCommand no|"
	    "-oClearAllForwardings yes|-s|--|gpu-box|sftp"), 0);
	ASSERT_STR_EQ(a.host, "gpu-box");
	ASSERT_INT_EQ(wants_notebook(&a, &o), 0);
	/* git */
	ASSERT_INT_EQ(parse("ssh -o SendEnv=GIT_PROTOCOL gpu-box "
	    "git-upload-pack 'repo'"), 0);
	ASSERT_INT_EQ(wants_notebook(&a, &o), 0);
	/* rsync */
	ASSERT_INT_EQ(parse("ssh gpu-box rsync --server -vlogDtpre.iLsfxC . "
	    "dst"), 0);
	ASSERT_INT_EQ(wants_notebook(&a, &o), 0);
	options_free(&o);
}

TEST(sessions_that_start_the_notebook)
{
	struct jupyter_options o;

	jupyter_host(&o);
	ASSERT_INT_EQ(parse("ssh gpu-box"), 0);
	ASSERT_INT_EQ(wants_notebook(&a, &o), 1);
	ASSERT_INT_EQ(parse("ssh -N gpu-box"), 0);
	ASSERT_INT_EQ(wants_notebook(&a, &o), 1);
	ASSERT_INT_EQ(parse("ssh -G gpu-box"), 0);
	ASSERT_INT_EQ(wants_notebook(&a, &o), 1);
	ASSERT_INT_EQ(parse("ssh -W localhost:22 gpu-box"), 0);
	ASSERT_INT_EQ(wants_notebook(&a, &o), 0);
	ASSERT_INT_EQ(parse("ssh -O check gpu-box"), 0);
	ASSERT_INT_EQ(wants_notebook(&a, &o), 0);
	ASSERT_INT_EQ(parse("ssh gpu-box true"), 0);
	ASSERT_INT_EQ(wants_notebook(&a, &o), 0);
	o.autostart = AUTOSTART_YES;
	ASSERT_INT_EQ(wants_notebook(&a, &o), 1);
	o.autostart = AUTOSTART_NO;
	ASSERT_INT_EQ(parse("ssh gpu-box"), 0);
	ASSERT_INT_EQ(wants_notebook(&a, &o), 0);
	o.autostart = AUTOSTART_INTERACTIVE;
	o.port = 0;
	ASSERT_INT_EQ(wants_notebook(&a, &o), 0);
	options_free(&o);
}

TEST(translation_block)
{
	struct jupyter_options o;
	char *t;

	jupyter_host(&o);
	o.local_port = 18889;
	ASSERT_INT_EQ(parse("ssh gpu-box"), 0);
	t = translate(&a, &o, "/usr/local/bin/jupyssh", o.local_port);
	ASSERT_CONTAINS(t, "\nHost gpu-box\n");
	ASSERT_CONTAINS(t, "\tLocalForward 127.0.0.1:18889 127.0.0.1:8889\n");
	ASSERT_CONTAINS(t, "\tPermitLocalCommand yes\n");
	ASSERT_CONTAINS(t, "\tLocalCommand '/usr/local/bin/jupyssh' hook "
	    "gpu-box '~/.ssh/jupyssh-%C'\n");
	ASSERT_CONTAINS(t, "\tControlMaster auto\n");
	ASSERT_CONTAINS(t, "\tControlPath ~/.ssh/jupyssh-%C\n");
	/* The forward outlives the login, last so that the user's win. */
	ASSERT_CONTAINS(t, "\tControlPath ~/.ssh/jupyssh-%C\n"
	    "\tControlPersist yes\n\tServerAliveInterval 5\n"
	    "\tServerAliveCountMax 3\n");
	free(t);
	options_free(&o);
}

TEST(translation_forward_only_while_a_session_is_open)
{
	struct jupyter_options o;
	char *t;

	/* JupyterForward session: today's forward, nothing persists. */
	options_init(&o);
	o.port = 8889;
	o.forward = FORWARD_SESSION;
	options_fill_defaults(&o);
	ASSERT_INT_EQ(parse("ssh gpu-box"), 0);
	t = translate(&a, &o, "/j", 8889);
	ASSERT_CONTAINS(t, "\tControlMaster auto\n");
	ASSERT_NOT_CONTAINS(t, "ControlPersist");
	ASSERT_NOT_CONTAINS(t, "ServerAlive");
	free(t);
	options_free(&o);
	/* Nor when the notebook ends with the last session. */
	options_init(&o);
	o.port = 8889;
	o.stop_on_exit = 1;
	options_fill_defaults(&o);
	t = translate(&a, &o, "/j", 8889);
	ASSERT_NOT_CONTAINS(t, "ControlPersist");
	ASSERT_INT_EQ(forward_outlives_session(&o), 0);
	free(t);
	options_free(&o);
}

TEST(translation_respects_the_users_control_path)
{
	struct jupyter_options o;
	char *t;

	jupyter_host(&o);
	o.control_path = strdup("~/.ssh/cm-%r@%h:%p");
	ASSERT_INT_EQ(parse("ssh -F /etc/my%cfg gpu-box"), 0);
	t = translate(&a, &o, "/opt/it's/jupyssh", 8889);
	ASSERT_NOT_CONTAINS(t, "ControlPath");
	ASSERT_CONTAINS(t, "'/opt/it'\\''s/jupyssh' hook -F '/etc/my%%cfg' "
	    "gpu-box '~/.ssh/cm-%r@%h:%p'");
	free(t);
	ASSERT_INT_EQ(parse("ssh -S /tmp/ctl gpu-box"), 0);
	t = translate(&a, &o, "/j", 8889);
	ASSERT_CONTAINS(t, "hook gpu-box '/tmp/ctl'");
	free(t);
	options_free(&o);
}

TEST(translation_with_another_local_port_or_a_socket)
{
	struct jupyter_options o;
	char *t;

	jupyter_host(&o);
	ASSERT_INT_EQ(parse("ssh gpu-box"), 0);
	t = translate(&a, &o, "/j", 8890);
	ASSERT_CONTAINS(t, "\tLocalForward 127.0.0.1:8890 127.0.0.1:8889\n");
	ASSERT_CONTAINS(t, "'/j' hook -p 8890 gpu-box");
	free(t);
	t = translate(&a, &o, "/j", 0);
	ASSERT_NOT_CONTAINS(t, "LocalForward");
	ASSERT_CONTAINS(t, "'/j' hook gpu-box");
	free(t);
	o.socket = 1;
	t = translate(&a, &o, "/j", 8889);
	ASSERT_NOT_CONTAINS(t, "LocalForward");
	free(t);
	options_free(&o);
}

TEST(plain_host_names)
{
	ASSERT_INT_EQ(host_is_plain("gpu-box"), 1);
	ASSERT_INT_EQ(host_is_plain("node01.cluster.example"), 1);
	ASSERT_INT_EQ(host_is_plain("a%b"), 0);
	ASSERT_INT_EQ(host_is_plain("a b"), 0);
	ASSERT_INT_EQ(host_is_plain("gpu*"), 0);
	ASSERT_INT_EQ(host_is_plain("-oProxyCommand=x"), 0);
	ASSERT_INT_EQ(host_is_plain(""), 0);
}

/* A control character would end a line of the block and begin another. */
TEST(control_characters_hand_off_to_plain_ssh)
{
	struct jupyter_options o;

	jupyter_host(&o);
	ASSERT_INT_EQ(parse("ssh|-F|/tmp/a\nProxyCommand x|gpu-box"), 0);
	ASSERT_STR_EQ(translate_refusal(&a, &o, "/j"), "the -F file name");
	ASSERT_INT_EQ(parse("ssh|-S|/tmp/ctl\r|gpu-box"), 0);
	ASSERT_STR_EQ(translate_refusal(&a, &o, "/j"), "ControlPath");
	ASSERT_INT_EQ(parse("ssh|-oControlPath=/tmp/\x7f|gpu-box"), 0);
	ASSERT_STR_EQ(translate_refusal(&a, &o, "/j"), "ControlPath");
	ASSERT_INT_EQ(parse("ssh gpu\tbox"), 0);
	ASSERT_STR_EQ(translate_refusal(&a, &o, "/j"), "the host name");
	ASSERT_INT_EQ(parse("ssh gpu-box"), 0);
	ASSERT_STR_EQ(translate_refusal(&a, &o, "/opt/j\x1b[2J"),
	    "the helper's path");
	o.control_path = strdup("~/.ssh/cm-\001");
	ASSERT_STR_EQ(translate_refusal(&a, &o, "/j"), "ControlPath");
	free(o.control_path);
	o.control_path = NULL;
	free(o.port_origin);
	o.port_origin = strdup("/home/u/odd\nname:3");
	ASSERT_STR_EQ(translate_refusal(&a, &o, "/j"),
	    "the name of the file with JupyterPort");
	free(o.port_origin);
	o.port_origin = strdup("/home/u/caf\xc3\xa9/jupyter_config:3");
	/* Bytes above 0x7f are text in another language, not control. */
	ASSERT_INT_EQ(translate_refusal(&a, &o, "/j") == NULL, 1);
	options_free(&o);
}

int
main(void)
{
	RUN(destination_forms);
	RUN(options_with_arguments_are_skipped);
	RUN(options_after_destination_then_command);
	RUN(what_scp_sftp_git_and_rsync_run);
	RUN(sessions_that_start_the_notebook);
	RUN(translation_block);
	RUN(translation_forward_only_while_a_session_is_open);
	RUN(translation_respects_the_users_control_path);
	RUN(translation_with_another_local_port_or_a_socket);
	RUN(plain_host_names);
	RUN(control_characters_hand_off_to_plain_ssh);
	return unit_failed != 0;
}
