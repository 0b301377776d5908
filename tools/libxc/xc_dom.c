/* SPDX-License-Identifier: GPL-2.0-only */
/* libhvxc's PV domain builder: an ELF kernel (maybe gzip/xz) into a domU. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xen/decompress.h>
#include <xen/libelf.h>
#include <public/elfnote.h>

#include "xc_dom.h"
#include "xc_private.h"
#include <xen/pv_domu.h>

#define PT_ENTRIES  512
/* populate_physmap's large extents: 2 MiB, up to 1 GiB a hypercall. */
#define SUPERPAGE_ORDER 9
#define SUPERPAGE_PAGES (1UL << SUPERPAGE_ORDER)
#define SUPERPAGE_BATCH 512
/* Linux 5.14's prefault of a range (older kernels: EINVAL, faults later). */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
/* How much of the unpacked image's buffer one prefault call takes. */
#define PREFAULT_CHUNK (2UL << 20)
/* Domains up to 256 MiB are mapped while their kernel unpacks. */
#define PREMAP_MAX_PAGES (256UL << (20 - XC_PAGE_SHIFT))
/* Page table entry bits (x86-64). */
#define PTE_P       0x001ULL
#define PTE_RW      0x002ULL
#define PTE_US      0x004ULL
#define PTE_A       0x020ULL
#define PTE_D       0x040ULL
/* Grant table entries Xen's toolstack reserves for a domU's rings. */
#define GNT_CONSOLE 0
#define GNT_STORE   1

/*
 * Each phase's wall time, logged at XC_LOG_DEBUG when the build ends:
 * what `XEN_CREATE_PV_TIMES=1 xen-create-pv` prints.
 */
struct phase_times {
    double last;
    char line[320];
    size_t len;
};

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Ends the phase called name (one word), which began at the last one. */
static void phase_end(struct phase_times *pt, const char *name)
{
    double t = now_ms();
    int n;

    if ( pt->len < sizeof(pt->line) )
    {
        n = snprintf(pt->line + pt->len, sizeof(pt->line) - pt->len,
                     " %s %.1f", name, t - pt->last);
        pt->len += n > 0 ? n : 0;
    }
    pt->last = t;
}

/*
 * A buffer of len bytes, its pages faulted in by the one mmap call:
 * touching them one at a time (the decompressor, read()) costs a page
 * fault each, which in a PV dom0 is a round trip through the hypervisor.
 * Freed with munmap.
 */
static void *prefaulted_alloc(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

    return p == MAP_FAILED ? NULL : p;
}

/*
 * A whole file, read only; NULL with errno set.  Freed with munmap.
 * Mapped where the file system allows it: the page cache's own pages,
 * without read()'s copy of the whole file into a buffer of fresh pages,
 * and only the pages the builder touches are faulted in (the kernel
 * maps a fault's neighbours too, so a few dozen faults for a bzImage):
 * for an ELF kernel with its debug sections, a small part of the file.
 */
static void *read_file(const char *path, size_t *len, struct stat *stp)
{
    struct stat st;
    uint8_t *buf = NULL;
    size_t done = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if ( fd < 0 )
        return NULL;
    if ( fstat(fd, &st) )
        goto out;
    if ( st.st_size <= 0 || st.st_size > (off_t)XC_DOM_MAX_IMAGE )
    {
        errno = st.st_size <= 0 ? EINVAL : EFBIG;
        goto out;
    }
    *len = st.st_size;
    if ( stp )
        *stp = st;
    if ( S_ISREG(st.st_mode) )
    {
        buf = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if ( buf != MAP_FAILED )
            goto out;
    }
    if ( !(buf = prefaulted_alloc(st.st_size)) )
        goto out;
    while ( done < (size_t)st.st_size )
    {
        ssize_t n = read(fd, buf + done, st.st_size - done);

        if ( n <= 0 )
        {
            int err = n ? errno : EIO;

            munmap(buf, st.st_size);
            errno = err;
            buf = NULL;
            goto out;
        }
        done += n;
    }
 out:
    close(fd);
    return buf;
}

void xc_dom_free_kernel(struct xc_dom_kernel *k)
{
    if ( k->unpacked )
        munmap(k->unpacked, k->unpacked_len);
    k->unpacked = NULL;
}

/*
 * The compressed part of a kernel image (a bzImage's payload, or all of
 * it) and its unpacked size: 0, or -EINVAL if it is not compressed or
 * is too big to unpack.
 */
static int packed_kernel(const void **data, size_t *len, size_t *out_len)
{
    size_t offset, n;

    /* A Linux bzImage: its payload is the compressed ELF kernel. */
    if ( !bzimage_payload(*data, *len, &offset, &n) )
    {
        *data = (const uint8_t *)*data + offset;
        *len = n;
    }
    if ( decompress_format(*data, *len) == DECOMPRESS_NONE ||
         decompressed_size(*data, *len, out_len) || !*out_len ||
         *out_len > XC_DOM_MAX_IMAGE )
        return -EINVAL;
    return 0;
}

/*
 * xc_dom_parse_kernel() unpacking into buf (buf_len bytes, mapped
 * writable) if it is big enough, else into a buffer of its own; buf is
 * k's from the start, so freed with it, or here if unused.  Into buf the
 * unpacking writes as ready(opaque, end) allows (decompress_paced()),
 * unless ready is NULL; -ENOSPC if it refused.
 */
