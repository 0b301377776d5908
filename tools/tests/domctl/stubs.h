/* SPDX-License-Identifier: GPL-2.0-only */
/* What the descriptor-table tests' stand-ins record. */
#ifndef DOMCTL_STUBS_H
#define DOMCTL_STUBS_H

#include <asm/desc.h>

/* The GDT frames the last load_guest_gdt() mapped, and the calls made. */
extern unsigned long stub_gdt_frames[GDT_RESERVED_PAGE];
extern unsigned int stub_gdt_nr, stub_gdt_loads;

#endif /* DOMCTL_STUBS_H */
