/*
 * Reader for Jupyter* directives. The syntax is ssh_config(5)'s: Host blocks
 * with OpenSSH patterns, case-insensitive keywords, "Keyword value" or
 * "Keyword=value", quoted words, comments and Include. Directives go through
 * a keyword table; every bad line is reported as FILE:LINE and counted, and
 * reading goes on so that all of them are reported at once.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "match.h"
#include "readconf.h"

enum opcode {
	oBadOption, oIgnore, oHost, oMatch, oInclude, oControlPath,
	oJupyterPort, oJupyterLocalPort, oJupyterDirectory, oJupyterEnv,
	oJupyterCommand, oJupyterAutoStart, oJupyterStartTimeout,
	oJupyterSocket, oJupyterStopOnExit, oJupyterBrowser,
	oJupyterScheduler, oJupyterSlurmOptions
};

static const struct {
	const char	*name;
	enum opcode	 opcode;
} keywords[] = {
	{ "host",			oHost },
	{ "match",			oMatch },
	{ "include",			oInclude },
	{ "controlpath",		oControlPath },
	{ "jupyterport",		oJupyterPort },
	{ "jupyterlocalport",		oJupyterLocalPort },
	{ "jupyterdirectory",		oJupyterDirectory },
	{ "jupyterenv",			oJupyterEnv },
	{ "jupytercommand",		oJupyterCommand },
	{ "jupyterautostart",		oJupyterAutoStart },
	{ "jupyterstarttimeout",	oJupyterStartTimeout },
	{ "jupytersocket",		oJupyterSocket },
	{ "jupyterstoponexit",		oJupyterStopOnExit },
	{ "jupyterbrowser",		oJupyterBrowser },
	{ "jupyterscheduler",		oJupyterScheduler },
	{ "jupyterslurmoptions",	oJupyterSlurmOptions },
	{ NULL,				oBadOption }
};

static void
config_error(struct config_reader *r, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;
	int saved_errno = errno;

	r->errors++;
	if (!r->quiet) {
		/* Line 0: about the whole file. */
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
}

void
options_init(struct jupyter_options *o)
{
	memset(o, 0, sizeof(*o));
	o->local_port = -1;
	o->autostart = AUTOSTART_UNSET;
	o->start_timeout = -1;
	o->socket = -1;
	o->stop_on_exit = -1;
	o->scheduler = -1;
}

void
options_fill_defaults(struct jupyter_options *o)
{
	if (o->local_port == -1)
		o->local_port = o->port;
	if (o->command == NULL)
		o->command = strdup(DEFAULT_COMMAND);
	if (o->autostart == AUTOSTART_UNSET)
		o->autostart = AUTOSTART_INTERACTIVE;
	if (o->start_timeout == -1)
		o->start_timeout = DEFAULT_START_TIMEOUT;
	if (o->socket == -1)
		o->socket = 0;
	if (o->stop_on_exit == -1)
		o->stop_on_exit = 0;
	if (o->scheduler == -1)
		o->scheduler = SCHEDULER_NONE;
}

void
options_free(struct jupyter_options *o)
{
	free(o->directory);
	free(o->env);
	free(o->command);
	free(o->control_path);
	free(o->port_origin);
	free(o->browser);
	free(o->slurm_options);
	options_init(o);
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
static char *
next_word(char **sp, int *bad)
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

/* A whole number from lo to hi, digits only (like OpenSSH's strtonum). */
static int
parse_number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	return (int)v;
}

