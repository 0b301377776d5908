/* SPDX-License-Identifier: GPL-2.0-only */
/* Builds the boot domains, dom0 and any domUs, from PV kernels in ELF form. */
#include <xen/compat.h>
#include <xen/decompress.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/libelf.h>
#include <xen/mm.h>
#include <xen/page_owner.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <xen/xmalloc.h>
#include <asm/desc.h>
#include <asm/domain.h>
#include <asm/smp.h>
#include <asm/m2p.h>
#include <asm/multiboot.h>
#include <asm/page.h>
#include <asm/pv/boot_layout.h>
#include <asm/pv/compat.h>
#include <asm/pv/compat_mm.h>
#include <asm/pv/dom0_build.h>
#include <asm/pv/entry.h>
#include <asm/pv/mm.h>
#include <public/elfnote.h>
#include <public/features.h>

/* dom0_mem=<size>: dom0's memory; by default all but a reserve. */
static unsigned long long opt_dom0_mem;
static int parse_dom0_mem(const char *s)
{
    const char *end;

    opt_dom0_mem = parse_size_and_unit(s, &end);
    return *end ? -EINVAL : 0;
}
custom_param("dom0_mem", parse_dom0_mem);

/* dom0_max_vcpus=<n>: dom0's vCPUs; by default one per online CPU. */
static unsigned int opt_dom0_max_vcpus;
integer_param("dom0_max_vcpus", opt_dom0_max_vcpus);

/* dom0_vcpus_pin: each dom0 vCPU may run only on the CPU it starts on. */
static bool opt_dom0_vcpus_pin;
boolean_param("dom0_vcpus_pin", opt_dom0_vcpus_pin);

static void dom0_pin_vcpu(struct vcpu *v)
{
    cpumask_t one;

    cpumask_clear(&one);
    cpumask_set_cpu(v->processor, &one);
    vcpu_set_hard_affinity(v, &one);
}

#define DOM0_DEFAULT_MAX   (_AC(1, UL) << 30)
#define DOMU_DEFAULT_MEM   (_AC(16, UL) << 20)
#define CHUNK_ORDER        9
#define HYPERVISOR_RESERVE (_AC(16, UL) << 20)

/*
 * Features our PV ABI provides; a kernel requiring others is refused.
 * Writable page tables are the guest's direct writes to its own page
 * tables, which pv/ptwr.c emulates (Linux requires them in its note).
 */
#define PV_FEATURES                                                           \
    ((1u << XENFEAT_writable_page_tables) |                                   \
     (1u << XENFEAT_pae_pgdir_above_4gb) |                                    \
     (1u << XENFEAT_mmu_pt_update_preserve_ad) |                              \
     (1u << XENFEAT_gnttab_map_avail_bits))

/* One domain to build at boot, from its kernel module. */
struct boot_domain {
    domid_t domid;
    bool privileged;
    unsigned int module; /* the kernel's index in modules[] */
    const struct boot_module *kernel;
    const struct boot_module *initrd; /* NULL: none */
    const char *cmdline;              /* NULL: none */
    const char *mem_option;           /* names the size in messages */
    unsigned long nr_pages;
    unsigned int nr_vcpus;
    struct domain *d; /* built, not yet started */
};

/*
 * Why the last build or option parse failed: dom0's caller panics with
 * it, a domU's logs it and boots on without that domain.
 */
static char __initdata refusal[160];

static int refuse(int rc, const char *fmt, ...) __printf(2, 3);
static int __init refuse(int rc, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(refusal, sizeof(refusal), fmt, args);
    va_end(args);
    return rc;
}

/*
 * Lays out the region (asm/pv/boot_layout.h), or refuses with the reason
 * in refusal[] if it would wrap past 2^64 (whose table count would never
 * settle) or leave the guest's address space.
 */
static int compute_layout(struct pv_layout *l, const struct elf_image *elf,
                          unsigned long initrd_len, unsigned long nr_pages)
{
    int rc = boot_layout_compute(l, elf, initrd_len, nr_pages);

    if ( rc == -EOVERFLOW )
        return refuse(-EINVAL,
                      "its boot region from %#lx (kernel end "
                      "%#llx) wraps around the address space",
                      l->v_start, (unsigned long long)elf->virt_kend);
    if ( rc )
        return refuse(-EINVAL,
                      "its boot region %#lx-%#lx is not guest "
                      "address space",
                      l->v_start, l->v_end);
    return 0;
}