static int parse_kernel_into(const void *data, size_t len,
                             struct xc_dom_kernel *k, void *buf,
                             size_t buf_len,
                             int (*ready)(void *opaque, size_t end),
                             void *opaque)
{
    size_t out_len;
    double t0 = now_ms(), t1;
    int rc;

    memset(k, 0, sizeof(*k));
    if ( !packed_kernel(&data, &len, &out_len) )
    {
        if ( buf && buf_len < out_len )
        {
            munmap(buf, buf_len);
            buf = NULL;
        }
        if ( buf )
            k->unpacked = buf;
        else
        {
            /* Only buf is paced: a buffer of our own is usable at once. */
            ready = NULL;
            if ( !(k->unpacked = prefaulted_alloc(out_len)) )
                return -ENOMEM;
        }
        k->unpacked_len = buf ? buf_len : out_len;
        buf = NULL;
        t1 = now_ms();
        rc = decompress_paced(data, len, k->unpacked, out_len, &out_len,
                              ready, opaque);
        if ( rc )
        {
            xc_dom_free_kernel(k);
            return rc == -ENOSPC && ready ? -ENOSPC : -EINVAL;
        }
        if ( xc_dom_log_to )
            xc_log(xc_dom_log_to, XC_LOG_DEBUG, "unpacked %zu bytes: buffer "
                   "%.1f ms, decompression %.1f ms", out_len, t1 - t0,
                   now_ms() - t1);
        data = k->unpacked;
        len = out_len;
    }
    if ( buf )
        munmap(buf, buf_len);
    /* Compressed, but its size unknown or too big. */
    if ( !k->unpacked && decompress_format(data, len) != DECOMPRESS_NONE )
        goto bad;
    /*
     * A 32-bit kernel must be PAE (its note "yes", "bimodal", ...), as
     * Xen's libxc has it: x86_32p is the only 32-bit PV guest type.
     */
    if ( elf_init(&k->elf, data, len) || elf_xen_check(&k->elf) ||
         (k->elf.is32 && (!k->elf.xen.pae_mode[0] ||
                          !strncmp(k->elf.xen.pae_mode, "no", 2))) )
        goto bad;
    if ( !(k->elf.xen.seen & (1u << XEN_ELFNOTE_VIRT_BASE)) ||
         (k->elf.xen.virt_base & (XC_PAGE_SIZE - 1)) ||
         k->elf.virt_kstart < k->elf.xen.virt_base )
        goto bad;
    return 0;
 bad:
    xc_dom_free_kernel(k);
    return -EINVAL;
}

int xc_dom_parse_kernel(const void *data, size_t len, struct xc_dom_kernel *k)
{
    return parse_kernel_into(data, len, k, NULL, 0, NULL, NULL);
}

int xc_dom_layout(struct xc_dom_layout *l, const struct xc_dom_kernel *k,
                  size_t ramdisk_len, uint64_t nr_pages)
{
    uint64_t vb = k->elf.xen.virt_base, kend = k->elf.virt_kend;

    memset(l, 0, sizeof(*l));
    if ( kend <= vb || kend - vb > XC_DOM_MAX_IMAGE || !nr_pages ||
         nr_pages > (1ULL << 28) )
        return -EINVAL;
    l->nr_pages = nr_pages;
    if ( pv_layout_compute(&l->r, vb, kend, ramdisk_len, nr_pages,
                           k->elf.is32 ? PV_LAYOUT_LEVELS_PAE
                                       : PV_LAYOUT_LEVELS_64,
                           PV_LAYOUT_RINGS) ||
         (k->elf.is32 && l->r.v_end > PV_DOMU_PAE_END) )
        return -EINVAL;
    /* The whole region is mapped, so it must exist (as in Xen's libxc). */
    return l->r.min_pages > nr_pages ? -ENOMEM : 0;
}

/*
 * Fills the region's page tables at pt_start of region, a mapping of it.
 * A 32-bit guest's walk starts at its L3, whose four PDPTEs (the present
 * bit only, as Xen wants them) point at the four L2s that follow it in
 * slot order; its kernel runs in ring 1, so its pages are not USER ones.
 */
static void write_page_tables(const struct pv_layout *l, uint8_t *region,
                              const xen_pfn_t *p2m)
{
    bool pae = l->levels == PV_LAYOUT_LEVELS_PAE;
    unsigned long pt = pv_layout_pfn(l, l->pt_start), next = pt + 1;
    unsigned long pt_end = pt + l->nr_pt_frames;
    uint64_t *top = (uint64_t *)(region + (pt << XC_PAGE_SHIFT));
    const uint64_t table = PTE_P | PTE_RW | PTE_US | PTE_A;
    const uint64_t user = pae ? 0 : PTE_US;

    memset(top, 0, l->nr_pt_frames << XC_PAGE_SHIFT);
    for ( unsigned int i = 0; pae && i < 4; i++ )
        top[i] = ((uint64_t)p2m[next++] << XC_PAGE_SHIFT) | PTE_P;
    for ( unsigned long pfn = 0; pfn < pv_layout_pfn(l, l->v_end); pfn++ )
    {
        uint64_t va = l->v_start + ((uint64_t)pfn << XC_PAGE_SHIFT);
        uint64_t *t = top, pte;

        for ( unsigned int shift = pae ? 30 : 39; shift > 12; shift -= 9 )
        {
            uint64_t *e = &t[(va >> shift) & (PT_ENTRIES - 1)];

            if ( !(*e & PTE_P) )
                *e = ((uint64_t)p2m[next++] << XC_PAGE_SHIFT) | table;
            /* The tables' pfns: each mfn's place in the region. */
            for ( unsigned long i = pt; i < pt_end; i++ )
                if ( p2m[i] == (*e >> XC_PAGE_SHIFT & ((1ULL << 40) - 1)) )
                {
                    t = (uint64_t *)(region + (i << XC_PAGE_SHIFT));
                    break;
                }
        }
        pte = ((uint64_t)p2m[pfn] << XC_PAGE_SHIFT) | PTE_P | user | PTE_A;
        /* The guest may not write its own tables: Xen validates them. */
        if ( pfn < pt || pfn >= pt_end )
            pte |= PTE_RW | PTE_D;
        t[(va >> 12) & (PT_ENTRIES - 1)] = pte;
    }
}