static void
set_string(char **dst, const char *value, int active)
{
	if (active && *dst == NULL)
		*dst = strdup(value);
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
	while ((word = next_word(&args, &bad)) != NULL) {
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

int
read_config_line(struct config_reader *r, char *line, const char *file,
    int linenum, int flags, int *active, int depth)
{
	struct jupyter_options *o = r->opts;
	char *s, *keyword, *arg, *rest, *word;
	int i, bad = 0, v, matched;
	enum opcode op = oBadOption;
	size_t len;

	/* Strip the line ending and trailing blanks, as ssh does. */
	len = strlen(line);
	while (len > 0 && strchr(" \t\r\n", line[len - 1]) != NULL)
		line[--len] = '\0';
	s = line;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '#')
		return 0;
	keyword = s;
	while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '=')
		s++;
	if (*s != '\0') {
		*s++ = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '=') {
			s++;
			while (*s == ' ' || *s == '\t')
				s++;
		}
	}
	rest = s;
	for (i = 0; keywords[i].name != NULL; i++)
		if (strcasecmp(keyword, keywords[i].name) == 0) {
			op = keywords[i].opcode;
			break;
		}
	if (op == oBadOption) {
		if (strncasecmp(keyword, "jupyter", 7) == 0) {
			config_error(r, file, linenum,
			    "unknown directive \"%s\"", keyword);
			return -1;
		}
		if (flags & CONF_SSH)
			return 0;	/* one of ssh's own */
		config_error(r, file, linenum, "\"%s\" is not a Jupyter "
		    "directive (ssh options belong in ~/.ssh/config)", keyword);
		return -1;
	}
	if (op >= oJupyterPort)
		mark_file(r, file);

	switch (op) {
	case oHost:
		matched = 0;
		while ((word = next_word(&rest, &bad)) != NULL) {
			remember_host(r, word);
			v = r->host == NULL ? 0 : match_pattern_list(r->host,
			    word);
			if (v == -1) {
				matched = -1;
			} else if (v == 1 && matched == 0)
				matched = 1;
		}
		*active = matched == 1 && !(flags & CONF_NEVERMATCH);
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
			config_error(r, file, linenum, "Include nested too deep");
			return -1;
		}
		process_include(r, rest, file, linenum, flags, active, depth);
		break;
	case oControlPath:
		if (*active == 1 && (flags & CONF_SSH) && *rest != '\0')
			set_string(&o->control_path, rest, 1);
		break;
	case oJupyterCommand:
	case oJupyterBrowser:
	case oJupyterSlurmOptions:
		/* A command line, taken as it stands, like LocalCommand. */
		if (*rest == '\0') {
			config_error(r, file, linenum, "%s needs a command",
			    keyword);
			return -1;
		}
		if (*active == -1)
			goto in_match;
		set_string(op == oJupyterCommand ? &o->command :
		    op == oJupyterBrowser ? &o->browser : &o->slurm_options,
		    rest, *active == 1);
		break;
	default:
		arg = next_word(&rest, &bad);
		if (arg == NULL || *arg == '\0') {
			config_error(r, file, linenum, "%s needs a value",
			    keyword);
			return -1;
		}
		if (bad || next_word(&rest, &bad) != NULL) {
			config_error(r, file, linenum, "%s takes one value%s",
			    keyword, bad ? " (unterminated quote)" : "");
			return -1;
		}
		if (*active == -1)
			goto in_match;
		switch (op) {
		case oJupyterPort:
		case oJupyterLocalPort:
			if ((v = parse_number(arg, 1, 65535)) == -1) {
				config_error(r, file, linenum, "%s: bad port "
				    "\"%s\" (1-65535)", keyword, arg);
				return -1;
			}
			if (*active != 1)
				break;
			if (op == oJupyterLocalPort) {
				if (o->local_port == -1)
					o->local_port = v;
			} else if (o->port == 0) {
				char where[PATH_MAX + 16];

				o->port = v;
				snprintf(where, sizeof(where), "%s:%d", file,
				    linenum);
				o->port_origin = strdup(where);
			}
			break;
		case oJupyterDirectory:
			set_string(&o->directory, arg, *active == 1);
			break;
		case oJupyterEnv:
			if (strncmp(arg, "conda:", 6) == 0 && arg[6] == '\0') {
				config_error(r, file, linenum,
				    "%s: conda: needs an environment name",
				    keyword);
				return -1;
			}
			set_string(&o->env, arg, *active == 1);
			break;
		case oJupyterAutoStart:
			if (strcasecmp(arg, "interactive") == 0)
				v = AUTOSTART_INTERACTIVE;
			else if (strcasecmp(arg, "yes") == 0)
				v = AUTOSTART_YES;
			else if (strcasecmp(arg, "no") == 0)
				v = AUTOSTART_NO;
			else {
				config_error(r, file, linenum, "%s: expected "
				    "interactive, yes or no, not \"%s\"",
				    keyword, arg);
				return -1;
			}
			if (*active == 1 && o->autostart == AUTOSTART_UNSET)
				o->autostart = v;
			break;
		case oJupyterSocket:
		case oJupyterStopOnExit:
			if (strcasecmp(arg, "yes") == 0)
				v = 1;
			else if (strcasecmp(arg, "no") == 0)
				v = 0;
			else {
				config_error(r, file, linenum, "%s: expected "
				    "yes or no, not \"%s\"", keyword, arg);
				return -1;
			}
			if (*active != 1)
				break;
			if (op == oJupyterSocket && o->socket == -1)
				o->socket = v;
			if (op == oJupyterStopOnExit && o->stop_on_exit == -1)
				o->stop_on_exit = v;
			break;
		case oJupyterScheduler:
			if (strcasecmp(arg, "slurm") == 0)
				v = SCHEDULER_SLURM;
			else if (strcasecmp(arg, "none") == 0)
				v = SCHEDULER_NONE;
			else {
				config_error(r, file, linenum, "%s: expected "
				    "slurm or none, not \"%s\"", keyword, arg);
				return -1;
			}
			if (*active == 1 && o->scheduler == -1)
				o->scheduler = v;
			break;
		case oJupyterStartTimeout:
			if ((v = parse_number(arg, 1, 86400)) == -1) {
				config_error(r, file, linenum, "%s: bad number "
				    "of seconds \"%s\" (1-86400)", keyword, arg);
				return -1;
			}
			if (*active == 1 && o->start_timeout == -1)
				o->start_timeout = v;
			break;
		default:
			break;
		}
		break;
	}
	if (bad) {
		config_error(r, file, linenum, "unterminated quote");
		return -1;
	}
	return 0;

 in_match:
	config_error(r, file, linenum, "%s inside a Match block is not "
	    "supported (use a Host block)", keyword);
	return -1;
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
		config_error(r, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if ((flags & CONF_CHECKPERM) && fstat(fileno(f), &st) == 0 &&
	    ((st.st_uid != 0 && st.st_uid != getuid()) ||
	    (st.st_mode & 022) != 0)) {
		fclose(f);
		/* ssh refuses its own config and says so; ours, we say. */
		if (flags & CONF_SSH)
			return 0;
		config_error(r, path, 0, "bad owner or permissions "
		    "(writable by others); file ignored");
		return -1;
	}
	while (getline(&line, &cap, f) != -1)
		read_config_line(r, line, path, ++linenum, flags, &active, 0);
	free(line);
	fclose(f);
	return r->errors == errors ? 0 : -1;
}