struct boot_load {
    const struct elf_image *elf;
    const struct pv_layout *layout;
    const unsigned long *p2m;
};

/* elf_load()'s copy: guest-physical as linked → our frame → direct map. */
static int copy_to_boot_domain(void *ctx, uint64_t paddr, const void *src,
                               size_t len)
{
    const struct boot_load *ld = ctx;
    unsigned long va = paddr + ld->elf->virt_offset;

    while ( len )
    {
        unsigned long off = va & ~PAGE_MASK;
        size_t n = min(len, (size_t)(PAGE_SIZE - off));
        uint8_t *dst = (uint8_t *)mfn_to_virt(
                           _mfn(ld->p2m[pv_layout_pfn(ld->layout, va)])) +
                       off;

        if ( src )
            memcpy(dst, src, n);
        else
            memset(dst, 0, n);
        va += n;
        len -= n;
        if ( src )
            src = (const uint8_t *)src + n;
    }
    return 0;
}

/* A kernel image, unpacked into xenheap pages if it came compressed. */
struct kernel_image {
    const void *data;
    size_t size;
    void *heap; /* NULL: data is in the module itself */
    unsigned int order;
};

static void __init release_kernel(struct kernel_image *k)
{
    if ( k->heap )
        free_xenheap_pages(k->heap, k->order);
    k->heap = NULL;
}

/*
 * Unpacks a gzip or xz kernel; plain ones stay put.  A Linux bzImage
 * carries its compressed ELF inside: that part is unpacked.
 */
static int __init unpack_kernel(struct kernel_image *k,
                                const struct boot_module *m)
{
    const void *image = maddr_to_virt(m->start);
    size_t size = m->end - m->start, off, len, out_size;

    k->heap = NULL;
    if ( !bzimage_payload(image, size, &off, &len) )
    {
        image = (const uint8_t *)image + off;
        size = len;
    }
    k->data = image;
    k->size = size;
    if ( decompress_format(image, size) == DECOMPRESS_NONE )
        return 0;
    if ( decompressed_size(image, size, &out_size) )
        return refuse(-EINVAL, "the kernel is a corrupt gzip or xz image");
    k->order = get_order_from_bytes(out_size);
    if ( !(k->heap = alloc_xenheap_pages(k->order, 0)) )
        return refuse(-ENOMEM,
                      "out of memory unpacking the kernel "
                      "(%zu KiB)",
                      out_size >> 10);
    if ( decompress(image, size, k->heap, out_size, &k->size) )
    {
        release_kernel(k);
        return refuse(-EINVAL, "the kernel is a corrupt gzip or xz image");
    }
    k->data = k->heap;
    return 0;
}

/* Free frames less the hypervisor's reserve: what guests may have. */
static unsigned long spare_pages(void)
{
    unsigned long avail = total_free_pages();
    unsigned long keep = HYPERVISOR_RESERVE >> PAGE_SHIFT;

    return avail > keep ? avail - keep : 0;
}

/* dom0_mem=, or what the boot domUs leave spare, up to 1 GiB. */
static unsigned long dom0_nr_pages(unsigned long domus)
{
    unsigned long spare = spare_pages();
    unsigned long want = opt_dom0_mem ? opt_dom0_mem >> PAGE_SHIFT
                                      : min(spare > domus ? spare - domus : 0,
                                            DOM0_DEFAULT_MAX >> PAGE_SHIFT);

    return min(want, spare);
}

/* vCPU 0 on CPU 0, each next one on the next online CPU, round robin. */
static int __init create_vcpus(struct domain *d, unsigned int nr)
{
    for ( unsigned int i = 0, cpu = cpumask_first(&cpu_online_map); i < nr;
          i++ )
    {
        if ( i &&
             (cpu = cpumask_next(cpu, &cpu_online_map)) >= nr_cpumask_bits )
            cpu = cpumask_first(&cpu_online_map);
        /* All but vCPU 0 stay down: the kernel brings them up. */
        if ( !vcpu_create(d, i, cpu) )
            return refuse(-ENOMEM, "out of memory creating vCPU %u", i);
    }
    return 0;
}

/*
 * Any frames will do: the guest sees them through its p2m.  Taken in
 * 2 MiB runs where the heap has them.  dom0's are not scrubbed, since it
 * may map all of the machine's memory anyway (what the builder relies on
 * is cleared when written); a domU's are, or it could read what another
 * domain or the hypervisor left in them.
 */