struct load_ctx {
    uint8_t *region;
    uint64_t base;          /* bytes: the region's guest "physical" 0 */
    uint64_t offset;        /* virtual = physical + offset */
    uint64_t size;
};

static int load_piece(void *data, uint64_t paddr, const void *src,
                      size_t len)
{
    struct load_ctx *c = data;
    uint64_t at = paddr + c->offset - c->base;

    if ( at > c->size || len > c->size - at )
        return -ENOMEM;
    if ( src )
        memcpy(c->region + at, src, len);
    else
        memset(c->region + at, 0, len);
    return 0;
}

void xc_dom_start_info(const struct xc_dom_layout *l, void *page,
                       const xen_pfn_t *p2m, uint64_t shared_info_maddr,
                       evtchn_port_t store_port, evtchn_port_t console_port,
                       const char *cmdline)
{
    xen_pfn_t store = p2m[pv_layout_pfn(&l->r, l->r.store)];
    xen_pfn_t console = p2m[pv_layout_pfn(&l->r, l->r.console)];

    if ( l->r.levels == PV_LAYOUT_LEVELS_PAE )
    {
        struct compat_start_info *si = page;

        PV_DOMU_START_INFO(si, "xen-3.0-x86_32p", &l->r, l->nr_pages,
                           shared_info_maddr, store, store_port, console,
                           console_port, cmdline);
        si->mod_start = l->r.mod_start;
        si->mod_len = l->r.mod_len;
    }
    else
    {
        start_info_t *si = page;

        PV_DOMU_START_INFO(si, "xen-3.0-x86_64", &l->r, l->nr_pages,
                           shared_info_maddr, store, store_port, console,
                           console_port, cmdline);
        si->mod_start = l->r.mod_start;
        si->mod_len = l->r.mod_len;
    }
}

/* Grant entries 0 and 1 let the backends map the rings by grant. */
static int seed_grants(xc_interface *xch, uint32_t domid,
                       const struct xc_pv_config *cfg, xen_pfn_t console,
                       xen_pfn_t store)
{
    grant_entry_v1_t *g;
    struct gnttab_setup_table st = { .dom = domid, .nr_frames = 1 };
    struct xc_bounce b;
    xen_pfn_t frame = 0;
    long rc;

    xch->quiet++;
    g = xc_map_resource(xch, domid, XENMEM_resource_grant_table,
                        XENMEM_resource_grant_table_id_shared, 0, 1,
                        PROT_READ | PROT_WRITE);
    xch->quiet--;
    if ( !g )
    {
        /* No resource mapping: ask for the frame and map it foreign. */
        if ( xc_bounce_pre(xch, &b, &frame, sizeof(frame), false, true) )
            return -1;
        set_xen_guest_handle(st.frame_list, b.locked);
        {
            struct xc_bounce bs;

            if ( xc_bounce_pre(xch, &bs, &st, sizeof(st), true, true) )
            {
                xc_bounce_post(xch, &b);
                return -1;
            }
            rc = xc_hypercall(xch, __HYPERVISOR_grant_table_op,
                              GNTTABOP_setup_table, (uintptr_t)bs.locked, 1,
                              0, 0);
            xc_bounce_post(xch, &bs);
        }
        xc_bounce_post(xch, &b);
        if ( rc < 0 || st.status )
            return xc_fail(xch, rc < 0 ? errno : EINVAL,
                           "gnttab setup_table d%u: %ld/%d", domid, rc,
                           st.status);
        if ( !(g = xc_map_foreign_pages(xch, domid, PROT_READ | PROT_WRITE,
                                        &frame, 1)) )
            return -1;
    }
    g[GNT_CONSOLE] = (grant_entry_v1_t){ .flags = GTF_permit_access,
                                         .domid = cfg->console_domid,
                                         .frame = console };
    g[GNT_STORE] = (grant_entry_v1_t){ .flags = GTF_permit_access,
                                       .domid = cfg->store_domid,
                                       .frame = store };
    return xc_unmap(xch, g, 1);
}

