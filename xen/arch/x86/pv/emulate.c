/* SPDX-License-Identifier: GPL-2.0-only */
/* Fetching and picking apart the guest instruction being emulated. */
#include <xen/lib.h>
#include <xen/string.h>
#include <asm/page.h>
#include <asm/pv/emulate.h>
#include <asm/uaccess.h>

/*
 * Fetches what there is of the instruction at rip: up to 16 bytes, fewer
 * if the next page is not mapped.
 */
bool pv_insn_fetch(struct insn *in, unsigned long rip)
{
    unsigned long to_page_end = PAGE_SIZE - (rip & ~PAGE_MASK);

    memset(in, 0, sizeof(*in));
    in->n = sizeof(in->b);
    if ( copy_from_guest_bytes(in->b, (void *)rip, in->n) )
    {
        in->n = min(to_page_end, (unsigned long)sizeof(in->b));
        if ( copy_from_guest_bytes(in->b, (void *)rip, in->n) )
            return false;
    }
    while ( in->len < in->n )
    {
        uint8_t p = in->b[in->len];

        if ( p == 0x66 )
            in->opsize = true;
        else if ( p == 0xf0 )
            in->lock = true;
        else if ( (p & 0xf0) == 0x40 )
            in->rex = p;
        /* Only string I/O (INS, OUTS) repeats or takes FS and GS bases. */
        else if ( p == 0xf2 || p == 0xf3 )
            in->rep = true;
        else if ( p == 0x64 || p == 0x65 )
            in->fsgs = true;
        /*
         * The other segment overrides: ignored in 64-bit mode.  (Linux on
         * one CPU patches its lock prefixes into DS overrides.)
         */
        else if ( p != 0x26 && p != 0x2e && p != 0x36 && p != 0x3e )
            break;
        in->len++;
    }
    return in->len < in->n;
}

uint64_t *pv_insn_gpr(struct cpu_user_regs *regs, unsigned int n)
{
    switch ( n )
    {
    case 0: return &regs->rax;
    case 1: return &regs->rcx;
    case 2: return &regs->rdx;
    case 3: return &regs->rbx;
    case 4: return &regs->rsp;
    case 5: return &regs->rbp;
    case 6: return &regs->rsi;
    case 7: return &regs->rdi;
    case 8: return &regs->r8;
    case 9: return &regs->r9;
    case 10: return &regs->r10;
    case 11: return &regs->r11;
    case 12: return &regs->r12;
    case 13: return &regs->r13;
    case 14: return &regs->r14;
    default: return &regs->r15;
    }
}