static int __init populate(struct domain *d, unsigned long *p2m,
                           unsigned long nr_pages)
{
    unsigned int memflags = is_hardware_domain(d) ? MEMF_no_scrub : 0;

    for ( unsigned long pfn = 0; pfn < nr_pages; )
    {
        unsigned int order = CHUNK_ORDER;
        struct page_info *pg;

        while ( (1UL << order) > nr_pages - pfn ||
                !(pg = alloc_domain_pages(d, order, memflags)) )
            if ( order-- == 0 )
                return refuse(-ENOMEM, "out of memory at page %lu of %lu", pfn,
                              nr_pages);
        for ( unsigned long i = 0; i < (1UL << order); i++, pfn++ )
        {
            p2m[pfn] = mfn_x(page_to_mfn(pg)) + i;
            set_gpfn_from_mfn(p2m[pfn], pfn);
        }
    }
    return 0;
}

/*
 * The kernel, initrd, p2m list and hypercall page, where l puts them (the
 * initrd by pfn: it may lie outside the mapped region).
 */
static void __init load_images(const struct boot_domain *bd,
                               const struct elf_image *elf,
                               const struct pv_layout *l,
                               const unsigned long *p2m)
{
    struct boot_load ld = { .elf = elf, .layout = l, .p2m = p2m };

    elf_load(elf, copy_to_boot_domain, &ld);
    for ( unsigned long off = 0; off < l->mod_len; off += PAGE_SIZE )
        memcpy(mfn_to_virt(_mfn(p2m[l->mod_pfn + off / PAGE_SIZE])),
               maddr_to_virt(bd->initrd->start + off),
               min(PAGE_SIZE, l->mod_len - off));
    /* A 32-bit guest's p2m has 4-byte entries (pv_layout_compute()). */
    for ( unsigned long pfn = 0; pfn < bd->nr_pages; pfn++ )
        if ( elf->is32 )
            *(uint32_t *)boot_layout_va(l, p2m,
                                        l->p2m_start + pfn * 4) = p2m[pfn];
        else
            *(uint64_t *)boot_layout_va(l, p2m,
                                        l->p2m_start + pfn * 8) = p2m[pfn];
    if ( elf->xen.seen & (1u << XEN_ELFNOTE_HYPERCALL_PAGE) )
        pv_write_hypercall_page(bd->d,
                                boot_layout_va(l, p2m,
                                               elf->xen.hypercall_page));
}

/*
 * A domU gets no xenstore or console ring (their frames stay 0): it
 * writes its output through console_io until a toolstack gives it more.
 * One body for both widths of start_info (xen/compat.h for 32 bits).
 */
#define WRITE_START_INFO(si, magic_str, bd, l)                                \
    do                                                                        \
    {                                                                         \
        memset(si, 0, PAGE_SIZE);                                             \
        strlcpy((si)->magic, magic_str, sizeof((si)->magic));                 \
        (si)->nr_pages = (bd)->nr_pages;                                      \
        (si)->shared_info = virt_to_maddr((bd)->d->shared_info);              \
        (si)->flags = (bd)->privileged ? SIF_PRIVILEGED | SIF_INITDOMAIN : 0; \
        (si)->pt_base = (l)->pt_start;                                        \
        (si)->nr_pt_frames = (l)->nr_pt_frames;                               \
        (si)->mfn_list = (l)->p2m_start;                                      \
        /* As Xen: an initrd left unmapped is found by its first pfn. */      \
        if ( (l)->mod_len )                                                   \
        {                                                                     \
            bool unmapped_ = (l)->flags & PV_LAYOUT_MOD_UNMAPPED;             \
                                                                              \
            (si)->mod_start = unmapped_ ? (l)->mod_pfn : (l)->mod_start;      \
            (si)->mod_len = (l)->mod_len;                                     \
            if ( unmapped_ )                                                  \
                (si)->flags |= SIF_MOD_START_PFN;                             \
        }                                                                     \
        if ( (bd)->cmdline )                                                  \
            strlcpy((char *)(si)->cmd_line, (bd)->cmdline,                    \
                    sizeof((si)->cmd_line));                                  \
    } while ( 0 )

