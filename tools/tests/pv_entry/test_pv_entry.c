/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for PV exception delivery and the canonical-rip checks. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
/* The hypervisor's layout first, as its builds force-include it. */
#include <asm/config.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/domain.h>
#include <asm/pv/compat.h>
#include <asm/pv/continuation.h>
#include <asm/pv/emulate.h>
#include <asm/pv/entry.h>
#include <asm/pv/mm.h>
#include <asm/processor.h>
#include <asm/pv/traps.h>
#include <asm/traps.h>
#include <asm/uaccess.h>
#include <public/callback.h>
#include <public/xen.h>
#include "check.h"

#define GP_HANDLER  0x500000UL
#define BP_HANDLER  0x503000UL
#define CANON_END   0x0000800000000000UL

static unsigned int crashes;

/* What pv/traps.c reaches that these tests never get to run. */
unsigned long pv_frame_top[NR_CPUS];
const char pv_syscall_stubs[1];
const char pv_cstar_stubs[1];
/* No SMEP/SMAP here: the 32-bit exit leaves CR4 alone (cpu.c sets it). */
unsigned long pv32_cr4_mask;

void return_to_guest(void)
{
    abort();
}

void domain_crash(struct domain *d, const char *why)
{
    crashes++;
}

bool softirq_pending(unsigned int cpu)
{
    return false;
}

void do_softirq(void)
{
}

mfn_t pv_guest_root(const struct vcpu *v)
{
    return v->arch.pv.guest_table;
}

void pv_dump_guest_walk(struct vcpu *v, mfn_t root, unsigned long va)
{
}

/* Set: the emulators take whatever they are offered, and count it. */
static bool emulators_take_all;
static unsigned int privop_calls, cpuid_calls;

bool pv_emulate_privileged_op(struct cpu_user_regs *regs)
{
    privop_calls++;
    return emulators_take_all;
}

bool pv_emulate_forced_cpuid(struct cpu_user_regs *regs)
{
    cpuid_calls++;
    return emulators_take_all;
}

bool pv_ptwr_emulate(struct cpu_user_regs *regs, unsigned long addr)
{
    return false;
}

/* Frames below are "valid" to mfn_valid(). */
unsigned long max_page = 64;

/* compat_domain.c's pv= parser is not run here (the boot cases pass pv=32). */
int parse_bool(const char *s, const char *e)
{
    (void)s;
    (void)e;
    return -1;
}

/* What pv_switch_compat() asks of the event channels, clock and L4s. */
static unsigned int evtchn_switches, wallclock_writes, l4s, l4_fail_at;

int pv32_vcpu_init(struct vcpu *v)
{
    if ( ++l4s == l4_fail_at )
        return -ENOMEM;
    v->arch.pv.pv32_l4 = _mfn(l4s);
    return 0;
}

void pv32_vcpu_destroy(struct vcpu *v)
{
    v->arch.pv.pv32_l4 = INVALID_MFN;
    l4s--;
}

void evtchn_switch_compat(struct domain *d)
{
    evtchn_switches++;
}

void update_domain_wallclock_time(struct domain *d)
{
    wallclock_writes++;
}

static struct domain dom;
#define adom (dom.arch)
static struct vcpu vcpu;
#define avcpu (vcpu.arch)
static struct vcpu_info vinfo;
/* The guest kernel's stack; bounce frames land at its top. */
static uint64_t gstack[64] __attribute__((aligned(16)));

/* A guest kernel with #GP and #BP handlers, about to return to rip. */
static struct cpu_user_regs *reset(unsigned long rip)
{
    struct cpu_user_regs *regs = &get_cpu_info()->guest_cpu_user_regs;

    memset(&adom, 0, sizeof(adom));
    memset(&avcpu, 0, sizeof(avcpu));
    memset(&vinfo, 0, sizeof(vinfo));
    memset(gstack, 0, sizeof(gstack));
    vcpu.domain = &dom;
    vcpu.vcpu_info = &vinfo;
    avcpu.flags = VGCF_in_kernel;
    avcpu.pv.guest_table = _mfn(4);
    avcpu.pv.trap_ctxt[X86_EXC_GP].address = GP_HANDLER;
    avcpu.pv.trap_ctxt[3].address = BP_HANDLER;
    get_cpu_info()->current_vcpu = &vcpu;
    harness_fault_lo = harness_fault_hi = 0;
    crashes = 0;
    emulators_take_all = false;
    privop_calls = cpuid_calls = 0;
    memset(regs, 0, sizeof(*regs));
    regs->rip = rip;
    regs->cs = FLAT_KERNEL_CS;
    regs->ss = FLAT_KERNEL_SS;
    regs->rsp = (unsigned long)&gstack[ARRAY_SIZE(gstack)];
    regs->rflags = 0x202;
    regs->rcx = 0xcc;
    regs->r11 = 0x1111;
    return regs;
}

