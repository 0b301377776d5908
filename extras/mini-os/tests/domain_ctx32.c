/* SPDX-License-Identifier: GPL-2.0-only */
/* A toolstack's vcpucontext domctls on a 32-bit PAE domU: its own layout. */

#include <xenctl.h>
#include "test.h"
#include <builder.h>
#include <hypercall.h>
#include <mm.h>
#include <xen/compat.h>
#include <xen/libelf.h>

#define CTX32_MEM_KB 4096
#define CTX32_SIZE   sizeof(struct compat_vcpu_context)
/* The trap whose selector the cases set (page fault). */
#define PF_VECTOR    14
/* Pages tried for two at neighbouring addresses. */
#define PAGES_TRIED  8
/* Where a 32-bit guest's kernel starts and the hypervisor's hole does. */
#define KERNEL32_START 0xc0000000u
#define HOLE32_START   0xf5800000u

static struct compat_vcpu_context ctx;
/* More than a 64-bit context (5168 bytes): only CTX32_SIZE are its. */
static uint8_t wide[2 * CTX32_SIZE];

static long ctx_op(uint32_t cmd, domid_t dom, unsigned int vcpu, void *c)
{
    struct xen_domctl op = { .cmd = cmd, .domain = dom };

    op.u.vcpucontext.vcpu = vcpu;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, (vcpu_guest_context_t *)c);
    return domctl(&op);
}

/*
 * Builds a spinning 32-bit domU with a second vCPU, never brought up,
 * from dom0's module if that is a 32-bit kernel (ours-32 gives the
 * 32-bit mini-os; the boot case boot-domu32-peer gives it to the 64-bit
 * one), runs body on it, and destroys it.
 */
static void on_domu32(void (*body)(struct domu *d))
{
    struct domu_spec spec = { .mem_kb = CTX32_MEM_KB, .cmdline = "role=spin",
                              .max_vcpus = 2 };
    struct elf_image elf;
    struct domu d;

    if ( !(spec.image = boot_module(&spec.image_len)) )
        SKIP("no kernel for the domU: give mini-os as dom0's boot module");
    if ( elf_init(&elf, spec.image, spec.image_len) || !elf.is32 )
        SKIP("dom0's boot module is not a 32-bit kernel (ours-32 and "
             "boot-domu32-peer give mini-os-x86_32)");
    CHECK_RC(domu_build(&spec, &d), 0);
    body(&d);
    CHECK_RC(domu_destroy(&d), 0);
}

/*
 * getvcpucontext on a 32-bit domain writes its 2800-byte layout and not
 * a byte past it, as Xen: ring-1 selectors, the callbacks' cs the flat
 * ring-1 one, a folded CR3, and the kernel's own eip.
 */
static void get_is_32bit(struct domu *d)
{
    memset(wide, 0xa5, sizeof(wide));
    CHECK_RC(ctx_op(XEN_DOMCTL_getvcpucontext, d->domid, 0, wide), 0);
    for ( unsigned int i = CTX32_SIZE; i < sizeof(wide); i++ )
        CHECK(wide[i] == 0xa5, "byte %u past the 32-bit context written", i);
    memcpy(&ctx, wide, CTX32_SIZE);
    CHECK(ctx.flags & VGCF_online, "vCPU 0 not online: flags %x", ctx.flags);
    CHECK(ctx.user_regs.cs == COMPAT_FLAT_RING1_CS, "cs %x",
          ctx.user_regs.cs);
    CHECK(ctx.kernel_ss == COMPAT_FLAT_RING1_DS, "kernel_ss %x",
          ctx.kernel_ss);
    CHECK(ctx.event_callback_cs == COMPAT_FLAT_RING1_CS, "event cs %x",
          ctx.event_callback_cs);
    CHECK(ctx.user_regs.eip >= KERNEL32_START &&
              ctx.user_regs.eip < HOLE32_START,
          "eip %x outside its kernel", ctx.user_regs.eip);
    CHECK(ctx.ctrlreg[3], "no CR3");
}

TEST(domain, ctx32_get_gives_the_32bit_layout)
{
    on_domu32(get_is_32bit);
}

/*
 * Selectors of RPL 0 in a 32-bit context are made ring 1, as Xen fixes
 * them rather than refusing: what comes back for the second vCPU.
 */
static void rpl0_fixed(struct domu *d)
{
    CHECK_RC(ctx_op(XEN_DOMCTL_getvcpucontext, d->domid, 0, &ctx), 0);
    ctx.flags &= ~VGCF_online;
    ctx.user_regs.cs = COMPAT_FLAT_RING1_CS & ~3;
    ctx.user_regs.ss = COMPAT_FLAT_RING1_DS & ~3;
    ctx.kernel_ss = COMPAT_FLAT_RING1_DS & ~3;
    ctx.trap_ctxt[PF_VECTOR].vector = PF_VECTOR;
    ctx.trap_ctxt[PF_VECTOR].cs = COMPAT_FLAT_RING1_CS & ~3;
    ctx.trap_ctxt[PF_VECTOR].address = ctx.user_regs.eip;
    CHECK_RC(ctx_op(XEN_DOMCTL_setvcpucontext, d->domid, 1, &ctx), 0);
    memset(&ctx, 0, sizeof(ctx));
    CHECK_RC(ctx_op(XEN_DOMCTL_getvcpucontext, d->domid, 1, &ctx), 0);
    CHECK(!(ctx.flags & VGCF_online), "vCPU 1 came up: flags %x",
          ctx.flags);
    CHECK(ctx.user_regs.cs == COMPAT_FLAT_RING1_CS, "cs %x",
          ctx.user_regs.cs);
    CHECK(ctx.user_regs.ss == COMPAT_FLAT_RING1_DS, "ss %x",
          ctx.user_regs.ss);
    CHECK(ctx.kernel_ss == COMPAT_FLAT_RING1_DS, "kernel_ss %x",
          ctx.kernel_ss);
    CHECK(ctx.trap_ctxt[PF_VECTOR].cs == COMPAT_FLAT_RING1_CS,
          "trap cs %x", ctx.trap_ctxt[PF_VECTOR].cs);
}