static void __init write_start_info(const struct boot_domain *bd,
                                    const struct pv_layout *l,
                                    const unsigned long *p2m)
{
    struct start_info *si = boot_layout_va(l, p2m, l->start_info);

    WRITE_START_INFO(si, "xen-3.0-x86_64", bd, l);
}

static void __init write_compat_start_info(const struct boot_domain *bd,
                                           const struct pv_layout *l,
                                           const unsigned long *p2m)
{
    struct compat_start_info *si = boot_layout_va(l, p2m, l->start_info);

    WRITE_START_INFO(si, "xen-3.0-x86_32p", bd, l);
}

/*
 * A 32-bit guest's boot tables: the L3 pinned (which types the tree, the
 * slot-3 L2 as the hypervisor's) and installed under vCPU 0's L4 of
 * ours; it starts in ring 1 on the flat compat selectors.
 */
static int __init install_pae_tables(struct boot_domain *bd,
                                     const struct pv_layout *l,
                                     const unsigned long *p2m)
{
    struct vcpu *v = bd->d->vcpu[0];
    mfn_t l3 = boot_layout_page_tables_pae(l, p2m);
    int rc = pv_pin_table(bd->d, mfn_x(l3), PGT_l3_page_table);

    if ( !rc )
        rc = get_page_and_type(mfn_to_page(l3), bd->d, PGT_l3_page_table);
    if ( rc )
        return rc;
    v->arch.pv.guest_table = l3;
    pv32_set_l4_root(v);
    write_compat_start_info(bd, l, p2m);
    v->arch.user_regs.cs = COMPAT_RING1_CS;
    v->arch.user_regs.ss = COMPAT_RING1_DS;
    v->arch.user_regs.ds = v->arch.user_regs.es = COMPAT_RING1_DS;
    return 0;
}

/* Memory, vCPUs, frames and contents: all but starting it. */
static int __init fill_domain(struct boot_domain *bd,
                              const struct elf_image *elf,
                              const struct pv_layout *l)
{
    struct domain *d;
    struct vcpu *v;
    unsigned long *p2m;
    mfn_t l4;
    int rc;

    if ( !(d = bd->d = domain_create(bd->domid, guest_type_pv, bd->privileged,
                                     bd->nr_vcpus)) )
        return refuse(-ENOMEM, "out of memory creating the domain");
    /* No toolstack gives a boot domain a console ring: it has console_io. */
    d->is_console = true;
    /* Before its vCPUs, which then get their L4s as they are made. */
    if ( elf->is32 && (rc = pv_switch_compat(d)) )
        return refuse(rc, "it could not be made 32-bit");
    /*
     * HV_START_LOW may only agree with where the compat M2P starts (fixed
     * at PV32_VIRT_START here); a kernel wanting it higher is refused.
     */
    if ( elf->is32 &&
         pv_compat_virt_start((elf->xen.seen &
                               (1u << XEN_ELFNOTE_HV_START_LOW))
                                  ? elf->xen.hv_start_low
                                  : ~0ull,
                              PV32_VIRT_START, &d->arch.pv.compat_virt_start) )
        return refuse(-EINVAL, "it wants the hypervisor above %#llx",
                      (unsigned long long)elf->xen.hv_start_low);
    if ( (rc = create_vcpus(d, bd->nr_vcpus)) )
        return rc;
    for ( unsigned int i = 0;
          is_hardware_domain(d) && opt_dom0_vcpus_pin && i < bd->nr_vcpus;
          i++ )
        dom0_pin_vcpu(d->vcpu[i]);
    d->max_pages = bd->nr_pages;
    if ( !(p2m = xmalloc_array(unsigned long, bd->nr_pages)) )
        return refuse(-ENOMEM, "out of memory for the p2m");
    if ( (rc = populate(d, p2m, bd->nr_pages)) )
    {
        xfree(p2m);
        return rc;
    }
    load_images(bd, elf, l, p2m);

    /*
     * Pinned as Xen's builder pins them, plus the reference the installed
     * page table (guest_table) holds for as long as it is installed.
     */
    v = d->vcpu[0];
    if ( elf->is32 )
        rc = install_pae_tables(bd, l, p2m);
    else
    {
        l4 = boot_layout_page_tables(l, p2m);
        rc = pv_pin_table(d, mfn_x(l4), PGT_l4_page_table);
        if ( !rc )
            rc = get_page_and_type(mfn_to_page(l4), d, PGT_l4_page_table);
        if ( !rc )
        {
            pv_root_ro_mpt(d, l4, false);
            write_start_info(bd, l, p2m);
            v->arch.user_regs.cs = PV_KERNEL_CS;
            v->arch.user_regs.ss = PV_KERNEL_SS;
            v->arch.flags = VGCF_in_kernel;
            v->arch.pv.guest_table = l4;
        }
    }
    xfree(p2m);
    if ( rc )
        return refuse(rc, "its boot page tables did not validate");

    v->arch.user_regs.rip = elf->virt_entry;
    v->arch.user_regs.rsp = l->stack + PAGE_SIZE;
    v->arch.user_regs.rsi = l->start_info;
    v->arch.user_regs.rflags = X86_EFLAGS_IF;
    v->pause_flags &= ~VPF_down;
    return 0;
}

