/* SPDX-License-Identifier: MIT */
/* Old include name for the x86 architecture definitions; kept for guests. */

#include "arch-x86/xen.h"
