/* SPDX-License-Identifier: GPL-2.0-only */
/* PV descriptor tables: set_gdt, update_descriptor, descriptor checks. */
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/page_owner.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <asm/desc.h>
#include <asm/domain.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv/compat.h>
#include <asm/pv/descriptor-tables.h>
#include <asm/pv/mm.h>
#include <asm/pv/traps.h>
#include <asm/regs.h>
#include <asm/system.h>
#include <asm/traps.h>

/* Fields of a descriptor, as one 64-bit value. */
#define DESC_TYPE      (0xfUL << 40)
#define DESC_S         (1UL << 44) /* code or data, not system */
#define DESC_DPL       (3UL << 45)
#define DESC_P         (1UL << 47)
#define DESC_CALL_GATE (0xcUL << 40)
#define DESC_L         (1UL << 53) /* 64-bit code */
#define DESC_CODE      (1UL << 43)
#define DESC_D         (1UL << 54)
#define DESC_G         (1UL << 55)
#define DESC_BASE      (0xffUL << 56 | 0xffffffUL << 16)
#define DESC_LIMIT     (0xfUL << 48 | 0xffffUL)
/*
 * A call gate's bits that must be clear: a 64-bit one's IST/parameter-
 * count byte; a 32-bit guest's (a 32-bit gate) the three above its
 * parameter count.
 */
#define DESC_GATE_RSVD   (0xffUL << 32)
#define DESC_GATE_RSVD32 (0xe0UL << 32)

#define DESCS_PER_FRAME (PAGE_SIZE / sizeof(uint64_t))
/* The most LDT entries SET_LDT accepts (a 64 KiB table). */
#define MAX_LDT_ENTS 8192

/*
 * The code selectors a call gate may name: the LDT's, the guest's own GDT
 * entries, and of the hypervisor's the kernel's flat code: a 64-bit
 * guest's flat ring-3 code segments, a 32-bit guest's ring-1 one
 * (exactly FLAT_RING1_CS, as Xen); never the null selector or the
 * hypervisor's other entries.
 */
static bool gate_selector_ok(const struct domain *dom, uint16_t sel)
{
    if ( sel & 4 )
        return true;
    if ( !(sel & ~3) )
        return false;
    if ( (sel >> 3) < FIRST_RESERVED_GDT_ENTRY )
        return true;
    if ( is_pv_32bit_domain(dom) )
        return sel == COMPAT_RING1_CS;
    return (sel | 3) == FLAT_RING3_CS64 || (sel | 3) == FLAT_RING3_CS32;
}

/* The first byte past a code or data segment, up to 4 GiB. */
static uint64_t desc_end(uint64_t d)
{
    uint64_t limit = ((d >> 32) & 0xf0000) | (d & 0xffff);

    return (d & DESC_G) ? (limit + 1) << 12 : limit + 1;
}

