/* SPDX-License-Identifier: GPL-2.0-only */
/* MSR accesses by an unprivileged PV kernel: which fault, which are kept. */

#include "hostile.h"
#include <hypercall.h>
#include <traps.h>

#define GP (1 + 13)

/*
 * What a PV domU meets on Xen 4.17 under QEMU's AMD-like CPU: a read
 * that works or faults, a write of the value read that works or faults,
 * and for writes that work, whether a changed value sticks (never, for
 * these: the write is dropped).  TSC_AUX is left out: Xen keeps a guest
 * value for RDTSCP, which we do not offer.
 */
/* VMCE: Xen keeps machine-check state we do not offer (no MCA in CPUID). */
enum { RD = 1, WR = 2, AMD_ONLY = 4, VMCE = 8 };
#ifdef __x86_64__
#define SEGBASE (RD | WR)
#else
#define SEGBASE 0               /* no segment-base MSRs at 32 bits (Xen) */
#endif
static const struct {
    uint32_t msr;
    unsigned int ok;            /* RD and WR that do not fault */
} msrs[] = {
    { 0x00000010, RD },             /* TSC: read only */
    { 0x0000001b, RD },             /* APIC_BASE */
    { 0x0000003a, 0 },              /* FEATURE_CONTROL */
    { 0x00000048, 0 },              /* SPEC_CTRL (not offered) */
    { 0x00000049, 0 },              /* PRED_CMD */
    { 0x0000008b, RD },             /* PATCHLEVEL */
    { 0x000000fe, 0 },              /* MTRRcap */
    { 0x0000010a, 0 },              /* ARCH_CAPABILITIES */
    { 0x00000174, 0 },              /* SYSENTER_CS */
    { 0x00000175, 0 },              /* SYSENTER_ESP */
    { 0x00000176, 0 },              /* SYSENTER_EIP */
    { 0x00000179, RD | WR },        /* MCG_CAP */
    { 0x0000017a, RD | WR | VMCE }, /* MCG_STATUS */
    { 0x000001a0, RD | WR },        /* MISC_ENABLE */
    { 0x000001d9, 0 },              /* DEBUGCTL */
    { 0x00000277, RD },             /* PAT */
    { 0x000002ff, 0 },              /* MTRR_DEF_TYPE */
    { 0xc0000080, RD | WR },        /* EFER (only its own value) */
    { 0xc0000081, 0 },              /* STAR */
    { 0xc0000082, 0 },              /* LSTAR */
    { 0xc0000083, 0 },              /* CSTAR */
    { 0xc0000084, 0 },              /* SFMASK */
    { 0xc0000100, SEGBASE },        /* FS_BASE */
    { 0xc0000101, SEGBASE },        /* GS_BASE */
    { 0xc0000102, SEGBASE },        /* SHADOW_GS_BASE */
    { 0xc0010015, RD | WR | AMD_ONLY }, /* HWCR */
    { 0xc0011029, RD | WR | AMD_ONLY }, /* DE_CFG */
    { 0x12345678, 0 },              /* nothing */
    { 0xc0001234, 0 },
};

static bool cpu_is_amd(void)
{
    uint32_t r[4];

    forced_cpuid(0, 0, r);
    return r[1] == 0x68747541;      /* "Auth" */
}

HOSTILE(msr, access_as_xen)
{
    bool amd = cpu_is_amd();

    for ( unsigned int i = 0; i < ARRAY_SIZE(msrs); i++ )
    {
        uint32_t msr = msrs[i].msr;
        unsigned int ok = (msrs[i].ok & AMD_ONLY) && !amd ? 0 : msrs[i].ok;
        uint64_t v = 0, after = 0;
        int r = probe_rdmsr(msr, &v);

        CHECK(r == (ok & RD ? 0 : GP), "rdmsr %x gave %d", msr, r);
        /* Write back what was read (or 0 if the read faulted). */
        r = probe_wrmsr(msr, v);
        CHECK(r == (ok & WR ? 0 : GP), "wrmsr %x (%lx) gave %d", msr,
              (unsigned long)v, r);
        if ( !(ok & WR) || (ok & VMCE) || msr >= 0xc0000100 )
            continue;               /* the segment bases are real */
        /* Dropped writes: a changed value faults (EFER) or is ignored. */
        r = probe_wrmsr(msr, v ^ 1);
        CHECK(r == (msr == 0xc0000080 ? GP : 0), "wrmsr %x changed: %d",
              msr, r);
        CHECK(!probe_rdmsr(msr, &after) && after == v,
              "msr %x now %lx, was %lx", msr, (unsigned long)after,
              (unsigned long)v);
    }
}

/* The APIC base we see is the one Xen shows: enabled, at home, BSP. */
HOSTILE(msr, apic_base_of_vcpu0)
{
    uint64_t v;

    CHECK_RC(probe_rdmsr(0x1b, &v), 0);
    CHECK(v == 0xfee00900UL, "APIC_BASE %lx", (unsigned long)v);
}
