/*
 * libFuzzer target: the reader of the remote scripts' answers and progress
 * notes (helper/protocol.c), the parser a hostile remote talks to. Checks
 * what the gate promises: a token it lets through is one of ours, and free
 * text comes out with no control character in it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../helper/protocol.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
no_controls(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sent[] =
	    "0123456789abcdef0123456789abcdef0123456789abcdef";
	struct remote_result r;
	char text[256];

	if (protocol_parse((const char *)data, size, sent, &r) == 0 &&
	    (r.kind == RESULT_OK || r.kind == RESULT_RUNNING)) {
		if (!token_ok(r.token) || (strcmp(r.how, "started") == 0 &&
		    strcmp(r.token, sent) != 0) || r.port > 65535 ||
		    (r.port == 0 && r.sock[0] == '\0'))
			abort();
		no_controls(r.node);
		no_controls(r.addr);
		no_controls(r.sock);
	}
	no_controls(r.detail);
	if (protocol_progress((const char *)data, size, text, sizeof(text)) > 0)
		no_controls(text);
	return 0;
}