/* The context in the layout of the domain's width, as the domctl takes. */
static int boot_vcpu(xc_interface *xch, uint32_t domid,
                     const struct pv_layout *l, const xen_pfn_t *p2m,
                     uint64_t entry)
{
    union {
        struct pv64_vcpu_context c64;
        struct compat_vcpu_context c32;
    } c;
    xen_pfn_t root = p2m[pv_layout_pfn(l, l->pt_start)];

    if ( l->levels == PV_LAYOUT_LEVELS_PAE )
        pv_domu_boot_context32(&c.c32, entry, l->stack + XC_PAGE_SIZE,
                               l->start_info, root);
    else
        pv_domu_boot_context(&c.c64, entry, l->stack + XC_PAGE_SIZE,
                             l->start_info, root);
    return xc_domain_setvcpucontext(xch, domid, 0,
                                    (vcpu_guest_context_t *)&c);
}

/*
 * Every page of the domain, into p2m.  First in 2 MiB extents, as Xen's
 * toolstack does: a few hundred allocations rather than one a page; what
 * the hypervisor cannot give that way, and the tail, in 4 KiB pages.
 */
static int populate(xc_interface *xch, uint32_t domid, xen_pfn_t *p2m,
                    unsigned long nr_pages)
{
    xen_pfn_t ext[SUPERPAGE_BATCH];
    unsigned long done = 0;
    int rc;

    while ( nr_pages - done >= SUPERPAGE_PAGES )
    {
        unsigned long n = (nr_pages - done) / SUPERPAGE_PAGES;

        n = n > SUPERPAGE_BATCH ? SUPERPAGE_BATCH : n;
        for ( unsigned long i = 0; i < n; i++ )
            ext[i] = done + i * SUPERPAGE_PAGES;
        /* All or nothing: a refusal leaves the batch to 4 KiB pages. */
        xch->quiet++;
        rc = xc_domain_populate_physmap(xch, domid, n, SUPERPAGE_ORDER, 0,
                                        ext);
        xch->quiet--;
        if ( rc )
            break;
        for ( unsigned long i = 0; i < n; i++ )
            for ( unsigned long j = 0; j < SUPERPAGE_PAGES; j++ )
                p2m[done++] = ext[i] + j;
    }
    while ( done < nr_pages )
    {
        unsigned long n = nr_pages - done > 4096 ? 4096 : nr_pages - done;

        for ( unsigned long i = 0; i < n; i++ )
            p2m[done + i] = done + i;
        if ( xc_domain_populate_physmap(xch, domid, n, 0, 0, p2m + done) )
            return -1;
        done += n;
    }
    return 0;
}

/*
 * Fills the populated domain.  *premap, if set, maps its first premap_len
 * pages (mapped while the kernel was still unpacking): used, and taken
 * over (*premap cleared), when it covers what is written.
 */
static int fill(xc_interface *xch, const struct xc_pv_config *cfg,
                struct xc_pv_result *res, const struct xc_dom_kernel *k,
                const void *ramdisk, size_t ramdisk_len, xen_pfn_t *p2m,
                uint8_t **premap, unsigned long premap_len,
                struct phase_times *pt)
{
    const struct elf_image *elf = &k->elf;
    struct xc_dom_layout l;
    xen_domctl_getdomaininfo_t info;
    struct load_ctx lc;
    struct mmuext_op pin = { .cmd = elf->is32 ? MMUEXT_PIN_L3_TABLE
                                              : MMUEXT_PIN_L4_TABLE };
    shared_info_t *shared;
    uint8_t *region;
    uint32_t domid = res->domid;
    unsigned long mapped;
    xen_pfn_t console, store;
    int rc;

    if ( (rc = xc_dom_layout(&l, k, ramdisk_len, res->nr_pages)) )
        return xc_fail(xch, -rc, "d%u: the kernel and boot data need "
                       "%lu pages, the domain has %lu", domid,
                       (unsigned long)l.r.min_pages,
                       (unsigned long)res->nr_pages);
    /* What is written: up to the stack, not the padding after it. */
    mapped = pv_layout_pfn(&l.r, l.r.stack) + 1;
    console = pv_layout_pfn(&l.r, l.r.console);
    store = pv_layout_pfn(&l.r, l.r.store);
    if ( xc_evtchn_alloc_unbound(xch, domid, cfg->console_domid,
                                 &res->console_port) ||
         xc_evtchn_alloc_unbound(xch, domid, cfg->store_domid,
                                 &res->store_port) ||
         xc_domain_getinfo_single(xch, domid, &info) )
        return -1;
    /* A 32-bit start_info holds a 32-bit shared_info address. */
    if ( elf->is32 && info.shared_info_frame >> (32 - XC_PAGE_SHIFT) )
        return xc_fail(xch, EINVAL, "d%u: shared_info above 4 GiB", domid);
    phase_end(pt, "evtchn");

