/*
 * A forward that outlives the login rides the master that ssh keeps in
 * the background (ControlPersist). Its transport, a ProxyCommand (or the
 * ssh -W of a ProxyJump), stays in the terminal's process group, and a
 * terminal that closes, or a login that ends, hangs it up: the master loses
 * its link with it. So an ssh that keeps such a master marks its children,
 * and in a child that finds the mark naming its parent the library makes
 * SIGHUP ignored, as nohup does, and blocked: a program that installs a
 * handler of its own (socat does; ssh -W keeps an inherited SIG_IGN) still
 * never receives it. exec keeps both for the command and its children.
 * Nothing else changes, and in any other process nothing happens beyond
 * one getenv.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "plan.h"

#define HANGUP_MARK	"JUPYSSH_NOHUP_CHILDREN_OF"

/* In ssh: our children's hangups are to be ignored. */
void
hangup_mark_children(void)
{
	char pid[24];

	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv(HANGUP_MARK, pid, 1);
}

/* In any other process, from the constructor: a child so marked? */
void
hangup_ignore_if_child(void)
{
	const char *mark = getenv(HANGUP_MARK);
	char *end;
	long pid;

	if (mark == NULL)
		return;
	pid = strtol(mark, &end, 10);
	if (*end == '\0' && pid > 0 && pid == (long)getppid()) {
		sigset_t hup;

		signal(SIGHUP, SIG_IGN);
		sigemptyset(&hup);
		sigaddset(&hup, SIGHUP);
		sigprocmask(SIG_BLOCK, &hup, NULL);
	}
}
