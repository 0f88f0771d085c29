/* The helper's local state is the common state module. */
#include "../common/state.h"