bool pv_check_descriptor(const struct domain *dom, uint64_t *desc)
{
    uint64_t d = *desc;
    uint16_t sel;

    if ( !(d & DESC_P) )
        return true;
    /*
     * A 64-bit guest's kernel runs in ring 3, so nothing may need a lower
     * CPL; a 32-bit guest's in ring 1, so DPL 0 becomes 1.  Such a guest
     * gets no 64-bit code segment: in long mode it would reach the 64-bit
     * entry paths (SYSCALL through LSTAR), which take every caller for a
     * 64-bit guest (Xen refuses the L bit too).
     */
    if ( is_pv_32bit_domain(dom) )
    {
        if ( (d & DESC_S) && (d & DESC_L) )
            return false;
        if ( !(d & DESC_DPL) )
            d |= 1UL << 45;
        /*
         * A flat segment that ends inside the hole is made to reach 4 GiB,
         * as Xen does for the older PAE kernels that stop their segments
         * at their idea of the hole's start: the compat M2P above it must
         * be readable through them.  Paging guards the hole, not limits.
         */
        if ( (d & DESC_S) && !(d & DESC_BASE) &&
             desc_end(d) > dom->arch.pv.compat_virt_start )
            d |= DESC_LIMIT;
    }
    else
        d |= DESC_DPL;
    /* Base and limit need no check: guest pages are all a segment reaches. */
    if ( d & DESC_S )
    {
        *desc = d;
        return true;
    }
    /*
     * Type 0 is invalid to the CPU, so loading it faults; it is what the
     * upper half of a 16-byte call gate looks like.
     */
    if ( !(d & DESC_TYPE) )
        return true;
    if ( (d & DESC_TYPE) != DESC_CALL_GATE ||
         (d & (is_pv_32bit_domain(dom) ? DESC_GATE_RSVD32 : DESC_GATE_RSVD)) )
        return false;
    sel = d >> 16;
    if ( !gate_selector_ok(dom, sel) )
        return false;
    /*
     * DPL 0 makes every use of the gate fault, so that it can be emulated
     * (a ring-3 kernel cannot be entered through it natively, and a long
     * mode CPU would take a 32-bit guest's 8-byte gate for half of a
     * 64-bit one); the DPL the guest asked for (raised as above) travels
     * in the selector's RPL, as in Xen.
     */
    sel = (sel & ~3) | ((d & DESC_DPL) >> 45);
    d = (d & ~(DESC_DPL | (0xffffUL << 16))) | ((uint64_t)sel << 16);
    *desc = d;
    return true;
}

/*
 * Whether sel names, for v (current), a flat 32-bit code segment: present
 * code with D set and L clear, base 0 and a 4 GiB limit.  That is the only
 * kind of 32-bit code the emulator decodes (X86EMUL_MODE_32); a 32-bit
 * guest's instruction on any other (16-bit code, a base, a limit) keeps
 * its fault.  The reserved entries hold two: ring 1's and ring 3's.
 */
bool pv_flat_code32(const struct vcpu *v, unsigned int sel)
{
    const struct arch_vcpu *a = &v->arch;
    unsigned int idx = sel >> 3;
    uint64_t d;

    if ( sel & 4 )
    {
        if ( idx >= a->pv.ldt_ents ||
             copy_from_guest_bytes(&d,
                                   (const void *)(a->pv.ldt_base + idx * 8),
                                   sizeof(d)) )
            return false;
    }
    else if ( idx >= FIRST_RESERVED_GDT_ENTRY )
        return (sel & ~3u) == (COMPAT_RING1_CS & ~3u) ||
               (sel & ~3u) == (COMPAT_RING3_CS & ~3u);
    else if ( idx < a->pv.gdt_ents )
        d = ((const uint64_t *)mfn_to_virt(_mfn(
            a->pv.gdt_frames[idx / DESCS_PER_FRAME])))[idx % DESCS_PER_FRAME];
    else
        return false;
    return (d & (DESC_P | DESC_S | DESC_CODE | DESC_L | DESC_D | DESC_G |
                 DESC_BASE | DESC_LIMIT)) ==
           (DESC_P | DESC_S | DESC_CODE | DESC_D | DESC_G | DESC_LIMIT);
}

/* All 512 entries count: the CPU can reach any of them by selector. */
static bool check_descriptor_frame(const struct domain *d, unsigned long mfn)
{
    uint64_t *desc = mfn_to_virt(_mfn(mfn));

    for ( unsigned int i = 0; i < DESCS_PER_FRAME; i++ )
        if ( !pv_check_descriptor(d, &desc[i]) )
            return false;
    return true;
}

void pv_destroy_gdt(struct vcpu *v)
{
    struct arch_vcpu *a = &v->arch;
    unsigned int nr = DIV_ROUND_UP(a->pv.gdt_ents, DESCS_PER_FRAME);

    if ( v == current )
        load_guest_gdt(NULL, 0);
    for ( unsigned int i = 0; i < nr; i++ )
    {
        put_page_and_type(mfn_to_page(_mfn(a->pv.gdt_frames[i])));
        a->pv.gdt_frames[i] = 0;
    }
    a->pv.gdt_ents = 0;
}

