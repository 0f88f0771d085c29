/*
 * Reader for Jupyter* directives. The syntax is ssh_config(5)'s: Host blocks
 * with OpenSSH patterns, case-insensitive keywords, "Keyword value" or
 * "Keyword=value", quoted words, comments and Include. Jupyter directives
 * go through their table (directives.c); every bad line is reported as
 * FILE:LINE and counted, and reading goes on so that all of them are
 * reported at once. Which files are read is resolve.c's.
 */
#include <sys/stat.h>

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "match.h"
#include "readconf.h"

/* The keywords the reader handles itself; the rest are in directives[]. */
static const struct {
	const char	*name;
	enum opcode	 opcode;
} keywords[] = {
	{ "host",		oHost },
	{ "match",		oMatch },
	{ "include",		oInclude },
	{ "controlpath",	oControlPath },
	{ NULL,			oBadOption }
};

/* Counts and reports a bad line (line 0: the whole file); returns -1. */
static int
config_error(struct config_reader *r, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;
	int saved_errno = errno;

	r->errors++;
	if (!r->quiet) {
		if (line > 0)
			fprintf(stderr, "jupyssh: %s:%d: ", file, line);
		else
			fprintf(stderr, "jupyssh: %s: ", file);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	errno = saved_errno;
	return -1;
}

void
reader_init(struct config_reader *r, const char *host, const char *home,
    struct jupyter_options *o)
{
	memset(r, 0, sizeof(*r));
	r->host = host;
	r->home = home;
	r->opts = o;
}

void
reader_free(struct config_reader *r)
{
	size_t i;

	for (i = 0; i < r->nhosts; i++)
		free(r->hosts[i]);
	free(r->hosts);
	free(r->marked);
	r->hosts = NULL;
	r->marked = NULL;
	r->nhosts = r->nmarked = 0;
}

int
reader_is_marked(const struct config_reader *r, dev_t dev, ino_t ino)
{
	size_t i;

	for (i = 0; i < r->nmarked; i++)
		if (r->marked[i].dev == dev && r->marked[i].ino == ino)
			return 1;
	return 0;
}

static void
mark_file(struct config_reader *r, const char *path)
{
	struct file_id *m;
	struct stat st;

	if (stat(path, &st) == -1 || reader_is_marked(r, st.st_dev, st.st_ino))
		return;
	if ((m = realloc(r->marked, (r->nmarked + 1) * sizeof(*m))) == NULL)
		return;
	r->marked = m;
	r->marked[r->nmarked].dev = st.st_dev;
	r->marked[r->nmarked].ino = st.st_ino;
	r->nmarked++;
}

static void
remember_host(struct config_reader *r, const char *pattern)
{
	char **h;

	if (!r->collect_hosts)
		return;
	if ((h = realloc(r->hosts, (r->nhosts + 1) * sizeof(*h))) == NULL)
		return;
	r->hosts = h;
	if ((r->hosts[r->nhosts] = strdup(pattern)) != NULL)
		r->nhosts++;
}

static void
process_include(struct config_reader *r, char *args, const char *file,
    int linenum, int flags, int *active, int depth)
{
	char path[PATH_MAX], *word;
	const char *home = getenv("HOME");
	glob_t gl;
	size_t i;
	int bad = 0, n;

	if (home == NULL)
		home = r->home;
	while ((word = config_word(&args, &bad)) != NULL) {
		/* As ssh: "~/" is $HOME, relative paths live in ~/.ssh. */
		if (strncmp(word, "~/", 2) == 0)
			n = snprintf(path, sizeof(path), "%s/%s", home, word + 2);
		else if (*word != '/')
			n = snprintf(path, sizeof(path), "%s/.ssh/%s", r->home,
			    word);
		else
			n = snprintf(path, sizeof(path), "%s", word);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			config_error(r, file, linenum, "Include path too long");
			continue;
		}
		memset(&gl, 0, sizeof(gl));
		if (glob(path, 0, NULL, &gl) != 0)
			continue;	/* no match is fine, as in ssh */
		for (i = 0; i < gl.gl_pathc; i++) {
			int saved = *active, sub = *active;
			FILE *f;
			char *line = NULL;
			size_t cap = 0;
			int num = 0;

			if ((f = fopen(gl.gl_pathv[i], "r")) == NULL)
				continue;
			while (getline(&line, &cap, f) != -1)
				read_config_line(r, line, gl.gl_pathv[i], ++num,
				    flags | (saved == 1 ? 0 : CONF_NEVERMATCH),
				    &sub, depth + 1);
			free(line);
			fclose(f);
			*active = saved;
		}
		globfree(&gl);
	}
	if (bad)
		config_error(r, file, linenum, "unterminated quote");
}

/*
 * Host: active when a pattern matches and none is negated. *patterns says
 * how many there were, -1 if one was empty.
 */
