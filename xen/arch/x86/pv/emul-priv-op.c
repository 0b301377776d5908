/* SPDX-License-Identifier: GPL-2.0-only */
/* Privileged instructions a PV kernel issues from ring 3, done for it. */
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
#include <asm/processor.h>
#include <asm/pv/emulate.h>
#include <asm/pv/mm.h>
#include <asm/pv/traps.h>
#include <asm/traps.h>
#include <asm/uaccess.h>
#include <public/sched.h>

/* The control registers as a PV kernel may see them. */
static bool read_cr(struct vcpu *v, unsigned int cr, uint64_t *val)
{
    switch ( cr )
    {
    case 0:
        *val = X86_CR0_PE | X86_CR0_MP | 0x10 /* ET */ | X86_CR0_NE |
               X86_CR0_WP | X86_CR0_AM | X86_CR0_PG |
               (v->arch->fpu_ts ? X86_CR0_TS : 0);
        return true;
    case 2:
        *val = v->vcpu_info->arch.cr2;
        return true;
    case 3:
        *val = mfn_to_maddr(v->arch->guest_table);
        return true;
    case 4:
        *val = (read_cr4() & (X86_CR4_PAE | X86_CR4_OSFXSR |
                              X86_CR4_OSXMMEXCPT | X86_CR4_FSGSBASE)) |
               v->arch->cr4;
        return true;
    default:
        return false;
    }
}

/*
 * Writes to the control registers, as Xen allows them: CR0 may change
 * only TS (the fpu_taskswitch of old kernels), CR2 is the guest's own
 * copy, CR3 installs a new kernel L4 (as MMUEXT_NEW_BASEPTR).  Of CR4
 * the guest owns OSXSAVE (where the CPU has XSAVE), which it must set
 * before XSETBV, as on Xen; other bits are accepted and ignored (Linux
 * sets PGE early on), none of them a PV kernel's to change.
 */
static bool write_cr(struct vcpu *v, unsigned int cr, uint64_t val)
{
    uint64_t cr0;

    switch ( cr )
    {
    case 0:
        read_cr(v, 0, &cr0);
        if ( (val ^ cr0) & ~(uint64_t)X86_CR0_TS )
            return false;
        do_fpu_taskswitch(!!(val & X86_CR0_TS));
        return true;
    case 2:
        v->vcpu_info->arch.cr2 = val;
        return true;
    case 3:
        return !pv_new_guest_table(v, xen_cr3_to_pfn(val), false);
    case 4:
        v->arch->cr4 = boot_cpu_data.xcr0 ? val & X86_CR4_OSXSAVE : 0;
        return true;
    default:
        return false;
    }
}

/*
 * XSETBV, as Xen allows it: XCR0 only, with x87 always on, AVX only with
 * SSE, and nothing the hypervisor does not itself enable (and save).
 */
