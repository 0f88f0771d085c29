/* Small helpers shared by the jupyssh commands. */
#ifndef JUPYSSH_UTIL_H
#define JUPYSSH_UTIL_H

#include <sys/types.h>

#include <stddef.h>

void	warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	say_on(int fd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	random_token(char *buf, size_t len);
int	http_ok(int port, const char *path, const char *token);
const char *home_dir(void);
char	*expand_tilde(const char *path);
void	json_string(const char *s);
int	self_exe(char *buf, size_t len);
ssize_t	read_file(const char *path, char *buf, size_t len);

#endif
