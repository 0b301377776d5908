/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for libhvxc's PV builder: mini-os built into a fake domain. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fake.h"
#include "hvxc.h"
#include "xc_dom.h"
#include <public/elfnote.h>
#include <xen/compat.h>

/* The test's CASE/CHECK, from test_libxc.c. */
void builder_begin(const char *name);
void builder_end(void);
void builder_check(bool ok, int line, const char *what);
#define CHECK(c) builder_check((c), __LINE__, #c)
#define CASE(name) \
    for ( int once_ = (builder_begin(name), 1); once_; \
          once_ = (builder_end(), 0) )

#define NR_PAGES    2048UL          /* 8 MiB */
#define SHARED_MFN  (FAKE_MFN0 + NR_PAGES)
#define GNT_MFN     (FAKE_MFN0 + NR_PAGES + 1)

static struct {
    unsigned long next_mfn;
    uint64_t pinned, hypercall_gmfn;
    vcpu_guest_context_t ctxt;
    struct compat_vcpu_context ctxt32;  /* once addr32 */
    bool addr32;                        /* set_address_size 32 */
    bool populated;
    bool destroyed, fail_populate, vcpus_created, no_superpages;
    unsigned long superpages;   /* 2 MiB extents handed out */
    unsigned int ports;
} hv;

static long hv_domctl(struct xen_domctl *d)
{
    switch ( d->cmd )
    {
    case XEN_DOMCTL_createdomain:
        if ( d->u.createdomain.max_vcpus != 1 ||
             d->u.createdomain.flags )
            return -EINVAL;
        d->domain = 5;
        return 0;
    case XEN_DOMCTL_max_vcpus:
        /* Our hypervisor creates the vCPUs here, Xen 4.17 too. */
        hv.vcpus_created = d->u.max_vcpus.max == 1;
        return hv.vcpus_created ? 0 : -EINVAL;
    case XEN_DOMCTL_max_mem:
        return d->u.max_mem.max_memkb == NR_PAGES * 4 ? 0 : -EINVAL;
    case XEN_DOMCTL_getdomaininfo:
        d->u.getdomaininfo.domain = d->domain;
        d->u.getdomaininfo.shared_info_frame = SHARED_MFN;
        return 0;
    case XEN_DOMCTL_hypercall_init:
        hv.hypercall_gmfn = d->u.hypercall_init.gmfn;
        return 0;
    case XEN_DOMCTL_setvcpucontext:
        if ( !hv.vcpus_created )
            return -EINVAL;
        /* The layout of the domain's width, as in Xen. */
        if ( hv.addr32 )
            memcpy(&hv.ctxt32, (void *)d->u.vcpucontext.ctxt.p,
                   sizeof(hv.ctxt32));
        else
            memcpy(&hv.ctxt, (void *)d->u.vcpucontext.ctxt.p,
                   sizeof(hv.ctxt));
        return 0;
    case XEN_DOMCTL_set_address_size:
        /* As Xen: -EACCES once the domain has memory. */
        if ( hv.populated || d->u.address_size.size != 32 )
            return -EACCES;
        hv.addr32 = true;
        return 0;
    case XEN_DOMCTL_destroydomain:
        hv.destroyed = true;
        return 0;
    }
    return -ENOSYS;
}

static long hv_build(unsigned int op, uint64_t a[5])
{
    switch ( op )
    {
    case __HYPERVISOR_domctl:
        return hv_domctl((void *)(uintptr_t)a[0]);
    case __HYPERVISOR_memory_op:
    {
        struct xen_memory_reservation *r = (void *)(uintptr_t)a[1];
        xen_pfn_t *ext = (xen_pfn_t *)r->extent_start.p;

        if ( a[0] != XENMEM_populate_physmap || r->domid != 5 )
            return -ENOSYS;
        hv.populated = true;
        if ( hv.fail_populate || (r->extent_order && hv.no_superpages) )
            return 0;
        for ( unsigned long i = 0; i < r->nr_extents; i++ )
        {
            ext[i] = hv.next_mfn;
            hv.next_mfn += 1UL << r->extent_order;
        }
        if ( r->extent_order == 9 )
            hv.superpages += r->nr_extents;
        else if ( r->extent_order )
            return -EINVAL;
        return r->nr_extents;
    }
    case __HYPERVISOR_event_channel_op:
    {
        struct evtchn_alloc_unbound *u = (void *)(uintptr_t)a[1];

        if ( a[0] != EVTCHNOP_alloc_unbound || u->dom != 5 )
            return -EINVAL;
        u->port = ++hv.ports;
        return 0;
    }
    case __HYPERVISOR_grant_table_op:
    {
        struct gnttab_setup_table *s = (void *)(uintptr_t)a[1];

        if ( a[0] != GNTTABOP_setup_table || s->dom != 5 )
            return -EINVAL;
        *(xen_pfn_t *)s->frame_list.p = GNT_MFN;
        s->status = GNTST_okay;
        return 0;
    }
    case __HYPERVISOR_mmuext_op:
    {
        struct mmuext_op *m = (void *)(uintptr_t)a[0];

        if ( a[1] != 1 || a[3] != 5 ||
             m->cmd != (hv.addr32 ? MMUEXT_PIN_L3_TABLE
                                  : MMUEXT_PIN_L4_TABLE) )
            return -EINVAL;
        hv.pinned = m->arg1.mfn;
        return 0;
    }
    }
    return -ENOSYS;
}

