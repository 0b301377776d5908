/* SPDX-License-Identifier: GPL-2.0-only */
/* Privileged instructions a PV kernel issues from ring 3, done for it. */
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/pci.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/domain.h>
#include <asm/io.h>
#include <asm/iocap.h>
#include <asm/processor.h>
#include <asm/pv/compat.h>
#include <asm/pv/emulate.h>
#include <asm/pv/compat_mm.h>
#include <asm/pv/mm.h>
#include <asm/pv/traps.h>
#include <asm/traps.h>
#include <asm/uaccess.h>
#include <public/sched.h>

/* The control registers as a PV kernel may see them. */
static bool guest_cr(const struct vcpu *v, unsigned int cr, uint64_t *val)
{
    switch ( cr )
    {
    case 0:
        *val = X86_CR0_PE | X86_CR0_MP | 0x10 /* ET */ | X86_CR0_NE |
               X86_CR0_WP | X86_CR0_AM | X86_CR0_PG |
               (v->arch.pv.fpu_ts ? X86_CR0_TS : 0);
        return true;
    case 2:
        *val = pv_get_cr2(v);
        return true;
    case 3:
        *val = v->domain->arch.pv.is_32bit
                   ? pv32_pfn_to_cr3(mfn_x(v->arch.pv.guest_table))
                   : mfn_to_maddr(v->arch.pv.guest_table);
        return true;
    case 4:
        *val = (read_cr4() & (X86_CR4_PAE | X86_CR4_OSFXSR |
                              X86_CR4_OSXMMEXCPT | X86_CR4_FSGSBASE)) |
               v->arch.cr4;
        return true;
    default:
        return false;
    }
}

/*
 * Writes to the control registers, as Xen allows them: CR0 may change
 * only TS (the fpu_taskswitch of old kernels), CR2 is the guest's own
 * copy, CR3 installs a new kernel L4 (as MMUEXT_NEW_BASEPTR, preemptible:
 * -ERESTART has the guest execute the MOV again).  Of CR4
 * the guest owns OSXSAVE (where the CPU has XSAVE), which it must set
 * before XSETBV, as on Xen; other bits are accepted and ignored (Linux
 * sets PGE early on), none of them a PV kernel's to change.
 */
static int set_guest_cr(struct vcpu *v, unsigned int cr, uint64_t val)
{
    uint64_t cr0;

    switch ( cr )
    {
    case 0:
        guest_cr(v, 0, &cr0);
        if ( (val ^ cr0) & ~(uint64_t)X86_CR0_TS )
            return -EINVAL;
        do_fpu_taskswitch(!!(val & X86_CR0_TS));
        return 0;
    case 2:
        pv_set_cr2(v, val);
        return 0;
    case 3:
        return pv_new_guest_table(v,
                                  v->domain->arch.pv.is_32bit
                                      ? pv32_cr3_to_pfn(val)
                                      : xen_cr3_to_pfn(val),
                                  false, true);
    case 4:
        v->arch.cr4 = boot_cpu_data.xcr0 ? val & X86_CR4_OSXSAVE : 0;
        return 0;
    default:
        return -EINVAL;
    }
}

/*
 * XSETBV, as Xen allows it: XCR0 only, with x87 always on, AVX only with
 * SSE, and nothing the hypervisor does not itself enable (and save).
 */
static bool guest_xsetbv(struct vcpu *v, uint32_t xcr, uint64_t val)
{
    if ( xcr || !(v->arch.cr4 & X86_CR4_OSXSAVE) || !(val & XSTATE_FP) ||
         (val & ~boot_cpu_data.xcr0) ||
         ((val & XSTATE_YMM) && !(val & XSTATE_SSE)) )
        return false;
    v->arch.xcr0 = val;
    xsetbv(0, val);
    return true;
}

/*
 * I/O ports: a privileged domain reaches the hardware, except the ports
 * we drive ourselves (the serial console, the PICs, the PIT) and PCI
 * configuration mechanism #1, which pci.c does on its behalf (the
 * hypervisor's own accesses share it); everyone else reads all-ones and
 * writes nowhere.
 */