/*
 * Builds bd's domain, ready to start but not started; its vCPUs start
 * with events masked (domain_create()).  Returns 0, or a negative errno
 * with the reason in refusal[], having freed everything it made.
 */
static int __init build_pv_domain(struct boot_domain *bd)
{
    uint32_t features = PV_FEATURES |
                        (bd->privileged ? 1u << XENFEAT_dom0 : 0);
    struct kernel_image k;
    struct elf_image elf;
    struct pv_layout l;
    int rc;

    printk("*** Building a PV Dom%u ***\n", bd->domid);
    bd->d = NULL;
    if ( (rc = unpack_kernel(&k, bd->kernel)) )
        return rc;
    if ( elf_init(&elf, k.data, k.size) || elf_xen_check(&elf) )
        rc = refuse(-EINVAL, "not a usable PV kernel (above)");
    /* As Xen: a 32-bit kernel must be PAE ("yes", "bimodal", ...). */
    else if ( elf.is32 &&
              (!elf.xen.pae_mode[0] || !strncmp(elf.xen.pae_mode, "no", 2)) )
        rc = refuse(-EINVAL, "a 32-bit kernel without PAE");
    else if ( elf.is32 && !opt_pv32 )
        rc = refuse(-EOPNOTSUPP, "32-bit PV guests are off (pv=32)");

    else if ( elf.xen.feat_required & ~features )
        rc = refuse(-EINVAL, "the kernel requires features we lack (%#x)",
                    elf.xen.feat_required & ~features);
    if ( rc )
        goto out;

    rc = compute_layout(&l, &elf,
                        bd->initrd ? bd->initrd->end - bd->initrd->start : 0,
                        bd->nr_pages);
    if ( !rc && l.min_pages > bd->nr_pages )
        rc = refuse(-ENOMEM,
                    "%lu KiB of memory cannot hold its %lu KiB "
                    "kernel, initrd and boot tables (%s)",
                    bd->nr_pages << 2, l.min_pages << 2, bd->mem_option);
    else if ( !rc && bd->nr_pages > spare_pages() )
        rc = refuse(-ENOMEM,
                    "out of memory: %lu KiB asked for, %lu KiB "
                    "spare (%s)",
                    bd->nr_pages << 2, spare_pages() << 2, bd->mem_option);
    else if ( !rc && (rc = fill_domain(bd, &elf, &l)) && bd->d )
    {
        domain_destroy(bd->d);
        bd->d = NULL;
    }
    if ( !rc )
        printk("Dom%u kernel: %s %s, %lu pages, %u vCPUs, entry %#lx, "
               "region %#lx-%#lx\n",
               bd->domid, elf.xen.guest_os, elf.xen.guest_version,
               bd->nr_pages, bd->nr_vcpus, elf.virt_entry, l.v_start, l.v_end);
out:
    release_kernel(&k);
    return rc;
}

/* The word at *s after any spaces, and its length; *s moves past it. */
static size_t __init take_word(const char **s, const char **word)
{
    const char *p = *s;
    size_t n = 0;

    while ( *p == ' ' )
        p++;
    while ( p[n] && p[n] != ' ' )
        n++;
    *word = p;
    *s = p + n;
    return n;
}

/* Whether a module's string is "<path> domU ...": a domU's kernel. */
static bool __init is_domu_module(const struct boot_module *m)
{
    const char *s = m->string, *w;

    take_word(&s, &w);
    return take_word(&s, &w) == 4 && !strncmp(w, "domU", 4);
}

/*
 * "<path> domU [mem=<size>] [vcpus=<n>] [-- <command line>]": fills in
 * bd's size and command line, or returns -EINVAL naming the bad word.
 */
