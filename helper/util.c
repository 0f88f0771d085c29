/*
 * Messages, tokens, a one-request HTTP probe, small file reads and JSON
 * strings: the little the helper needs that libc does not give.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../compat/os.h"
#include "../common/port.h"
#include "util.h"

void
warnx_(const char *fmt, ...)
{
	va_list ap;

	fputs("jupyssh: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * One line on a terminal. ssh puts it in raw mode (no output processing)
 * during an interactive session, where "\n" alone would not return the
 * carriage, and the remote shell has likely printed its prompt already:
 * there the line gets a line of its own.
 */
void
say_on(int fd, const char *fmt, ...)
{
	char buf[2048];
	struct termios t;
	va_list ap;
	int n, raw, at;

	raw = isatty(fd) && tcgetattr(fd, &t) == 0 && !(t.c_oflag & OPOST);
	at = raw ? 2 : 0;
	memcpy(buf, "\r\n", 2);
	va_start(ap, fmt);
	n = vsnprintf(buf + at, sizeof(buf) - 5, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 5)
		n = sizeof(buf) - 5;
	n += at;
	if (raw)
		buf[n++] = '\r';
	buf[n++] = '\n';
	if (write(fd, buf, (size_t)n) == -1)
		return;
}

int
random_token(char *buf, size_t len)
{
	unsigned char raw[24];
	size_t i;

	if (len < sizeof(raw) * 2 + 1 ||
	    os_random(raw, sizeof(raw)) == -1)
		return -1;
	for (i = 0; i < sizeof(raw); i++)
		snprintf(buf + i * 2, 3, "%02x", raw[i]);
	return 0;
}

/*
 * GET path from 127.0.0.1:port with the token in a header (never in a
 * URL that a proxy or log could keep). 1 on HTTP 200, 0 otherwise.
 */
int
http_ok(int port, const char *path, const char *token)
{
	struct sockaddr_in sin;
	struct timeval tv = { 3, 0 };
	char req[512], resp[64];
	ssize_t n;
	size_t got = 0;
	int fd, ok = 0;

	if ((fd = os_socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	n = snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: "
	    "127.0.0.1:%d\r\nAuthorization: token %s\r\n\r\n", path, port,
	    token);
	if (n > 0 && (size_t)n < sizeof(req) &&
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    write(fd, req, (size_t)n) == n) {
		while (got < sizeof(resp) - 1 &&
		    (n = read(fd, resp + got, sizeof(resp) - 1 - got)) > 0)
			got += (size_t)n;
		resp[got] = '\0';
		ok = strncmp(resp, "HTTP/1.", 7) == 0 && got >= 12 &&
		    strncmp(resp + 9, "200", 3) == 0;
	}
	close(fd);
	return ok;
}

/* The passwd home, as ssh uses it; not $HOME. */
const char *
home_dir(void)
{
	static char *home;
	struct passwd *pw;

	if (home == NULL && (pw = getpwuid(getuid())) != NULL)
		home = strdup(pw->pw_dir);
	return home;
}

char *
expand_tilde(const char *path)
{
	char *out;

	if (strncmp(path, "~/", 2) != 0 || home_dir() == NULL)
		return strdup(path);
	if (asprintf(&out, "%s/%s", home_dir(), path + 2) == -1)
		return NULL;
	return out;
}

/* s as a JSON string on stdout; control characters escaped, DEL too. */
void
json_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* A small file (a /proc one) into buf, NUL-terminated: its length, or -1. */
ssize_t
read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* Our own program (to run it again, or show its path); 0, or -1. */
int
self_exe(char *buf, size_t len)
{
	return os_self_exe(buf, len);
}
