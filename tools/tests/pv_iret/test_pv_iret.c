/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for the PV iret hypercall: kernel and user returns, crashes. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
/* The hypervisor's layout first, as its builds force-include it. */
#include <asm/config.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/pv/compat.h>
#include <asm/pv/descriptor-tables.h>
#include <asm/pv/traps.h>
#include <asm/uaccess.h>
#include <public/callback.h>
#include <public/xen.h>
#include "check.h"

/* Frames 0-15 are "valid"; the tests only ask mfn_valid() about them. */
unsigned long max_page = 16;

static unsigned int crashes, toggles;

void domain_crash(struct domain *d, const char *why)
{
    crashes++;
}

/* The real switch loads CR3 and swaps GS; here only the mode matters. */
void pv_toggle_guest_mode(struct vcpu *v)
{
    toggles++;
    v->arch.flags ^= VGCF_in_kernel;
}

/* set_segment_base's selector load, which these tests never reach. */
bool pv_load_gs(unsigned int sel)
{
    return false;
}

void pv_map_ldt_selector(struct vcpu *v, unsigned int sel)
{
}

/* The native calls the 32-bit ones widen into: what they were given. */
static uint64_t got[4];

long do_update_va_mapping(unsigned long va, uint64_t val, unsigned long flags)
{
    got[0] = va;
    got[1] = val;
    got[2] = flags;
    return -ENOMEM;
}

long do_update_va_mapping_otherdomain(unsigned long va, uint64_t val,
                                      unsigned long flags, domid_t domid)
{
    do_update_va_mapping(va, val, flags);
    got[3] = domid;
    return 0;
}

long do_set_timer_op(s_time_t timeout)
{
    got[0] = timeout;
    return 0;
}

static struct domain dom;
#define adom (dom.arch)
static struct vcpu vcpu;
#define avcpu (vcpu.arch)
static struct vcpu_info vinfo;

/* A guest kernel on its kernel stack; user_table: has one (frame 5). */
static void reset(bool user_table)
{
    memset(&adom, 0, sizeof(adom));
    memset(&avcpu, 0, sizeof(avcpu));
    memset(&vinfo, 0, sizeof(vinfo));
    vcpu.domain = &dom;
    vcpu.vcpu_info = &vinfo;
    avcpu.flags = VGCF_in_kernel;
    avcpu.pv.guest_table = _mfn(4);
    avcpu.pv.guest_table_user = user_table ? _mfn(5) : INVALID_MFN;
    get_cpu_info()->current_vcpu = &vcpu;
    harness_fault_lo = harness_fault_hi = 0;
    crashes = toggles = 0;
}

static struct iret_context frame(uint64_t cs, uint64_t flags)
{
    struct iret_context f = {
        .rax = 0xaa, .r11 = 0x1111, .rcx = 0xcc, .flags = flags,
        .rip = 0x401000, .cs = cs, .rflags = 0x202, .rsp = 0x7ff000,
        .ss = FLAT_USER_SS,
    };

    return f;
}

static void iret(struct cpu_user_regs *regs, struct iret_context *f)
{
    memset(regs, 0, sizeof(*regs));
    regs->rsp = (unsigned long)f;
    do_iret(regs);
}