    /*
     * What is written, at once (one mmap-batch): kernel, data, tables and
     * the stack; not the padding after it, left as the hypervisor gave it.
     * Mapped already if the premap reaches that far.
     */
    if ( *premap && premap_len >= mapped )
    {
        region = *premap;
        mapped = premap_len;
        *premap = NULL;
    }
    else if ( !(region = xc_map_foreign_pages(xch, domid,
                                              PROT_READ | PROT_WRITE, p2m,
                                              mapped)) )
        return -1;
    phase_end(pt, "map");
    lc = (struct load_ctx){ region, l.r.v_start, elf->virt_offset,
                            l.r.kernel_end - l.r.v_start };
    if ( (rc = elf_load(elf, load_piece, &lc)) )
    {
        xc_unmap(xch, region, mapped);
        return xc_fail(xch, -rc, "d%u: loading the kernel failed", domid);
    }
    phase_end(pt, "load_kernel");
    if ( ramdisk_len )
        memcpy(region + (l.r.mod_start - l.r.v_start), ramdisk, ramdisk_len);
    phase_end(pt, "load_ramdisk");
    /* A 32-bit guest's p2m entries are 4 bytes (xen/pv_layout.h). */
    if ( elf->is32 )
        for ( unsigned long i = 0; i < res->nr_pages; i++ )
            ((uint32_t *)(region + (l.r.p2m_start - l.r.v_start)))[i] = p2m[i];
    else
        memcpy(region + (l.r.p2m_start - l.r.v_start), p2m,
               res->nr_pages * sizeof(*p2m));
    memset(region + (l.r.store - l.r.v_start), 0, 2 * XC_PAGE_SIZE);
    memset(region + (l.r.stack - l.r.v_start), 0, XC_PAGE_SIZE);
    xc_dom_start_info(&l, region + (l.r.start_info - l.r.v_start), p2m,
                      (uint64_t)info.shared_info_frame << XC_PAGE_SHIFT,
                      res->store_port, res->console_port, cfg->cmdline);
    phase_end(pt, "start_info");
    write_page_tables(&l.r, region, p2m);
    phase_end(pt, "page_tables");
    /* Unmapped before the pin: no writable mapping of a table may stay. */
    if ( xc_unmap(xch, region, mapped) )
        return -1;
    phase_end(pt, "unmap");

    /* Events stay masked until the kernel has set up its callbacks. */
    shared = xc_map_foreign_pages(xch, domid, PROT_READ | PROT_WRITE,
                                  (xen_pfn_t *)&info.shared_info_frame, 1);
    if ( !shared )
        return -1;
    for ( unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++ )
        shared->vcpu_info[i].evtchn_upcall_mask = 1;
    xc_unmap(xch, shared, 1);

    if ( seed_grants(xch, domid, cfg, p2m[console], p2m[store]) )
        return -1;
    pin.arg1.mfn = p2m[pv_layout_pfn(&l.r, l.r.pt_start)];
    if ( xc_mmuext_op(xch, &pin, 1, domid) )
        return -1;
    if ( (elf->xen.seen & (1u << XEN_ELFNOTE_HYPERCALL_PAGE)) &&
         xc_domain_hypercall_init(xch, domid,
             p2m[pv_layout_pfn(&l.r, elf->xen.hypercall_page)]) )
        return -1;
    if ( boot_vcpu(xch, domid, &l.r, p2m, elf->virt_entry) )
        return -1;
    phase_end(pt, "finish");
    res->console_mfn = p2m[console];
    res->store_mfn = p2m[store];
    res->virt_base = l.r.v_start;
    res->virt_entry = elf->virt_entry;
    return 0;
}

/*
 * The kernel is unpacked (most of a Linux build under TCG) by a thread of
 * its own while the calling thread creates and populates the domain,
 * which does not depend on the kernel: with dom0's second vCPU the two
 * overlap.  The thread logs through a handle of its own into log[],
 * replayed on the caller's handle once it is joined, so that no handle
 * is shared between threads.
 */
struct parse_job {
    const void *image;
    size_t image_len;
    uint8_t *buf;               /* the unpacked image's, or NULL */
    size_t buf_len;
    /*
     * A cache file's buffer: the unpacking writes below ready only, the
     * part whose blocks the calling thread allocated; no_room when it
     * could not allocate the rest.
     */
    bool paced, no_room;
    bool uncached;              /* unpacked again elsewhere: no_room */
    size_t ready;
    pthread_mutex_t lock;
    pthread_cond_t grown;
    struct xc_dom_kernel k;
    int rc;
    double ms;
    xc_interface log_to;
    char log[1024];
    size_t log_len;
};

static void parse_log(void *opaque, enum xc_log_level level, const char *msg)
{
    struct parse_job *job = opaque;
    int n;

    (void)level;
    if ( job->log_len >= sizeof(job->log) )
        return;
    n = snprintf(job->log + job->log_len, sizeof(job->log) - job->log_len,
                 "%s\n", msg);
    job->log_len += n > 0 ? n : 0;
}

/* decompress_paced()'s ready() for a cache file's buffer. */
static int buf_ready(void *opaque, size_t end)
{
    struct parse_job *job = opaque;
    bool ok;

    pthread_mutex_lock(&job->lock);
    while ( job->ready < end && !job->no_room )
        pthread_cond_wait(&job->grown, &job->lock);
    ok = job->ready >= end;
    pthread_mutex_unlock(&job->lock);
    return ok ? 0 : -1;
}

/* The calling thread's side: the buffer is usable below end, or never. */
static void buf_grown(struct parse_job *job, size_t end, bool no_room)
{
    pthread_mutex_lock(&job->lock);
    job->ready = end;
    job->no_room = no_room;
    pthread_cond_broadcast(&job->grown);
    pthread_mutex_unlock(&job->lock);
}

