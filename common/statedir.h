/* The shim's name for the common state module. */
#include "state.h"