/* The bounce frame's words from rsp: rcx, r11, [error code], rip, ... */
static const uint64_t *frame(const struct cpu_user_regs *regs)
{
    return (const uint64_t *)regs->rsp;
}

static void test_advance(void)
{
    struct cpu_user_regs *regs;

    CASE("advance: inside the lower half rip moves on")
    {
        regs = reset(0x401000);
        CHECK(pv_advance_rip(regs, 2));
        CHECK_EQ(regs->rip, 0x401002);
        CHECK_EQ(regs->rsp, (unsigned long)&gstack[ARRAY_SIZE(gstack)]);
        CHECK_EQ(crashes, 0);
    }

    CASE("advance: up to the last byte of the lower half is fine")
    {
        regs = reset(CANON_END - 8);
        CHECK(pv_advance_rip(regs, 7));
        CHECK_EQ(regs->rip, CANON_END - 1);
    }

    CASE("advance: to 2^47 raises #GP(0) at the instruction")
    {
        regs = reset(CANON_END - 7);
        CHECK(!pv_advance_rip(regs, 7));
        CHECK_EQ(crashes, 0);
        CHECK_EQ(regs->rip, GP_HANDLER);
        CHECK_EQ(regs->cs, FLAT_KERNEL_CS);
        CHECK_EQ(frame(regs)[0], 0xcc);
        CHECK_EQ(frame(regs)[1], 0x1111);
        CHECK_EQ(frame(regs)[2], 0);                /* error code */
        CHECK_EQ(frame(regs)[3], CANON_END - 7);    /* the instruction */
        CHECK_EQ(frame(regs)[4] & 0xffff, FLAT_KERNEL_CS & ~3);
    }

    CASE("advance: to 2^47 without a #GP handler crashes the domain")
    {
        regs = reset(CANON_END - 2);
        avcpu.pv.trap_ctxt[X86_EXC_GP].address = 0;
        CHECK(!pv_advance_rip(regs, 2));
        CHECK_EQ(crashes, 1);
        CHECK(regs->rip != CANON_END);
    }
}

static void test_return(void)
{
    struct cpu_user_regs *regs;

    CASE("return: a non-canonical rip gets the guest #GP, never an IRETQ")
    {
        regs = reset(CANON_END);
        pv_prepare_return();
        CHECK_EQ(crashes, 0);
        CHECK_EQ(regs->rip, GP_HANDLER);
        CHECK_EQ(frame(regs)[2], 0);
        CHECK_EQ(frame(regs)[3], CANON_END);        /* as a CPU shows it */
    }

    CASE("return: a canonical rip is left alone")
    {
        regs = reset(0x401000);
        pv_prepare_return();
        CHECK_EQ(regs->rip, 0x401000);
        CHECK_EQ(regs->rsp, (unsigned long)&gstack[ARRAY_SIZE(gstack)]);
    }

    CASE("return: a pending event goes to the callback unless masked")
    {
        regs = reset(0x401000);
        avcpu.pv.event_callback_eip = 0x520000;
        vinfo.evtchn_upcall_pending = 1;
        vinfo.evtchn_upcall_mask = 1;
        pv_prepare_return();
        CHECK_EQ(regs->rip, 0x401000);
        CHECK_EQ(regs->rsp, (unsigned long)&gstack[ARRAY_SIZE(gstack)]);
        vinfo.evtchn_upcall_mask = 0;
        pv_prepare_return();
        CHECK_EQ(crashes, 0);
        CHECK_EQ(regs->rip, 0x520000);
        CHECK_EQ(frame(regs)[2], 0x401000);
        /* The upcall runs with events masked. */
        CHECK_EQ(vinfo.evtchn_upcall_mask, 1);
    }

    CASE("return: a non-canonical rip and no #GP handler crashes the domain")
    {
        regs = reset(CANON_END);
        avcpu.pv.trap_ctxt[X86_EXC_GP].address = 0;
        pv_prepare_return();
        CHECK_EQ(crashes, 1);
    }
}

