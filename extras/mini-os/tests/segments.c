/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for data segment selectors across context switches, and failsafe. */

#include <xenctl.h>
#include "test.h"
#include <builder.h>
#include <hypercall.h>
#include <mm.h>
#include <time.h>
#include <traps.h>

/*
 * The hypervisor keeps a vCPU's ds, es, fs and gs while others run, and
 * reloads them when it comes back; one that no longer loads goes to the
 * failsafe callback.  To see that, another vCPU must run on our CPU in
 * between (Xen 4.17 keeps a vCPU's state on a CPU that only idled): a
 * peer domain that spins with null selectors, pinned beside us.
 */
struct cpu_share {
    struct domu peer;
    long cpu;
};

static bool share_cpu(struct cpu_share *s)
{
    struct domu_spec spec = { .mem_kb = 4096, .cmdline = "role=spin" };

    if ( !(spec.image = boot_module(&spec.image_len)) )
        return false;
    if ( (s->cpu = vcpu_cpu(0, 0)) < 0 || vcpu_pin(0, 0, s->cpu) )
        return false;
    if ( domu_build(&spec, &s->peer) )
    {
        vcpu_pin(0, 0, -1);
        return false;
    }
    if ( vcpu_pin(s->peer.domid, 0, s->cpu) )
    {
        domu_destroy(&s->peer);
        vcpu_pin(0, 0, -1);
        return false;
    }
    return true;
}

static void unshare_cpu(struct cpu_share *s)
{
    domu_destroy(&s->peer);
    vcpu_pin(0, 0, -1);
}

#define read_selector(seg) ({                                            \
    uint16_t v_;                                                          \
    asm volatile ( "mov %%" #seg ", %0" : "=r" (v_) );                    \
    v_;                                                                   \
})

static void load_ds_es(uint16_t sel)
{
    asm volatile ( "mov %0, %%ds; mov %0, %%es" :: "r" (sel) : "memory" );
}

/*
 * What ds and es hold in our kernel: null at 64 bits; at 32 bits the flat
 * ring-1 selector, which our failsafe callback also reloads.
 */
#ifdef __i386__
#define KERNEL_DS FLAT_KERNEL_DS
#else
#define KERNEL_DS 0
#endif

/* Xen's flat ring-3 data selector (FLAT_RING3_DS32), in every GDT. */
#define FLAT_DS 0xe02b

TEST(segments, selectors_survive_another_vcpu)
{
    struct cpu_share s;
    uint16_t ds, es;

    if ( !share_cpu(&s) )
        SKIP("no peer to share our CPU with: give mini-os as dom0's boot "
             "module");
    load_ds_es(FLAT_DS);
    msleep(30);         /* the peer runs here meanwhile */
    ds = read_selector(ds);
    es = read_selector(es);
    load_ds_es(KERNEL_DS);
    unshare_cpu(&s);
    CHECK(ds == FLAT_DS && es == FLAT_DS, "ds %x es %x after a switch", ds,
          es);
}

/* A flat writable data segment for ring 3 (DPL 3, present, 4 GiB). */
#define DESC_DATA 0x00cff2000000ffffUL

TEST(segments, stale_selector_goes_to_failsafe)
{
    uint64_t *gdt = alloc_page();
    unsigned long frame, before = failsafe_count;
    struct cpu_share s;
    uint16_t ds;

    CHECK(gdt, "no page");
    if ( !share_cpu(&s) )
    {
        free_page(gdt);
        SKIP("no peer to share our CPU with: give mini-os as dom0's boot "
             "module");
    }
    gdt[1] = DESC_DATA;
    frame = virt_to_mfn(gdt);
    CHECK_RC(make_readonly(gdt), 0);
    CHECK_RC(HYPERVISOR_set_gdt(&frame, 512), 0);
    load_ds_es(0x0b);                   /* GDT entry 1, RPL 3 */
    /*
     * Gone while loaded: reloading it after the next switch must fail.
     * The peer may take the CPU as soon as the descriptor changes, even
     * on the way back from that hypercall, so expect it from there on.
     */
    failsafe_expected = true;
    CHECK_RC(HYPERVISOR_update_descriptor(virt_to_mach(&gdt[1]), 0), 0);
    msleep(30);
    failsafe_expected = false;
    ds = read_selector(ds);
    load_ds_es(KERNEL_DS);
    unshare_cpu(&s);
    CHECK_RC(HYPERVISOR_set_gdt(&frame, 0), 0);
    CHECK_RC(make_writable(gdt), 0);
    free_page(gdt);
    CHECK(failsafe_count == before + 1, "failsafe came %lu times",
          failsafe_count - before);
    CHECK(failsafe_selectors[0] == 0x0b && failsafe_selectors[1] == 0x0b,
          "failsafe frame: ds %" PRI64 "x es %" PRI64 "x", failsafe_selectors[0],
          failsafe_selectors[1]);
    CHECK(ds == KERNEL_DS, "ds %x after the failsafe callback", ds);
}