static bool port_is_ours(unsigned int port, unsigned int size)
{
    static const struct {
        uint16_t first, last;
    } ours[] = {
        { 0x20, 0x21 },
        { 0x40, 0x43 },
        { 0xa0, 0xa1 },
        { 0x3f8, 0x3ff },
    };

    for ( unsigned int i = 0; i < ARRAY_SIZE(ours); i++ )
        if ( port <= ours[i].last && port + size - 1 >= ours[i].first )
            return true;
    return false;
}

/* Whether the hardware port is d's to reach, once the guest allowed it. */
static bool port_allowed(const struct vcpu *v, unsigned int port,
                         unsigned int size)
{
    return ioports_access_permitted(v->domain) && port + size <= 0x10000 &&
           !port_is_ours(port, size);
}

/* One byte of the guest's I/O bitmap; a byte we cannot read denies all. */
static uint8_t iobmp_byte(unsigned long va)
{
    uint8_t b;

    return copy_from_guest_bytes(&b, (const void *)va, 1) ? 0xff : b;
}

/*
 * Below the IOPL, the guest's own I/O bitmap (set_iobitmap) may still
 * allow the ports, as a TSS bitmap would: a clear bit for each.  It is
 * read through the kernel's page tables, also from user mode (a 32-bit
 * guest has one set of tables for both).
 */
static int guest_io_bitmap(unsigned int port, unsigned int size,
                           struct x86_emulate_ctxt *ctxt)
{
    struct vcpu *v = current;
    unsigned long at = v->arch.pv.iobmp + port / 8;
    bool user = !v->domain->arch.pv.is_32bit &&
                !(v->arch.flags & VGCF_in_kernel);
    unsigned int bits;

    if ( port + size > v->arch.pv.iobmp_limit )
        return X86EMUL_UNHANDLEABLE;
    if ( user )
        pv_toggle_guest_mode(v);
    bits = iobmp_byte(at) | (iobmp_byte(at + 1) << 8);
    if ( user )
        pv_toggle_guest_mode(v);
    return bits & (((1u << size) - 1) << (port & 7)) ? X86EMUL_UNHANDLEABLE
                                                     : X86EMUL_OKAY;
}

static int guest_in(unsigned int port, unsigned int size, uint32_t *val,
                    struct x86_emulate_ctxt *ctxt)
{
    struct vcpu *v = current;

    *val = ~0u;
    /*
     * PCI configuration mechanism #1 is pci.c's for any PV guest allowed
     * the ports, as on Xen: every domain has its own CF8 latch, and only
     * the privileged one reaches configuration space through 0xCFC-0xCFF.
     */
    if ( !pci_guest_port_read(v->domain, port, size, val) &&
         port_allowed(v, port, size) )
        *val = size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
    return X86EMUL_OKAY;
}

static int guest_out(unsigned int port, unsigned int size, uint32_t val,
                     struct x86_emulate_ctxt *ctxt)
{
    struct vcpu *v = current;

    if ( pci_guest_port_write(v->domain, port, size, val) ||
         !port_allowed(v, port, size) )
        return X86EMUL_OKAY;
    if ( size == 1 )
        outb(val, port);
    else if ( size == 2 )
        outw(val, port);
    else
        outl(val, port);
    return X86EMUL_OKAY;
}

/*
 * RDMSR and WRMSR: what Xen 4.17 gives a PV kernel, and #GP for the rest
 * (tests/msr.c compares the two).  The SYSCALL and SYSENTER MSRs are the
 * hypervisor's: a PV kernel registers its entry points by hypercall, and
 * touching the MSRs is a #GP, as on Xen.  A few registers that kernels
 * write on their way up keep their value and drop the write.
 */
#define MSR_IA32_TSC         0x00000010
#define MSR_AMD_PATCHLEVEL   0x0000008b
#define MSR_IA32_MPERF       0x000000e7
#define MSR_IA32_APERF       0x000000e8
#define MSR_IA32_MCG_CAP     0x00000179
#define MSR_IA32_MCG_STATUS  0x0000017a
#define MSR_IA32_MISC_ENABLE 0x000001a0
#define MSR_IA32_PAT         0x00000277
#define MSR_K8_HWCR          0xc0010015
#define MSR_AMD64_DE_CFG     0xc0011029