static void test_inject(void)
{
    struct cpu_user_regs *regs;

    CASE("inject: a vector without an error code has none on the frame")
    {
        regs = reset(0x401000);
        pv_inject_exception(3, PV_NO_ERROR_CODE);
        CHECK_EQ(regs->rip, BP_HANDLER);
        CHECK_EQ(frame(regs)[2], 0x401000);
        CHECK_EQ(regs->rsp, (unsigned long)&gstack[ARRAY_SIZE(gstack) - 7]);
    }

    CASE("inject: the frame shows the virtual IOPL only if architectural")
    {
        regs = reset(0x401000);
        avcpu.pv.iopl = 2;
        pv_inject_exception(3, PV_NO_ERROR_CODE);
        CHECK_EQ(frame(regs)[4], 0x202);
        regs = reset(0x401000);
        avcpu.pv.iopl = 2;
        adom.pv.vm_assist = 1UL << VMASST_TYPE_architectural_iopl;
        pv_inject_exception(3, PV_NO_ERROR_CODE);
        CHECK_EQ(frame(regs)[4], 0x2202);
        CHECK_EQ(regs->rflags & 0x3000, 0);
    }

    CASE("inject: an unwritable guest stack crashes the domain")
    {
        regs = reset(0x401000);
        harness_fault_lo = (uintptr_t)gstack;
        harness_fault_hi = (uintptr_t)&gstack[ARRAY_SIZE(gstack)];
        pv_inject_exception(X86_EXC_GP, 0);
        CHECK_EQ(crashes, 1);
        CHECK_EQ(regs->rip, 0x401000);
    }
}

/*
 * An exception the CPU raised in guest context, as the entry code hands
 * it over: vector vec with error code ec at rip, the guest's handler for
 * vec registered at handler.
 */
static struct cpu_user_regs *raise_in_guest(unsigned int vec, uint32_t ec,
                                            unsigned long rip,
                                            unsigned long handler)
{
    struct cpu_user_regs *regs = reset(rip);

    avcpu.pv.trap_ctxt[vec].address = handler;
    regs->entry_vector = vec;
    regs->error_code = ec;
    return regs;
}

static void test_handle(void)
{
    /* The vectors for which the CPU pushes an error code (not #PF here). */
    static const unsigned int with_ec[] = { 8, 10, 11, 12, 13, 17 };
    static const unsigned int without_ec[] = { 0, 1, 3, 4, 5, 6, 7, 9, 16,
                                               18, 19 };
    struct cpu_user_regs *regs;

    /* Only a #PF may be a write to the guest's own page table. */
    CASE("handle: #DF, #TS, #NP, #SS, #GP and #AC pass their error code on")
    {
        for ( unsigned int i = 0; i < ARRAY_SIZE(with_ec); i++ )
        {
            /* Bits 0 and 1 set, as a #PF's for a write to a present page. */
            regs = raise_in_guest(with_ec[i], 0x1b, 0x401000, 0x510000);
            pv_handle_exception(regs);
            CHECK_EQ(crashes, 0);
            CHECK_EQ(regs->rip, 0x510000);
            CHECK_EQ(frame(regs)[2], 0x1b);
            CHECK_EQ(frame(regs)[3], 0x401000);
            CHECK_EQ(regs->rsp,
                     (unsigned long)&gstack[ARRAY_SIZE(gstack) - 8]);
        }
    }

    CASE("handle: the other vectors have no error code on the frame")
    {
        for ( unsigned int i = 0; i < ARRAY_SIZE(without_ec); i++ )
        {
            regs = raise_in_guest(without_ec[i], 0x18, 0x401000, 0x510000);
            pv_handle_exception(regs);
            CHECK_EQ(crashes, 0);
            CHECK_EQ(regs->rip, 0x510000);
            CHECK_EQ(frame(regs)[2], 0x401000);
            CHECK_EQ(regs->rsp,
                     (unsigned long)&gstack[ARRAY_SIZE(gstack) - 7]);
        }
    }

    /*
     * A guest may put the bytes of an instruction we emulate right where
     * some other exception leaves it (after an int3, at a breakpoint):
     * only #GP goes to the privileged-op emulator and only #UD to the
     * forced-CPUID one, or that exception would be lost to the guest.
     */
    CASE("handle: only #GP and #UD are offered to the emulators")
    {
        for ( unsigned int vec = 0; vec < 20; vec++ )
        {
            if ( vec == X86_EXC_PF || vec == 2 || vec == 15 )
                continue;       /* #PF reads CR2; 2 and 15 are no faults */
            regs = raise_in_guest(vec, 0, 0x401000, 0x510000);
            emulators_take_all = true;
            pv_handle_exception(regs);
            if ( vec == X86_EXC_GP || vec == X86_EXC_UD )
            {
                CHECK_EQ(regs->rip, 0x401000);
                CHECK_EQ(privop_calls + cpuid_calls, 1);
            }
            else
            {
                CHECK_EQ(regs->rip, 0x510000);
                CHECK_EQ(privop_calls + cpuid_calls, 0);
            }
            CHECK_EQ(crashes, 0);
        }
    }
}