static void *parse_thread(void *data)
{
    struct parse_job *job = data;
    double t0 = now_ms();

    xc_dom_log_to = &job->log_to;
    job->rc = parse_kernel_into(job->image, job->image_len, &job->k,
                                job->buf, job->buf_len,
                                job->paced ? buf_ready : NULL, job);
    /* The cache's file system is full: unpacked again, not cached. */
    if ( job->rc == -ENOSPC )
    {
        job->uncached = true;
        job->rc = parse_kernel_into(job->image, job->image_len, &job->k, NULL,
                                    0, NULL, NULL);
    }
    xc_dom_log_to = NULL;
    job->ms = now_ms() - t0;
    return NULL;
}

/* The parse's result, once it is done; its messages go to xch. */
static int parse_join(xc_interface *xch, struct parse_job *job,
                      pthread_t *thread)
{
    char *line = job->log, *nl;

    if ( thread )
        pthread_join(*thread, NULL);
    job->log[job->log_len < sizeof(job->log) ? job->log_len
                                             : sizeof(job->log) - 1] = '\0';
    for ( ; (nl = strchr(line, '\n')); line = nl + 1 )
    {
        *nl = '\0';
        xc_log(xch, XC_LOG_DEBUG, "%s", line);
    }
    xc_log(xch, XC_LOG_DEBUG, "parse: %.1f ms", job->ms);
    return job->rc;
}

/*
 * The unpacked-kernel cache (xc_pv_config.kernel_cache).  Unpacking a
 * Debian bzImage's 8 MB of xz is most of a build under an emulated CPU
 * (1.5 s of 1.8 s); a toolstack that starts many domains of one kernel
 * unpacks it once.  An entry is named by the kernel file's identity, so
 * a file changed in any way (its ctime moves) misses.  The unpacking
 * writes straight into a new file of the cache, mapped shared, in place
 * of its anonymous buffer (no copy, no extra work on the build's path);
 * a build that succeeds renames it to its entry and removes the entries
 * of other versions of the same file (its device and inode).
 */
struct cache_tmp {
    int dirfd, fd;
    char name[160];
};

/* The entry's name for the kernel file st describes; its first two
 * fields (up to the second '-') name the file, the rest its version. */
static int cache_name(const struct stat *st, char *out, size_t size)
{
    int n = snprintf(out, size, "%llx-%llx-%llx-%llx.%09lu-%llx.%09lu.elf",
                     (unsigned long long)st->st_dev,
                     (unsigned long long)st->st_ino,
                     (unsigned long long)st->st_size,
                     (unsigned long long)st->st_mtim.tv_sec,
                     (unsigned long)st->st_mtim.tv_nsec,
                     (unsigned long long)st->st_ctim.tv_sec,
                     (unsigned long)st->st_ctim.tv_nsec);

    return n > 0 && (size_t)n < size ? 0 : -1;
}

/* Only what this user alone can have written is taken as a kernel. */
static bool ours_alone(const char *path, bool dir)
{
    struct stat st;

    return !lstat(path, &st) && st.st_uid == geteuid() &&
           !(st.st_mode & 022) && (dir ? S_ISDIR(st.st_mode)
                                       : S_ISREG(st.st_mode));
}

/* The cached image of name in dir, mapped, or NULL. */
static void *cache_read(const char *dir, const char *name, size_t *len)
{
    char path[PATH_MAX];

    if ( (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
             sizeof(path) ||
         !ours_alone(dir, true) || !ours_alone(path, false) )
        return NULL;
    return read_file(path, len, NULL);
}

/* Other versions of the entry's file, and their unfinished writes. */
static void cache_prune(int dirfd, const char *name)
{
    const char *dash = strchr(name, '-');
    struct dirent *e;
    size_t id;
    DIR *d;
    int fd;

    dash = dash ? strchr(dash + 1, '-') : NULL;
    if ( !dash )
        return;
    id = (size_t)(dash - name) + 1;
    fd = dup(dirfd);
    d = fd >= 0 ? fdopendir(fd) : NULL;
    if ( !d )
    {
        if ( fd >= 0 )
            close(fd);
        return;
    }
    while ( (e = readdir(d)) )
        if ( !strncmp(e->d_name, name, id) && strcmp(e->d_name, name) )
            unlinkat(dirfd, e->d_name, 0);
    closedir(d);
}

/* The new file, unless committed, and the descriptors. */
static void cache_drop(struct cache_tmp *t)
{
    if ( t->fd >= 0 )
        close(t->fd);
    if ( t->dirfd >= 0 && t->name[0] )
        unlinkat(t->dirfd, t->name, 0);
    if ( t->dirfd >= 0 )
        close(t->dirfd);
    t->fd = t->dirfd = -1;
}

/*
 * A buffer of len bytes for the unpacked image that is the cache's new
 * file for entry name, mapped shared and writable: t then holds the
 * file; NULL (t unused) when the cache cannot take it.  Its blocks are
 * not allocated yet: the caller allocates them a piece at a time while
 * the unpacking runs, which writes only into pieces allocated (a full
 * file system then stops the unpacking, never a SIGBUS in it).
 */
static uint8_t *cache_buffer(const char *dir, const char *name, size_t len,
                             struct cache_tmp *t)
{
    void *p = MAP_FAILED;

    t->fd = -1;
    if ( mkdir(dir, 0700) && errno != EEXIST )
        return NULL;
    t->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if ( t->dirfd < 0 )
        return NULL;
    if ( ours_alone(dir, true) &&
         (size_t)snprintf(t->name, sizeof(t->name), "%s.%d.tmp", name,
                          (int)getpid()) < sizeof(t->name) )
        t->fd = openat(t->dirfd, t->name,
                       O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                       0600);
    if ( t->fd >= 0 && !ftruncate(t->fd, (off_t)len) )
        p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, t->fd, 0);
    if ( p != MAP_FAILED )
        return p;
    cache_drop(t);
    return NULL;
}