#define APIC_DEFAULT_BASE 0xfee00000UL
#define APIC_BASE_BSP     (1UL << 8)
/* Fast strings on; branch-trace and PEBS unavailable; xTPR messages off. */
#define MISC_ENABLE_PV 0x00801801UL
/* LFENCE is dispatch-serialising, as Xen makes it on AMD. */
#define DE_CFG_LFENCE_SERIALISE (1UL << 1)

static bool vendor_is_amd(void)
{
    return boot_cpu_data.vendor == X86_VENDOR_AMD ||
           boot_cpu_data.vendor == X86_VENDOR_HYGON;
}

/* The segment-base MSRs are a 64-bit guest's only, as on Xen. */
static bool segbase_msr(const struct vcpu *v, uint32_t msr)
{
    return (msr == MSR_FS_BASE || msr == MSR_GS_BASE ||
            msr == MSR_SHADOW_GS_BASE) &&
           v->domain->arch.pv.is_32bit;
}

static bool guest_rdmsr(const struct vcpu *v, uint32_t msr, uint64_t *out)
{
    uint64_t val;

    if ( segbase_msr(v, msr) )
        return false;
    switch ( msr )
    {
    case MSR_EFER:
    case MSR_IA32_PAT:
        /* Real values: PV page tables are interpreted with our PAT. */
    case MSR_AMD_PATCHLEVEL:
        /* The microcode revision, which kernels log. */
        val = rdmsr(msr);
        break;
    case MSR_IA32_TSC:
        val = rdtsc();
        break;
    case MSR_APIC_BASE:
        /* The local APIC is the hypervisor's: an enabled one, at home. */
        val = APIC_DEFAULT_BASE | APIC_BASE_ENABLE |
              (v->vcpu_id ? 0 : APIC_BASE_BSP);
        break;
    case MSR_FS_BASE:
        val = v->arch.pv.fs_base;
        break;
    case MSR_GS_BASE:
        val = v->arch.pv.gs_base_kernel;
        break;
    case MSR_SHADOW_GS_BASE:
        val = v->arch.pv.gs_base_user;
        break;
    case MSR_IA32_MISC_ENABLE:
        val = MISC_ENABLE_PV;
        break;
    case MSR_IA32_MCG_CAP: /* no machine-check banks offered */
    case MSR_IA32_MCG_STATUS:
        val = 0;
        break;
    case MSR_K8_HWCR:
        if ( !vendor_is_amd() )
            return false;
        val = 0;
        break;
    case MSR_AMD64_DE_CFG:
        if ( !vendor_is_amd() )
            return false;
        val = DE_CFG_LFENCE_SERIALISE;
        break;
    default:
        return false;
    }
    *out = val;
    return true;
}

static bool guest_wrmsr(uint32_t msr, uint64_t val)
{
    if ( segbase_msr(current, msr) )
        return false;
    switch ( msr )
    {
    case MSR_FS_BASE:
        return !do_set_segment_base(SEGBASE_FS, val);
    case MSR_GS_BASE:
        return !do_set_segment_base(SEGBASE_GS_KERNEL, val);
    case MSR_SHADOW_GS_BASE:
        return !do_set_segment_base(SEGBASE_GS_USER, val);
    case MSR_EFER:
        /* Writing back what it reads is fine; changing it is not. */
        return val == rdmsr(MSR_EFER);
    case MSR_IA32_MPERF:
    case MSR_IA32_APERF:
    case MSR_IA32_MCG_CAP:
    case MSR_IA32_MCG_STATUS:
    case MSR_IA32_MISC_ENABLE:
        return true;
    case MSR_K8_HWCR:
    case MSR_AMD64_DE_CFG:
        return vendor_is_amd();
    default:
        return false;
    }
}

/* The emulator's callbacks: each refusal is the guest's #GP. */
static int refuse(struct x86_emulate_ctxt *ctxt)
{
    return x86_emul_raise(ctxt, X86_EXC_GP, 0);
}

static int priv_read_cr(unsigned int reg, unsigned long *val,
                        struct x86_emulate_ctxt *ctxt)
{
    uint64_t v;

    if ( !guest_cr(current, reg, &v) )
        return refuse(ctxt);
    *val = v;
    return X86EMUL_OKAY;
}

static int priv_write_cr(unsigned int reg, unsigned long val,
                         struct x86_emulate_ctxt *ctxt)
{
    int rc = set_guest_cr(current, reg, val);

