/* OpenSSH-compatible host pattern matching (match.c in openssh-portable). */
#ifndef JUPYSSH_MATCH_H
#define JUPYSSH_MATCH_H

int	match_pattern(const char *s, const char *pattern);
int	match_pattern_list(const char *s, const char *list);

#endif
