/* SPDX-License-Identifier: GPL-2.0-only */
/* Which CPU we are running on: the architecture keeps it per stack. */
#ifndef XEN_SMP_H
#define XEN_SMP_H

#include <asm/current.h>

#endif /* XEN_SMP_H */