    if ( rc == -ERESTART )
        return X86EMUL_RETRY;
    return rc ? refuse(ctxt) : X86EMUL_OKAY;
}

/* MOV to and from DRn: what set_debugreg and get_debugreg allow. */
static int priv_read_dr(unsigned int reg, unsigned long *val,
                        struct x86_emulate_ctxt *ctxt)
{
    long v = do_get_debugreg(reg);

    /* An errno, as Xen tells them: no guest address is that high. */
    if ( v < 0 && v >= -4095 )
        return refuse(ctxt);
    *val = v;
    return X86EMUL_OKAY;
}

static int priv_write_dr(unsigned int reg, unsigned long val,
                         struct x86_emulate_ctxt *ctxt)
{
    return do_set_debugreg(reg, val) ? refuse(ctxt) : X86EMUL_OKAY;
}

/* CPUID reaches here only where the CPU faults it: the PV policy then. */
static int priv_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t res[4],
                      struct x86_emulate_ctxt *ctxt)
{
    struct cpuid_regs r;

    pv_cpuid(leaf, subleaf, &r);
    res[0] = r.eax;
    res[1] = r.ebx;
    res[2] = r.ecx;
    res[3] = r.edx;
    return X86EMUL_OKAY;
}

static int priv_read_msr(uint32_t msr, uint64_t *val,
                         struct x86_emulate_ctxt *ctxt)
{
    return guest_rdmsr(current, msr, val) ? X86EMUL_OKAY : refuse(ctxt);
}

static int priv_write_msr(uint32_t msr, uint64_t val,
                          struct x86_emulate_ctxt *ctxt)
{
    return guest_wrmsr(msr, val) ? X86EMUL_OKAY : refuse(ctxt);
}

static int priv_write_xcr(uint32_t reg, uint64_t val,
                          struct x86_emulate_ctxt *ctxt)
{
    return guest_xsetbv(current, reg, val) ? X86EMUL_OKAY : refuse(ctxt);
}

/* WBINVD is done for the privileged domain only (INVD is never ours). */
static int priv_cache_op(bool writeback, struct x86_emulate_ctxt *ctxt)
{
    if ( cache_flush_permitted(current->domain) )
        __asm__ __volatile__("wbinvd" ::: "memory");
    return X86EMUL_OKAY;
}

#define PFEC_WRITE (1u << 1)
#define PFEC_USER  (1u << 2)

/*
 * String I/O reads and writes the guest's memory as its own access
 * would, as in Xen: an address in the hypervisor's range (or not
 * canonical) is #GP(0), one its page tables refuse its #PF there.
 */
static int string_fault(unsigned long addr, bool write,
                        struct x86_emulate_ctxt *ctxt)
{
    ctxt->event.cr2 = addr;
    return x86_emul_raise(ctxt, X86_EXC_PF,
                          (write ? PFEC_WRITE : 0) |
                              (pv_guest_kernel_mode(current, ctxt->regs)
                                   ? 0
                                   : PFEC_USER));
}

static int priv_read(unsigned long addr, void *buf, unsigned int bytes,
                     struct x86_emulate_ctxt *ctxt)
{
    if ( !guest_range_ok(addr, bytes) )
        return refuse(ctxt);
    return copy_from_guest_bytes(buf, (const void *)addr, bytes)
               ? string_fault(addr, false, ctxt)
               : X86EMUL_OKAY;
}

static int priv_write(unsigned long addr, const void *buf, unsigned int bytes,
                      struct x86_emulate_ctxt *ctxt)
{
    if ( !guest_range_ok(addr, bytes) )
        return refuse(ctxt);
    return copy_to_guest_bytes((void *)addr, buf, bytes)
               ? string_fault(addr, true, ctxt)
               : X86EMUL_OKAY;
}

/*
 * What the #GP path does, as in Xen 4.17: port and string I/O, CLI/STI,
 * HLT, INT n, CLTS, WBINVD, RDMSR/WRMSR, XSETBV, MOV to and from CRn and
 * DRn, and RDTSC and CPUID (which fault only under CR4.TSD or CPUID
 * faulting, or when another vCPU rewrote a faulting instruction into
 * them).  Any other instruction that faulted keeps its #GP: INVD, LMSW,
 * the rest of group 7.  Xen also admits RDTSCP; here it stays out, as
 * our RDMSR of TSC_AUX is a #GP, which would make it one anyway.
 */
