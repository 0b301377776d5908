/* SPDX-License-Identifier: GPL-2.0-only */
/* A PV domain builder for dom0: an ELF kernel into a new domain via domctl. */

/*
 * Both widths of mini-os build with it, and each builds 64-bit and 32-bit
 * PAE guests.  What differs with the guest's width: the paging levels,
 * the p2m entries' size, start_info's layout and the vCPU context's
 * (xen/pv_domu.h's pv64 ones, xen/compat.h's for 32 bits, whatever our
 * own width).
 */

#include <xenctl.h>
#include <lib.h>
#include <mm.h>
#include <events.h>
#include <time.h>
#include <builder.h>
#include <hypercall.h>
#include <xen/libelf.h>
#include <xen/pv_layout.h>
#include <xen/pv_domu.h>
#include <public/elfnote.h>
#include <public/errno.h>

/* The largest domain this builder makes: its p2m is kept here. */
#define MAX_DOMU_PAGES 16384

static xen_pfn_t p2m[MAX_DOMU_PAGES];
static struct xen_domctl dop;
/* vCPU 0's first context, in the layout of the guest's width. */
static union {
    struct pv64_vcpu_context c64;
    struct compat_vcpu_context c32;
} ctxt;

static long fail(long rc, const char *fmt, ...) __printf(2, 3);
static long fail(long rc, const char *fmt, ...)
{
    char buf[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("builder: %s\n", buf);
    return rc;
}

long map_foreign_frame(void *va, unsigned long mfn, domid_t dom)
{
    return HYPERVISOR_update_va_mapping_otherdomain(
        (unsigned long)va, ((uint64_t)mfn << PAGE_SHIFT) | PTE_KERNEL_RW,
        UVMF_INVLPG | UVMF_LOCAL, dom);
}

long unmap_foreign_frame(void *va)
{
    return set_pte((unsigned long)va, virt_to_mach(va) | PTE_KERNEL_RW);
}

const void *boot_module(size_t *len)
{
    if ( !start_info->mod_start || !start_info->mod_len )
        return NULL;
    *len = start_info->mod_len;
    if ( start_info->flags & SIF_MOD_START_PFN )
        return pfn_to_virt(start_info->mod_start);
    return (const void *)start_info->mod_start;
}

/* A page of ours through which the new domain's frames are written. */
struct window {
    domid_t dom;
    uint8_t *va;
    unsigned long pfn;              /* the guest frame mapped, or: */
#define WINDOW_EMPTY (~0UL)         /* our own page */
#define WINDOW_OTHER (~1UL)         /* a frame outside the p2m */
};

static void *window_at(struct window *w, unsigned long pfn)
{
    if ( w->pfn != pfn )
    {
        if ( map_foreign_frame(w->va, p2m[pfn], w->dom) )
            return NULL;
        w->pfn = pfn;
    }
    return w->va;
}

/* The window on a frame that is not in the p2m (shared_info). */
static void *window_map_frame(struct window *w, unsigned long mfn)
{
    if ( map_foreign_frame(w->va, mfn, w->dom) )
        return NULL;
    w->pfn = WINDOW_OTHER;
    return w->va;
}

static long window_write(struct window *w, uint64_t addr, const void *src,
                         size_t len)
{
    while ( len )
    {
        unsigned long off = addr & ~PAGE_MASK;
        size_t n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
        uint8_t *p = window_at(w, addr >> PAGE_SHIFT);

        if ( !p )
            return -XEN_EFAULT;
        if ( src )
        {
            memcpy(p + off, src, n);
            src = (const uint8_t *)src + n;
        }
        else
            memset(p + off, 0, n);
        addr += n;
        len -= n;
    }
    return 0;
}

struct load_ctx {
    struct window *w;
    uint64_t paddr_offset;
    unsigned long nr_pages;
};

static int load_piece(void *data, uint64_t paddr, const void *src,
                      size_t len)
{
    struct load_ctx *c = data;
    uint64_t gaddr = paddr - c->paddr_offset;

    if ( gaddr + len > (uint64_t)c->nr_pages << PAGE_SHIFT )
        return -XEN_ENOMEM;
    return window_write(c->w, gaddr, src, len);
}

/*
 * The start-of-day region Xen's toolstack gives a PV guest
 * (xen/pv_layout.h): the kernel, the p2m list, start_info, the xenstore
 * and console pages, the bootstrap page tables, a one-page stack, and
 * padding to a 4 MiB boundary, all mapped from VIRT_BASE.
 */
static long plan_layout(struct pv_layout *l, const struct elf_image *elf,
                        unsigned long nr_pages)
{
    if ( pv_layout_compute(l, elf->xen.virt_base, elf->virt_kend, 0,
                           nr_pages,
                           elf->is32 ? PV_LAYOUT_LEVELS_PAE
                                     : PV_LAYOUT_LEVELS_64,
                           PV_LAYOUT_RINGS) ||
         (elf->is32 && l->v_end > PV_DOMU_PAE_END) )
        return fail(-XEN_EINVAL, "the kernel's region does not fit in the "
                    "address space");
    /* write_page_tables() fills one L3 and one L2. */
    if ( l->v_start >> 30 != (l->v_end - 1) >> 30 )
        return fail(-XEN_EINVAL, "the kernel's region %#" PRI64 "x-%#" PRI64 "x crosses a "
                    "1 GiB boundary", l->v_start, l->v_end);
    if ( l->min_pages > nr_pages )
        return fail(-XEN_ENOMEM, "kernel and boot data need %" PRI64 "u pages, "
                    "the domain has %lu", l->min_pages, nr_pages);
    return 0;
}

static uint64_t table_entry(unsigned long pfn)
{
    return ((uint64_t)p2m[pfn] << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW |
           _PAGE_USER | _PAGE_ACCESSED;
}

/* The zeroed table at pfn, through the window. */
static uint64_t *new_table(struct window *w, unsigned long pfn)
{
    uint64_t *t = window_at(w, pfn);

    if ( t )
        memset(t, 0, PAGE_SIZE);
    return t;
}

/*
 * Writes the bootstrap tables; the ones that map tables map them RO.
 * Above the L1s, a 64-bit guest's L4, L3 and L2; a 32-bit guest's L3
 * (four PDPTEs of the present bit only, as Xen wants them) and its four
 * L2s in slot order.  The region lies in one GiB, so one L2 maps it.
 */
static long write_page_tables(struct window *w, const struct pv_layout *l)
{
    bool pae = l->levels == PV_LAYOUT_LEVELS_PAE;
    uint64_t *t;
    unsigned long i, pfn;
    unsigned long pt = pv_layout_pfn(l, l->pt_start);
    unsigned long upper = pae ? 5 : 3, nr_l1 = l->nr_pt_frames - upper;
    unsigned long end = pv_layout_pfn(l, l->v_end);
    unsigned int l3 = (l->v_start >> 30) & 511;
    unsigned int l2 = (l->v_start >> 21) & 511;
    /* A 32-bit kernel runs in ring 1: USER would open it to ring 3. */
    uint64_t user = pae ? 0 : _PAGE_USER;
    uint64_t ro = _PAGE_PRESENT | _PAGE_ACCESSED | user;

    if ( !(t = new_table(w, pt)) )
        return -XEN_EFAULT;
    if ( pae )
        for ( i = 0; i < 4; i++ )
            t[i] = ((uint64_t)p2m[pt + 1 + i] << PAGE_SHIFT) | _PAGE_PRESENT;
    else
        t[(l->v_start >> 39) & 511] = table_entry(pt + 1);
    for ( i = 1; i < upper; i++ )
        if ( !(t = new_table(w, pt + i)) )
            return -XEN_EFAULT;
        else if ( !pae && i == 1 )
            t[l3] = table_entry(pt + 2);
    if ( !(t = window_at(w, pae ? pt + 1 + l3 : pt + 2)) )
        return -XEN_EFAULT;
    for ( i = 0; i < nr_l1; i++ )
        t[l2 + i] = table_entry(pt + upper + i);
    for ( i = 0; i < nr_l1; i++ )
    {
        if ( !(t = new_table(w, pt + upper + i)) )
            return -XEN_EFAULT;
        for ( pfn = i * PT_ENTRIES; pfn < (i + 1) * PT_ENTRIES && pfn < end;
              pfn++ )
        {
            bool table = pfn >= pt && pfn < pt + l->nr_pt_frames;

            t[pfn % PT_ENTRIES] = ((uint64_t)p2m[pfn] << PAGE_SHIFT) |
                                  (table ? ro : ro | _PAGE_RW | _PAGE_DIRTY);
        }
    }
    return 0;
}

static long write_start_info(struct window *w, const struct pv_layout *l,
                             unsigned long nr_pages, uint64_t shared_info,
                             evtchn_port_t console_port, const char *cmdline)
{
    unsigned long pfn = pv_layout_pfn(l, l->start_info);
    /* A 32-bit guest's p2m entries are 4 bytes (xen/pv_layout.h). */
    unsigned int entry = l->levels == PV_LAYOUT_LEVELS_PAE ? 4 : 8;
    xen_pfn_t store = p2m[pv_layout_pfn(l, l->store)];
    xen_pfn_t console = p2m[pv_layout_pfn(l, l->console)];
    void *si = window_at(w, pfn);

    if ( !si )
        return -XEN_EFAULT;
    if ( entry == 4 )
    {
        struct compat_start_info *csi = si;

        /* Its shared_info field is 32 bits wide, as Xen's compat one. */
        if ( shared_info >> 32 )
            return fail(-XEN_EINVAL, "shared_info above 4 GiB");
        PV_DOMU_START_INFO(csi, "xen-3.0-x86_32p", l, nr_pages, shared_info,
                           store, 0, console, console_port, cmdline);
    }
    else
    {
        struct pv64_start_info *nsi = si;

        PV_DOMU_START_INFO(nsi, "xen-3.0-x86_64", l, nr_pages, shared_info,
                           store, 0, console, console_port, cmdline);
    }
    /* The p2m list, then zeroed store and console pages and stack. */
    for ( pfn = 0; pfn < nr_pages; pfn++ )
    {
        uint64_t off = l->p2m_start - l->v_start + pfn * entry;
        uint8_t *p = window_at(w, off >> PAGE_SHIFT);

        if ( !p )
            return -XEN_EFAULT;
        p += off & ~PAGE_MASK;
        if ( entry == 4 )
            *(uint32_t *)p = p2m[pfn];
        else
            *(uint64_t *)p = p2m[pfn];
    }
    if ( window_write(w, l->store - l->v_start, NULL, PAGE_SIZE) ||
         window_write(w, l->console - l->v_start, NULL, PAGE_SIZE) ||
         window_write(w, l->stack - l->v_start, NULL, PAGE_SIZE) )
        return -XEN_EFAULT;
    return 0;
}

static long create_domain(const struct domu_spec *spec, struct domu *d,
                          bool is32)
{
    struct xen_domctl_createdomain *c = &dop.u.createdomain;
    unsigned int vcpus = spec->max_vcpus ? spec->max_vcpus : 1;
    long rc;

    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_createdomain;
    c->max_vcpus = vcpus;
    c->max_evtchn_port = 1023;
    c->max_grant_frames = 4;
    c->max_maptrack_frames = 128;
    c->grant_opts = XEN_DOMCTL_GRANT_version(spec->max_grant_version ?: 1);
    if ( (rc = domctl(&dop)) )
        return fail(rc, "createdomain: %ld", rc);
    d->domid = dop.domain;

    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_max_vcpus;
    dop.domain = d->domid;
    dop.u.max_vcpus.max = vcpus;
    if ( (rc = domctl(&dop)) )
        return fail(rc, "max_vcpus: %ld", rc);

    /* As Xen's toolstack: 32-bit before it has any memory. */
    if ( is32 )
    {
        memset(&dop, 0, sizeof(dop));
        dop.cmd = XEN_DOMCTL_set_address_size;
        dop.domain = d->domid;
        dop.u.address_size.size = 32;
        if ( (rc = domctl(&dop)) )
            return fail(rc, "set_address_size 32: %ld", rc);
    }

    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_max_mem;
    dop.domain = d->domid;
    dop.u.max_mem.max_memkb = d->nr_pages * (PAGE_SIZE / 1024);
    if ( (rc = domctl(&dop)) )
        return fail(rc, "max_mem: %ld", rc);
    return 0;
}

/* Gives the domain frames for pfns 0..nr-1; p2m[] then holds their mfns. */
static long populate(const struct domu *d)
{
    for ( unsigned long done = 0; done < d->nr_pages; )
    {
        struct xen_memory_reservation r = {
            .nr_extents = d->nr_pages - done < 1024 ? d->nr_pages - done
                                                    : 1024,
            .domid = d->domid,
        };
        long rc;

        for ( unsigned long i = 0; i < r.nr_extents; i++ )
            p2m[done + i] = done + i;
        set_xen_guest_handle(r.extent_start, &p2m[done]);
        rc = HYPERVISOR_memory_op(XENMEM_populate_physmap, &r);
        if ( rc != (long)r.nr_extents )
            return fail(rc < 0 ? rc : -XEN_ENOMEM,
                        "populate_physmap at pfn %lu: %ld", done, rc);
        done += r.nr_extents;
    }
    return 0;
}

static long set_context(const struct domu *d, const struct pv_layout *l,
                        const struct elf_image *elf)
{
    xen_pfn_t root = p2m[pv_layout_pfn(l, l->pt_start)];
    long rc;

    /* The domctl takes the layout of the domain's width. */
    if ( elf->is32 )
        pv_domu_boot_context32(&ctxt.c32, elf->virt_entry,
                               l->stack + PAGE_SIZE, l->start_info, root);
    else
        pv_domu_boot_context(&ctxt.c64, elf->virt_entry, l->stack + PAGE_SIZE,
                             l->start_info, root);

    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_setvcpucontext;
    dop.domain = d->domid;
    dop.u.vcpucontext.vcpu = 0;
    set_xen_guest_handle(dop.u.vcpucontext.ctxt, (vcpu_guest_context_t *)&ctxt);
    if ( (rc = domctl(&dop)) )
        return fail(rc, "setvcpucontext: %ld", rc);
    return 0;
}

static long fill_domain(struct domu *d, const struct elf_image *elf,
                        const struct domu_spec *spec, struct window *w)
{
    struct load_ctx lc = { w, elf->xen.paddr_offset, d->nr_pages };
    struct mmuext_op pin = { .cmd = elf->is32 ? MMUEXT_PIN_L3_TABLE
                                              : MMUEXT_PIN_L4_TABLE };
    evtchn_alloc_unbound_t cons = { .remote_dom = 0 };
    evtchn_bind_interdomain_t bind = { 0 };
    struct xen_domctl_getdomaininfo info;
    shared_info_t *si;
    struct pv_layout l;
    long rc;

    if ( (rc = plan_layout(&l, elf, d->nr_pages)) )
        return rc;
    if ( (rc = elf_load(elf, load_piece, &lc)) )
        return fail(rc, "loading the kernel: %ld", rc);

    /* Its console channel: unbound in the domain, then bound to us. */
    cons.dom = d->domid;
    if ( (rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &cons)) )
        return fail(rc, "console event channel: %ld", rc);
    bind.remote_dom = d->domid;
    bind.remote_port = cons.port;
    if ( (rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain,
                                           &bind)) )
        return fail(rc, "binding the console channel: %ld", rc);
    /* Left masked: domu_console_drain() polls the ring. */
    d->console_port = bind.local_port;

    if ( (rc = domain_getinfo(d->domid, &info)) )
        return fail(rc, "getdomaininfo: %ld", rc);
    rc = write_start_info(w, &l, d->nr_pages,
                          (uint64_t)info.shared_info_frame << PAGE_SHIFT,
                          cons.port, spec->cmdline);
    if ( !rc )
        rc = write_page_tables(w, &l);
    if ( rc )
        return fail(rc, "writing the boot data: %ld", rc);
    /*
     * Its vCPUs start with events masked, as Xen's toolstack leaves them:
     * nothing may be delivered before the kernel has set its callbacks.
     */
    if ( !(si = window_map_frame(w, info.shared_info_frame)) )
        return fail(-XEN_EFAULT, "mapping its shared_info failed");
    for ( unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++ )
        si->vcpu_info[i].evtchn_upcall_mask = 1;

    /* The window must not map any of the tables when they become tables. */
    unmap_foreign_frame(w->va);
    w->pfn = WINDOW_EMPTY;

    pin.arg1.mfn = p2m[pv_layout_pfn(&l, l.pt_start)];
    if ( (rc = HYPERVISOR_mmuext_op(&pin, 1, NULL, d->domid)) )
        return fail(rc, "pinning the top table: %ld", rc);
    if ( elf->xen.seen & (1u << XEN_ELFNOTE_HYPERCALL_PAGE) )
    {
        unsigned long pfn = pv_layout_pfn(&l, elf->xen.hypercall_page);

        memset(&dop, 0, sizeof(dop));
        dop.cmd = XEN_DOMCTL_hypercall_init;
        dop.domain = d->domid;
        dop.u.hypercall_init.gmfn = p2m[pfn];
        if ( (rc = domctl(&dop)) )
            return fail(rc, "hypercall_init: %ld", rc);
    }
    if ( (rc = set_context(d, &l, elf)) )
        return rc;

    /* Keep its console ring mapped for as long as we keep the domain. */
    if ( !(d->console = alloc_page()) )
        return fail(-XEN_ENOMEM, "no page for the console ring");
    if ( (rc = map_foreign_frame(d->console,
                                 p2m[pv_layout_pfn(&l, l.console)],
                                 d->domid)) )
    {
        free_page(d->console);
        d->console = NULL;
        return fail(rc, "mapping the console ring: %ld", rc);
    }
    return 0;
}

