/* ssh_config(5)'s words: keywords, quoted arguments, comments. */
#ifndef JUPYSSH_WORDS_H
#define JUPYSSH_WORDS_H

char	*config_keyword(char *line, char **rest);
char	*config_word(char **sp, int *bad);
int	 is_jupyter_keyword(const char *line);

#endif