int pv_set_gdt(struct vcpu *v, const unsigned long *frames,
               unsigned int nr_entries)
{
    struct arch_vcpu *a = &v->arch;
    unsigned int i, nr = DIV_ROUND_UP(nr_entries, DESCS_PER_FRAME);
    unsigned int old_nr = DIV_ROUND_UP(a->pv.gdt_ents, DESCS_PER_FRAME);

    if ( nr_entries > FIRST_RESERVED_GDT_ENTRY )
        return -EINVAL;
    /*
     * The type comes first: once a frame is a descriptor page the guest
     * has no writable mapping of it, so what is checked stays checked.
     */
    for ( i = 0; i < nr; i++ )
    {
        struct page_info *pg;

        if ( !mfn_valid(_mfn(frames[i])) )
            goto fail;
        pg = mfn_to_page(_mfn(frames[i]));
        if ( get_page_and_type(pg, v->domain, PGT_seg_desc_page) )
            goto fail;
        if ( !check_descriptor_frame(v->domain, frames[i]) )
        {
            put_page_and_type(pg);
            goto fail;
        }
    }

    /* The new frames hold references, so the old ones can go first. */
    for ( i = 0; i < old_nr; i++ )
        put_page_and_type(mfn_to_page(_mfn(a->pv.gdt_frames[i])));
    for ( i = 0; i < ARRAY_SIZE(a->pv.gdt_frames); i++ )
        a->pv.gdt_frames[i] = i < nr ? frames[i] : 0;
    a->pv.gdt_ents = nr_entries;
    if ( v == current )
        load_guest_gdt(a->pv.gdt_frames, nr);
    return 0;

fail:
    while ( i-- > 0 )
        put_page_and_type(mfn_to_page(_mfn(frames[i])));
    return -EINVAL;
}

long pv_set_gdt_list(unsigned long list, unsigned int entries, bool narrow)
{
    struct vcpu *v = current;
    unsigned long frames[ARRAY_SIZE(v->arch.pv.gdt_frames)];
    uint32_t narrow_frames[ARRAY_SIZE(frames)];
    unsigned int nr = DIV_ROUND_UP(entries, DESCS_PER_FRAME);
    long rc;

    BUILD_BUG_ON(DIV_ROUND_UP(FIRST_RESERVED_GDT_ENTRY, DESCS_PER_FRAME) >
                 ARRAY_SIZE(frames));
    /* Checked again by pv_set_gdt(); here it bounds the copy. */
    if ( entries > FIRST_RESERVED_GDT_ENTRY )
        return -EINVAL;
    /* A 32-bit guest's list must be below its hypervisor hole. */
    if ( narrow && !pv_compat_range_ok(list, nr * sizeof(uint32_t)) )
        return -EFAULT;
    if ( narrow ? copy_from_guest_bytes(narrow_frames, (void *)list,
                                        nr * sizeof(uint32_t))
                : copy_from_guest_bytes(frames, (void *)list,
                                        nr * sizeof(unsigned long)) )
        return -EFAULT;
    for ( unsigned int i = 0; narrow && i < nr; i++ )
        frames[i] = narrow_frames[i];
    spin_lock(&v->domain->domain_lock);
    rc = pv_set_gdt(v, frames, entries);
    spin_unlock(&v->domain->domain_lock);
    return rc;
}

long do_set_gdt(XEN_GUEST_HANDLE_PARAM(xen_ulong_t) frame_list,
                unsigned int entries)
{
    return pv_set_gdt_list(guest_handle_addr(frame_list), entries, false);
}

