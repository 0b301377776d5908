/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for the PV iret hypercall: kernel and user returns, crashes. */
#include <stdint.h>
/* The hypervisor's layout first, as its builds force-include it. */
#include <asm/config.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/pv/descriptor-tables.h>
#include <asm/pv/traps.h>
#include <asm/uaccess.h>
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

int main(void)
{
    test_iret();
    test_callbacks();
    test_trap_table();
    return check_failures ? 1 : 0;
}