static int
read_host(struct config_reader *r, char *rest, int flags, int *active,
    int *patterns)
{
	char *word;
	int bad = 0, matched = 0, v;

	*patterns = 0;
	while ((word = config_word(&rest, &bad)) != NULL) {
		if (*word == '\0') {
			*patterns = -1;
			continue;
		}
		if (*patterns >= 0)
			(*patterns)++;
		remember_host(r, word);
		v = r->host == NULL ? 0 : match_pattern_list(r->host, word);
		if (v == -1)
			matched = -1;
		else if (v == 1 && matched == 0)
			matched = 1;
	}
	*active = matched == 1 && !(flags & CONF_NEVERMATCH);
	return bad;
}

/* A Jupyter directive: its value checked even where it does not apply. */
static int
read_directive(struct config_reader *r, const struct directive *d,
    const char *keyword, char *rest, const char *file, int linenum,
    int active)
{
	struct jupyter_options *o = r->opts;
	char why[256], where[PATH_MAX + 16], *arg;
	int bad = 0, had_port = o->port;

	mark_file(r, file);
	if (d->type == T_LINE || d->type == T_PORTS) {
		/* A command line, taken as it stands, like LocalCommand. */
		if (*rest == '\0')
			return config_error(r, file, linenum, "%s needs %s",
			    keyword, d->type == T_LINE ? "a command" :
			    "ports or auto");
		arg = rest;
	} else {
		arg = config_word(&rest, &bad);
		if (arg == NULL || *arg == '\0')
			return config_error(r, file, linenum,
			    "%s needs a value", keyword);
		if (bad || config_word(&rest, &bad) != NULL)
			return config_error(r, file, linenum,
			    "%s takes one value%s", keyword,
			    bad ? " (unterminated quote)" : "");
	}
	if (active == -1)
		return config_error(r, file, linenum, "%s inside a Match "
		    "block is not supported (use a Host block)", keyword);
	if (directive_set(d, o, arg, active == 1, why, sizeof(why)) == -1)
		return config_error(r, file, linenum, "%s: %s", keyword, why);
	if (d->opcode == oJupyterPort && had_port == 0 && o->port != 0) {
		snprintf(where, sizeof(where), "%s:%d", file, linenum);
		o->port_origin = strdup(where);
	}
	return 0;
}

int
read_config_line(struct config_reader *r, char *line, const char *file,
    int linenum, int flags, int *active, int depth)
{
	const struct directive *d;
	enum opcode op = oBadOption;
	char *keyword, *rest;
	int i, bad = 0, patterns;

	if ((keyword = config_keyword(line, &rest)) == NULL)
		return 0;
	if ((d = directive_find(keyword)) != NULL)
		return read_directive(r, d, keyword, rest, file, linenum,
		    *active);
	for (i = 0; keywords[i].name != NULL; i++)
		if (strcasecmp(keyword, keywords[i].name) == 0)
			op = keywords[i].opcode;
	switch (op) {
	case oHost:
		bad = read_host(r, rest, flags, active, &patterns);
		/* An error, as ssh has it; in ssh's own config ssh says so. */
		if (!bad && patterns <= 0 && !(flags & CONF_SSH))
			return config_error(r, file, linenum, patterns == 0 ?
			    "Host needs a pattern" :
			    "Host has an empty pattern");
		break;
	case oMatch:
		/* Only ssh can evaluate Match; treat its block as inactive. */
		*active = -1;
		break;
	case oInclude:
		/*
		 * ssh gives up at the first Include too deep; so do we, or two
		 * Includes of the file itself would read it 2^16 times.
		 */
		if (r->too_deep)
			break;
		if (depth >= MAX_INCLUDE_DEPTH) {
			r->too_deep = 1;
			return config_error(r, file, linenum,
			    "Include nested too deep");
		}
		process_include(r, rest, file, linenum, flags, active, depth);
		break;
	case oControlPath:
		if (*active == 1 && (flags & CONF_SSH) && *rest != '\0' &&
		    r->opts->control_path == NULL)
			r->opts->control_path = strdup(rest);
		break;
	default:
		if (strncasecmp(keyword, "jupyter", 7) == 0)
			return config_error(r, file, linenum,
			    "unknown directive \"%s\"", keyword);
		if (flags & CONF_SSH)
			return 0;	/* one of ssh's own */
		return config_error(r, file, linenum, "\"%s\" is not a "
		    "Jupyter directive (ssh options belong in ~/.ssh/config)",
		    keyword);
	}
	if (bad)
		return config_error(r, file, linenum, "unterminated quote");
	return 0;
}

int
read_config_file(struct config_reader *r, const char *path, int flags)
{
	struct stat st;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	int linenum = 0, active = 1, errors = r->errors;

	r->too_deep = 0;
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT && (flags & CONF_OPTIONAL))
			return 0;
		return config_error(r, path, 0, "cannot open: %s",
		    strerror(errno));
	}
	if ((flags & CONF_CHECKPERM) && fstat(fileno(f), &st) == 0 &&
	    config_unsafe(&st)) {
		fclose(f);
		/* ssh refuses its own config and says so; ours, we say. */
		if (flags & CONF_SSH)
			return 0;
		return config_error(r, path, 0, "bad owner or permissions "
		    "(writable by others); file ignored");
	}
	while (getline(&line, &cap, f) != -1)
		read_config_line(r, line, path, ++linenum, flags, &active, 0);
	free(line);
	fclose(f);
	return r->errors == errors ? 0 : -1;
}