/*
 * Writes one descriptor at machine address pa, in a frame of the caller:
 * a GDT/LDT frame (no writable mapping exists, hence this hypercall) or
 * any frame it could write anyway.
 */
long do_update_descriptor(uint64_t pa, uint64_t desc)
{
    struct domain *d = current->domain;
    mfn_t mfn = maddr_to_mfn(pa);
    struct page_info *pg;
    unsigned long type;
    uint64_t *entry;

    /* Unaligned, it would straddle two descriptors. */
    if ( !IS_ALIGNED(pa, sizeof(desc)) || !pv_check_descriptor(d, &desc) )
        return -EINVAL;
    if ( !mfn_valid(mfn) )
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if ( !get_page(pg, d) )
        return -EINVAL;
    type = (pg->u.inuse.type_info & PGT_type_mask) == PGT_seg_desc_page
               ? PGT_seg_desc_page
               : PGT_writable_page;
    if ( get_page_type(pg, type) )
    {
        put_page(pg);
        return -EINVAL;
    }
    entry = (uint64_t *)((uint8_t *)mfn_to_virt(mfn) + (pa & ~PAGE_MASK));
    /* One store: another CPU may be loading this very descriptor. */
    __atomic_store_n(entry, desc, __ATOMIC_RELAXED);
    put_page_type(pg);
    put_page(pg);
    return 0;
}

/*
 * LDTs, kept as Xen keeps them: SET_LDT only records the guest's table
 * (a guest address and a number of entries); the LDTR of the CPU the
 * vCPU runs on points at that CPU's LDT area (desc.c) with the guest's
 * limit, and each page of the area is mapped on its first use, by the
 * page fault that use takes there (pv_ldt_fault()).  The guest's page
 * must then be a frame of its own that its kernel page tables map at the
 * table's address, that it can take as a descriptor page (no writable
 * mapping anywhere) and whose every descriptor passes the GDT's check.
 * It stays mapped, holding that type, until the table changes or the
 * vCPU goes away; unlike Xen we do not drop it when the guest unmaps
 * the page, so a guest that moves its LDT says so with SET_LDT.
 */
void pv_destroy_ldt(struct vcpu *v)
{
    struct arch_vcpu *a = &v->arch;

    if ( v == current )
        load_guest_ldt(NULL, 0);
    for ( unsigned int i = 0; i < ARRAY_SIZE(a->pv.ldt_frames); i++ )
    {
        if ( !a->pv.ldt_frames[i] )
            continue;
        put_page_and_type(mfn_to_page(_mfn(a->pv.ldt_frames[i])));
        a->pv.ldt_frames[i] = 0;
    }
}

int pv_set_ldt(struct vcpu *v, unsigned long base, unsigned int ents)
{
    struct arch_vcpu *a = &v->arch;

    BUILD_BUG_ON(MAX_LDT_ENTS * 8 != ARRAY_SIZE(a->pv.ldt_frames) * PAGE_SIZE);
    /*
     * Xen's rules: the base alone is checked (an aligned guest address),
     * and only when there are entries; a table that runs off the
     * canonical range faults there (#GP) when used.
     */
    if ( !ents )
        base = 0;
    if ( ents > MAX_LDT_ENTS || (base & ~PAGE_MASK) ||
         !pv_guest_addr_ok(base) )
        return -EINVAL;
    if ( base == a->pv.ldt_base && ents == a->pv.ldt_ents )
        return 0;
    pv_destroy_ldt(v);
    a->pv.ldt_base = base;
    a->pv.ldt_ents = ents;
    if ( v == current )
        load_guest_ldt(a->pv.ldt_frames, ents);
    return 0;
}

