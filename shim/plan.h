/*
 * What ssh is shown (plan.c), kept apart from how its fopen calls are
 * caught (hooks.c, interpose.c). The hooks call in here only from ssh, only for a plain
 * read, never from inside the plan itself, and one thread at a time.
 */
#ifndef JUPYSSH_PLAN_H
#define JUPYSSH_PLAN_H

#include <stdio.h>

typedef FILE *fopen_fn(const char *, const char *);

struct config_reader;

/* hooks.c: every hooked fopen comes here, with the real function. */
FILE	*hook_fopen(const char *path, const char *mode, fopen_fn *real);

int	 plan_init(int argc, char **argv);
FILE	*plan_fopen(const char *path, const char *mode, fopen_fn *real);

/* For the plan: path as ssh should see it (present.c). */
FILE	*present_config(const char *path, const char *block, int check_perm,
	    const struct config_reader *, fopen_fn *real);

/* hangup.c: a persisting master's transport survives a closing terminal. */
void	hangup_mark_children(void);
void	hangup_ignore_if_child(void);

#endif
