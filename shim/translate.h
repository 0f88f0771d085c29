/* Now common/translate.h; kept only until helper/proxy.c includes that. */
#include "../common/translate.h"
