/* SPDX-License-Identifier: GPL-2.0-only */
/* A PV kernel's direct writes to its own L1 page tables, done for it. */
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/domain.h>
#include <asm/page.h>
#include <asm/pv/emulate.h>
#include <asm/pv/mm.h>

/*
 * The guest's page tables map its page-table frames read-only, so a
 * kernel that writes a PTE with an ordinary store (Linux's ptep_get_and_
 * clear is a locked xchg) takes a write fault.  If the target is an L1
 * table of its own, we decode the store, validate the new entry exactly
 * as mmu_update would, write it, and step past the instruction.  Only
 * 8-byte MOV, XCHG and CMPXCHG are handled: what PV kernels use.
 */

/* The machine frame that maps va in v's kernel page tables, if any. */
static bool frame_mapping(const struct vcpu *v, unsigned long va, mfn_t *mfn)
{
    pte_t e = mfn_to_maddr(v->arch->guest_table) | _PAGE_PRESENT;

    for ( unsigned int shift = 39; shift >= PAGE_SHIFT; shift -= 9 )
    {
        const pte_t *table;

        if ( !(e & _PAGE_PRESENT) || (shift < 39 && (e & _PAGE_PSE)) )
            return false;
        table = maddr_to_virt(e & PTE_ADDR_MASK);
        e = table[(va >> shift) & 511];
    }
    if ( !(e & _PAGE_PRESENT) )
        return false;
    *mfn = maddr_to_mfn(e & PTE_ADDR_MASK);
    return true;
}

/* Length of a ModRM operand (with SIB and displacement) at in->len. */
static bool skip_modrm(struct insn *in, uint8_t *modrm)
{
    unsigned int mod, rm, len = 1;

    if ( in->len >= in->n )
        return false;
    *modrm = in->b[in->len];
    mod = *modrm >> 6;
    rm = *modrm & 7;
    if ( mod == 3 )
        return false;               /* a register: not a memory store */
    if ( rm == 4 )
    {
        if ( in->len + 1 >= in->n )
            return false;
        if ( mod == 0 && (in->b[in->len + 1] & 7) == 5 )
            len += 4;
        len++;
    }
    if ( mod == 0 && rm == 5 )
        len += 4;
    else if ( mod == 1 )
        len += 1;
    else if ( mod == 2 )
        len += 4;
    in->len += len;
    return in->len <= in->n;
}

bool pv_ptwr_emulate(struct cpu_user_regs *regs, unsigned long addr)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    struct page_info *pg;
    struct insn in;
    uint8_t op, modrm;
    uint64_t *src, old, new;
    paddr_t pte_ma;
    mfn_t mfn;

    if ( (addr & 7) || !frame_mapping(v, addr, &mfn) || !mfn_valid(mfn) )
        return false;
    pg = mfn_to_page(mfn);
    if ( page_get_owner(pg) != d ||
         (pg->u.inuse.type_info & PGT_type_mask) != PGT_l1_page_table )
        return false;
    if ( !pv_insn_fetch(&in, regs->rip) || !(in.rex & 8) )
        return false;               /* only 64-bit operands */

    op = in.b[in.len++];
    if ( op == 0x0f && in.len < in.n && in.b[in.len] == 0xb1 )
    {
        in.len++;
        op = 0xb1;                  /* cmpxchg */
    }
    if ( op != 0x89 && op != 0x87 && op != 0xb1 && op != 0xc7 )
        return false;
    if ( !skip_modrm(&in, &modrm) )
        return false;
    src = pv_insn_gpr(regs, ((modrm >> 3) & 7) | (in.rex & 4 ? 8 : 0));

    pte_ma = mfn_to_maddr(mfn) | (addr & ~PAGE_MASK);
    old = *(volatile uint64_t *)maddr_to_virt(pte_ma);
    switch ( op )
    {
    case 0xc7:                                  /* mov $imm32, m64 */
        if ( ((modrm >> 3) & 7) || in.len + 4 > in.n )
            return false;
        new = (int64_t)*(int32_t *)&in.b[in.len];
        in.len += 4;
        break;
    case 0xb1:                                  /* cmpxchg r64, m64 */
        if ( regs->rax != old )
        {
            regs->rax = old;
            regs->rflags &= ~0x40UL;            /* ZF */
            regs->rip += in.len;
            return true;
        }
        regs->rflags |= 0x40UL;
        new = *src;
        break;
    default:                                    /* mov and xchg */
        new = *src;
        break;
    }
    if ( pv_update_pt_entry(pte_ma, new, false, d, d) )
        return false;
    if ( op == 0x87 )
        *src = old;
    regs->rip += in.len;
    return true;
}
