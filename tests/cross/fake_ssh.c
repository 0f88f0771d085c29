/*
 * A stand-in for ssh built with musl, to load the musl library into: named
 * ssh, it opens its config as ssh does (fopen, the file given with -F) and
 * copies what it was given to stdout. musl calls the library's constructor
 * with no arguments, so what comes out shows whether the library read this
 * command line by itself.
 */
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	char buf[4096];
	size_t n;
	FILE *f = NULL;
	int i;

	for (i = 1; i + 1 < argc && f == NULL; i++)
		if (strcmp(argv[i], "-F") == 0 && (f = fopen(argv[i + 1],
		    "r")) == NULL)
			break;
	if (f == NULL) {
		perror("fake ssh: fopen");
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return 0;
}
