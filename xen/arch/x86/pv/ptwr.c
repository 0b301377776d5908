/* SPDX-License-Identifier: GPL-2.0-only */
/* A PV kernel's direct writes to its own L1 page tables, done for it. */
#include <xen/lib.h>
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
 * table of its own, we decode the store, validate the new entry exactly
 * as mmu_update would, write it, and step past the instruction.  What PV
 * kernels use is handled: 8-byte MOV, XCHG and CMPXCHG, and the locked
 * AND, OR, BTS, BTR and BTC of Linux's clear_bit()/set_bit()/change_bit()
 * and test-and- helpers (ptep_set_wrprotect is a byte-sized "lock andb"), on
 * any bytes within one entry.
 */

/*
 * The machine frame that va maps read-only in v's kernel page tables, if
 * any.  As in Xen, a writable last entry is no candidate: it reaches a
 * page table only below a read-only linear entry, whose fault is the
 * guest's to take.
 */
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
    if ( (e & (_PAGE_PRESENT | _PAGE_RW)) != _PAGE_PRESENT )
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

/* The flags a logical operation leaves: ZF, SF and PF of the result. */
static void logic_flags(struct cpu_user_regs *regs, uint64_t res,
                        unsigned int bits)
{
    uint64_t top = 1ULL << (bits - 1);
    uint64_t mask = bits == 64 ? ~0ULL : (1ULL << bits) - 1;

    regs->rflags &= ~(X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_ZF |
                      X86_EFLAGS_SF | X86_EFLAGS_OF);
    if ( !(res & mask) )
        regs->rflags |= X86_EFLAGS_ZF;
    if ( res & top )
        regs->rflags |= X86_EFLAGS_SF;
    if ( !(__builtin_popcount((uint8_t)res) & 1) )
        regs->rflags |= X86_EFLAGS_PF;
}

bool pv_ptwr_emulate(struct cpu_user_regs *regs, unsigned long addr)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    struct page_info *pg;
    struct insn in;
    uint8_t modrm;
    uint64_t *reg, old, val, new, mask;
    unsigned int op, size, shift, bit;
    paddr_t pte_ma;
    mfn_t mfn;
    bool w;

    if ( !frame_mapping(v, addr, &mfn) || !mfn_valid(mfn) )
        return false;
    pg = mfn_to_page(mfn);
    if ( page_get_owner(pg) != d ||
         (pg->u.inuse.type_info & PGT_type_mask) != PGT_l1_page_table )
        return false;
    if ( !pv_insn_fetch(&in, regs->rip) )
        return false;
    w = in.rex & 8;

    /* Two-byte opcodes (0f xx) are 0x1xx here. */
    op = in.b[in.len++];
    if ( op == 0x0f )
    {
        if ( in.len >= in.n )
            return false;
        op = 0x100 | in.b[in.len++];
    }
    if ( !skip_modrm(&in, &modrm) )
        return false;
    reg = pv_insn_gpr(regs, ((modrm >> 3) & 7) | (in.rex & 4 ? 8 : 0));

    /* The operation's size, and the new value of the bytes it covers. */
    pte_ma = mfn_to_maddr(mfn) | (addr & ~PAGE_MASK & ~7UL);
    shift = (addr & 7) * 8;
    old = *(volatile uint64_t *)maddr_to_virt(pte_ma);
    val = old >> shift;
    size = w ? 8 : 4;
    switch ( op )
    {
    case 0x89:                                  /* mov r, m */
        new = *reg;
        break;
    case 0x87:                                  /* xchg r, m */
        new = *reg;
        break;
    case 0xc7:                                  /* mov $imm32, m */
        if ( ((modrm >> 3) & 7) || in.len + 4 > in.n )
            return false;
        new = (int64_t)*(int32_t *)&in.b[in.len];
        in.len += 4;
        break;
    case 0x80:                                  /* or/and $imm8, m8 */
    case 0x81:                                  /* or/and $imm32, m */
        if ( op == 0x80 )
            size = 1;
        if ( in.len + (op == 0x80 ? 1 : 4) > in.n )
            return false;
        mask = op == 0x80 ? in.b[in.len]
                          : (uint64_t)(int64_t)*(int32_t *)&in.b[in.len];
        in.len += op == 0x80 ? 1 : 4;
        if ( ((modrm >> 3) & 7) == 1 )
            new = val | mask;
        else if ( ((modrm >> 3) & 7) == 4 )
            new = val & mask;
        else
            return false;
        logic_flags(regs, new, size * 8);
        break;
    case 0x09:                                  /* or r, m */
        new = val | *reg;
        logic_flags(regs, new, size * 8);
        break;
    case 0x21:                                  /* and r, m */
        new = val & *reg;
        logic_flags(regs, new, size * 8);
        break;
    case 0x1b1:                                 /* cmpxchg r, m */
        if ( !w )
            return false;
        if ( regs->rax != old )
        {
            regs->rax = old;
            regs->rflags &= ~X86_EFLAGS_ZF;
            pv_advance_rip(regs, in.len);
            return true;
        }
        regs->rflags |= X86_EFLAGS_ZF;
        new = *reg;
        break;
    case 0x1ab:                                 /* bts r, m */
    case 0x1b3:                                 /* btr r, m */
    case 0x1bb:                                 /* btc r, m */
    case 0x1ba:                                 /* bts/btr/btc $imm8, m */
        /* /5 bts, /6 btr, /7 btc; /4 (bt) only reads. */
        if ( op == 0x1ba )
        {
            if ( in.len >= in.n || ((modrm >> 3) & 7) < 5 )
                return false;
            bit = in.b[in.len++] & (size * 8 - 1);
            /* From here on as its register form: 0f ab, 0f b3, 0f bb. */
            op = 0x100 | (0xa3 + (((modrm >> 3) & 7) - 4) * 8);
        }
        else if ( *reg >= size * 8 )
            return false;           /* a bit in another entry */
        else
            bit = *reg;
        regs->rflags &= ~X86_EFLAGS_CF;
        if ( (val >> bit) & 1 )
            regs->rflags |= X86_EFLAGS_CF;
        if ( op == 0x1ab )
            new = val | (1ULL << bit);
        else if ( op == 0x1b3 )
            new = val & ~(1ULL << bit);
        else
            new = val ^ (1ULL << bit);
        break;
    default:
        return false;
    }

    /* The bytes written must lie within this one entry. */
    if ( (addr & 7) + size > 8 )
        return false;
    mask = size == 8 ? ~0ULL : ((1ULL << (size * 8)) - 1) << shift;
    new = (old & ~mask) | ((new << shift) & mask);
    if ( pv_update_pt_entry(pte_ma, new, false, d, d) )
        return false;
    if ( op == 0x87 )
        *reg = size == 8 ? old : (uint32_t)val;
    pv_advance_rip(regs, in.len);
    return true;
}