TEST(domain, ctx32_ring0_selectors_made_ring1)
{
    on_domu32(rpl0_fixed);
}

/*
 * Defect class: reading or writing a 64-bit context's size would run
 * off a buffer that holds the 32-bit one (-EFAULT where Xen succeeds);
 * one in the hypervisor's range (for a 32-bit caller, the compat M2P it
 * can read) is -EFAULT.  Here the context ends where a page we unmapped
 * begins.
 */
static void exact_size(struct domu *d)
{
    uint8_t *p[PAGES_TRIED], *a = NULL, *b = NULL;
    unsigned int i, j;
    long set, get;

    for ( i = 0; i < PAGES_TRIED; i++ )
        CHECK(p[i] = alloc_page(), "no page");
    for ( i = 0; i < PAGES_TRIED && !a; i++ )
        for ( j = 0; j < PAGES_TRIED; j++ )
            if ( p[j] == p[i] + PAGE_SIZE )
            {
                a = p[i];
                b = p[j];
            }
    CHECK(a, "no two pages at neighbouring addresses");
    CHECK_RC(set_pte((unsigned long)b, 0), 0);
    get = ctx_op(XEN_DOMCTL_getvcpucontext, d->domid, 0,
                 a + PAGE_SIZE - CTX32_SIZE);
    ((struct compat_vcpu_context *)(a + PAGE_SIZE - CTX32_SIZE))->flags &=
        ~VGCF_online;
    set = ctx_op(XEN_DOMCTL_setvcpucontext, d->domid, 1,
                 a + PAGE_SIZE - CTX32_SIZE);
    CHECK_RC(set_pte((unsigned long)b, virt_to_mach(b) | PTE_KERNEL_RW), 0);
    for ( i = 0; i < PAGES_TRIED; i++ )
        free_page(p[i]);
    CHECK(!get && !set, "getvcpucontext %ld, setvcpucontext %ld", get, set);
    CHECK_RC(ctx_op(XEN_DOMCTL_getvcpucontext, d->domid, 0, XEN_PTR),
             -XEN_EFAULT);
    CHECK_RC(ctx_op(XEN_DOMCTL_setvcpucontext, d->domid, 1, XEN_PTR),
             -XEN_EFAULT);
}

TEST(domain, ctx32_exactly_2800_bytes_and_no_hypervisor_buffer)
{
    on_domu32(exact_size);
}

/*
 * CR3s naming no L3 of the domain's are refused (-EINVAL), as Xen: a
 * frame of ours, and a folded one (pae_extended_cr3) above any machine.
 * The vCPU stays uninitialised (-ENODATA).
 */
static void bad_cr3(struct domu *d)
{
    uint32_t mine = virt_to_mfn(&ctx);

    CHECK_RC(ctx_op(XEN_DOMCTL_getvcpucontext, d->domid, 0, &ctx), 0);
    ctx.flags &= ~VGCF_online;
    ctx.ctrlreg[3] = mine << 12 | mine >> 20;
    CHECK_RC(ctx_op(XEN_DOMCTL_setvcpucontext, d->domid, 1, &ctx),
             -XEN_EINVAL);
    ctx.ctrlreg[3] = 0xfffff000u | 0xfffu;
    CHECK_RC(ctx_op(XEN_DOMCTL_setvcpucontext, d->domid, 1, &ctx),
             -XEN_EINVAL);
    CHECK_RC(ctx_op(XEN_DOMCTL_getvcpucontext, d->domid, 1, &ctx),
             -XEN_ENODATA);
}

TEST(domain, ctx32_foreign_or_absent_l3_refused)
{
    on_domu32(bad_cr3);
}

/*
 * An initialised 32-bit vCPU takes its own context back (the folded CR3
 * compares equal) but not other tables: -EOPNOTSUPP, as Xen 4.17.  The
 * domain stays paused, so what it gets back is where it is.
 */
static void same_tables_only(struct domu *d)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_pausedomain,
                             .domain = d->domid };

    CHECK_RC(domctl(&op), 0);
    CHECK_RC(ctx_op(XEN_DOMCTL_getvcpucontext, d->domid, 0, &ctx), 0);
    CHECK_RC(ctx_op(XEN_DOMCTL_setvcpucontext, d->domid, 0, &ctx), 0);
    ctx.ctrlreg[3] ^= 1u << 12;
    CHECK_RC(ctx_op(XEN_DOMCTL_setvcpucontext, d->domid, 0, &ctx),
             -XEN_EOPNOTSUPP);
}

TEST(domain, ctx32_running_vcpu_keeps_its_tables)
{
    on_domu32(same_tables_only);
}