/*
 * SYSCALL from compatibility mode (MSR_CSTAR) in guest kernel mode: the
 * frame goes on the stack in use, the selectors stay as the entry stub
 * pushed them (FLAT_USER_CS32/SS32, RPL 3).
 */
#define SYSCALL32_CB 0x506000UL
#define UD_HANDLER   0x509000UL

static struct cpu_user_regs *compat_syscall_regs(void)
{
    struct cpu_user_regs *regs = reset(0x40002);

    regs->cs = FLAT_USER_CS32;
    regs->ss = FLAT_USER_SS32;
    regs->rcx = 0x40002;
    regs->rflags |= X86_EFLAGS_DF;
    avcpu.pv.trap_ctxt[X86_EXC_UD].address = UD_HANDLER;
    avcpu.pv.syscall_callback_eip = 0x50f000UL;
    return regs;
}

static void test_compat_syscall(void)
{
    struct cpu_user_regs *regs;

    CASE("compat syscall: to the syscall32 callback, masked as syscall's")
    {
        regs = compat_syscall_regs();
        avcpu.pv.syscall32_callback_eip = SYSCALL32_CB;
        avcpu.pv.callback_flags = 1UL << CALLBACKTYPE_syscall;
        pv_compat_syscall(regs);
        CHECK_EQ(crashes, 0);
        CHECK_EQ(regs->rip, SYSCALL32_CB);
        CHECK_EQ(regs->cs, FLAT_KERNEL_CS);
        CHECK(!(regs->rflags & X86_EFLAGS_DF));
        CHECK_EQ(vinfo.evtchn_upcall_mask, 1);
        CHECK_EQ(frame(regs)[0], 0x40002);          /* rcx */
        CHECK_EQ(frame(regs)[2], 0x40002);          /* rip */
        CHECK_EQ(frame(regs)[3] & 0xffff, FLAT_USER_CS32 & ~3);
        CHECK_EQ(frame(regs)[6], FLAT_USER_SS32);
    }

    CASE("compat syscall: the syscall32 flag alone does not mask")
    {
        regs = compat_syscall_regs();
        avcpu.pv.syscall32_callback_eip = SYSCALL32_CB;
        avcpu.pv.callback_flags = 1UL << CALLBACKTYPE_syscall32;
        pv_compat_syscall(regs);
        CHECK_EQ(regs->rip, SYSCALL32_CB);
        CHECK_EQ(vinfo.evtchn_upcall_mask, 0);
    }

    CASE("compat syscall: no syscall32 callback is #UD at the SYSCALL")
    {
        regs = compat_syscall_regs();
        pv_compat_syscall(regs);
        CHECK_EQ(crashes, 0);
        CHECK_EQ(regs->rip, UD_HANDLER);
        CHECK_EQ(frame(regs)[2], 0x40000);
    }

    CASE("compat syscall: no callback and no #UD handler crashes the domain")
    {
        regs = compat_syscall_regs();
        avcpu.pv.trap_ctxt[X86_EXC_UD].address = 0;
        pv_compat_syscall(regs);
        CHECK_EQ(crashes, 1);
    }
}

/*
 * A continuation goes back over the 2-byte instruction and rewrites the
 * argument registers of the guest's ABI: rdi, rsi, rdx, r10, r8 after
 * SYSCALL, ebx, ecx, edx, esi, edi (32 bits) after int $0x82.
 */
