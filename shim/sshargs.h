/* Now common/sshargs.h; kept only until helper/proxy.c includes that. */
#include "../common/sshargs.h"