static bool emulate_xsetbv(struct vcpu *v, const struct cpu_user_regs *regs)
{
    uint64_t val = ((uint64_t)(uint32_t)regs->rdx << 32) |
                   (uint32_t)regs->rax;

    if ( (uint32_t)regs->rcx || !(v->arch->cr4 & X86_CR4_OSXSAVE) ||
         !(val & XSTATE_FP) || (val & ~boot_cpu_data.xcr0) ||
         ((val & XSTATE_YMM) && !(val & XSTATE_SSE)) )
        return false;
    v->arch->xcr0 = val;
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
    static const struct { uint16_t first, last; } ours[] = {
        { 0x20, 0x21 }, { 0x40, 0x43 }, { 0xa0, 0xa1 }, { 0x3f8, 0x3ff },
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
    return v->domain->is_privileged && port + size <= 0x10000 &&
           !port_is_ours(port, size);
}

/*
 * As in Xen, the guest kernel counts as ring 1 against the virtual IOPL,
 * or ring 0 once it asked for VMASST_TYPE_architectural_iopl; its user
 * mode as ring 3.  Port I/O and CLI/STI need that ring at most the IOPL.
 */
static bool iopl_ok(const struct vcpu *v)
{
    unsigned int ring = 3;

    if ( v->arch->flags & VGCF_in_kernel )
        ring = v->domain->arch->vm_assist &
               (1UL << VMASST_TYPE_architectural_iopl) ? 0 : 1;
    return ring <= v->arch->iopl;
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
 * read through the kernel's page tables, also from user mode.
 */
static bool guest_io_ok(struct vcpu *v, unsigned int port, unsigned int size)
{
    unsigned long at = v->arch->iobmp + port / 8;
    bool user = !(v->arch->flags & VGCF_in_kernel);
    unsigned int bits;

    if ( iopl_ok(v) )
        return true;
    if ( port + size > v->arch->iobmp_limit )
        return false;
    if ( user )
        pv_toggle_guest_mode(v);
    bits = iobmp_byte(at) | (iobmp_byte(at + 1) << 8);
    if ( user )
        pv_toggle_guest_mode(v);
    return !(bits & (((1u << size) - 1) << (port & 7)));
}

static uint32_t guest_io_read(struct vcpu *v, unsigned int port,
                              unsigned int size)
{
    uint32_t val = ~0u;

    /*
     * PCI configuration mechanism #1 is pci.c's for any PV guest allowed
     * the ports, as on Xen: every domain has its own CF8 latch, and only
     * the privileged one reaches configuration space through 0xCFC-0xCFF.
     */
    if ( !pci_guest_port_read(v->domain, port, size, &val) &&
         port_allowed(v, port, size) )
        val = size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
    return val;
}

static void guest_io_write(struct vcpu *v, unsigned int port,
                           unsigned int size, uint32_t val)
{
    if ( pci_guest_port_write(v->domain, port, size, val) ||
         !port_allowed(v, port, size) )
        return;
    if ( size == 1 )
        outb(val, port);
    else if ( size == 2 )
        outw(val, port);
    else
        outl(val, port);
}

static void emulate_in(struct vcpu *v, struct cpu_user_regs *regs,
                       unsigned int port, unsigned int size)
{
    uint32_t val = guest_io_read(v, port, size);

    if ( size == 4 )
        regs->rax = val;    /* 32-bit results zero-extend */
    else
    {
        uint64_t mask = size == 1 ? 0xff : 0xffff;

        regs->rax = (regs->rax & ~mask) | (val & mask);
    }
}

/*
 * INS and OUTS (0x6c-0x6f), with or without REP: one element at a time
 * between port DX and the guest's memory at RDI (INS) or RSI (OUTS),
 * stepping by the direction flag, RCX counting down under REP, as the
 * CPU would.  Linux's libata moves PIO sectors with REP INSL/OUTSL.
 * After STRING_IO_BATCH elements the instruction is left to run again
 * (RIP where it was), so no count holds the CPU for long.  A fault on
 * the guest's memory becomes the guest's #PF there, the registers
 * showing the elements done.  The 32-bit address size and FS/GS bases
 * are not emulated (a #GP): no PV kernel is known to use them here.
 */
#define STRING_IO_BATCH 1024

enum string_io { SIO_DONE, SIO_AGAIN, SIO_FAULT, SIO_REFUSE };

static enum string_io emulate_string_io(struct vcpu *v,
                                        struct cpu_user_regs *regs,
                                        const struct insn *in, uint8_t op,
                                        unsigned int size)
{
    unsigned int port = (uint16_t)regs->rdx;
    bool out = op & 2;
    uint64_t *addr = out ? &regs->rsi : &regs->rdi;
    long step = regs->rflags & X86_EFLAGS_DF ? -(long)size : (long)size;

    if ( in->fsgs || !guest_io_ok(v, port, size) )
        return SIO_REFUSE;
    for ( unsigned int n = 0; !in->rep || regs->rcx; n++ )
    {
        uint32_t val = 0;
        unsigned long left;

        if ( n == STRING_IO_BATCH )
            return SIO_AGAIN;
        if ( out )
        {
            left = copy_from_guest_bytes(&val, (const void *)*addr, size);
            if ( !left )
                guest_io_write(v, port, size, val);
        }
        else
        {
            val = guest_io_read(v, port, size);
            left = copy_to_guest_bytes((void *)*addr, &val, size);
        }
        if ( left )
        {
            /* A write for INS; user for guest user mode alone. */
            v->vcpu_info->arch.cr2 = *addr;
            pv_inject_exception(X86_EXC_PF, (out ? 0 : 2) |
                                (v->arch->flags & VGCF_in_kernel ? 0 : 4));
            return SIO_FAULT;
        }
        *addr += step;
        if ( !in->rep )
            break;
        regs->rcx--;
    }
    return SIO_DONE;
}

static void emulate_out(struct vcpu *v, const struct cpu_user_regs *regs,
                        unsigned int port, unsigned int size)
{
    guest_io_write(v, port, size, regs->rax);
}

/*
 * RDMSR and WRMSR: what Xen 4.17 gives a PV kernel, and #GP for the rest
 * (tests/msr.c compares the two).  The SYSCALL and SYSENTER MSRs are the
 * hypervisor's: a PV kernel registers its entry points by hypercall, and
 * touching the MSRs is a #GP, as on Xen.  A few registers that kernels
 * write on their way up keep their value and drop the write.
 */
#define MSR_IA32_TSC        0x00000010
#define MSR_AMD_PATCHLEVEL  0x0000008b
#define MSR_IA32_MPERF      0x000000e7
#define MSR_IA32_APERF      0x000000e8
#define MSR_IA32_MCG_CAP    0x00000179
#define MSR_IA32_MCG_STATUS 0x0000017a
#define MSR_IA32_MISC_ENABLE 0x000001a0
#define MSR_IA32_PAT        0x00000277
#define MSR_K8_HWCR         0xc0010015
#define MSR_AMD64_DE_CFG    0xc0011029

#define APIC_DEFAULT_BASE   0xfee00000UL
#define APIC_BASE_BSP       (1UL << 8)
/* Fast strings on; branch-trace and PEBS unavailable; xTPR messages off. */
#define MISC_ENABLE_PV      0x00801801UL
/* LFENCE is dispatch-serialising, as Xen makes it on AMD. */
#define DE_CFG_LFENCE_SERIALISE (1UL << 1)

static bool vendor_is_amd(void)
{
    return boot_cpu_data.vendor == X86_VENDOR_AMD ||
           boot_cpu_data.vendor == X86_VENDOR_HYGON;
}

static bool emulate_rdmsr(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint64_t val;

    switch ( (uint32_t)regs->rcx )
    {
    case MSR_EFER:
    case MSR_IA32_PAT:
        /* Real values: PV page tables are interpreted with our PAT. */
    case MSR_AMD_PATCHLEVEL:
        /* The microcode revision, which kernels log. */
        val = rdmsr(regs->rcx);
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
        val = v->arch->fs_base;
        break;
    case MSR_GS_BASE:
        val = v->arch->gs_base_kernel;
        break;
    case MSR_SHADOW_GS_BASE:
        val = v->arch->gs_base_user;
        break;
    case MSR_IA32_MISC_ENABLE:
        val = MISC_ENABLE_PV;
        break;
    case MSR_IA32_MCG_CAP:          /* no machine-check banks offered */
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
    regs->rax = (uint32_t)val;
    regs->rdx = val >> 32;
    return true;
}

static bool emulate_wrmsr(struct cpu_user_regs *regs)
{
    uint64_t val = ((uint64_t)(uint32_t)regs->rdx << 32) |
                   (uint32_t)regs->rax;

    switch ( (uint32_t)regs->rcx )
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

bool pv_emulate_privileged_op(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    struct insn in;
    unsigned int size;
    uint8_t op;

    if ( !pv_insn_fetch(&in, regs->rip) )
        return false;
    op = in.b[in.len++];
    size = in.opsize ? 2 : 4;

    /*
     * Guest user mode is ring 3 for real: it may get INT n, port I/O
     * (e4-e7, ec-ef, the string forms 6c-6f) and CLI/STI done, nothing
     * else.
     */
    if ( !(v->arch->flags & VGCF_in_kernel) && op != 0xcd &&
         (op & 0xf4) != 0xe4 && (op & 0xfc) != 0x6c && op != 0xfa &&
         op != 0xfb )
        return false;

    switch ( op )
    {
    case 0x6c: case 0x6d: case 0x6e: case 0x6f:     /* ins/outs */
        switch ( emulate_string_io(v, regs, &in, op, op & 1 ? size : 1) )
        {
        case SIO_DONE:
            break;
        case SIO_REFUSE:
            return false;
        default:
            return true;
        }
        break;
    case 0xe4: case 0xe5: case 0xe6: case 0xe7:     /* in/out imm8 */
        size = op & 1 ? size : 1;
        if ( in.len >= in.n || !guest_io_ok(v, in.b[in.len], size) )
            return false;
        if ( op & 2 )
            emulate_out(v, regs, in.b[in.len], size);
        else
            emulate_in(v, regs, in.b[in.len], size);
        in.len++;
        break;
    case 0xec: case 0xed: case 0xee: case 0xef:     /* in/out dx */
        size = op & 1 ? size : 1;
        if ( !guest_io_ok(v, (uint16_t)regs->rdx, size) )
            return false;
        if ( op & 2 )
            emulate_out(v, regs, (uint16_t)regs->rdx, size);
        else
            emulate_in(v, regs, (uint16_t)regs->rdx, size);
        break;
    case 0xf4:                                      /* hlt */
        /* Past it before blocking: the wakeup resumes after it. */
        if ( pv_advance_rip(regs, in.len) )
            do_sched_op(SCHEDOP_block,
                        (XEN_GUEST_HANDLE_PARAM(void)){ NULL });
        return true;
    case 0xfa:                                      /* cli */
    case 0xfb:                                      /* sti */
        /*
         * As in Xen: allowed against the virtual IOPL (iopl_ok()), and
         * then a no-op.  Events are the vcpu_info mask's to block; a real
         * CLI could not be undone by the POPF a kernel pairs it with,
         * which does not trap.
         */
        if ( !iopl_ok(v) )
            return false;
        break;
    case 0xcd:                                      /* int imm8 */
    {
        const struct trap_info *ti;

        if ( in.len >= in.n )
            return false;
        ti = &v->arch->trap_ctxt[in.b[in.len]];
        /*
         * The handler's DPL (flags bits 0-1) says who may raise it: the
         * kernel counts as ring 1, user mode as ring 3, as in Xen.
         */
        if ( !ti->address ||
             (ti->flags & 3) < (v->arch->flags & VGCF_in_kernel ? 1 : 3) )
            return false;
        /* The handler's frame returns past the INT, so it must exist. */
        if ( !pv_advance_rip(regs, in.len + 1) )
            return true;
        return pv_create_bounce_frame(v, ti->address, NULL, 0,
                                      ti->flags & 4);
    }
    case 0x0f:
        if ( in.len >= in.n )
            return false;
        op = in.b[in.len++];
        if ( op == 0x09 )                           /* wbinvd */
        {
            if ( v->domain->is_privileged )
                __asm__ __volatile__ ( "wbinvd" ::: "memory" );
        }
        else if ( op == 0x32 )                      /* rdmsr */
        {
            if ( !emulate_rdmsr(v, regs) )
                return false;
        }
        else if ( op == 0x30 )                      /* wrmsr */
        {
            if ( !emulate_wrmsr(regs) )
                return false;
        }
        else if ( op == 0x01 && in.len < in.n && in.b[in.len] == 0xd1 )
        {
            /* xsetbv */
            in.len++;
            if ( !emulate_xsetbv(v, regs) )
                return false;
        }
        else if ( (op == 0x20 || op == 0x22) && in.len < in.n )
        {
            /* mov from or to a control register */
            uint8_t modrm = in.b[in.len++];
            unsigned int cr = ((modrm >> 3) & 7) | (in.rex & 4 ? 8 : 0);
            uint64_t *gpr = pv_insn_gpr(regs,
                                        (modrm & 7) | (in.rex & 1 ? 8 : 0));
            uint64_t val;

            if ( (modrm >> 6) != 3 )
                return false;
            if ( op == 0x22 )
            {
                if ( !write_cr(v, cr, *gpr) )
                    return false;
            }
            else if ( read_cr(v, cr, &val) )
                *gpr = val;
            else
                return false;
        }
        else
            return false;
        break;
    default:
        return false;
    }
    pv_advance_rip(regs, in.len);
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
            r->eax = 1;             /* hypercall page frames */
            r->ebx = 0x40000000;    /* the MSR that fills one */
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
        r->eax &= ~(1u << 3);                   /* XSAVES: ring 0 only */
    else if ( leaf == 0x80000001 )
    {
        r->ecx &= ~(1u << 2);                   /* SVM */
        r->edx &= ~(1u << 26);                  /* 1 GiB pages */
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
