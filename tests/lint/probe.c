/*
 * A stand-in for a program the shim is preloaded into. Named "ssh" it gets
 * the shim's attention; named anything else it must not. It calls fopen
 * from its own constructor (before main, as libfaketime's tests do), checks
 * that errno comes back as it would without the shim, and calls fopen from
 * several threads at once. Prints one line per check: "ok NAME" or
 * "bad NAME: detail"; the test compares them with and without the shim.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int early_ok;

__attribute__((constructor)) static void
early(void)
{
	FILE *f = fopen("/etc/hostname", "r");

	early_ok = f != NULL;
	if (f != NULL)
		fclose(f);
}

static void *
hammer(void *arg)
{
	const char *path = arg;
	int i;
	FILE *f;

	for (i = 0; i < 2000; i++)
		if ((f = fopen(path, "r")) != NULL)
			fclose(f);
	return NULL;
}

static void
check_errno(const char *name, const char *path, int before)
{
	FILE *f;

	errno = before;
	f = fopen(path, "r");
	printf("%s %s: %s errno=%s\n", f ? "opened" : "failed", name,
	    path[0] == '/' ? "abs" : "rel", strerror(errno));
	if (f != NULL)
		fclose(f);
}

int
main(int argc, char **argv)
{
	pthread_t t[8];
	const char *config = argc > 1 ? argv[argc - 1] : "/etc/hostname";
	int i;

	printf("%s early-fopen\n", early_ok ? "ok" : "bad");
	check_errno("existing", "/etc/hostname", EXDEV);
	check_errno("missing", "/nonexistent/x", EXDEV);
	check_errno("config", config, EXDEV);
	for (i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, hammer,
		    (void *)(i % 2 ? "/etc/hostname" : config));
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	printf("ok threads\n");
	return 0;
}