static void test_continuation(void)
{
    static const unsigned long args[3] = { 0x1111222233334444UL, 5, 6 };
    struct cpu_user_regs *regs;

    CASE("continuation: a 64-bit guest's registers take the arguments")
    {
        regs = reset(0x401002);
        CHECK_EQ(pv_hypercall_continuation(29, 3, args), 29);
        CHECK_EQ(regs->rip, 0x401000);
        CHECK_EQ(regs->rdi, args[0]);
        CHECK_EQ(regs->rsi, 5);
        CHECK_EQ(regs->rdx, 6);
        CHECK_EQ(regs->rbx, 0);
    }

    CASE("continuation: a 32-bit guest's take them, truncated")
    {
        regs = reset(0x401002);
        adom.pv.is_32bit = true;
        CHECK_EQ(pv_hypercall_continuation(29, 3, args), 29);
        CHECK_EQ(regs->rip, 0x401000);
        CHECK_EQ(regs->rbx, 0x33334444);
        CHECK_EQ(regs->rcx, 5);
        CHECK_EQ(regs->rdx, 6);
        CHECK_EQ(regs->rdi, 0);
    }
}

/* The hypercall page: 64-bit SYSCALL stubs, or int $0x82 ones. */
static void test_hypercall_page(void)
{
    static uint8_t page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
    static const uint8_t version32[] = { 0xb8, 17, 0, 0, 0, 0xcd, 0x82, 0xc3,
                                         0xcc };
    static const uint8_t iret32[] = { 0x50, 0xb8, 23, 0, 0, 0, 0xcd, 0x82,
                                      0xcc };
    static const uint8_t version64[] = { 0x51, 0x41, 0x53, 0xb8, 17, 0, 0, 0,
                                         0x0f, 0x05 };

    CASE("hypercall page: a 64-bit guest's stubs SYSCALL")
    {
        reset(0);
        dom.guest_type = guest_type_pv;
        pv_write_hypercall_page(&dom, page);
        CHECK(!memcmp(page + 17 * 32, version64, sizeof(version64)));
    }

    CASE("hypercall page: a 32-bit guest's stubs int $0x82, iret pushes eax")
    {
        reset(0);
        dom.guest_type = guest_type_pv;
        adom.pv.is_32bit = true;
        pv_write_hypercall_page(&dom, page);
        CHECK(!memcmp(page + 17 * 32, version32, sizeof(version32)));
        CHECK(!memcmp(page + 23 * 32, iret32, sizeof(iret32)));
        CHECK_EQ(page[PAGE_SIZE - 1], 0xcc);
    }
}

/*
 * A 32-bit guest in ring 1 at eip, its stacks below 4 GiB (where its
 * frames must be): the ring-1 stack's top at cstack + 4096, the one
 * stack_switch names at cstack + 8192.
 */
static uint8_t *cstack;

static struct cpu_user_regs *reset32(unsigned long eip)
{
    struct cpu_user_regs *regs = reset(eip);

    if ( !cstack )
    {
        cstack = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        if ( cstack == MAP_FAILED )
            abort();
    }
    memset(cstack, 0, 8192);
    adom.pv.is_32bit = true;
    dom.guest_type = guest_type_pv;
    avcpu.flags = 0;
    avcpu.pv.kernel_sp = (unsigned long)cstack + 8192;
    avcpu.pv.kernel_ss = COMPAT_RING1_DS;
    regs->cs = COMPAT_RING1_CS;
    regs->ss = COMPAT_RING1_DS;
    regs->rsp = (unsigned long)cstack + 4096;
    return regs;
}

static const uint32_t *frame32(const struct cpu_user_regs *regs)
{
    return (const uint32_t *)regs->rsp;
}