const char *
side_config_path(const char *home, char *buf, size_t len)
{
	const char *env = getenv("JUPYSSH_CONFIG");
	int n;

	if (env != NULL && *env != '\0')
		return env;
	n = snprintf(buf, len, "%s/.ssh/jupyter_config", home);
	return n < 0 || (size_t)n >= len ? NULL : buf;
}

/*
 * The effective settings for r->host: the side config first (it is the
 * one made for these directives), then the ssh config, then the
 * system-wide side config. The first value seen wins.
 */
int
config_resolve(struct config_reader *r, const char *ssh_config)
{
	char side[PATH_MAX], user[PATH_MAX];
	const char *path;
	int n;

	if ((path = side_config_path(r->home, side, sizeof(side))) != NULL)
		read_config_file(r, path, CONF_OPTIONAL | CONF_CHECKPERM);
	if (ssh_config != NULL) {
		if (strcasecmp(ssh_config, "none") != 0)
			read_config_file(r, ssh_config, CONF_SSH);
	} else {
		n = snprintf(user, sizeof(user), "%s/.ssh/config", r->home);
		if (n > 0 && (size_t)n < sizeof(user))
			read_config_file(r, user,
			    CONF_SSH | CONF_OPTIONAL | CONF_CHECKPERM);
	}
	read_config_file(r, "/etc/ssh/jupyter_config", CONF_OPTIONAL);
	return r->errors == 0 ? 0 : -1;
}
