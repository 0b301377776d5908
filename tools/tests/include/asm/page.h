/* SPDX-License-Identifier: GPL-2.0-only */
/* Host-test wrapper: the direct map points into memory the test allocated. */
#ifndef HOST_ASM_PAGE_H
#define HOST_ASM_PAGE_H

/* Keep the real conversions out of the way, then define host ones. */
#define maddr_to_virt   real_maddr_to_virt
#define virt_to_maddr   real_virt_to_maddr
#define mfn_to_virt     real_mfn_to_virt
#define virt_to_mfn     real_virt_to_mfn
#include_next <asm/page.h>
#undef maddr_to_virt
#undef virt_to_maddr
#undef mfn_to_virt
#undef virt_to_mfn

/* Host address of machine address 0; set by the test before use. */
extern char *host_directmap;

static inline void *maddr_to_virt(paddr_t ma)
{
    return host_directmap + ma;
}

static inline paddr_t virt_to_maddr(const void *va)
{
    return (const char *)va - host_directmap;
}

static inline void *mfn_to_virt(mfn_t mfn)
{
    return maddr_to_virt(mfn_to_maddr(mfn));
}

static inline mfn_t virt_to_mfn(const void *va)
{
    return maddr_to_mfn(virt_to_maddr(va));
}

#endif /* HOST_ASM_PAGE_H */
