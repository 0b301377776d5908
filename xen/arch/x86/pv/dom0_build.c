/* SPDX-License-Identifier: GPL-2.0-only */
/* Builds dom0 from the first boot module: a PV kernel in ELF form. */
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
#include <asm/domain.h>
#include <asm/smp.h>
#include <asm/m2p.h>
#include <asm/multiboot.h>
#include <asm/page.h>
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

#define DOM0_DEFAULT_MAX    (_AC(1, UL) << 30)
#define DOM0_CHUNK_ORDER    9
#define HYPERVISOR_RESERVE  (_AC(16, UL) << 20)

/* Features our PV ABI provides; a kernel requiring others is refused. */
#define DOM0_FEATURES ((1u << XENFEAT_pae_pgdir_above_4gb) |             \
                       (1u << XENFEAT_mmu_pt_update_preserve_ad) |       \
                       (1u << XENFEAT_gnttab_map_avail_bits) |           \
                       (1u << XENFEAT_dom0))

/*
 * The bootstrap virtual region, in order from the kernel's base; each
 * piece page aligned.  Guests depend on this order (start of day ABI).
 */
struct dom0_layout {
    unsigned long v_start;          /* = the kernel's virtual base */
    unsigned long kernel_end;
    unsigned long initrd_start, initrd_end;
    unsigned long p2m_start, p2m_end;
    unsigned long start_info;
    unsigned long pt_start;
    unsigned long nr_pt_frames;
    unsigned long stack;            /* one page; its top is the initial sp */
    unsigned long v_end;
};

static unsigned long pfn_of(const struct dom0_layout *l, unsigned long va)
{
    return (va - l->v_start) >> PAGE_SHIFT;
}

/* Tables of each level needed to map [s, e) with 4 KiB pages. */
static unsigned long tables_needed(unsigned long s, unsigned long e)
{
    unsigned long n = 1;    /* the L4 */

    for ( unsigned int shift = 39; shift >= 21; shift -= 9 )
        n += ((e - 1) >> shift) - (s >> shift) + 1;
    return n;
}

/*
 * Places everything after the kernel, growing the page-table count until
 * the tables also map themselves; the region ends on a 4 MiB boundary
 * with at least 512 KiB to spare, as Linux expects.
 */
static void compute_layout(struct dom0_layout *l, const struct elf_image *elf,
                           unsigned long initrd_len, unsigned long nr_pages)
{
    /* VIRT_BASE is pfn 0: Linux finds pfns as (va - VIRT_BASE) >> 12. */
    l->v_start = (elf->xen.seen & (1u << XEN_ELFNOTE_VIRT_BASE))
                 ? elf->xen.virt_base : elf->virt_kstart & PAGE_MASK;
    l->kernel_end = ROUNDUP(elf->virt_kend, PAGE_SIZE);
    l->initrd_start = l->kernel_end;
    l->initrd_end = ROUNDUP(l->initrd_start + initrd_len, PAGE_SIZE);
    l->p2m_start = l->initrd_end;
    l->p2m_end = ROUNDUP(l->p2m_start + nr_pages * sizeof(uint64_t),
                         PAGE_SIZE);
    l->start_info = l->p2m_end;
    l->pt_start = l->start_info + PAGE_SIZE;
    for ( l->nr_pt_frames = 1; ; l->nr_pt_frames++ )
    {
        l->stack = l->pt_start + l->nr_pt_frames * PAGE_SIZE;
        l->v_end = ROUNDUP(l->stack + PAGE_SIZE + (512UL << 10), 4UL << 20);
        if ( tables_needed(l->v_start, l->v_end) <= l->nr_pt_frames )
            break;
    }
}

struct dom0_load {
    const struct elf_image *elf;
    const struct dom0_layout *layout;
    const unsigned long *p2m;
};

