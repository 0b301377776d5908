/* SPDX-License-Identifier: GPL-2.0-only */
/* stac()/clac(): bracket every hypervisor access to guest-owned memory. */
#ifndef ASM_X86_SMAP_H
#define ASM_X86_SMAP_H

#include <xen/types.h>

/*
 * Set when CR4.SMAP is on (on every CPU: APs follow the boot CPU).  Without
 * code patching the instructions are guarded by this flag, since stac and
 * clac fault on CPUs that lack SMAP.
 */
extern bool smap_enabled;

/* Allows supervisor accesses to user pages until the matching clac(). */
static inline void stac(void)
{
    if ( smap_enabled )
        __asm__ __volatile__("stac" ::: "memory");
}

static inline void clac(void)
{
    if ( smap_enabled )
        __asm__ __volatile__("clac" ::: "memory");
}

#endif /* ASM_X86_SMAP_H */
