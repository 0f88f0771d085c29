/*
 * ssh_config(5)'s words, as readconf.c in OpenSSH splits them: a keyword
 * and its arguments, quoting, comments.
 */
#include <string.h>
#include <strings.h>

#include "words.h"

/*
 * Splits a line into its keyword and the rest, after a blank or '=' as
 * ssh allows; the line ending and trailing blanks go, as in ssh. NULL for
 * a blank line or a comment.
 */
char *
config_keyword(char *line, char **rest)
{
	char *s, *keyword;
	size_t len;

	len = strlen(line);
	while (len > 0 && strchr(" \t\r\n", line[len - 1]) != NULL)
		line[--len] = '\0';
	s = line + strspn(line, " \t");
	if (*s == '\0' || *s == '#')
		return NULL;
	keyword = s;
	s += strcspn(s, " \t=");
	if (*s != '\0') {
		*s++ = '\0';
		s += strspn(s, " \t");
		if (*s == '=') {
			s++;
			s += strspn(s, " \t");
		}
	}
	*rest = s;
	return keyword;
}

/* A line for us, not ssh: the shim comments it out. */
int
is_jupyter_keyword(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	return strncasecmp(line, "jupyter", 7) == 0;
}

/*
 * Takes the next word off *sp, the way OpenSSH's argv_split() does: blanks
 * separate words, double or single quotes group, a backslash escapes a quote
 * or backslash, and a '#' that starts a word ends the line. Returns NULL at
 * the end of the line, and sets *bad on an unterminated quote.
 */
char *
config_word(char **sp, int *bad)
{
	char *s = *sp, *out, *word;
	char quote = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '#') {
		*sp = s;
		return NULL;
	}
	word = out = s;
	for (; *s != '\0'; s++) {
		if (quote == 0 && (*s == ' ' || *s == '\t'))
			break;
		if (*s == '\\' && (s[1] == '"' || s[1] == '\'' ||
		    s[1] == '\\') && quote != 0) {
			*out++ = *++s;
		} else if (quote == 0 && (*s == '"' || *s == '\'')) {
			quote = *s;
		} else if (quote != 0 && *s == quote) {
			quote = 0;
		} else
			*out++ = *s;
	}
	if (quote != 0)
		*bad = 1;
	if (*s != '\0')
		s++;
	*out = '\0';
	*sp = s;
	return word;
}
