/* Text from elsewhere made safe for a terminal. */
#ifndef JUPYSSH_VIS_H
#define JUPYSSH_VIS_H

#include <stddef.h>

#define VIS_LINES	0x01	/* keep newlines and tabs */

size_t	vis_text(char *dst, size_t len, const char *src, size_t n, int flags);

#endif
