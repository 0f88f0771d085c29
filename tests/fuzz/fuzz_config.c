/*
 * libFuzzer target: the configuration reader, the translation and the ssh
 * command line parser on arbitrary bytes (see harness.c). "make fuzz".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (fuzz_setup() == -1) {
		perror("fuzz_config: sandbox");
		exit(1);
	}
	atexit(fuzz_cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_result res;

	fuzz_one(data, size, &res);
	return 0;
}