long domu_build(const struct domu_spec *spec, struct domu *d)
{
    struct elf_image elf;
    struct window w = { .pfn = WINDOW_EMPTY };
    long rc;

    memset(d, 0, sizeof(*d));
    d->nr_pages = spec->mem_kb / (PAGE_SIZE / 1024);
    if ( d->nr_pages < 1 || d->nr_pages > MAX_DOMU_PAGES )
        return fail(-XEN_EINVAL, "memory %lu KiB: want 4 to %lu KiB",
                    spec->mem_kb, MAX_DOMU_PAGES * (PAGE_SIZE / 1024));
    if ( elf_init(&elf, spec->image, spec->image_len) ||
         elf_xen_check(&elf) )
        return fail(-XEN_EINVAL, "not a PV kernel image");
    /* As Xen: a 32-bit kernel must be PAE ("yes", "bimodal", ...). */
    if ( elf.is32 &&
         (!elf.xen.pae_mode[0] || !strncmp(elf.xen.pae_mode, "no", 2)) )
        return fail(-XEN_EINVAL, "a 32-bit kernel without PAE");
    if ( !(elf.xen.seen & (1u << XEN_ELFNOTE_VIRT_BASE)) ||
         elf.xen.virt_base & ((1UL << 21) - 1) )
        return fail(-XEN_EINVAL, "the kernel needs a 2 MiB aligned "
                    "VIRT_BASE note");
    if ( !(w.va = alloc_page()) )
        return fail(-XEN_ENOMEM, "no page for the build window");

    if ( !(rc = create_domain(spec, d, elf.is32)) && !(rc = populate(d)) )
    {
        w.dom = d->domid;
        rc = fill_domain(d, &elf, spec, &w);
    }
    if ( w.pfn != WINDOW_EMPTY )
        unmap_foreign_frame(w.va);
    free_page(w.va);
    if ( rc )
    {
        if ( d->domid )
            domu_destroy(d);
        return rc;
    }

    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_unpausedomain;
    dop.domain = d->domid;
    if ( (rc = domctl(&dop)) )
    {
        domu_destroy(d);
        return fail(rc, "unpausedomain: %ld", rc);
    }
    return 0;
}

