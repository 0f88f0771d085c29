/*
 * JupyterBrowser: opens the notebook in a local browser once it is ready.
 * The browser is given a 0600 redirect file, as Jupyter itself does, so the
 * token is in no process's arguments.
 */

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "commands.h"
#include "state.h"
#include "spawn.h"
#include "util.h"

/* A browser opener by its usual names: xdg-open on Linux, open on macOS. */
static const char default_opener[] =
    "command -v xdg-open >/dev/null && exec xdg-open \"$1\"; exec open \"$1\"";

/* s with &, <, >, " and ' as entities: nothing it holds becomes markup. */
static void
html_escape(char *dst, size_t len, const char *s)
{
	size_t n = 0, k;
	const char *e;
	char one[2] = "";

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default: one[0] = *s; e = one; break;
		}
		if (n + (k = strlen(e)) >= len)
			break;
		memcpy(dst + n, e, k);
		n += k;
	}
	dst[n] = '\0';
}

void
open_browser(const char *host, const char *how, const char *url)
{
	char path[PATH_MAX], page[PATH_MAX + 8], *script;
	char html[2048], eurl[512], ehost[512];
	int fd, n;

	if (how == NULL || strcasecmp(how, "no") == 0)
		return;
	html_escape(eurl, sizeof(eurl), url);
	html_escape(ehost, sizeof(ehost), host);
	n = snprintf(html, sizeof(html), "<!DOCTYPE html>\n<meta charset=utf-8>"
	    "<meta http-equiv=refresh content=\"0;url=%s\">\n"
	    "<p><a href=\"%s\">%s</a>\n", eurl, eurl, ehost);
	if (n < 0 || (size_t)n >= sizeof(html) ||
	    state_write(host, STATE_HTML, html) == -1 ||
	    state_path(host, STATE_HTML, path, sizeof(path)) == -1)
		return;
	snprintf(page, sizeof(page), "file://%s", path);
	if (strcasecmp(how, "yes") == 0)
		script = (char *)default_opener;
	else if (asprintf(&script, "%s \"$1\"", how) == -1)
		return;
	/* Detached: a browser may run for hours. */
	if (detach() == 0) {
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, 0);
			dup2(fd, 1);
		}
		execl("/bin/sh", "sh", "-c", script, "sh", page, (char *)NULL);
		_exit(127);
	}
	if (script != default_opener)
		free(script);
}