/* The new file, image_len bytes of it, as its entry name. */
static void cache_commit(struct cache_tmp *t, const char *name,
                         size_t image_len)
{
    if ( !ftruncate(t->fd, (off_t)image_len) &&
         !renameat(t->dirfd, t->name, t->dirfd, name) )
    {
        cache_prune(t->dirfd, name);
        t->name[0] = '\0';
    }
    cache_drop(t);
}

int xc_pv_build(xc_interface *xch, const struct xc_pv_config *cfg,
                struct xc_pv_result *res)
{
    struct xen_domctl_createdomain cd = {
        .max_evtchn_port = 1023, .max_grant_frames = 32,
        .max_maptrack_frames = 1024,
        .grant_opts = XEN_DOMCTL_GRANT_version(1),
    };
    struct phase_times pt = { .last = now_ms() };
    struct parse_job job = { .rc = -EINVAL,
                             .lock = PTHREAD_MUTEX_INITIALIZER,
                             .grown = PTHREAD_COND_INITIALIZER };
    pthread_t thread;
    sigset_t all, mask;
    bool parsing, unpacking, created = false, cache = false;
    struct cache_tmp ctmp = { .dirfd = -1, .fd = -1 };
    struct stat kst;
    char cname[128];
    void *image = NULL, *ramdisk = NULL;
    size_t image_len = 0, ramdisk_len = 0, off, len;
    xen_pfn_t *p2m = NULL;
    uint8_t *premap = NULL;
    unsigned long premap_len = 0;
    uint64_t maxmem;
    int rc = -1, err;

    memset(res, 0, sizeof(*res));
    if ( !cfg || !cfg->kernel || cfg->memory_kb < 4096 ||
         cfg->memory_kb > (1ULL << 40) / 1024 ||
         cfg->domid >= DOMID_FIRST_RESERVED || cfg->vcpus > 128 )
        return xc_fail(xch, EINVAL, "pv_build: bad configuration");
    maxmem = cfg->maxmem_kb > cfg->memory_kb ? cfg->maxmem_kb
                                             : cfg->memory_kb;
    if ( !(image = read_file(cfg->kernel, &image_len, &kst)) )
        return xc_fail(xch, errno, "reading %s: %s", cfg->kernel,
                       strerror(errno));
    if ( cfg->kernel_cache && S_ISREG(kst.st_mode) &&
         !cache_name(&kst, cname, sizeof(cname)) )
    {
        size_t len;
        void *cached = cache_read(cfg->kernel_cache, cname, &len);

        cache = !cached;
        if ( cached )
        {
            munmap(image, image_len);
            image = cached;
            image_len = len;
            xc_log(xch, XC_LOG_DEBUG, "kernel unpacked before: %s/%s",
                   cfg->kernel_cache, cname);
        }
    }
    phase_end(&pt, "read_kernel");
    job.image = image;
    job.image_len = image_len;
    job.log_to = (xc_interface){ .privcmd = -1, .logger = parse_log,
                                 .opaque = &job };
    /*
     * The thread only computes: it blocks every signal, so that the
     * caller's handlers (a Python xend's) run where they expect to.  A
     * plain ELF parses in a few milliseconds, less than starting a
     * thread costs in dom0: that, or without a thread, the parse runs
     * here, before the rest.
     */
    parsing = false;
    if ( decompress_format(image, image_len) != DECOMPRESS_NONE ||
         !bzimage_payload(image, image_len, &off, &len) )
    {
        /*
         * The unpacked image's buffer is faulted in by this thread while
         * the other one unpacks into it (a page fault is a trip through
         * the hypervisor: for Debian's kernel, 0.4 s of the thread's
         * 1.9 s when it faulted in all of it before it began): faulting
         * in runs several times faster than the unpacking writes, so
         * after its first pages the unpacking finds them ready.  Without
         * the thread, all of it is faulted in first.
         */
        const void *packed = image;
        size_t packed_len = image_len, out_len;

        if ( !packed_kernel(&packed, &packed_len, &out_len) )
        {
            job.buf = cache ? cache_buffer(cfg->kernel_cache, cname, out_len,
                                           &ctmp)
                            : NULL;
            job.paced = job.buf;
            if ( !job.buf )
                job.buf = mmap(NULL, out_len, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if ( job.buf == MAP_FAILED )
                job.buf = NULL;
            job.buf_len = out_len;
        }
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &mask);
        parsing = !pthread_create(&thread, NULL, parse_thread, &job);
        pthread_sigmask(SIG_SETMASK, &mask, NULL);
        phase_end(&pt, "unpack_start");
        /*
         * In pieces: each call holds the address space's lock, which the
         * thread's first steps (its thread-local storage, allocated on
         * first use) need for writing: one call for the whole buffer
         * stalled the unpacking until it was done (0.3 s).  A cache
         * file's blocks are allocated piece by piece too, each before the
         * unpacking may write there: all of them first (posix_fallocate
         * of Debian's 66 MB) kept the unpacking from starting for 0.15 to
         * 0.3 s under TCG.
         */
        for ( off = 0; job.buf && off < job.buf_len; off += len )
        {
            len = job.buf_len - off < PREFAULT_CHUNK ? job.buf_len - off
                                                     : PREFAULT_CHUNK;
            if ( job.paced )
            {
                if ( posix_fallocate(ctmp.fd, (off_t)off, (off_t)len) )
                {
                    buf_grown(&job, off, true);
                    break;
                }
                buf_grown(&job, off + len, false);
            }
            madvise(job.buf + off, len, MADV_POPULATE_WRITE);
        }
        if ( job.buf )
            phase_end(&pt, "prefault");
    }
    if ( !parsing )
        parse_thread(&job);
    if ( cfg->ramdisk && !(ramdisk = read_file(cfg->ramdisk, &ramdisk_len, NULL)) )
    {
        err = errno;
        xc_fail(xch, err, "reading %s: %s", cfg->ramdisk, strerror(err));
        goto out;
    }
    phase_end(&pt, "read_ramdisk");
    res->nr_pages = cfg->memory_kb / 4;
    if ( !(p2m = calloc(res->nr_pages, sizeof(*p2m))) )
    {
        xc_fail(xch, ENOMEM, "pv_build: no memory for the p2m");
        goto out;
    }