long domu_adopt(domid_t domid, struct domu *d)
{
    struct xen_domctl_getdomaininfo info;
    long rc = domain_getinfo(domid, &info);

    /* getdomaininfo answers for the next domain up if there is none. */
    if ( !rc && info.domain != domid )
        rc = -XEN_ESRCH;
    if ( rc )
        return rc;
    memset(d, 0, sizeof(*d));
    d->domid = domid;
    d->nr_pages = info.tot_pages;
    return 0;
}

void domu_console_drain(struct domu *d)
{
    struct xencons_interface *r = d->console;
    XENCONS_RING_IDX cons, prod;

    if ( !r )
        return;
    cons = r->out_cons;
    prod = ACCESS_ONCE(r->out_prod);
    rmb();
    /*
     * The ring is the guest's to scribble on: more than a ring's worth
     * waiting is a broken (or hostile) producer.  Drop it, as a console
     * backend must, rather than loop over up to 4 GiB of it.
     */
    if ( prod - cons > sizeof(r->out) )
    {
        printk("[d%u] console ring broken (prod %u, cons %u): dropped\n",
               d->domid, prod, cons);
        cons = prod;
    }
    for ( ; cons != prod; cons++ )
    {
        char c = r->out[MASK_XENCONS_IDX(cons, r->out)];

        if ( c != '\n' && d->line_len < sizeof(d->line) - 1 )
        {
            d->line[d->line_len++] = c;
            continue;
        }
        d->line[d->line_len] = '\0';
        printk("[d%u] %s\n", d->domid, d->line);
        if ( !strncmp(d->line, "VERDICT: ", 9) )
            snprintf(d->verdict, sizeof(d->verdict), "%s", d->line + 9);
        d->line_len = 0;
    }
    mb();
    r->out_cons = cons;
    notify_remote_via_evtchn(d->console_port);
}

long domu_wait_shutdown(struct domu *d, unsigned int ms,
                        unsigned int *reason)
{
    uint64_t deadline = monotonic_clock() + MILLISECS(ms);
    struct xen_domctl_getdomaininfo info;
    long rc;

    for ( ; ; )
    {
        domu_console_drain(d);
        if ( (rc = domain_getinfo(d->domid, &info)) )
            return rc;
        if ( info.flags & XEN_DOMINF_shutdown )
        {
            *reason = (info.flags >> XEN_DOMINF_shutdownshift) &
                      XEN_DOMINF_shutdownmask;
            domu_console_drain(d);
            return 0;
        }
        if ( monotonic_clock() >= deadline )
            return -XEN_ETIMEDOUT;
        msleep(5);
    }
}

long domu_destroy(struct domu *d)
{
    if ( d->console )
    {
        domu_console_drain(d);
        unmap_foreign_frame(d->console);
        free_page(d->console);
        d->console = NULL;
    }
    if ( d->console_port )
    {
        unbind_evtchn(d->console_port);
        d->console_port = 0;
    }
    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_destroydomain;
    dop.domain = d->domid;
    return domctl(&dop);
}
