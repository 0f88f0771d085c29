/*
 * Control characters made visible, as OpenSSH's strnvis(VIS_SAFE|VIS_OCTAL)
 * does for its own messages: a remote error, a log tail or a folder name
 * cannot move the cursor, retitle or clear the terminal, or start a line
 * that looks like one of ours. Valid UTF-8 above the C1 controls stays as
 * it is (a folder named "Données" reads as such); any other byte below
 * 0x20, DEL, C1 and malformed sequences become \ooo, and \ itself \\.
 */
#include <stdio.h>

#include "vis.h"

/* The length of the valid UTF-8 sequence at s (a printable one), or 0. */
static size_t
utf8_printable(const unsigned char *s, size_t n)
{
	unsigned long cp;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond Unicode, and the C1 controls. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || cp < 0xa0)
		return 0;
	return len;
}

/*
 * The first n bytes of src (up to a NUL), made visible into dst; always
 * NUL-ended when len > 0, cut at a whole character. VIS_LINES keeps
 * newlines and tabs (a log). The length written.
 */
size_t
vis_text(char *dst, size_t len, const char *src, size_t n, int flags)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t out = 0, i = 0, u;
	char esc[5];

	if (len == 0)
		return 0;
	while (i < n && s[i] != '\0') {
		if ((s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') ||
		    ((flags & VIS_LINES) && (s[i] == '\n' || s[i] == '\t'))) {
			if (out + 1 >= len)
				break;
			dst[out++] = (char)s[i++];
		} else if ((u = utf8_printable(s + i, n - i)) > 0) {
			if (out + u >= len)
				break;
			while (u-- > 0)
				dst[out++] = (char)s[i++];
		} else {
			if (s[i] == '\\')
				snprintf(esc, sizeof(esc), "\\\\");
			else
				snprintf(esc, sizeof(esc), "\\%03o", s[i]);
			for (u = 0; esc[u] != '\0'; u++)
				;
			if (out + u >= len)
				break;
			for (u = 0; esc[u] != '\0'; u++)
				dst[out++] = esc[u];
			i++;
		}
	}
	dst[out] = '\0';
	return out;
}