    cd.max_vcpus = cfg->vcpus ? cfg->vcpus : 1;
    memcpy(cd.handle, cfg->handle, sizeof(cd.handle));
    res->domid = cfg->domid;
    if ( xc_domain_create(xch, &res->domid, &cd) )
        goto out;
    created = true;
    /*
     * createdomain only sets the vCPU limit: max_vcpus, with the same
     * number, creates them (as on Xen 4.17).
     */
    if ( xc_domain_max_vcpus(xch, res->domid, cd.max_vcpus) ||
         xc_domain_max_mem(xch, res->domid, maxmem) )
        goto out;
    /*
     * A 32-bit kernel's domain is made 32-bit before it has memory, as
     * Xen's toolstack does: known here for a kernel parsed already.
     */
    unpacking = parsing;
    if ( !parsing && !job.rc && job.k.elf.is32 &&
         xc_domain_set_address_size(xch, res->domid, 32) )
        goto out;
    phase_end(&pt, "create");
    if ( populate(xch, res->domid, p2m, res->nr_pages) )
        goto out;
    phase_end(&pt, "populate");
    /*
     * While the kernel still unpacks, this thread would only wait: it
     * maps the domain's memory now, all of it since the layout is not
     * known yet (what is written is most of a small domain: a Linux
     * kernel and its data).  Mapping is a hypercall per few pages, as
     * long as a Linux kernel's unpacking here under TCG; a bigger
     * domain is mapped afterwards, only as far as written.  A mapping
     * that fails is no error: fill() maps as usual.
     */
    if ( parsing && res->nr_pages <= PREMAP_MAX_PAGES )
    {
        xch->quiet++;
        premap = xc_map_foreign_pages(xch, res->domid, PROT_READ | PROT_WRITE,
                                      p2m, res->nr_pages);
        xch->quiet--;
        premap_len = premap ? res->nr_pages : 0;
        phase_end(&pt, "premap");
    }
    /* A bad kernel is found here, as Xen's toolstack finds it: created. */
    err = parse_join(xch, &job, parsing ? &thread : NULL);
    parsing = false;
    phase_end(&pt, "parse_wait");
    if ( err )
    {
        xc_fail(xch, -err, "%s: not a PV kernel", cfg->kernel);
        goto out;
    }
    /* Found 32-bit only after its memory came: too late to switch. */
    if ( unpacking && job.k.elf.is32 )
    {
        xc_fail(xch, EINVAL, "%s: a compressed 32-bit PV kernel: give it "
                "unpacked", cfg->kernel);
        goto out;
    }
    if ( fill(xch, cfg, res, &job.k, ramdisk, ramdisk_len, p2m, &premap,
              premap_len, &pt) )
        goto out;
    xc_log(xch, XC_LOG_INFO, "built d%u: %lu pages, entry %#lx", res->domid,
           (unsigned long)res->nr_pages, (unsigned long)res->virt_entry);
    xc_log(xch, XC_LOG_DEBUG, "build d%u ms:%s", res->domid, pt.line);
    /* The image went to the cache's file if it was unpacked at all. */
    if ( ctmp.fd >= 0 && job.k.unpacked && !job.uncached )
        cache_commit(&ctmp, cname, job.k.elf.size);
    rc = 0;
 out:
    err = errno;
    if ( rc && created )
    {
        /* Keep the first failure's errno and message. */
        char msg[sizeof(xch->last_error)];

        memcpy(msg, xch->last_error, sizeof(msg));
        xc_domain_destroy(xch, res->domid);
        memcpy(xch->last_error, msg, sizeof(msg));
    }
    if ( parsing )
        parse_join(xch, &job, &thread);
    if ( premap )
        xc_unmap(xch, premap, premap_len);
    free(p2m);
    if ( ramdisk )
        munmap(ramdisk, ramdisk_len);
    xc_dom_free_kernel(&job.k);
    cache_drop(&ctmp);
    munmap(image, image_len);
    errno = err;
    return rc;
}