static int priv_validate(struct x86_emulate_ctxt *ctxt)
{
    switch ( ctxt->opcode )
    {
    case 0x6c ... 0x6f:
    case 0xe4 ... 0xe7:
    case 0xec ... 0xef:
    case 0xcd:
    case 0xf4:
    case 0xfa:
    case 0xfb:
    case 0x106:
    case 0x109:
    case 0x120 ... 0x123:
    case 0x130 ... 0x132:
    case 0x1a2:
        return X86EMUL_OKAY;
    case 0x101:
        return ctxt->modrm == 0xd1 ? X86EMUL_OKAY : X86EMUL_UNHANDLEABLE;
    default:
        return X86EMUL_UNHANDLEABLE;
    }
}

static const struct x86_emulate_ops priv_ops = {
    .insn_fetch = pv_emul_read,
    .read = priv_read,
    .write = priv_write,
    .io_bitmap = guest_io_bitmap,
    .read_io = guest_in,
    .write_io = guest_out,
    .read_cr = priv_read_cr,
    .write_cr = priv_write_cr,
    .read_dr = priv_read_dr,
    .write_dr = priv_write_dr,
    .read_msr = priv_read_msr,
    .write_msr = priv_write_msr,
    .write_xcr = priv_write_xcr,
    .cpuid = priv_cpuid,
    .read_segment_base = pv_emul_read_segment_base,
    .cache_op = priv_cache_op,
    .validate = priv_validate,
};

/* INT n: to the guest's handler, if its DPL lets the caller raise it. */
static bool soft_interrupt(struct vcpu *v, struct cpu_user_regs *regs,
                           uint8_t vector, unsigned int len)
{
    const struct trap_info *ti = &v->arch.pv.trap_ctxt[vector];

    /*
     * The handler's DPL (flags bits 0-1) says who may raise it: the
     * kernel counts as ring 1, user mode as ring 3, as in Xen.
     */
    if ( !ti->address ||
         (ti->flags & 3) < (pv_guest_kernel_mode(v, regs) ? 1 : 3) )
        return false;
    /* The handler's frame returns past the INT, so it must exist. */
    if ( !pv_advance_rip(regs, len) )
        return true;
    return pv_create_bounce_frame(v, ti->address, NULL, 0, ti->flags & 4);
}

bool pv_emulate_privileged_op(struct cpu_user_regs *regs)
{
    struct x86_emulate_ctxt ctxt;
    int rc;

    if ( !pv_emul_ctxt_init(&ctxt, regs) )
        return false;
    rc = x86_emulate(&ctxt, &priv_ops);
    if ( rc == X86EMUL_EXCEPTION && ctxt.event.vector == X86_EXC_PF )
    {
        pv_set_cr2(current, ctxt.event.cr2);
        pv_inject_exception(X86_EXC_PF, ctxt.event.error_code);
        return true;
    }
    /*
     * A #UD it found (MOV DR naming DR8-15, a LOCK on what takes none) is
     * the guest's, as on Xen and the CPU, not the #GP it came with.
     */
    if ( rc == X86EMUL_EXCEPTION && ctxt.event.vector == X86_EXC_UD )
    {
        pv_inject_exception(X86_EXC_UD, PV_NO_ERROR_CODE);
        return true;
    }
    /* RIP stays: the guest's next run executes the instruction again. */
    if ( rc == X86EMUL_RETRY )
        return true;
    if ( rc != X86EMUL_OKAY )
        return false;
    if ( ctxt.retire.swint )
        return soft_interrupt(current, regs, ctxt.swint_vector, ctxt.insn_len);
    /*
     * CLI and STI passed the virtual IOPL and are then no-ops, as in
     * Xen: events are the vcpu_info mask's to block; a real CLI could
     * not be undone by the POPF a kernel pairs it with, which does not
     * trap.  HLT steps past itself before blocking: the wakeup resumes
     * after it.
     */
    if ( pv_advance_rip(regs, ctxt.insn_len) && ctxt.retire.hlt )
        do_sched_op(SCHEDOP_block, (XEN_GUEST_HANDLE_PARAM(void)){ NULL });
    return true;
}