static void test_iret(void)
{
    struct cpu_user_regs regs;
    struct iret_context f;

    CASE("iret: CS with RPL 0 stays in kernel mode, restores everything")
    {
        reset(false);
        f = frame(FLAT_KERNEL_CS & ~3, 0);
        f.rflags = 0x2;             /* interrupts off: events masked */
        iret(&regs, &f);
        CHECK_EQ(crashes, 0);
        CHECK_EQ(toggles, 0);
        CHECK(avcpu.flags & VGCF_in_kernel);
        CHECK_EQ(regs.rax, 0xaa);
        CHECK_EQ(regs.rcx, 0xcc);
        CHECK_EQ(regs.r11, 0x1111);
        CHECK_EQ(regs.rip, 0x401000);
        CHECK_EQ(regs.rsp, 0x7ff000);
        CHECK_EQ(regs.cs, FLAT_KERNEL_CS);
        CHECK_EQ(regs.ss, FLAT_KERNEL_SS);
        CHECK_EQ(regs.rflags, 0x202);   /* IF stays on in hardware */
        CHECK_EQ(vinfo.evtchn_upcall_mask, 1);
    }

    CASE("iret: the frame's IOPL is the virtual one if architectural")
    {
        reset(false);
        avcpu.pv.iopl = 1;
        f = frame(FLAT_KERNEL_CS & ~3, 0);
        f.rflags = 0x3202;
        iret(&regs, &f);
        CHECK_EQ(avcpu.pv.iopl, 1);
        CHECK_EQ(regs.rflags, 0x202);
        adom.pv.vm_assist = 1UL << VMASST_TYPE_architectural_iopl;
        iret(&regs, &f);
        CHECK_EQ(avcpu.pv.iopl, 3);
        CHECK_EQ(regs.rflags, 0x202);
        f.rflags = 0x202;
        iret(&regs, &f);
        CHECK_EQ(avcpu.pv.iopl, 0);
    }

    CASE("iret: CS with RPL 3 switches to user mode")
    {
        reset(true);
        vinfo.evtchn_upcall_mask = 1;
        f = frame(FLAT_USER_CS, 0);
        iret(&regs, &f);
        CHECK_EQ(crashes, 0);
        CHECK_EQ(toggles, 1);
        CHECK(!(avcpu.flags & VGCF_in_kernel));
        CHECK_EQ(regs.rip, 0x401000);
        CHECK_EQ(regs.cs, FLAT_USER_CS);
        CHECK_EQ(regs.ss, FLAT_USER_SS);
        CHECK_EQ(vinfo.evtchn_upcall_mask, 0);
    }

    CASE("iret: VGCF_in_syscall leaves rcx and r11 as SYSRET would")
    {
        reset(true);
        f = frame(FLAT_USER_CS, VGCF_in_syscall);
        f.rflags = 0x3202;          /* IOPL is not the guest's to set */
        iret(&regs, &f);
        CHECK_EQ(crashes, 0);
        CHECK_EQ(regs.rax, 0xaa);
        CHECK_EQ(regs.rcx, 0x401000);
        CHECK_EQ(regs.r11, 0x202);
        CHECK_EQ(regs.rflags, 0x202);
    }

    CASE("iret: to user mode without user page tables crashes the domain")
    {
        reset(false);
        f = frame(FLAT_USER_CS, 0);
        iret(&regs, &f);
        CHECK_EQ(crashes, 1);
        CHECK_EQ(toggles, 0);
        CHECK(avcpu.flags & VGCF_in_kernel);
        CHECK_EQ(regs.rip, 0);          /* nothing restored */
        CHECK(harness_log_contains("without user page tables"));
    }

    CASE("iret: an unreadable frame or a bad rip crashes the domain")
    {
        reset(true);
        f = frame(FLAT_USER_CS, 0);
        harness_fault_lo = (uintptr_t)&f;
        harness_fault_hi = harness_fault_lo + 1;
        iret(&regs, &f);
        CHECK_EQ(crashes, 1);
        CHECK_EQ(toggles, 0);
        reset(true);
        f = frame(FLAT_USER_CS, 0);
        f.rip = 0x800000000000UL;       /* not canonical */
        iret(&regs, &f);
        CHECK_EQ(crashes, 1);
        CHECK_EQ(toggles, 0);
        CHECK_EQ(regs.rip, 0);
    }
}

/* An address in the hypervisor's range: never a guest entry point. */
#define XEN_ADDR    0xffff830000000000UL