static void test_compat_frames(void)
{
    struct cpu_user_regs *regs;

    CASE("compat frame: ring 1 #GP - ec, EIP, CS|mask<<16, EFLAGS on its stack")
    {
        regs = reset32(0xc0001234);
        vinfo.evtchn_upcall_mask = 1;
        pv_inject_exception(X86_EXC_GP, 0x18);
        CHECK_EQ(crashes, 0);
        CHECK_EQ(regs->rsp, (unsigned long)cstack + 4096 - 16);
        CHECK_EQ(frame32(regs)[0], 0x18);
        CHECK_EQ(frame32(regs)[1], 0xc0001234);
        CHECK_EQ(frame32(regs)[2], COMPAT_RING1_CS | (1u << 16));
        CHECK_EQ(frame32(regs)[3], 0x202 & ~X86_EFLAGS_IF);
        CHECK_EQ(regs->rip, GP_HANDLER);
        CHECK_EQ(regs->cs, COMPAT_RING1_CS);
        CHECK_EQ(regs->ss, COMPAT_RING1_DS);
    }

    CASE("compat frame: ring 3 - on stack_switch's stack with ESP, SS")
    {
        regs = reset32(0x08048000);
        regs->cs = COMPAT_RING3_CS;
        regs->ss = COMPAT_RING3_DS;
        regs->rsp = 0xbffff000;
        pv_inject_exception(3, PV_NO_ERROR_CODE);
        CHECK_EQ(regs->rsp, (unsigned long)cstack + 8192 - 20);
        CHECK_EQ(frame32(regs)[0], 0x08048000);
        CHECK_EQ(frame32(regs)[1], COMPAT_RING3_CS);
        CHECK_EQ(frame32(regs)[2], 0x202);
        CHECK_EQ(frame32(regs)[3], 0xbffff000);
        CHECK_EQ(frame32(regs)[4], COMPAT_RING3_DS);
        CHECK_EQ(regs->rip, BP_HANDLER);
        CHECK_EQ(regs->cs, COMPAT_RING1_CS);
        CHECK_EQ(regs->ss, COMPAT_RING1_DS);
        CHECK_EQ(avcpu.flags, 0);
    }

    CASE("compat frame: upcall masks events; failsafe selectors lowest")
    {
        static const uint16_t sel[4] = { 0x11, 0x22, 0x33, 0x44 };

        regs = reset32(0xc0001000);
        avcpu.pv.event_callback_eip = 0xc0002000;
        pv_deliver_upcall(&vcpu);
        CHECK_EQ(regs->rip, 0xc0002000);
        CHECK_EQ(vinfo.evtchn_upcall_mask, 1);
        CHECK_EQ(frame32(regs)[1] >> 16, 0);
        CHECK(frame32(regs)[2] & X86_EFLAGS_IF);
        regs = reset32(0xc0001000);
        avcpu.pv.failsafe_callback_eip = 0xc0003000;
        pv_failsafe_callback(&vcpu, sel);
        CHECK_EQ(regs->rsp, (unsigned long)cstack + 4096 - 28);
        CHECK_EQ(frame32(regs)[0], 0x11);
        CHECK_EQ(frame32(regs)[3], 0x44);
        CHECK_EQ(frame32(regs)[4], 0xc0001000);
    }

    CASE("compat frame: a handler or stack above 4 GiB crashes the domain")
    {
        regs = reset32(0xc0001000);
        avcpu.pv.trap_ctxt[3].address = 0x100000000UL;
        pv_inject_exception(3, PV_NO_ERROR_CODE);
        CHECK_EQ(crashes, 1);
        CHECK_EQ(regs->rip, 0xc0001000);
        regs = reset32(0x08048000);
        regs->cs = COMPAT_RING3_CS;
        avcpu.pv.kernel_sp = 0x100000010UL;
        pv_inject_exception(3, PV_NO_ERROR_CODE);
        CHECK_EQ(crashes, 1);
        regs = reset32(0x08048000);
        regs->cs = COMPAT_RING3_CS;
        avcpu.pv.kernel_sp = 8;
        pv_inject_exception(3, PV_NO_ERROR_CODE);
        CHECK_EQ(crashes, 1);
        CHECK_EQ(regs->rip, 0x08048000);
    }

    CASE("compat: an instruction ending at 4 GiB gets #GP, not EIP 0")
    {
        regs = reset32(0xfffffffe);
        CHECK(!pv_advance_rip(regs, 2));
        CHECK_EQ(regs->rip, GP_HANDLER);
        CHECK_EQ(frame32(regs)[1], 0xfffffffe);
        regs = reset32(0xfffffffd);
        CHECK(pv_advance_rip(regs, 2));
        CHECK_EQ(regs->rip, 0xffffffff);
    }
}

/* A PV domain with two vCPUs, neither up, and no memory. */
static void empty_pv(struct vcpu *vcpus[2])
{
    reset(0);
    dom.guest_type = guest_type_pv;
    dom.max_vcpus = 2;
    dom.vcpu = vcpus;
    dom.tot_pages = 0;
    vcpus[0]->pause_flags = vcpus[1]->pause_flags = VPF_down;
    evtchn_switches = wallclock_writes = l4s = l4_fail_at = 0;
    opt_pv32 = true;
}

