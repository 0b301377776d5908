/* SPDX-License-Identifier: GPL-2.0-only */
/* What every PV use of the x86 emulator shares: the guest's view of it. */
#include <xen/sched.h>
#include <xen/string.h>
#include <asm/domain.h>
#include <asm/processor.h>
#include <asm/pv/compat.h>
#include <asm/pv/descriptor-tables.h>
#include <asm/pv/emulate.h>
#include <asm/uaccess.h>

/*
 * The kernel runs privileged instructions as ring 0 would; against the
 * virtual IOPL it counts as ring 1, or ring 0 once it asked for
 * VMASST_TYPE_architectural_iopl, as in Xen.  User mode is ring 3.  A
 * 64-bit guest's kernel and user mode are both ring 3 (VGCF_in_kernel
 * tells them apart), a 32-bit guest's are rings 1 and 3 of its CS
 * (pv_guest_kernel_mode()); the same rules follow.  A 32-bit guest's
 * code is decoded as 32-bit (no REX, 0x67 to 16-bit addresses, 32-bit
 * operands by default) when its CS is flat 32-bit code, as ours and
 * Linux's are; on any other the instruction is not emulated (false): the
 * emulator's 32-bit mode knows no segment base or limit.
 */
bool pv_emul_ctxt_init(struct x86_emulate_ctxt *ctxt,
                       struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    bool pv32 = v->domain->arch.pv.is_32bit;
    bool kernel = pv_guest_kernel_mode(v, regs);

    if ( pv32 && !pv_flat_code32(v, regs->cs) )
        return false;
    /*
     * Field by field: a memset (even inline) is REP STOS, which costs per
     * iteration under TCG.  x86_emulate() clears retire and insn_len, the
     * decode sets opcode and modrm, a raise sets the event.
     */
    ctxt->regs = regs;
    ctxt->mode = pv32 ? X86EMUL_MODE_32 : X86EMUL_MODE_64;
    ctxt->cpl = kernel ? 0 : 3;
    ctxt->io_cpl = !kernel ? 3
                   : v->domain->arch.pv.vm_assist &
                           (1UL << VMASST_TYPE_architectural_iopl)
                       ? 0
                       : 1;
    ctxt->iopl = v->arch.pv.iopl;
    ctxt->cache = &v->arch.emul_cache;
    ctxt->data = NULL;
    ctxt->opcode = 0;
    ctxt->modrm = 0;
    ctxt->swint_vector = 0;
    ctxt->event.vector = 0;
    ctxt->event.error_code = 0;
    ctxt->event.cr2 = 0;
    return true;
}

/* Instruction bytes and data, through the guest's current page tables. */
int pv_emul_read(unsigned long addr, void *buf, unsigned int bytes,
                 struct x86_emulate_ctxt *ctxt)
{
    return copy_from_guest_bytes(buf, (const void *)addr, bytes)
               ? X86EMUL_UNHANDLEABLE
               : X86EMUL_OKAY;
}

/* FS and GS: what the guest last loaded, still live in the MSRs. */
int pv_emul_read_segment_base(enum x86_segment seg, unsigned long *base,
                              struct x86_emulate_ctxt *ctxt)
{
    *base = rdmsr(seg == x86_seg_fs ? MSR_FS_BASE : MSR_GS_BASE);
    return X86EMUL_OKAY;
}
