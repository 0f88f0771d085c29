/*
 * One fuzz input through the reader and the translation, shared by the
 * libFuzzer target (fuzz_config.c) and the regression test that replays
 * the corpus and every stored crash (tests/unit/test_regressions.c).
 * Link with -Wl,--wrap=glob: Includes stay inside the sandbox folder.
 */
#ifndef JUPYSSH_FUZZ_HARNESS_H
#define JUPYSSH_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_HOST	"gpu-box"

struct fuzz_result {
	int	errors_ssh;	/* bad lines, read as an ssh config */
	int	errors_side;	/* bad lines, read as a side config */
	int	port;		/* JupyterPort, as an ssh config */
	int	translated;	/* a block was made for "ssh gpu-box" */
	int	argv_parsed;	/* the input as an argv had a destination */
};

int	fuzz_setup(void);
void	fuzz_one(const uint8_t *, size_t, struct fuzz_result *);
void	fuzz_cleanup(void);

#endif