/* XEN_DOMCTL_set_address_size 32 and the builder's switch. */
static void test_switch_compat(void)
{
    static struct vcpu v0, v1;
    static struct vcpu *vcpus[2] = { &v0, &v1 };
    uint32_t start;

    CASE("switch_compat: an empty PV domain becomes 32-bit, once")
    {
        empty_pv(vcpus);
        CHECK_EQ(pv_switch_compat(&dom), 0);
        CHECK(adom.pv.is_32bit);
        CHECK_EQ(adom.pv.compat_virt_start, 0xf5800000u);
        CHECK_EQ(evtchn_switches, 1);
        CHECK_EQ(wallclock_writes, 1);
        CHECK_EQ(l4s, 2);
        CHECK_EQ(mfn_x(v1.arch.pv.pv32_l4), 2);
        /* Again: nothing to do, even with memory now. */
        dom.tot_pages = 5;
        CHECK_EQ(pv_switch_compat(&dom), 0);
        CHECK_EQ(evtchn_switches, 1);
    }

    CASE("switch_compat: without pv=32 EOPNOTSUPP, nothing changed")
    {
        empty_pv(vcpus);
        opt_pv32 = false;
        CHECK_STR(arch_xen_capabilities(), "xen-3.0-x86_64 ");
        CHECK_EQ(pv_switch_compat(&dom), -EOPNOTSUPP);
        CHECK(!adom.pv.is_32bit);
        CHECK_EQ(evtchn_switches, 0);
        CHECK_EQ(l4s, 0);
        opt_pv32 = true;
        CHECK_STR(arch_xen_capabilities(),
                     "xen-3.0-x86_64 xen-3.0-x86_32p ");
    }

    CASE("switch_compat: memory or a vCPU up is EACCES, HVM EINVAL")
    {
        empty_pv(vcpus);
        dom.tot_pages = 1;
        CHECK_EQ(pv_switch_compat(&dom), -EACCES);
        dom.tot_pages = 0;
        v1.pause_flags = 0;
        CHECK_EQ(pv_switch_compat(&dom), -EACCES);
        CHECK(!adom.pv.is_32bit);
        reset(0);
        dom.guest_type = guest_type_hvm;
        dom.max_vcpus = 0;
        CHECK_EQ(pv_switch_compat(&dom), -EINVAL);
        dom.guest_type = guest_type_pv;
    }

    CASE("switch_compat: no L4 for the second vCPU - ENOMEM, first undone")
    {
        empty_pv(vcpus);
        l4_fail_at = 2;
        CHECK_EQ(pv_switch_compat(&dom), -ENOMEM);
        CHECK_EQ(l4s, 1); /* the failed call counted, the first undone */
        CHECK(!mfn_valid(v0.arch.pv.pv32_l4));
        CHECK(!adom.pv.is_32bit);
        CHECK_EQ(evtchn_switches, 0);
    }

    CASE("compat virt start: default, HV_START_LOW rounds up, never above")
    {
        CHECK_EQ(pv_compat_virt_start(~0ull, 0xf5800000u, &start), 0);
        CHECK_EQ(start, 0xf5800000u);
        /* A lower note is raised to where the M2P really starts. */
        CHECK_EQ(pv_compat_virt_start(0xf5000000u, 0xf5800000u, &start), 0);
        CHECK_EQ(start, 0xf5800000u);
        CHECK_EQ(pv_compat_virt_start(0xf5000000u, 0xfd800000u, &start), 0);
        CHECK_EQ(start, 0xfd800000u);
        CHECK_EQ(pv_compat_virt_start(0xf57ff000u, 0xf5000000u, &start), 0);
        CHECK_EQ(start, 0xf5800000u);
        CHECK_EQ(pv_compat_virt_start(0xf5800001u, 0xf5800000u, &start),
                 -EINVAL);
        CHECK_EQ(pv_compat_virt_start(0x1f5800000ull, 0xf5800000u, &start),
                 -EINVAL);
    }
}

int main(void)
{
    test_advance();
    test_return();
    test_inject();
    test_handle();
    test_compat_syscall();
    test_continuation();
    test_hypercall_page();
    test_switch_compat();
    test_compat_frames();
    return check_failures ? 1 : 0;
}