/*
 * CPUID as a PV guest sees it: the host's, less what it cannot use
 * (virtualisation, x2APIC, MONITOR, PCID and INVPCID; large pages and
 * global pages, which its page tables may not have; MTRRs, which it may
 * not program; what only ring 0 or its own CR4 bits would enable: SMEP,
 * SMAP, UMIP, protection keys, 5-level paging), plus the hypervisor bit
 * and Xen's leaves from 0x40000000, as Xen 4.17's PV policy has it.
 */
void pv_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    if ( (leaf & 0xffff0000) == 0x40000000 )
    {
        memset(r, 0, sizeof(*r));
        switch ( leaf )
        {
        case 0x40000000:
            r->eax = 0x40000005;
            memcpy(&r->ebx, "XenV", 4);
            memcpy(&r->ecx, "MMXe", 4);
            memcpy(&r->edx, "nVMM", 4);
            break;
        case 0x40000001:
            r->eax = (XEN_VERSION << 16) | XEN_SUBVERSION;
            break;
        case 0x40000002:
            r->eax = 1;          /* hypercall page frames */
            r->ebx = 0x40000000; /* the MSR that fills one */
            break;
        }
        return;
    }
    cpuid_count(leaf, sub, r);
    if ( leaf == 1 )
    {
        /*
         * ECX: MONITOR, VMX, PCID, x2APIC; EDX: PSE, MCE, MTRR, PGE, MCA,
         * PSE36 (machine checks are the hypervisor's: there are no
         * virtual MCA banks to read).
         */
        /*
         * OSXSAVE stays the hypervisor's, as in Xen 4.17: Linux takes it
         * as "XSAVE usable" and still sets CR4.OSXSAVE before XSETBV.
         */
        r->ecx &= ~((1u << 3) | (1u << 5) | (1u << 17) | (1u << 21));
        r->ecx |= 1u << 31;
        r->edx &= ~((1u << 3) | (1u << 7) | (1u << 12) | (1u << 13) |
                    (1u << 14) | (1u << 17));
    }
    else if ( leaf == 7 && sub == 0 )
    {
        /* EBX: SMEP, INVPCID, SMAP; ECX: UMIP, PKU, OSPKE, LA57. */
        r->ebx &= ~((1u << 7) | (1u << 10) | (1u << 20));
        r->ecx &= ~((1u << 2) | (1u << 3) | (1u << 4) | (1u << 16));
    }
    else if ( leaf == 0xd && sub == 0 )
    {
        /* Only the components we enable (and save) may be asked for. */
        r->eax &= (uint32_t)boot_cpu_data.xcr0;
        r->edx &= (uint32_t)(boot_cpu_data.xcr0 >> 32);
    }
    else if ( leaf == 0xd && sub == 1 )
        r->eax &= ~(1u << 3); /* XSAVES: ring 0 only */
    else if ( leaf == 0x80000001 )
    {
        r->ecx &= ~(1u << 2);  /* SVM */
        r->edx &= ~(1u << 26); /* 1 GiB pages */
        /*
         * A 32-bit guest has no long mode to enter, nor (but on AMD, whose
         * SYSCALL works outside it) SYSCALL, as Xen's policy for it.
         */
        if ( current->domain->arch.pv.is_32bit )
            r->edx &= ~((1u << 29) | (vendor_is_amd() ? 0 : 1u << 11));
    }
}

/* The forced-emulation prefix: ud2; .ascii "xen"; then cpuid. */
bool pv_emulate_forced_cpuid(struct cpu_user_regs *regs)
{
    static const uint8_t sig[7] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2 };
    uint8_t b[sizeof(sig)];
    struct cpuid_regs r;

    if ( copy_from_guest_bytes(b, (void *)regs->rip, sizeof(b)) ||
         memcmp(b, sig, sizeof(sig)) )
        return false;
    pv_cpuid(regs->rax, regs->rcx, &r);
    regs->rax = r.eax;
    regs->rbx = r.ebx;
    regs->rcx = r.ecx;
    regs->rdx = r.edx;
    pv_advance_rip(regs, sizeof(sig));
    return true;
}