static void test_callbacks(void)
{
    static struct trap_info full[256], bad[3];

    CASE("set_trap_table: all 256 vectors with no terminator, no more read")
    {
        reset(false);
        for ( unsigned int i = 0; i < 256; i++ )
            full[i] = (struct trap_info){ i, 3, FLAT_KERNEL_CS,
                                          0x401000 + i };
        CHECK_EQ(do_set_trap_table((XEN_GUEST_HANDLE_PARAM(const_trap_info_t))
                                   { full }), 0);
        CHECK_EQ(avcpu.pv.trap_ctxt[255].address, 0x401000 + 255);
        CHECK_EQ(avcpu.pv.trap_ctxt[0].address, 0x401000);
    }

    CASE("set_trap_table: one hypervisor address refuses the whole table")
    {
        reset(false);
        avcpu.pv.trap_ctxt[14].address = 0x402000;
        bad[0] = (struct trap_info){ 13, 0, FLAT_KERNEL_CS, 0x401000 };
        bad[1] = (struct trap_info){ 14, 0, FLAT_KERNEL_CS, XEN_ADDR };
        CHECK_EQ(do_set_trap_table((XEN_GUEST_HANDLE_PARAM(const_trap_info_t))
                                   { bad }), -EINVAL);
        CHECK_EQ(avcpu.pv.trap_ctxt[13].address, 0);
        CHECK_EQ(avcpu.pv.trap_ctxt[14].address, 0x402000);
    }

    CASE("set_callbacks: each address must be the guest's, else none is set")
    {
        reset(false);
        CHECK_EQ(do_set_callbacks(XEN_ADDR, 0x401000, 0x402000), -EINVAL);
        CHECK_EQ(do_set_callbacks(0x401000, XEN_ADDR, 0x402000), -EINVAL);
        CHECK_EQ(do_set_callbacks(0x401000, 0x402000, XEN_ADDR), -EINVAL);
        CHECK_EQ(avcpu.pv.event_callback_eip | avcpu.pv.failsafe_callback_eip |
                 avcpu.pv.syscall_callback_eip, 0);
        CHECK_EQ(do_set_callbacks(0x401000, 0x402000, 0x403000), 0);
        CHECK_EQ(avcpu.pv.event_callback_eip, 0x401000);
        CHECK_EQ(avcpu.pv.failsafe_callback_eip, 0x402000);
        CHECK_EQ(avcpu.pv.syscall_callback_eip, 0x403000);
    }

    CASE("vm_assist: known types only, up to bit 63 and not past it")
    {
        reset(false);
        CHECK_EQ(do_vm_assist(VMASST_CMD_enable,
                              VMASST_TYPE_writable_pagetables), 0);
        CHECK_EQ(adom.pv.vm_assist, 1UL << VMASST_TYPE_writable_pagetables);
        CHECK_EQ(do_vm_assist(VMASST_CMD_enable, 63), -EINVAL);
        CHECK_EQ(do_vm_assist(VMASST_CMD_enable, 64), -EINVAL);
        CHECK_EQ(do_vm_assist(VMASST_CMD_enable, ~0u), -EINVAL);
        CHECK_EQ(do_vm_assist(7, VMASST_TYPE_writable_pagetables), -ENOSYS);
        CHECK_EQ(do_vm_assist(VMASST_CMD_disable,
                              VMASST_TYPE_writable_pagetables), 0);
        CHECK_EQ(adom.pv.vm_assist, 0);
    }
}

static void test_trap_table(void)
{
    CASE("set_trap_table: code selectors are kept with RPL 3")
    {
        struct trap_info t[] = {
            { 13, 4, 0xe008, 0x401000 }, { 14, 0, 0, 0x402000 },
            { 0, 0, 0, 0 },
        };

        reset(false);
        CHECK_EQ(do_set_trap_table((XEN_GUEST_HANDLE_PARAM(const_trap_info_t))
                                   { t }), 0);
        CHECK_EQ(avcpu.pv.trap_ctxt[13].cs, 0xe00b);
        CHECK_EQ(avcpu.pv.trap_ctxt[13].address, 0x401000);
        CHECK_EQ(avcpu.pv.trap_ctxt[14].cs, 3);
        CHECK_EQ(avcpu.pv.trap_ctxt[14].address, 0x402000);
    }

    CASE("set_trap_table: a non-canonical entry point is refused, "
         "nothing changes")
    {
        struct trap_info t[] = {
            { 13, 4, FLAT_KERNEL_CS, 0x401000 },
            { 14, 0, FLAT_KERNEL_CS, 0x0000800000000000UL },
            { 0, 0, 0, 0 },
        };

        reset(false);
        CHECK_EQ(do_set_trap_table((XEN_GUEST_HANDLE_PARAM(const_trap_info_t))
                                   { t }), -EINVAL);
        CHECK_EQ(avcpu.pv.trap_ctxt[13].address, 0);
        CHECK_EQ(avcpu.pv.trap_ctxt[14].address, 0);
    }
}

/* Guest memory below 4 GiB, where a 32-bit guest's addresses point. */
static uint32_t *low;

static uint32_t low_addr(const void *p)
{
    return (uint32_t)(uintptr_t)p;
}

