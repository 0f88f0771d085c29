/*
 * Host pattern matching with OpenSSH's semantics, so that jupyssh and ssh
 * agree on which Host blocks apply: '*' and '?' wildcards, comma-separated
 * lists, '!' negation that overrides any positive match. Case-sensitive,
 * as ssh's Host matching against the name as typed.
 */
#include <string.h>

#include "match.h"

int
match_pattern(const char *s, const char *pattern)
{
	for (;;) {
		if (*pattern == '\0')
			return *s == '\0';
		if (*pattern == '*') {
			while (*pattern == '*')
				pattern++;
			if (*pattern == '\0')
				return 1;
			for (; *s != '\0'; s++)
				if (match_pattern(s, pattern))
					return 1;
			return 0;
		}
		if (*s == '\0')
			return 0;
		if (*pattern != '?' && *pattern != *s)
			return 0;
		s++;
		pattern++;
	}
}

/*
 * Returns 1 if s matches a positive pattern of the comma-separated list,
 * -1 if it matches a negated one (which wins), 0 otherwise.
 */
int
match_pattern_list(const char *s, const char *list)
{
	char sub[1024];
	size_t i, len;
	int negated, got_positive = 0;

	for (i = 0; list[i] != '\0';) {
		negated = list[i] == '!';
		if (negated)
			i++;
		for (len = 0; list[i] != '\0' && list[i] != ','; i++)
			if (len < sizeof(sub) - 1)
				sub[len++] = list[i];
		sub[len] = '\0';
		if (list[i] == ',')
			i++;
		if (match_pattern(s, sub)) {
			if (negated)
				return -1;
			got_positive = 1;
		}
	}
	return got_positive;
}