static void *frame_of(uint64_t pte)
{
    return fake_frame((pte >> 12) & ((1ULL << 40) - 1));
}

/*
 * Translates va through the guest's page tables from its top table at
 * root_mfn, whose entries map 1 << top bytes (39: an L4; 30: a 32-bit
 * guest's L3, its CR3 folded); NULL if unmapped.
 */
static void *walk_from(uint64_t root_mfn, uint64_t va, int top)
{
    uint64_t *t = fake_frame(root_mfn);

    for ( int shift = top; t && shift >= 12; shift -= 9 )
    {
        uint64_t e = t[(va >> shift) & 511];

        if ( !(e & 1) )
            return NULL;
        if ( shift == 12 )
            return (uint8_t *)frame_of(e) + (va & 4095);
        t = frame_of(e);
    }
    return NULL;
}

static void *walk(uint64_t cr3_mfn, uint64_t va)
{
    return walk_from(cr3_mfn, va, 39);
}

static void *walk32(uint64_t l3_mfn, uint32_t va)
{
    return walk_from(l3_mfn, va, 30);
}

static void *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    void *buf;

    if ( !f )
        return NULL;
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    rewind(f);
    buf = malloc(*len);
    if ( buf && fread(buf, 1, *len, f) != *len )
    {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* elf_load() into nowhere, keeping the 16 bytes at the entry point. */
static uint64_t entry_va, entry_offset;
static uint8_t entry_bytes[16];

static int grab_entry(void *ctx, uint64_t paddr, const void *src, size_t len)
{
    uint64_t va = paddr + entry_offset;

    (void)ctx;
    if ( src && entry_va >= va && entry_va + 16 <= va + len )
        memcpy(entry_bytes, (const uint8_t *)src + (entry_va - va), 16);
    return 0;
}

/* Failures are expected here: checked through xc_last_error(). */
static void silent(void *opaque, enum xc_log_level level, const char *msg)
{
    (void)opaque; (void)level; (void)msg;
}

/* Whether a debug line starting with opaque's text was logged. */
static bool seen_line;

static void find_line(void *opaque, enum xc_log_level level, const char *msg)
{
    if ( level == XC_LOG_DEBUG && !strncmp(msg, opaque, strlen(opaque)) )
        seen_line = true;
}

static xc_interface *open_builder(void)
{
    fake_reset(NR_PAGES + 2);
    fake.hypercall = hv_build;
    memset(&hv, 0, sizeof(hv));
    hv.next_mfn = FAKE_MFN0;
    return xc_interface_open(silent, NULL);
}

void test_builder(void)
{
    static const char *const images[] = { "build/mini-os",
                                          "build/mini-os.gz",
                                          "build/mini-os.xz" };

    CASE("builder-parses-plain-gzip-xz")
    {
        for ( unsigned int i = 0; i < 3; i++ )
        {
            struct xc_dom_kernel k;
            size_t len;
            void *img = slurp(images[i], &len);

            CHECK(img != NULL);
            if ( !img )
                continue;
            CHECK(xc_dom_parse_kernel(img, len, &k) == 0);
            CHECK(k.elf.xen.virt_base != 0);
            xc_dom_free_kernel(&k);
            /* Cut short, it is refused, not read past its end. */
            CHECK(xc_dom_parse_kernel(img, i ? len / 2 : 200, &k) ==
                  -EINVAL);
            free(img);
        }
    }
    if ( !getenv("HVXC_BZIMAGE") || !*getenv("HVXC_BZIMAGE") )
        printf("SKIP: libxc/builder-parses-debian-bzimage: no "
               "/boot/vmlinuz-* (apt-get install linux-image-amd64)\n");
    else CASE("builder-parses-debian-bzimage")
    {
        const char *path = getenv("HVXC_BZIMAGE");
        struct xc_dom_kernel k;
        struct xc_dom_layout l;
        size_t len = 0;
        void *img = path ? slurp(path, &len) : NULL;

        /* Debian's: an xz payload, VIRT_BASE 0xffffffff80000000. */
        CHECK(img != NULL);
        if ( img )
        {
            CHECK(xc_dom_parse_kernel(img, len, &k) == 0);
            CHECK(k.elf.xen.virt_base == 0xffffffff80000000ULL);
            CHECK(xc_dom_layout(&l, &k, 0, 1UL << 20) == 0);
            xc_dom_free_kernel(&k);
            free(img);
        }
    }
    CASE("builder-layout-needs-room")
    {
        struct xc_dom_kernel k;
        struct xc_dom_layout l;
        size_t len;
        void *img = slurp(images[0], &len);

        CHECK(img && xc_dom_parse_kernel(img, len, &k) == 0);
        if ( img )
        {
            CHECK(xc_dom_layout(&l, &k, 0, NR_PAGES) == 0);
            CHECK(l.r.v_end % (4 << 20) == 0 && l.r.min_pages <= NR_PAGES);
            CHECK(l.r.p2m_start == l.r.kernel_end &&
                  l.r.console == l.r.start_info + 2 * 4096);
            CHECK(xc_dom_layout(&l, &k, 0, 16) == -ENOMEM);
            CHECK(xc_dom_layout(&l, &k, 300 << 20, NR_PAGES) == -ENOMEM);
            xc_dom_free_kernel(&k);
            free(img);
        }
    }
    CASE("builder-builds-mini-os")
    {
        xc_interface *xch = open_builder();
        struct xc_pv_config cfg = { .kernel = images[1],
                                    .memory_kb = NR_PAGES * 4,
                                    .cmdline = "role=spin" };
        struct xc_pv_result r;
        start_info_t *si;
        shared_info_t *sh = fake_frame(SHARED_MFN);
        grant_entry_v1_t *g = fake_frame(GNT_MFN);
        struct xc_dom_kernel k;
        size_t len;
        void *img = slurp(images[0], &len);

        CHECK(xch && img && xc_dom_parse_kernel(img, len, &k) == 0);
        CHECK(xc_pv_build(xch, &cfg, &r) == 0);
        CHECK(!fake.unaligned_arg && !hv.destroyed);
        CHECK(r.domid == 5 && r.nr_pages == NR_PAGES);
        /* Populated in 2 MiB extents, none left for single pages. */
        CHECK(hv.superpages == NR_PAGES / 512);
        CHECK(hv.ctxt.user_regs.rip == k.elf.virt_entry);
        CHECK(hv.ctxt.ctrlreg[3] == xen_pfn_to_cr3(hv.pinned));
        si = walk(hv.pinned, hv.ctxt.user_regs.rsi);
        CHECK(si && !strcmp(si->magic, "xen-3.0-x86_64"));
        if ( si )
        {
            xen_pfn_t *p2m = walk(hv.pinned, si->mfn_list);

            CHECK(si->nr_pages == NR_PAGES);
            CHECK(!strcmp((char *)si->cmd_line, "role=spin"));
            CHECK(si->shared_info == SHARED_MFN << 12);
            CHECK(si->console.domU.mfn == r.console_mfn &&
                  si->console.domU.evtchn == r.console_port);
            CHECK(si->store_mfn == r.store_mfn &&
                  si->store_evtchn == r.store_port);
            CHECK(walk(hv.pinned, si->pt_base) == fake_frame(hv.pinned));
            CHECK(p2m && p2m[0] == FAKE_MFN0 &&
                  p2m[100] == FAKE_MFN0 + 100);
        }
        /* The entry point's bytes are the kernel's, where it links them. */
        entry_va = k.elf.virt_entry;
        entry_offset = k.elf.virt_offset;
        memset(entry_bytes, 0, sizeof(entry_bytes));
        CHECK(elf_load(&k.elf, grab_entry, NULL) == 0);
        CHECK(walk(hv.pinned, k.elf.virt_entry) &&
              !memcmp(walk(hv.pinned, k.elf.virt_entry), entry_bytes, 16));
        CHECK(sh->vcpu_info[0].evtchn_upcall_mask == 1);
        CHECK(g[0].flags == GTF_permit_access &&
              g[0].frame == r.console_mfn && g[1].frame == r.store_mfn);
        CHECK(!(k.elf.xen.seen & (1u << XEN_ELFNOTE_HYPERCALL_PAGE)) ||
              hv.hypercall_gmfn);
        xc_dom_free_kernel(&k);
        free(img);
        xc_interface_close(xch);
    }
    CASE("builder-without-superpages-uses-4k-pages")
    {
        xc_interface *xch = open_builder();
        struct xc_pv_config cfg = { .kernel = images[1],
                                    .memory_kb = NR_PAGES * 4 };
        struct xc_pv_result r;
        start_info_t *si;
        xen_pfn_t *p2m;

        hv.no_superpages = true;
        CHECK(xc_pv_build(xch, &cfg, &r) == 0 && !hv.destroyed);
        CHECK(hv.superpages == 0 && hv.next_mfn == FAKE_MFN0 + NR_PAGES);
        si = walk(hv.pinned, hv.ctxt.user_regs.rsi);
        p2m = si ? walk(hv.pinned, si->mfn_list) : NULL;
        CHECK(p2m && p2m[0] == FAKE_MFN0 &&
              p2m[NR_PAGES - 1] == FAKE_MFN0 + NR_PAGES - 1);
        xc_interface_close(xch);
    }
    CASE("builder-unpacks-in-a-thread")
    {
        /*
         * A compressed kernel is unpacked by a thread of its own: its
         * lines reach the caller's logger after the join, and a corrupt
         * image fails the build (the domain already exists: destroyed).
         */
        struct xc_pv_config cfg = { .kernel = images[2],
                                    .memory_kb = NR_PAGES * 4 };
        struct xc_pv_result r;
        xc_interface *xch = open_builder();
        size_t len;
        uint8_t *img = slurp(images[2], &len);
        FILE *f;

        xc_interface_close(xch);
        xch = xc_interface_open(find_line, (void *)"unpacked ");
        xc_set_log_level(xch, XC_LOG_DEBUG);
        seen_line = false;
        fake.nr_mmapbatch = 0;
        fake.mmapbatch_max = 0;
        CHECK(xc_pv_build(xch, &cfg, &r) == 0 && !hv.destroyed);
        CHECK(seen_line);
        /*
         * Meanwhile the whole domain was mapped, once: the kernel went
         * there, with no second mapping of it (the rest are single pages:
         * shared info, grant table).
         */
        CHECK(fake.mmapbatch_max == NR_PAGES);
        CHECK(fake.nr_mmapbatch <= 3);
        xc_interface_close(xch);

        xch = open_builder();
        CHECK(img && len > 256);
        if ( img )
        {
            /* A byte of the LZMA data: the CRC-32 check catches it. */
            img[len / 2] ^= 0x55;
            f = fopen("build/mini-os-bad.xz", "wb");
            CHECK(f && fwrite(img, 1, len, f) == len);
            if ( f )
                fclose(f);
        }
        cfg.kernel = "build/mini-os-bad.xz";
        CHECK(xc_pv_build(xch, &cfg, &r) == -1 && errno == EINVAL);
        CHECK(hv.destroyed);
        CHECK(strstr(xc_last_error(xch), "not a PV kernel") != NULL);
        free(img);
        xc_interface_close(xch);
    }
    CASE("builder-caches-xz-kernel-while-unpacking")
    {
        /*
         * With a kernel cache the unpacking writes into the entry's file
         * as its blocks are allocated beside it: the entry is the
         * unpacked kernel, and the next build of the file takes it.
         */
        char dir[] = "/tmp/hvxc-cache.XXXXXX", path[300];
        struct xc_pv_config cfg = { .kernel = images[2],
                                    .memory_kb = NR_PAGES * 4 };
        struct xc_pv_result r;
        xc_interface *xch = open_builder();
        size_t len = 0, elf_len = 0;
        uint8_t *elf = slurp(images[0], &elf_len), *entry = NULL;
        struct dirent *e;
        unsigned int n = 0;
        DIR *d;

        xc_interface_close(xch);
        CHECK(elf && mkdtemp(dir));
        cfg.kernel_cache = dir;
        xch = xc_interface_open(find_line, (void *)"kernel unpacked before");
        xc_set_log_level(xch, XC_LOG_DEBUG);
        seen_line = false;
        CHECK(xc_pv_build(xch, &cfg, &r) == 0 && !hv.destroyed && !seen_line);
        d = opendir(dir);
        while ( d && (e = readdir(d)) )
            if ( e->d_name[0] != '.' )
            {
                n++;
                snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            }
        if ( d )
            closedir(d);
        CHECK(n == 1);
        if ( n == 1 )
            entry = slurp(path, &len);
        CHECK(entry && len == elf_len && !memcmp(entry, elf, len));
        /* A fresh fake hypervisor for the second build. */
        xc_interface_close(xch);
        xc_interface_close(open_builder());
        xch = xc_interface_open(find_line, (void *)"kernel unpacked before");
        xc_set_log_level(xch, XC_LOG_DEBUG);
        CHECK(xc_pv_build(xch, &cfg, &r) == 0 && !hv.destroyed && seen_line);
        if ( n == 1 )
            unlink(path);
        rmdir(dir);
        free(entry);
        free(elf);
        xc_interface_close(xch);
    }
    CASE("builder-builds-mini-os-x86_32")
    {
        /*
         * The 32-bit PAE mini-os: a 32-bit domain before any memory, the
         * L3 pinned, 1112-byte start_info and 4-byte p2m entries through
         * the 3-level tables, vCPU 0 in the 2800-byte context, kernel
         * pages not USER.  Compressed, it is refused (its width is known
         * only after the memory came) and the domain destroyed.
         */
        xc_interface *xch = open_builder();
        struct xc_pv_config cfg = { .kernel = "build/mini-os-x86_32",
                                    .memory_kb = NR_PAGES * 4,
                                    .cmdline = "role=spin" };
        struct xc_pv_result r;
        struct compat_start_info *si = NULL;
        struct compat_vcpu_context *c = &hv.ctxt32;
        uint32_t l3;

        CHECK(xc_pv_build(xch, &cfg, &r) == 0 && !hv.destroyed);
        CHECK(hv.addr32 && hv.vcpus_created);
        l3 = c->ctrlreg[3] >> 12 | (c->ctrlreg[3] & 0xfff) << 20;
        CHECK(l3 == hv.pinned);
        CHECK(c->user_regs.cs == 0xe019 && c->user_regs.ss == 0xe021 &&
              c->kernel_ss == 0xe021 && c->event_callback_cs == 0xe019);
        CHECK((c->flags & VGCF_online) && c->user_regs.eip == r.virt_entry);
        si = walk32(hv.pinned, c->user_regs.esi);
        CHECK(si && !strcmp(si->magic, "xen-3.0-x86_32p"));
        if ( si )
        {
            uint32_t *p2m = walk32(hv.pinned, si->mfn_list);

            CHECK(si->nr_pages == NR_PAGES && si->shared_info ==
                  SHARED_MFN << 12);
            CHECK(!strcmp((char *)si->cmd_line, "role=spin"));
            CHECK(si->console.domU.mfn == r.console_mfn &&
                  si->store_mfn == r.store_mfn);
            CHECK(p2m && p2m[0] == FAKE_MFN0 && p2m[1] == FAKE_MFN0 + 1 &&
                  p2m[NR_PAGES - 1] == FAKE_MFN0 + NR_PAGES - 1);
            CHECK(walk32(hv.pinned, si->pt_base) == fake_frame(hv.pinned));
        }
        /* The L3's entries are the present bit only; no USER leaves. */
        CHECK((((uint64_t *)fake_frame(hv.pinned))[3] & 0xfff) == 1);
        xc_interface_close(xch);

        xch = open_builder();
        cfg.kernel = "build/mini-os-x86_32.gz";
        CHECK(xc_pv_build(xch, &cfg, &r) == -1 && errno == EINVAL);
        CHECK(hv.destroyed && !hv.addr32);
        CHECK(strstr(xc_last_error(xch), "give it unpacked") != NULL);
        xc_interface_close(xch);
    }
    CASE("builder-failure-destroys-domain")
    {
        xc_interface *xch = open_builder();
        struct xc_pv_config cfg = { .kernel = images[0],
                                    .memory_kb = NR_PAGES * 4 };
        struct xc_pv_result r;

        hv.fail_populate = true;
        CHECK(xc_pv_build(xch, &cfg, &r) == -1 && errno == ENOMEM);
        CHECK(hv.destroyed);
        CHECK(strstr(xc_last_error(xch), "populate_physmap d5") != NULL);
        cfg.kernel = "/nonexistent";
        CHECK(xc_pv_build(xch, &cfg, &r) == -1 && errno == ENOENT);
        /*
         * The kernel is parsed while the domain is populated: a bad one
         * is refused once the domain exists, which is then destroyed.
         */
        hv.fail_populate = false;
        hv.destroyed = false;
        cfg.kernel = "Makefile";
        CHECK(xc_pv_build(xch, &cfg, &r) == -1 && errno == EINVAL);
        CHECK(hv.destroyed);
        CHECK(strstr(xc_last_error(xch), "not a PV kernel") != NULL);
        cfg.memory_kb = 1;
        CHECK(xc_pv_build(xch, &cfg, &r) == -1 && errno == EINVAL);
        xc_interface_close(xch);
    }
}
