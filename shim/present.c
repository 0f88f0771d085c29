/*
 * A config file as ssh is shown it: a private 0600 file (a memfd where
 * there is one; a FILE without an fd dies in ssh's fstat) holding
 * the file's own lines, Jupyter lines commented out so that line numbers
 * stay right for ssh's messages, then the block for the host, if any.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../compat/os.h"
#include "../common/readconf.h"
#include "plan.h"

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * check_perm: a file ssh checks. NULL from the real fopen, with its errno,
 * whenever there is nothing to change.
 */
FILE *
present_config(const char *path, const char *block, int check_perm,
    const struct config_reader *r, fopen_fn *real)
{
	FILE *orig, *f;
	struct stat st;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int fd, ok = 1;

	if ((orig = real(path, "r")) == NULL) {
		if (errno != ENOENT || block == NULL)
			return NULL;
	} else {
		if (fstat(fileno(orig), &st) == -1)
			return orig;
		/* Leave ssh's own permission check something to refuse. */
		if (check_perm && config_unsafe(&st))
			return orig;
		if (block == NULL &&
		    !reader_is_marked(r, st.st_dev, st.st_ino))
			return orig;
	}
	if ((fd = os_private_file("jupyssh-config")) == -1)
		goto fail;
	while (orig != NULL && ok && (len = getline(&line, &cap, orig)) != -1)
		ok = (!is_jupyter_keyword(line) || write_all(fd, "#", 1) == 0) &&
		    write_all(fd, line, (size_t)len) == 0;
	if (ok && block != NULL)
		ok = write_all(fd, block, strlen(block)) == 0;
	if (!ok || lseek(fd, 0, SEEK_SET) == -1 ||
	    (f = fdopen(fd, "r")) == NULL)
		goto fail;
	free(line);
	if (orig != NULL)
		fclose(orig);
	return f;
 fail:
	fprintf(stderr, "jupyssh: %s: cannot present config: %s\n", path,
	    strerror(errno));
	free(line);
	if (fd != -1)
		close(fd);
	if (orig != NULL) {
		rewind(orig);
		return orig;
	}
	return real(path, "r");
}
