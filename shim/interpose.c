/*
 * The hooks on macOS. dyld does not let an inserted library replace a
 * function by exporting it: it reads the library's __DATA,__interpose
 * section, pairs of (our function, the one it replaces), and binds every
 * other image's calls to ours. Calls from this library itself still reach
 * the real functions. x86_64 programs built for macOS call fopen as
 * fopen$DARWIN_EXTSN, so both names are replaced.
 */
#ifdef __APPLE__
#include <stdio.h>

#include "plan.h"

FILE	*fopen_extsn(const char *, const char *) __asm("_fopen$DARWIN_EXTSN");

static FILE *
jupyssh_fopen(const char *path, const char *mode)
{
	return hook_fopen(path, mode, fopen);
}

static FILE *
jupyssh_fopen_extsn(const char *path, const char *mode)
{
	return hook_fopen(path, mode, fopen_extsn);
}

/*
 * Exported, the one symbol of the library: a linker that strips what
 * nothing refers to (zig's does) keeps the table then.
 */
extern const struct interposer {
	const void	*replacement;
	const void	*replaced;
} jupyssh_interposers[2];

__attribute__((used, visibility("default"), section("__DATA,__interpose")))
const struct interposer jupyssh_interposers[2] = {
	{ (const void *)jupyssh_fopen, (const void *)fopen },
	{ (const void *)jupyssh_fopen_extsn, (const void *)fopen_extsn },
};
#endif
