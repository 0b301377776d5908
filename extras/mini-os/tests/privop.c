/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for the privileged instructions a PV kernel has emulated. */

#include "test.h"
#include <hypercall.h>
#include <mm.h>
#include <traps.h>
#include <public/physdev.h>

#define X86_CR0_TS  (1UL << 3)
#define X86_CR0_WP  (1UL << 16)
#define GP          (1 + 13)

TEST(privop, cpuid_policy)
{
    uint32_t r[4];

    forced_cpuid(1, 0, r);
    CHECK(r[2] & (1u << 31), "no hypervisor bit: ecx %x", r[2]);
    /*
     * No large or global pages for a PV kernel.  (We also hide MTRR, MCE
     * and MCA, which Xen 4.17 shows dom0 with MSRs to match that we do
     * not emulate.)
     */
    CHECK(!(r[3] & ((1u << 3) | (1u << 13) | (1u << 17))),
          "edx %x offers PSE, PGE or PSE36", r[3]);
    CHECK(!(r[2] & ((1u << 5) | (1u << 17) | (1u << 21))),
          "ecx %x offers VMX, PCID or x2APIC", r[2]);
    forced_cpuid(0x80000001, 0, r);
    CHECK(!(r[3] & (1u << 26)), "1 GiB pages offered: edx %x", r[3]);
    CHECK(!(r[2] & (1u << 2)), "SVM offered: ecx %x", r[2]);
    forced_cpuid(0x40000000, 0, r);
    CHECK(r[1] == 0x566e6558 && r[2] == 0x65584d4d && r[3] == 0x4d4d566e,
          "no XenVMMXenVMM signature");
}

TEST(privop, mov_to_cr0_only_ts)
{
    unsigned long cr0, now;

    CHECK_RC(probe_read_cr0(&cr0), 0);
    CHECK_RC(probe_write_cr0(cr0 | X86_CR0_TS), 0);
    CHECK_RC(probe_read_cr0(&now), 0);
    CHECK(now & X86_CR0_TS, "cr0 %lx after setting TS", now);
    CHECK_RC(probe_write_cr0(cr0 & ~X86_CR0_TS), 0);
    CHECK_RC(probe_read_cr0(&now), 0);
    CHECK(!(now & X86_CR0_TS), "cr0 %lx after clearing TS", now);
    /* Any other bit is the hypervisor's. */
    CHECK_RC(probe_write_cr0(cr0 & ~X86_CR0_WP), GP);
}

TEST(privop, mov_to_cr4_accepted)
{
    /* Linux sets PGE and more early on; none of it is a PV kernel's. */
    CHECK_RC(probe_write_cr4(1UL << 7), 0);
}

TEST(privop, cli_against_the_virtual_iopl)
{
    physdev_set_iopl_t iopl = { .iopl = 0 };

    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl), 0);
    CHECK_RC(probe_cli(), GP);
    /* A kernel counts as ring 1: IOPL 1 lets it, as a no-op. */
    iopl.iopl = 1;
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl), 0);
    CHECK_RC(probe_cli(), 0);
    iopl.iopl = 0;
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl), 0);
    /* Events still arrive: the mask is vcpu_info's, untouched. */
    CHECK(!this_vcpu()->evtchn_upcall_mask, "events masked by cli");
}

#define X86_CR4_OSXSAVE (1UL << 18)
#define XSTATE_FP  (1ULL << 0)
#define XSTATE_SSE (1ULL << 1)
#define XSTATE_YMM (1ULL << 2)

TEST(privop, xsetbv)
{
    uint32_t r[4];
    uint64_t supported;

    forced_cpuid(1, 0, r);
    if ( !(r[2] & (1u << 26)) )
        SKIP("the CPU has no XSAVE");
    /*
     * As on real hardware, the kernel enables XSAVE in CR4 first (Xen
     * 4.17 raises #UD otherwise, we #GP).
     */
    CHECK_RC(probe_write_cr4(X86_CR4_OSXSAVE), 0);
    forced_cpuid(0xd, 0, r);
    supported = ((uint64_t)r[3] << 32) | r[0];
    CHECK_RC(probe_xsetbv(XSTATE_FP | XSTATE_SSE), 0);
    CHECK_RC(probe_xsetbv(XSTATE_SSE), GP);
    if ( supported & XSTATE_YMM )
    {
        CHECK_RC(probe_xsetbv(XSTATE_FP | XSTATE_YMM), GP);
        CHECK_RC(probe_xsetbv(XSTATE_FP | XSTATE_SSE | XSTATE_YMM), 0);
    }
    CHECK_RC(probe_xsetbv(XSTATE_FP | XSTATE_SSE), 0);
}

TEST(privop, dom0_maps_firmware_frames)
{
    /* The BIOS area: firmware's, not RAM, and dom0's to read. */
    uint8_t *win = alloc_page();
    long rc;

    CHECK(win, "no page");
    if ( !(start_info->flags & SIF_PRIVILEGED) )
    {
        free_page(win);
        SKIP("only dom0 maps I/O memory");
    }
    rc = HYPERVISOR_update_va_mapping((unsigned long)win,
                                      (0xf0UL << PAGE_SHIFT) | PTE_KERNEL_RO,
                                      UVMF_INVLPG | UVMF_LOCAL);
    if ( !rc )
    {
        volatile uint8_t b = win[0];

        (void)b;
    }
    CHECK_RC(make_writable(win), 0);
    free_page(win);
    CHECK(!rc, "mapping frame 0xf0 failed: %ld", rc);
}
