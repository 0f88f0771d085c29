/* Turns a host's Jupyter settings into native OpenSSH options. */
#ifndef JUPYSSH_TRANSLATE_H
#define JUPYSSH_TRANSLATE_H

#include <stddef.h>

struct ssh_args;
struct jupyter_options;

#define JUPYSSH_CONTROL_PATH	"~/.ssh/jupyssh-%C"

int	 forward_outlives_session(const struct jupyter_options *);
int	 wants_notebook(const struct ssh_args *, const struct jupyter_options *);
const char *translate_refusal(const struct ssh_args *,
	    const struct jupyter_options *, const char *helper);
char	*translate(const struct ssh_args *, const struct jupyter_options *,
	    const char *helper, int local_port);
size_t	 quote_for_local_command(char *dst, size_t len, const char *s,
	    int keep_tokens);

#endif
