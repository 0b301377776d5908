/* SPDX-License-Identifier: GPL-2.0-only */
/* A PV kernel's direct writes to its own L1 page tables, done for it. */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/pci.h>
#include <xen/sched.h>
#include <asm/domain.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv/emulate.h>
#include <asm/pv/mm.h>
#include <asm/pv/traps.h>

/*
 * The guest's page tables map its page-table frames read-only, so a
 * kernel that writes a PTE with an ordinary store (Linux's ptep_get_and_
 * clear is a locked xchg) takes a write fault.  If the target is an L1
 * table of its own, the x86 emulator runs the instruction with its memory
 * operand confined to the one entry that faulted: each store is validated
 * exactly as mmu_update would before it lands, and the guest resumes
 * after the instruction.  That covers what PV kernels use (MOV, XCHG,
 * CMPXCHG, and the locked AND, OR, BTS, BTR and BTC of Linux's bit
 * helpers; ptep_set_wrprotect is a byte-sized "lock andb") on any bytes
 * within one entry, and any other ALU form, as in Xen.
 */

/*
 * The machine frame that va maps read-only in v's kernel page tables, if
 * any.  As in Xen, a writable last entry is no candidate: it reaches a
 * page table only below a read-only linear entry, whose fault is the
 * guest's to take.
 */
static bool frame_mapping(const struct vcpu *v, unsigned long va, mfn_t *mfn)
{
    pte_t e = mfn_to_maddr(v->arch.pv.guest_table) | _PAGE_PRESENT;
    /* A 32-bit guest's root is its L3, over its 4 GiB. */
    unsigned int top = v->domain->arch.pv.is_32bit ? 30 : 39;

    if ( top == 30 && (va >> 32) )
        return false;
    for ( unsigned int shift = top; shift >= PAGE_SHIFT; shift -= 9 )
    {
        const pte_t *table;

        if ( !(e & _PAGE_PRESENT) || (shift < top && (e & _PAGE_PSE)) )
            return false;
        table = maddr_to_virt(e & PTE_ADDR_MASK);
        e = table[(va >> shift) & 511];
    }
    if ( (e & (_PAGE_PRESENT | _PAGE_RW)) != _PAGE_PRESENT )
        return false;
    *mfn = maddr_to_mfn(e & PTE_ADDR_MASK);
    return true;
}

/* The entry being written: where it is, and whose tables hold it. */
struct ptwr_ctxt {
    struct x86_emulate_ctxt ctxt;
    unsigned long addr; /* the faulting address */
    paddr_t pte_ma;     /* the entry's machine address */
    struct domain *d;
};

/*
 * Whether [addr, addr + bytes) lies within the faulting entry; sets *shift
 * to its bit offset there.
 */
static bool in_entry(const struct ptwr_ctxt *p, unsigned long addr,
                     unsigned int bytes, unsigned int *shift)
{
    if ( (addr & ~7UL) != (p->addr & ~7UL) || (addr & 7) + bytes > 8 )
        return false;
    *shift = (addr & 7) * 8;
    return true;
}

static uint64_t entry(const struct ptwr_ctxt *p)
{
    return *(volatile uint64_t *)maddr_to_virt(p->pte_ma);
}

/*
 * The emulator's operands (1 to 8 bytes) to a value and back, byte by
 * byte: the hypervisor's memcpy is REP MOVS, costly per iteration under
 * TCG.
 */
static uint64_t get_bytes(const void *buf, unsigned int bytes)
{
    const uint8_t *b = buf;
    uint64_t v = 0;

    for ( unsigned int i = bytes; i--; )
        v = (v << 8) | b[i];
    return v;
}

static void put_bytes(void *buf, uint64_t v, unsigned int bytes)
{
    uint8_t *b = buf;

    for ( unsigned int i = 0; i < bytes; i++, v >>= 8 )
        b[i] = v;
}

static int ptwr_read(unsigned long addr, void *buf, unsigned int bytes,
                     struct x86_emulate_ctxt *ctxt)
{
    const struct ptwr_ctxt *p = container_of(ctxt, struct ptwr_ctxt, ctxt);
    unsigned int shift;

    if ( !in_entry(p, addr, bytes, &shift) )
        return X86EMUL_UNHANDLEABLE;
    put_bytes(buf, entry(p) >> shift, bytes);
    return X86EMUL_OKAY;
}

/* The bytes merged into the entry, validated and written as mmu_update. */
static int __pt_path ptwr_store(struct ptwr_ctxt *p, uint64_t old,
                                unsigned int shift, const void *buf,
                                unsigned int bytes)
{
    uint64_t val = get_bytes(buf, bytes);
    uint64_t mask = bytes == 8 ? ~0ULL : ((1ULL << (bytes * 8)) - 1) << shift;

    val = (old & ~mask) | ((val << shift) & mask);
    return pv_update_pt_entry(p->pte_ma, val, false, p->d, p->d)
               ? X86EMUL_UNHANDLEABLE
               : X86EMUL_OKAY;
}

static int __pt_path ptwr_write(unsigned long addr, const void *buf,
                                unsigned int bytes,
                                struct x86_emulate_ctxt *ctxt)
{
    struct ptwr_ctxt *p = container_of(ctxt, struct ptwr_ctxt, ctxt);
    unsigned int shift;

    if ( !in_entry(p, addr, bytes, &shift) )
        return X86EMUL_UNHANDLEABLE;
    return ptwr_store(p, entry(p), shift, buf, bytes);
}