/* Maps page `page` of v's (current's) LDT; false if the guest's won't do. */
static bool map_ldt_page(struct vcpu *v, unsigned int page)
{
    struct arch_vcpu *a = &v->arch;
    unsigned long va = a->pv.ldt_base + page * PAGE_SIZE;
    struct page_info *pg;
    mfn_t mfn;

    /* Mapped already, the fault had another cause: the guest's to see. */
    if ( a->pv.ldt_frames[page] || !pv_guest_addr_ok(va) )
        return false;
    mfn = pv_guest_frame(v, va);
    if ( !mfn_valid(mfn) )
        return false;
    pg = mfn_to_page(mfn);
    if ( get_page_and_type(pg, v->domain, PGT_seg_desc_page) )
        return false;
    if ( !check_descriptor_frame(v->domain, mfn_x(mfn)) )
    {
        put_page_and_type(pg);
        return false;
    }
    a->pv.ldt_frames[page] = mfn_x(mfn);
    map_guest_ldt_page(page, mfn_x(mfn));
    return true;
}

bool pv_ldt_selector_unmapped(const struct vcpu *v, unsigned int sel)
{
    return (sel & 4) && (sel & ~7u) < v->arch.pv.ldt_ents * 8 &&
           !v->arch.pv.ldt_frames[(sel & ~7u) >> PAGE_SHIFT];
}

void pv_map_ldt_selector(struct vcpu *v, unsigned int sel)
{
    if ( pv_ldt_selector_unmapped(v, sel) )
        map_ldt_page(v, (sel & ~7u) >> PAGE_SHIFT);
}

bool pv_ldt_fault(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    unsigned int offset;
    unsigned long va;
    bool mapped;

    if ( !in_ldt_area(read_cr2(), &offset) )
        return false;
    /*
     * Taking the type may flush other CPUs' TLBs, which needs interrupts:
     * our own loads with them off map the page beforehand (see
     * pv_map_ldt_selector()), or get their exception-table fixup.
     */
    if ( !v || (!guest_mode(regs) && !(regs->rflags & X86_EFLAGS_IF)) )
        return false;
    local_irq_enable();
    mapped = map_ldt_page(v, offset >> PAGE_SHIFT);
    local_irq_disable();
    if ( mapped || !guest_mode(regs) )
        return mapped;
    /*
     * The guest's own fault, as Xen reports it: a page fault at the
     * descriptor's address in its table, or #GP with the selector's
     * error code where that address is not canonical.
     */
    va = v->arch.pv.ldt_base + offset;
    if ( pv_guest_addr_ok(va) )
        write_cr2(va);
    else
    {
        regs->entry_vector = X86_EXC_GP;
        regs->error_code = (offset & ~3u) | 4;
    }
    pv_handle_exception(regs);
    return true;
}

/*
 * A data segment register loaded with the guest's selector.  The guest's
 * tables may refuse it (#GP, #NP: a descriptor changed or gone since the
 * guest loaded it); the register is then left null and false comes back.
 */
#define DEFINE_SEGMENT_LOADER(seg)                                            \
    bool pv_load_##seg(unsigned int sel)                                      \
    {                                                                         \
        unsigned int ok = 1;                                                  \
                                                                              \
        __asm__ __volatile__("1:   mov %k[sel], %%" #seg "\n"                 \
                             "2:\n"                                           \
                             "     .pushsection .text.fixup, \"ax\"\n"        \
                             "3:   xor %k[ok], %k[ok]\n"                      \
                             "     mov %k[ok], %%" #seg "\n"                  \
                             "     jmp 2b\n"                                  \
                             "     .popsection\n"                             \
                             "     .pushsection .ex_table, \"a\"\n"           \
                             "     .balign 8\n"                               \
                             "     .quad 1b, 3b\n"                            \
                             "     .popsection"                               \
                             : [ok] "+r"(ok)                                  \
                             : [sel] "r"(sel)                                 \
                             : "memory");                                     \
        return ok;                                                            \
    }

DEFINE_SEGMENT_LOADER(ds)
DEFINE_SEGMENT_LOADER(es)
DEFINE_SEGMENT_LOADER(fs)
DEFINE_SEGMENT_LOADER(gs)