/* elf_load()'s copy: guest-physical as linked → our frame → direct map. */
static int copy_to_dom0(void *ctx, uint64_t paddr, const void *src,
                        size_t len)
{
    const struct dom0_load *ld = ctx;
    unsigned long va = paddr + ld->elf->virt_offset;

    while ( len )
    {
        unsigned long off = va & ~PAGE_MASK;
        size_t n = min(len, (size_t)(PAGE_SIZE - off));
        uint8_t *dst = (uint8_t *)mfn_to_virt(_mfn(
                           ld->p2m[pfn_of(ld->layout, va)])) + off;

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

static void *dom0_va_to_virt(const struct dom0_layout *l,
                             const unsigned long *p2m, unsigned long va)
{
    return (uint8_t *)mfn_to_virt(_mfn(p2m[pfn_of(l, va)])) +
           (va & ~PAGE_MASK);
}

/*
 * The kernel's page tables for the bootstrap region, in the frames at
 * pt_start: the L4 first, then L3, L2 and L1 tables as needed.  Every page
 * of the region is mapped writable except the tables themselves.
 */
static mfn_t build_page_tables(const struct dom0_layout *l,
                               const unsigned long *p2m)
{
    unsigned long next_pt = l->pt_start;
    pte_t *l4 = dom0_va_to_virt(l, p2m, next_pt);
    mfn_t l4_mfn = _mfn(p2m[pfn_of(l, next_pt)]);
    const unsigned long table_flags = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
                                      _PAGE_ACCESSED | _PAGE_DIRTY;

    /* The frames were not scrubbed: tables start empty. */
    for ( unsigned long i = 0; i < l->nr_pt_frames; i++ )
        memset(dom0_va_to_virt(l, p2m, l->pt_start + i * PAGE_SIZE), 0,
               PAGE_SIZE);
    next_pt += PAGE_SIZE;
    for ( unsigned long va = l->v_start; va < l->v_end; va += PAGE_SIZE )
    {
        pte_t *table = l4, pte;
        unsigned long pfn = pfn_of(l, va);

        for ( unsigned int shift = 39; shift > PAGE_SHIFT; shift -= 9 )
        {
            pte_t *e = &table[(va >> shift) & 511];

            if ( !(*e & _PAGE_PRESENT) )
            {
                BUG_ON(next_pt >= l->pt_start +
                                  l->nr_pt_frames * PAGE_SIZE);
                *e = ((pte_t)p2m[pfn_of(l, next_pt)] << PAGE_SHIFT) |
                     table_flags;
                next_pt += PAGE_SIZE;
            }
            table = mfn_to_virt(_mfn((*e & PTE_ADDR_MASK) >> PAGE_SHIFT));
        }
        pte = ((pte_t)p2m[pfn] << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_USER |
              _PAGE_ACCESSED;
        if ( va < l->pt_start || va >= l->stack )
            pte |= _PAGE_RW | _PAGE_DIRTY;
        table[l1_table_offset(va)] = pte;
    }
    return l4_mfn;
}

/*
 * The hypercall page, laid out as Xen lays it out: a 32-byte stub per
 * hypercall that keeps rcx and r11, and for iret one that pushes rcx, r11
 * and rax and does not return.
 */
static void write_hypercall_page(uint8_t *p)
{
    memset(p, 0xcc, PAGE_SIZE);     /* int3 between the stubs */
    for ( unsigned int i = 0; i < PAGE_SIZE / 32; i++ )
    {
        uint8_t *s = p + i * 32;

        if ( i == __HYPERVISOR_iret )
            continue;
        *s++ = 0x51;                            /* push %rcx */
        *s++ = 0x41; *s++ = 0x53;               /* push %r11 */
        *s++ = 0xb8;                            /* mov $i, %eax */
        memcpy(s, &i, 4);
        s += 4;
        *s++ = 0x0f; *s++ = 0x05;               /* syscall */
        *s++ = 0x41; *s++ = 0x5b;               /* pop %r11 */
        *s++ = 0x59;                            /* pop %rcx */
        *s++ = 0xc3;                            /* ret */
    }
    p += __HYPERVISOR_iret * 32;
    *p++ = 0x51;                                /* push %rcx */
    *p++ = 0x41; *p++ = 0x53;                   /* push %r11 */
    *p++ = 0x50;                                /* push %rax */
    *p++ = 0xb8;                                /* mov $23, %eax */
    *p++ = __HYPERVISOR_iret; *p++ = 0; *p++ = 0; *p++ = 0;
    *p++ = 0x0f; *p++ = 0x05;                   /* syscall */
}

/*
 * Unpacks a gzip or xz kernel into xenheap pages; plain ones stay put.  A
 * Linux bzImage carries its compressed ELF inside: that part is unpacked.
 */
static const void *unpack_kernel(const void *image, size_t *size)
{
    size_t out_size, off, len;
    void *out;

    if ( !bzimage_payload(image, *size, &off, &len) )
    {
        image = (const uint8_t *)image + off;
        *size = len;
    }
    if ( decompress_format(image, *size) == DECOMPRESS_NONE )
        return image;
    if ( decompressed_size(image, *size, &out_size) ||
         !(out = alloc_xenheap_pages(get_order_from_bytes(out_size), 0)) )
        return NULL;
    if ( decompress(image, *size, out, out_size, size) )
        return NULL;
    return out;
}

static unsigned long dom0_nr_pages(void)
{
    unsigned long avail = total_free_pages();
    unsigned long want = opt_dom0_mem ? opt_dom0_mem >> PAGE_SHIFT
                         : min(avail - (HYPERVISOR_RESERVE >> PAGE_SHIFT),
                               DOM0_DEFAULT_MAX >> PAGE_SHIFT);

    return min(want, avail - (HYPERVISOR_RESERVE >> PAGE_SHIFT));
}

void __init construct_dom0(const struct boot_info *bi)
{
    const struct boot_module *kmod = &bi->modules[0];
    const struct boot_module *initrd = bi->nr_modules > 1 ? &bi->modules[1]
                                                          : NULL;
    unsigned long initrd_len = initrd ? initrd->end - initrd->start : 0;
    size_t size = kmod->end - kmod->start;
    const void *image = maddr_to_virt(kmod->start);
    struct elf_image elf;
    struct dom0_layout l;
    struct dom0_load ld;
    struct domain *d;
    struct vcpu *v;
    unsigned long nr_pages, *p2m;
    unsigned int nr_vcpus;
    struct start_info *si;
    mfn_t l4;
    const char *cmdline = strchr(kmod->string, ' ');

    printk("*** Building a PV Dom0 ***\n");
    if ( !(image = unpack_kernel(image, &size)) )
        panic("dom0: the kernel module is a corrupt gzip or xz image");
    if ( elf_init(&elf, image, size) || elf_xen_check(&elf) )
        panic("dom0: the kernel module is not a usable PV kernel (above)");
    if ( elf.xen.feat_required & ~DOM0_FEATURES )
        panic("dom0: the kernel requires features we lack (%#x)",
              elf.xen.feat_required & ~DOM0_FEATURES);

    nr_pages = dom0_nr_pages();
    compute_layout(&l, &elf, initrd_len, nr_pages);
    if ( pfn_of(&l, l.v_end) > nr_pages )
        panic("dom0: %lu KiB of memory cannot hold its %lu KiB kernel, "
              "initrd and boot tables (dom0_mem=)", nr_pages << 2,
              (l.v_end - l.v_start) >> 10);

    nr_vcpus = opt_dom0_max_vcpus ? opt_dom0_max_vcpus : num_online_cpus();
    nr_vcpus = min(nr_vcpus, (unsigned int)XEN_LEGACY_MAX_VCPUS);
    d = domain_create(0, true, nr_vcpus);
    if ( !d || !(v = vcpu_create(d, 0, 0)) )
        panic("dom0: out of memory creating the domain");
    /* The others start down; the kernel brings them up (VCPUOP_up). */
    for ( unsigned int i = 1, cpu = 0; i < nr_vcpus; i++ )
    {
        cpu = cpumask_next(cpu, &cpu_online_map);
        if ( cpu >= nr_cpumask_bits )
            cpu = cpumask_first(&cpu_online_map);
        if ( !vcpu_create(d, i, cpu) )
            panic("dom0: out of memory creating vCPU %u", i);
    }
    for ( unsigned int i = 0; opt_dom0_vcpus_pin && i < nr_vcpus; i++ )
        dom0_pin_vcpu(d->vcpu[i]);
    hardware_domain = d;
    d->max_pages = nr_pages;

    /*
     * Any frames will do: the guest sees them through its p2m.  Taken in
     * 2 MiB runs where the heap has them, and not scrubbed: dom0 may map
     * all of the machine's memory anyway, so what a frame held at boot is
     * no secret from it; what the builder relies on is cleared below.
     */
    p2m = xmalloc_array(unsigned long, nr_pages);
    if ( !p2m )
        panic("dom0: out of memory for the p2m");
    for ( unsigned long pfn = 0; pfn < nr_pages; )
    {
        unsigned int order = DOM0_CHUNK_ORDER;
        struct page_info *pg;

        while ( (1UL << order) > nr_pages - pfn ||
                !(pg = alloc_domain_pages(d, order, MEMF_no_scrub)) )
            if ( order-- == 0 )
                panic("dom0: out of memory at page %lu of %lu", pfn,
                      nr_pages);
        for ( unsigned long i = 0; i < (1UL << order); i++, pfn++ )
        {
            p2m[pfn] = mfn_x(page_to_mfn(pg)) + i;
            set_gpfn_from_mfn(p2m[pfn], pfn);
        }
    }

    ld = (struct dom0_load){ .elf = &elf, .layout = &l, .p2m = p2m };
    elf_load(&elf, copy_to_dom0, &ld);
    if ( initrd )
        for ( unsigned long off = 0; off < initrd_len; off += PAGE_SIZE )
            memcpy(dom0_va_to_virt(&l, p2m, l.initrd_start + off),
                   maddr_to_virt(initrd->start + off),
                   min(PAGE_SIZE, initrd_len - off));
    for ( unsigned long pfn = 0; pfn < nr_pages; pfn++ )
        *(uint64_t *)dom0_va_to_virt(&l, p2m, l.p2m_start + pfn * 8) =
            p2m[pfn];
    if ( elf.xen.seen & (1u << XEN_ELFNOTE_HYPERCALL_PAGE) )
        write_hypercall_page(dom0_va_to_virt(&l, p2m,
                                             elf.xen.hypercall_page));

    /*
     * Pinned as Xen's builder pins them, plus the reference the installed
     * page table (guest_table) holds for as long as it is installed.
     */
    l4 = build_page_tables(&l, p2m);
    if ( pv_pin_table(d, mfn_x(l4), PGT_l4_page_table) ||
         get_page_and_type(mfn_to_page(l4), d, PGT_l4_page_table) )
        panic("dom0: its boot page tables did not validate");

    si = dom0_va_to_virt(&l, p2m, l.start_info);
    memset(si, 0, PAGE_SIZE);
    strlcpy(si->magic, "xen-3.0-x86_64", sizeof(si->magic));
    si->nr_pages = nr_pages;
    si->shared_info = virt_to_maddr(d->shared_info);
    si->flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
    si->pt_base = l.pt_start;
    si->nr_pt_frames = l.nr_pt_frames;
    si->mfn_list = l.p2m_start;
    si->mod_start = initrd ? l.initrd_start : 0;
    si->mod_len = initrd_len;
    if ( cmdline )
        strlcpy((char *)si->cmd_line, cmdline + 1, sizeof(si->cmd_line));

    v->arch->user_regs.rip = elf.virt_entry;
    v->arch->user_regs.rsp = l.stack + PAGE_SIZE;
    v->arch->user_regs.rsi = l.start_info;
    v->arch->user_regs.rflags = X86_EFLAGS_IF;
    v->arch->user_regs.cs = PV_KERNEL_CS;
    v->arch->user_regs.ss = PV_KERNEL_SS;
    v->arch->flags = VGCF_in_kernel;
    v->arch->guest_table = l4;
    xfree(p2m);

    printk("Dom0 kernel: %s %s, %lu pages, %u vCPUs, entry %#lx, "
           "region %#lx-%#lx\n", elf.xen.guest_os, elf.xen.guest_version,
           nr_pages, nr_vcpus, elf.virt_entry, l.v_start, l.v_end);
    v->pause_flags &= ~VPF_down;
    domain_unpause(d);
}