/* The comparison is against the entry as it is now, then the store. */
static int ptwr_cmpxchg(unsigned long addr, void *old, const void *new,
                        unsigned int bytes, struct x86_emulate_ctxt *ctxt)
{
    struct ptwr_ctxt *p = container_of(ctxt, struct ptwr_ctxt, ctxt);
    unsigned int shift;
    uint64_t cur, mask = bytes == 8 ? ~0ULL : (1ULL << (bytes * 8)) - 1;

    if ( !in_entry(p, addr, bytes, &shift) )
        return X86EMUL_UNHANDLEABLE;
    cur = entry(p);
    if ( ((cur >> shift) ^ get_bytes(old, bytes)) & mask )
    {
        put_bytes(old, cur >> shift, bytes);
        return X86EMUL_OKAY;
    }
    return ptwr_store(p, cur, shift, new, bytes);
}

/* Only memory writes: not the instructions whose effect the caller does. */
static int ptwr_validate(struct x86_emulate_ctxt *ctxt)
{
    switch ( ctxt->opcode )
    {
    case 0xcd:
    case 0xf4:
    case 0xfa:
    case 0xfb:
        return X86EMUL_UNHANDLEABLE;
    default:
        return X86EMUL_OKAY;
    }
}

static const struct x86_emulate_ops ptwr_ops = {
    .insn_fetch = pv_emul_read,
    .read = ptwr_read,
    .write = ptwr_write,
    .cmpxchg = ptwr_cmpxchg,
    .read_segment_base = pv_emul_read_segment_base,
    .validate = ptwr_validate,
};

/*
 * Dom0's stores to MMIO the hypervisor drives (an MSI-X table or PBA in
 * use, a page of an MMCONFIG area in use: pci_mmio_ro()), which its
 * mappings make read-only: as Xen's mmio_ro emulation, a naturally
 * aligned store at the faulting address is dropped and the guest goes
 * on after it, so that a kernel touching the table does not die of it;
 * one of at most a dword into MMCONFIG goes through the configuration-
 * write filter instead, as Xen's mmcfg_intercept_write.  Anything else
 * (a read of the frame, as a read-modify-write needs; a wider store into
 * MMCONFIG) leaves the guest its #PF.
 */
struct mmio_ro_ctxt {
    struct x86_emulate_ctxt ctxt;
    unsigned long addr; /* the faulting address */
    unsigned long mfn;  /* the frame it maps */
};

static int mmio_ro_read(unsigned long addr, void *buf, unsigned int bytes,
                        struct x86_emulate_ctxt *ctxt)
{
    return X86EMUL_UNHANDLEABLE;
}

static int mmio_ro_write(unsigned long addr, const void *buf,
                         unsigned int bytes, struct x86_emulate_ctxt *ctxt)
{
    const struct mmio_ro_ctxt *p = container_of(ctxt, struct mmio_ro_ctxt,
                                                ctxt);

    if ( !bytes || ((addr | bytes) & (bytes - 1)) || addr != p->addr )
        return X86EMUL_UNHANDLEABLE;
    switch ( pci_mmcfg_guest_write(p->mfn, addr & ~PAGE_MASK, bytes,
                                   get_bytes(buf, bytes)) )
    {
    case 0:
    case -ENODEV: /* not MMCONFIG: dropped */
        return X86EMUL_OKAY;
    default:
        return X86EMUL_UNHANDLEABLE;
    }
}

static const struct x86_emulate_ops mmio_ro_ops = {
    .insn_fetch = pv_emul_read,
    .read = mmio_ro_read,
    .write = mmio_ro_write,
    .read_segment_base = pv_emul_read_segment_base,
    .validate = ptwr_validate,
};

static bool mmio_ro_emulate(struct cpu_user_regs *regs, unsigned long addr,
                            mfn_t mfn)
{
    struct mmio_ro_ctxt p; /* set field by field: no REP STOS */

    p.addr = addr;
    p.mfn = mfn_x(mfn);
    if ( !pv_emul_ctxt_init(&p.ctxt, regs) ||
         x86_emulate(&p.ctxt, &mmio_ro_ops) != X86EMUL_OKAY )
        return false;
    pv_advance_rip(regs, p.ctxt.insn_len);
    return true;
}

bool pv_ptwr_emulate(struct cpu_user_regs *regs, unsigned long addr)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    struct ptwr_ctxt p; /* set field by field: no REP STOS */
    struct page_info *pg;
    mfn_t mfn;

    if ( !frame_mapping(v, addr, &mfn) )
        return false;
    pg = mfn_valid(mfn) ? mfn_to_page(mfn) : NULL;
    if ( !pg || page_get_owner(pg) != d ||
         (pg->u.inuse.type_info & PGT_type_mask) != PGT_l1_page_table )
        return is_hardware_domain(d) && pci_mmio_ro(mfn_x(mfn)) &&
               mmio_ro_emulate(regs, addr, mfn);
    p.addr = addr;
    p.d = d;
    p.pte_ma = mfn_to_maddr(mfn) | (addr & ~PAGE_MASK & ~7UL);
    if ( !pv_emul_ctxt_init(&p.ctxt, regs) ||
         x86_emulate(&p.ctxt, &ptwr_ops) != X86EMUL_OKAY )
        return false;
    pv_advance_rip(regs, p.ctxt.insn_len);
    return true;
}