/* A 32-bit kernel calls nr with ebx.. and the frame/struct at low. */
static struct cpu_user_regs *call32(uint32_t nr, uint32_t a1, uint32_t a2,
                                    uint32_t a3, uint32_t a4)
{
    struct cpu_user_regs *regs = &get_cpu_info()->guest_cpu_user_regs;

    memset(regs, 0, sizeof(*regs));
    regs->rbx = a1;
    regs->rcx = a2;
    regs->rdx = a3;
    regs->rsi = a4;
    regs->rax = 0xdead;
    regs->rsp = low_addr(low);
    if ( nr == __HYPERVISOR_iret )
        pv_compat_iret(regs);
    else
        CHECK(pv_compat_translated(nr, regs));
    return regs;
}

static void reset32(void)
{
    reset(false);
    adom.pv.is_32bit = true;
    dom.guest_type = guest_type_pv;
    avcpu.flags = 0;
    if ( !low )
    {
        low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        if ( low == MAP_FAILED )
            abort();
    }
    memset(low, 0, 4096);
}

static void test_compat(void)
{
    struct cpu_user_regs *regs;

    CASE("compat iret: to ring 1 - EAX, EIP, CS, EFLAGS; ESP past the frame")
    {
        reset32();
        low[0] = 0xaa;
        low[1] = 0xc0001000;
        low[2] = 0xe018; /* RPL 0 is taken as ring 1 */
        low[3] = 0x2;    /* interrupts off: events masked */
        regs = call32(__HYPERVISOR_iret, 0, 0, 0, 0);
        CHECK_EQ(crashes, 0);
        CHECK_EQ(regs->rax, 0xaa);
        CHECK_EQ(regs->rip, 0xc0001000);
        CHECK_EQ(regs->cs, 0xe019);
        CHECK_EQ(regs->rflags, 0x202);
        CHECK_EQ(regs->rsp, low_addr(low) + 16);
        CHECK_EQ(vinfo.evtchn_upcall_mask, 1);
        CHECK_EQ(toggles, 0);
    }

    CASE("compat iret: to ring 3 takes ESP and SS; RPL 2, VM, unreadable crash")
    {
        reset32();
        low[0] = 1;
        low[1] = 0x08048000;
        low[2] = 0xe02b;
        low[3] = 0x3202;
        low[4] = 0xbffff000;
        low[5] = 0xe030;
        regs = call32(__HYPERVISOR_iret, 0, 0, 0, 0);
        CHECK_EQ(crashes, 0);
        CHECK_EQ(regs->rsp, 0xbffff000);
        CHECK_EQ(regs->ss, 0xe033);
        CHECK_EQ(regs->cs, 0xe02b);
        CHECK_EQ(regs->rflags, 0x202); /* no IOPL without the assist */
        CHECK_EQ(vinfo.evtchn_upcall_mask, 0);
        low[2] = 0xe01a;
        regs = call32(__HYPERVISOR_iret, 0, 0, 0, 0);
        CHECK_EQ(crashes, 1);
        CHECK_EQ(regs->rax, 0xdead);
        low[2] = 0xe019;
        low[3] = 0x20202;
        call32(__HYPERVISOR_iret, 0, 0, 0, 0);
        CHECK_EQ(crashes, 2);
        harness_fault_lo = (uintptr_t)low;
        harness_fault_hi = (uintptr_t)low + 4096;
        call32(__HYPERVISOR_iret, 0, 0, 0, 0);
        CHECK_EQ(crashes, 3);
    }

    CASE("compat set_trap_table: 8-byte entries, RPL 1, stops at address 0")
    {
        reset32();
        low[0] = 13 | (4 << 8) | (0xe018u << 16);
        low[1] = 0xc0001000;
        low[2] = 14 | (0xe019u << 16);
        low[3] = 0xc0002000;
        regs = call32(__HYPERVISOR_set_trap_table, low_addr(low), 0, 0, 0);
        CHECK_EQ(regs->rax, 0);
        CHECK_EQ(avcpu.pv.trap_ctxt[13].address, 0xc0001000);
        CHECK_EQ(avcpu.pv.trap_ctxt[13].flags, 4);
        CHECK_EQ(avcpu.pv.trap_ctxt[13].cs, 0xe019);
        CHECK_EQ(avcpu.pv.trap_ctxt[14].address, 0xc0002000);
        /* An unreadable table is EFAULT (32-bit), nothing changed. */
        harness_fault_lo = (uintptr_t)low;
        harness_fault_hi = (uintptr_t)low + 4096;
        regs = call32(__HYPERVISOR_set_trap_table, low_addr(low), 0, 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
        CHECK_EQ(avcpu.pv.trap_ctxt[13].address, 0xc0001000);
        harness_fault_lo = harness_fault_hi = 0;
        regs = call32(__HYPERVISOR_set_trap_table, 0, 0, 0, 0);
        CHECK_EQ(regs->rax, 0);
        CHECK_EQ(avcpu.pv.trap_ctxt[13].address, 0);
    }

    CASE("compat callbacks: cs:eip pairs; set_callbacks has no syscall")
    {
        reset32();
        avcpu.pv.syscall_callback_eip = 0x1234;
        regs = call32(__HYPERVISOR_set_callbacks, 0xe019, 0xc0003000, 0xe019,
                      0xc0004000);
        CHECK_EQ(regs->rax, 0);
        CHECK_EQ(avcpu.pv.event_callback_eip, 0xc0003000);
        CHECK_EQ(avcpu.pv.failsafe_callback_eip, 0xc0004000);
        CHECK_EQ(avcpu.pv.syscall_callback_eip, 0x1234);
        CHECK(avcpu.pv.callback_flags & (1UL << CALLBACKTYPE_event));
        /* callback_op register: type, flags, cs, eip (12 bytes). */
        low[0] = CALLBACKTYPE_nmi | (0u << 16);
        low[1] = 0xe019;
        low[2] = 0xc0005000;
        regs = call32(__HYPERVISOR_callback_op, CALLBACKOP_register,
                      low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, 0);
        CHECK_EQ(avcpu.pv.nmi_callback_eip, 0xc0005000);
        low[0] = 99;
        regs = call32(__HYPERVISOR_callback_op, CALLBACKOP_register,
                      low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-ENOSYS);
        low[0] = CALLBACKTYPE_nmi;
        regs = call32(__HYPERVISOR_callback_op, CALLBACKOP_unregister,
                      low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, 0);
        CHECK_EQ(avcpu.pv.nmi_callback_eip, 0);
        harness_fault_lo = (uintptr_t)low;
        harness_fault_hi = (uintptr_t)low + 4096;
        regs = call32(__HYPERVISOR_callback_op, CALLBACKOP_register,
                      low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
    }

    CASE("compat split arguments: PTE and timeout from two halves")
    {
        reset32();
        regs = call32(__HYPERVISOR_update_va_mapping, 0xc0100000, 0x1234067,
                      0x80000001, 2);
        CHECK_EQ(got[0], 0xc0100000);
        CHECK_EQ(got[1], 0x8000000101234067ULL);
        CHECK_EQ(got[2], 2);
        CHECK_EQ(regs->rax, (uint32_t)-ENOMEM);
        regs->rdi = 7;
        regs->rbx = 0xc0200000;
        regs->rcx = 0x5067;
        regs->rdx = 0;
        regs->rsi = 0;
        CHECK(pv_compat_translated(__HYPERVISOR_update_va_mapping_otherdomain,
                                   regs));
        CHECK_EQ(got[1], 0x5067);
        CHECK_EQ(got[3], 7);
        CHECK_EQ(regs->rax, 0);
        call32(__HYPERVISOR_set_timer_op, 0x89abcdef, 0x1234, 0, 0);
        CHECK_EQ(got[0], 0x123489abcdefULL);
        /* Nothing else is taken here. */
        regs = call32(__HYPERVISOR_set_trap_table, 0, 0, 0, 0);
        CHECK(!pv_compat_translated(__HYPERVISOR_memory_op, regs));
    }

    CASE("compat stack_switch: a ring-1 SS (RPL 0 taken as 1)")
    {
        reset32();
        regs = call32(__HYPERVISOR_stack_switch, 0xe020, 0xc0010000, 0, 0);
        CHECK_EQ(regs->rax, 0);
        CHECK_EQ(avcpu.pv.kernel_ss, 0xe021);
        CHECK_EQ(avcpu.pv.kernel_sp, 0xc0010000);
    }
}

int main(void)
{
    test_iret();
    test_callbacks();
    test_trap_table();
    test_compat();
    return check_failures ? 1 : 0;
}
