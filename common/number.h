/* Whole numbers from text, with bounds; shared by the shim and the helper. */
#ifndef JUPYSSH_NUMBER_H
#define JUPYSSH_NUMBER_H

int	number_in(const char *s, long lo, long hi, long *out);
/* ssh's time format: 90, 90s, 2h, 1h30m, 1w; in seconds. */
int	duration_in(const char *s, long lo, long hi, long *out);

#endif