static int __init parse_domu_module(struct boot_domain *bd)
{
    const char *s = bd->kernel->string, *w, *end;
    size_t n;

    take_word(&s, &w);
    take_word(&s, &w);
    bd->nr_pages = DOMU_DEFAULT_MEM >> PAGE_SHIFT;
    bd->nr_vcpus = 1;
    bd->mem_option = "mem=";
    while ( (n = take_word(&s, &w)) )
    {
        if ( n == 2 && !strncmp(w, "--", 2) )
        {
            while ( *s == ' ' )
                s++;
            bd->cmdline = s;
            return 0;
        }
        if ( n > 4 && !strncmp(w, "mem=", 4) )
        {
            bd->nr_pages = parse_size_and_unit(w + 4, &end) >> PAGE_SHIFT;
            if ( end == w + n && bd->nr_pages )
                continue;
        }
        else if ( n > 6 && !strncmp(w, "vcpus=", 6) )
        {
            unsigned long vcpus = simple_strtoul(w + 6, &end, 10);

            bd->nr_vcpus = vcpus;
            if ( end == w + n && vcpus && vcpus <= XEN_LEGACY_MAX_VCPUS )
                continue;
        }
        return refuse(-EINVAL, "bad option \"%.*s\"", (int)n, w);
    }
    return 0;
}

/* Logs why module i goes unused, naming it by its path (first word). */
static void __init skip_module(const char *kind, unsigned int i,
                               const struct boot_module *m, const char *why,
                               const char *outcome)
{
    const char *s = m->string, *w;
    int n = take_word(&s, &w);

    printk(XENLOG_ERR "%s module %u (%.*s): %s; %s\n", kind, i, n, w, why,
           outcome);
}

/*
 * Module 0 is dom0's kernel (the rest of its string is the kernel's
 * command line); each later module whose first argument is "domU" is an
 * unprivileged domain's kernel (docs/misc/boot-domains.md); the first
 * other one is dom0's initrd.  The domUs are numbered from 1 in module
 * order; one that cannot be built is left out with a message, while
 * dom0 must build or the boot stops.  All start together once built.
 */
void __init construct_boot_domains(const struct boot_info *bi)
{
    struct boot_domain doms[MAX_BOOT_MODULES], *dom0 = &doms[0];
    const struct boot_module *initrd = NULL;
    unsigned int nr = 1, nr_vcpus;
    unsigned long domus = 0;
    const char *cmdline = strchr(bi->modules[0].string, ' ');

    memset(doms, 0, sizeof(doms));
    for ( unsigned int i = 1; i < bi->nr_modules; i++ )
    {
        const struct boot_module *m = &bi->modules[i];
        struct boot_domain *bd = &doms[nr];

        if ( !is_domu_module(m) )
        {
            if ( !initrd )
                initrd = m;
            else
                skip_module("boot", i, m,
                            "neither dom0's initrd nor a "
                            "domU kernel",
                            "ignored");
            continue;
        }
        bd->module = i;
        bd->kernel = m;
        if ( parse_domu_module(bd) )
        {
            skip_module("domU", i, m, refusal, "not started");
            continue;
        }
        domus += bd->nr_pages;
        nr++;
    }

    nr_vcpus = opt_dom0_max_vcpus ? opt_dom0_max_vcpus : num_online_cpus();
    nr_vcpus = min(nr_vcpus, (unsigned int)XEN_LEGACY_MAX_VCPUS);
    *dom0 = (struct boot_domain){
        .privileged = true,
        .kernel = &bi->modules[0],
        .initrd = initrd,
        .cmdline = cmdline ? cmdline + 1 : NULL,
        .mem_option = "dom0_mem=",
        .nr_pages = dom0_nr_pages(domus),
        .nr_vcpus = nr_vcpus,
    };
    if ( build_pv_domain(dom0) )
        panic("dom0: %s", refusal);
    hardware_domain = dom0->d;

    for ( unsigned int i = 1, domid = 1; i < nr; i++ )
    {
        doms[i].domid = domid;
        if ( build_pv_domain(&doms[i]) )
            skip_module("domU", doms[i].module, doms[i].kernel, refusal,
                        "not started");
        else
            domid++;
    }

    for ( unsigned int i = 0; i < nr; i++ )
        if ( doms[i].d )
            domain_unpause(doms[i].d);
}
