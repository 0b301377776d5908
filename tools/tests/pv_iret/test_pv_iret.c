/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for the PV iret hypercall: kernel and user returns, crashes. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
/* The hypervisor's layout first, as its builds force-include it. */
#include <asm/config.h>
#include <xen/errno.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/pv/compat.h>
#include <asm/pv/compat_mm.h>
#include <asm/pv/descriptor-tables.h>
#include <asm/pv/traps.h>
#include <asm/uaccess.h>
#include <public/callback.h>
#include <public/event_channel.h>
#include <public/memory.h>
#include <public/nmi.h>
#include <public/physdev.h>
#include <public/vcpu.h>
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

long do_update_descriptor(uint64_t pa, uint64_t desc)
{
    got[0] = pa;
    got[1] = desc;
    return -EINVAL;
}

void gnttab_do_get_status_frames(struct gnttab_get_status_frames *op)
{
    got[0] = op->nr_frames;
    got[1] = op->dom;
    got[2] = (unsigned long)op->frame_list.p;
    op->status = GNTST_general_error;
}

long do_set_timer_op(s_time_t timeout)
{
    got[0] = timeout;
    return 0;
}

/* setup_table's frames as the native code hands them over. */
static xen_pfn_t table_frames[2] = { 0x1234, 0x5678 };

long gnttab_do_setup_table(struct gnttab_setup_table *op,
                           int (*put)(const struct gnttab_setup_table *op,
                                      unsigned int i, xen_pfn_t mfn))
{
    op->status = GNTST_okay;
    for ( unsigned int i = 0; i < op->nr_frames && i < 2; i++ )
        if ( put(op, i, table_frames[i]) )
            op->status = GNTST_bad_virt_addr;
    return 0;
}

long do_grant_table_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) uop,
                       unsigned int count)
{
    got[0] = cmd;
    return 0;
}

/*
 * Stand-ins for what the structure translations end in, recording the
 * widened arguments they are given.
 */
static struct xen_memory_reservation got_r;
static struct xen_memory_exchange got_x;
static unsigned int got_op;
static xen_ulong_t got_start;
static bool got_narrow;
static uint32_t *got_done32;
static unsigned long got_end;

long memory_reservation(unsigned int op, xen_ulong_t start,
                        const struct xen_memory_reservation *r, bool narrow,
                        XEN_GUEST_HANDLE_PARAM(void) arg)
{
    got_op = op;
    got_start = start;
    got_r = *r;
    got_narrow = narrow;
    return 3;
}

long memory_exchange(const struct xen_memory_exchange *x, uint32_t *done32,
                     unsigned long narrow_end,
                     XEN_GUEST_HANDLE_PARAM(void) arg)
{
    got_x = *x;
    got_done32 = done32;
    got_end = narrow_end;
    return -ENOMEM;
}

long do_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    got[0] = cmd;
    return 77;
}

static domid_t got_map_domid;
static struct xen_mem_acquire_resource got_res;

long memory_set_memory_map(domid_t domid)
{
    got_map_domid = domid;
    return -ENOSYS;
}

long memory_acquire_resource(const struct xen_mem_acquire_resource *r)
{
    got_res = *r;
    return -EOPNOTSUPP;
}

/* physdev_op's: the widened structures, answers written into them. */
static struct physdev_map_pirq got_map;
static struct physdev_apic got_apic;

long pirq_map_op(struct physdev_map_pirq *op, bool *write_back)
{
    got_map = *op;
    op->pirq = 33;
    op->entry_nr = 4;
    *write_back = true;
    return -ENOSPC;
}

long pirq_apic_op(int cmd, struct physdev_apic *op, bool *write_back)
{
    got_apic = *op;
    op->value = 0x170011;
    *write_back = cmd == PHYSDEVOP_apic_read;
    return 0;
}

long pirq_set_eoi_map(int cmd, unsigned long gmfn)
{
    got[0] = cmd;
    got[1] = gmfn;
    return 0;
}

long do_physdev_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    got[0] = cmd;
    got[1] = (unsigned long)arg.p;
    return 55;
}

static struct gnttab_copy got_copy[2];
static unsigned int copies;

int16_t gnttab_copy_one(const struct gnttab_copy *op)
{
    got_copy[copies++ % 2] = *op;
    return GNTST_bad_gntref;
}

/* Preemption after this many checks (0: never). */
static unsigned int preempt_at, preempt_checks;

bool hypercall_preempt_check(void)
{
    return preempt_at && ++preempt_checks >= preempt_at;
}

/* As the real one: a multicall entry is rewritten, else the call. */
static unsigned long cont_args[5];
static unsigned int cont_op;

long hypercall_create_continuation(unsigned int op, unsigned int nr,
                                   const unsigned long *args)
{
    struct vcpu *v = current;

    if ( v->mc_call )
    {
        v->mc_call->op = op;
        memcpy(v->mc_call->args, args, nr * sizeof(*args));
        v->mc_preempted = true;
        return op;
    }
    cont_op = op;
    memcpy(cont_args, args, nr * sizeof(*args));
    return op;
}

/*
 * mmuext_op's 32-bit entry point; mmuext_continues makes it continue
 * itself one 12-byte entry on, as a preempted batch does.
 */
static bool mmuext_continues;

long pv32_mmuext_op(XEN_GUEST_HANDLE_PARAM(void) uops, unsigned int count,
                    XEN_GUEST_HANDLE_PARAM(uint) pdone,
                    unsigned int foreigndom)
{
    got[0] = guest_handle_addr(uops);
    got[1] = count;
    got[2] = guest_handle_addr(pdone);
    got[3] = foreigndom;
    if ( mmuext_continues )
        return hypercall_continue(__HYPERVISOR_mmuext_op,
                                  guest_handle_addr(uops) + 12,
                                  (count - 1) | MMU_UPDATE_PREEMPTED,
                                  guest_handle_addr(pdone), foreigndom);
    return 0;
}

long pv_set_gdt_list(unsigned long list, unsigned int entries, bool narrow)
{
    got[0] = list;
    got[1] = entries;
    got[2] = narrow;
    return 0;
}

/* physdev.c's set_iobitmap: what it was given. */
long pv_set_iobitmap(unsigned long bitmap, unsigned int nr_ports)
{
    got[0] = bitmap;
    got[1] = nr_ports;
    return 0;
}

/* The hypervisor's heap, from the host's. */
void *_xmalloc(size_t size, size_t align)
{
    return aligned_alloc(align, (size + align - 1) / align * align);
}

void xfree(void *p)
{
    free(p);
}

static struct sched_poll got_poll;
static struct vcpu_guest_context got_ctx;
static struct vcpu *got_vcpu;

long vcpu_set_first_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    got_vcpu = v;
    got_ctx = *c;
    return -EEXIST;
}

long vcpu_poll(struct vcpu *v, const struct sched_poll *p)
{
    got_poll = *p;
    return 0;
}

void set_timer(struct timer *t, s_time_t expires)
{
    got[0] = expires;
}

/* The dispatch (arch/x86/hypercall.c): the rest answer their number. */
long pv_compat_call(uint32_t nr, const uint32_t a[6])
{
    long rc;

    if ( pv_compat_translated(nr, a, &rc) )
        return rc;
    return 1000 + nr;
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
    {
        const uint32_t a[6] = { a1, a2, a3, a4 };
        long rc;

        CHECK(pv_compat_translated(nr, a, &rc));
        regs->rax = (uint32_t)rc;
    }
    return regs;
}

static void reset32(void)
{
    static struct vcpu *vcpus[2] = { &vcpu };

    reset(false);
    adom.pv.is_32bit = true;
    adom.pv.compat_virt_start = 0xf5800000;
    dom.max_vcpus = 2;
    dom.vcpu = vcpus;
    dom.grant_table = (struct grant_table *)&dom;
    preempt_at = preempt_checks = 0;
    mmuext_continues = false;
    copies = 0;
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

/* A 32-bit xen_memory_reservation at p: 20 bytes, for DOMID_SELF. */
static void put_reservation(uint32_t *p, uint32_t list, uint32_t nr,
                            uint32_t order)
{
    p[0] = list;
    p[1] = nr;
    p[2] = order;
    p[3] = 0;
    p[4] = DOMID_SELF;
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
        {
            const uint32_t a[6] = { 0xc0200000, 0x5067, 0, 0, 7 };
            long rc = -1;

            CHECK(pv_compat_translated(
                __HYPERVISOR_update_va_mapping_otherdomain, a, &rc));
            CHECK_EQ(got[1], 0x5067);
            CHECK_EQ(got[3], 7);
            CHECK_EQ(rc, 0);
        }
        call32(__HYPERVISOR_set_timer_op, 0x89abcdef, 0x1234, 0, 0);
        CHECK_EQ(got[0], 0x123489abcdefULL);
        regs = call32(__HYPERVISOR_update_descriptor, 0x5678008, 1, 0xffff,
                      0x00cff300);
        CHECK_EQ(got[0], 0x105678008ULL);
        CHECK_EQ(got[1], 0x00cff3000000ffffULL);
        CHECK_EQ(regs->rax, (uint32_t)-EINVAL);
        /* Same-layout calls are not taken here. */
        {
            const uint32_t a[6] = { 0 };
            long rc;

            CHECK(!pv_compat_translated(__HYPERVISOR_console_io, a, &rc));
        }
    }

    CASE("compat grant_table_op: setup_table's 32-bit frame list")
    {
        reset32();
        /* dom, nr_frames, status, frame_list (16 bytes), list at low[8]. */
        low[0] = DOMID_SELF;
        low[1] = 2;
        low[2] = 0x7777;
        low[3] = low_addr(&low[8]);
        regs = call32(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
                      low_addr(low), 1, 0);
        CHECK_EQ(regs->rax, 0);
        CHECK_EQ((int16_t)low[2], GNTST_okay);
        CHECK_EQ(low[8], 0x1234);
        CHECK_EQ(low[9], 0x5678);
        CHECK_EQ(low[10], 0);
        /* A frame a 32-bit list cannot hold. */
        table_frames[1] = 0x100000000UL;
        regs = call32(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
                      low_addr(low), 1, 0);
        table_frames[1] = 0x5678;
        CHECK_EQ((int16_t)low[2], GNTST_bad_virt_addr);
        regs = call32(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
                      low_addr(low), 2, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EINVAL);
        /* A list reaching the hole: -EFAULT, the status untouched. */
        low[2] = 0x7777;
        low[3] = 0xf5800000 - 4;
        regs = call32(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
                      low_addr(low), 1, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
        CHECK_EQ(low[2], 0x7777);
        /*
         * get_status_frames: nr_frames, dom, status, frame_list (12 bytes);
         * the list (64-bit frames) is the native call's to write.
         */
        low[0] = 3;
        low[1] = DOMID_SELF | 0x1111u << 16;
        low[2] = low_addr(&low[8]);
        regs = call32(__HYPERVISOR_grant_table_op, GNTTABOP_get_status_frames,
                      low_addr(low), 1, 0);
        CHECK_EQ(regs->rax, 0);
        CHECK_EQ(got[0], 3);
        CHECK_EQ(got[1], DOMID_SELF);
        CHECK_EQ(got[2], low_addr(&low[8]));
        CHECK_EQ((int16_t)(low[1] >> 16), GNTST_general_error);
        regs = call32(__HYPERVISOR_grant_table_op, GNTTABOP_get_status_frames,
                      low_addr(low), 2, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EINVAL);
        /* A list that runs into the hole: refused before the call. */
        got[0] = 0;
        low[0] = 2;
        low[2] = 0xf5800000u - 8;
        regs = call32(__HYPERVISOR_grant_table_op, GNTTABOP_get_status_frames,
                      low_addr(low), 1, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
        CHECK_EQ(got[0], 0);
        regs = call32(__HYPERVISOR_grant_table_op, GNTTABOP_query_size,
                      low_addr(low), 1, 0);
        CHECK_EQ(got[0], GNTTABOP_query_size);
        harness_fault_lo = (uintptr_t)low;
        harness_fault_hi = (uintptr_t)low + 4096;
        regs = call32(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
                      low_addr(low), 1, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
    }

    CASE("compat grant_table_op: copy's 24-byte elements widened, status "
         "written back; same-layout arrays checked against the hole")
    {
        reset32();
        /* source gmfn 0x1111 dom 0 off 8; dest ref 5 dom 7 off 16; len 32. */
        low[0] = 0x1111;
        low[1] = 8u << 16;
        low[2] = 5;
        low[3] = 7 | 16u << 16;
        low[4] = 32 | GNTCOPY_dest_gref << 16;
        low[5] = 0x7777;
        regs = call32(__HYPERVISOR_grant_table_op, GNTTABOP_copy,
                      low_addr(low), 1, 0);
        CHECK_EQ(regs->rax, 0);
        CHECK_EQ(got_copy[0].source.u.gmfn, 0x1111);
        CHECK_EQ(got_copy[0].source.offset, 8);
        CHECK_EQ(got_copy[0].dest.u.ref, 5);
        CHECK_EQ(got_copy[0].dest.domid, 7);
        CHECK_EQ(got_copy[0].dest.offset, 16);
        CHECK_EQ(got_copy[0].len, 32);
        CHECK_EQ(got_copy[0].flags, GNTCOPY_dest_gref);
        CHECK_EQ((int16_t)low[5], GNTST_bad_gntref);
        /* Two elements, preempted after the first: the rest continues. */
        preempt_at = 1;
        regs = call32(__HYPERVISOR_grant_table_op, GNTTABOP_copy,
                      low_addr(low), 2, 0);
        CHECK_EQ(copies, 2);
        CHECK_EQ(regs->rax, __HYPERVISOR_grant_table_op);
        CHECK_EQ(cont_args[0], GNTTABOP_copy);
        CHECK_EQ(cont_args[1], low_addr(low) + 24);
        CHECK_EQ(cont_args[2], 1);
        /* Arrays reaching HYPERVISOR_COMPAT_VIRT_START, negative counts. */
        regs = call32(__HYPERVISOR_grant_table_op, GNTTABOP_copy,
                      0xf5800000 - 24, 2, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
        CHECK_EQ(copies, 2);
        got[0] = 0;
        regs = call32(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref,
                      0xf5800000 - 32, 2, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
        regs = call32(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref,
                      0xf5800000 - 32, 1, 0);
        CHECK_EQ(got[0], GNTTABOP_map_grant_ref);
        regs = call32(__HYPERVISOR_grant_table_op, GNTTABOP_copy,
                      low_addr(low), 0x80000000u, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EINVAL);
    }

    CASE("compat mmuext_op: to pv32_mmuext_op; a list in the hole is EFAULT")
    {
        reset32();
        regs = call32(__HYPERVISOR_mmuext_op, low_addr(low),
                      3 | MMU_UPDATE_PREEMPTED, low_addr(&low[100]),
                      DOMID_SELF);
        CHECK_EQ(regs->rax, 0);
        CHECK_EQ(got[0], low_addr(low));
        CHECK_EQ(got[1], 3 | MMU_UPDATE_PREEMPTED);
        CHECK_EQ(got[2], low_addr(&low[100]));
        CHECK_EQ(got[3], DOMID_SELF);
        got[0] = 0;
        regs = call32(__HYPERVISOR_mmuext_op, 0xf5800000 - 24, 3, 0,
                      DOMID_SELF);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
        CHECK_EQ(got[0], 0);
    }

    CASE("compat multicall: 32-bit entries dispatched, results narrowed, "
         "nesting refused, a continuing entry rewritten narrow")
    {
        uint32_t *e = &low[64];

        reset32();
        /* set_timer_op (lo, hi); a nested multicall; console_io. */
        e[0] = __HYPERVISOR_set_timer_op;
        e[1] = 0xdead;
        e[2] = 0x89abcdef;
        e[3] = 0x12;
        e[8] = __HYPERVISOR_multicall;
        e[16] = __HYPERVISOR_console_io;
        regs = call32(__HYPERVISOR_multicall, low_addr(e), 3, 0, 0);
        CHECK_EQ(regs->rax, 0);
        CHECK_EQ(got[0], 0x1289abcdefULL);
        CHECK_EQ(e[1], 0);
        CHECK_EQ(e[9], (uint32_t)-EINVAL);
        CHECK_EQ(e[17], 1000 + __HYPERVISOR_console_io);
        CHECK(!vcpu.mc_call);
        /* Preempted between entries: continues from the second. */
        preempt_at = 1;
        regs = call32(__HYPERVISOR_multicall, low_addr(e), 3, 0, 0);
        CHECK_EQ(regs->rax, __HYPERVISOR_multicall);
        CHECK_EQ(cont_args[0], low_addr(e) + 32);
        CHECK_EQ(cont_args[1], 2);
        /* An entry's call continuing: its op and arguments rewritten. */
        preempt_at = 0;
        mmuext_continues = true;
        e[0] = __HYPERVISOR_mmuext_op;
        e[2] = low_addr(low);
        e[3] = 4;
        e[4] = 0;
        e[5] = DOMID_SELF;
        cont_args[0] = 0;
        regs = call32(__HYPERVISOR_multicall, low_addr(e), 3, 0, 0);
        CHECK_EQ(regs->rax, __HYPERVISOR_multicall);
        CHECK_EQ(cont_args[0], low_addr(e));
        CHECK_EQ(cont_args[1], 3);
        CHECK_EQ(e[0], __HYPERVISOR_mmuext_op);
        CHECK_EQ(e[2], low_addr(low) + 12);
        CHECK_EQ(e[3], 3 | MMU_UPDATE_PREEMPTED);
        CHECK_EQ(e[5], DOMID_SELF);
        CHECK(!vcpu.mc_preempted);
        /* An empty batch; a list reaching the hole. */
        regs = call32(__HYPERVISOR_multicall, 0, 0, 0, 0);
        CHECK_EQ(regs->rax, 0);
        regs = call32(__HYPERVISOR_multicall, 0xf5800000 - 32, 2, 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
    }

    CASE("compat memory_op: reservations with 32-bit lists, start from cmd, "
         "address bits clamped; a list in the hole does nothing")
    {
        reset32();
        put_reservation(low, low_addr(&low[32]), 4, 0);
        regs = call32(__HYPERVISOR_memory_op,
                      XENMEM_populate_physmap | 2 << MEMOP_EXTENT_SHIFT,
                      low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, 3);
        CHECK_EQ(got_op, XENMEM_populate_physmap);
        CHECK_EQ(got_start, 2);
        CHECK(got_narrow);
        CHECK_EQ(guest_handle_addr(got_r.extent_start), low_addr(&low[32]));
        CHECK_EQ(got_r.nr_extents, 4);
        CHECK_EQ(got_r.domid, DOMID_SELF);
        /* The flags as given (page_owner.c bounds a 32-bit domain's). */
        low[3] = XENMEMF_address_bits(32) | XENMEMF_node(1);
        call32(__HYPERVISOR_memory_op, XENMEM_increase_reservation,
               low_addr(low), 0, 0);
        CHECK_EQ(got_r.mem_flags, XENMEMF_address_bits(32) | XENMEMF_node(1));
        got_op = 0;
        low[0] = 0xf5800000 - 8;
        regs = call32(__HYPERVISOR_memory_op,
                      XENMEM_decrease_reservation | 1 << MEMOP_EXTENT_SHIFT,
                      low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, 1);
        CHECK_EQ(got_op, 0);
        regs = call32(__HYPERVISOR_memory_op, XENMEM_decrease_reservation,
                      0xf5800000 - 8, 0, 0);
        CHECK_EQ(regs->rax, 0);
        /* Same-layout ones go through once their argument is the guest's. */
        regs = call32(__HYPERVISOR_memory_op, XENMEM_maximum_gpfn,
                      low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, 77);
        regs = call32(__HYPERVISOR_memory_op, XENMEM_maximum_gpfn,
                      0xf5800000 - 1, 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
        regs = call32(__HYPERVISOR_memory_op, XENMEM_add_to_physmap,
                      low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-ENOSYS);
    }

    CASE("compat memory_op set_memory_map (12 bytes), acquire_resource (28 "
         "bytes, frame 4-byte aligned) widened; get_vnumainfo (one layout) "
         "passed on; each reaching the hole -EFAULT")
    {
        reset32();
        low[0] = 7;             /* domid 7, pad */
        regs = call32(__HYPERVISOR_memory_op, XENMEM_set_memory_map,
                      low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-ENOSYS);
        CHECK_EQ(got_map_domid, 7);
        regs = call32(__HYPERVISOR_memory_op, XENMEM_set_memory_map,
                      0xf5800000 - 11, 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);

        low[0] = 3 | 1 << 16;   /* domid 3, type grant table */
        low[1] = 1;             /* id */
        low[2] = 2;             /* nr_frames */
        low[3] = 5;             /* pad */
        low[4] = 0x89abcdef;    /* frame */
        low[5] = 0x1234567;
        low[6] = low_addr(&low[32]);
        regs = call32(__HYPERVISOR_memory_op, XENMEM_acquire_resource,
                      low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EOPNOTSUPP);
        CHECK_EQ(got_res.domid, 3);
        CHECK_EQ(got_res.type, 1);
        CHECK_EQ(got_res.id, 1);
        CHECK_EQ(got_res.nr_frames, 2);
        CHECK_EQ(got_res.pad, 5);
        CHECK_EQ(got_res.frame, 0x0123456789abcdefULL);
        regs = call32(__HYPERVISOR_memory_op, XENMEM_acquire_resource,
                      0xf5800000 - 27, 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);

        got[0] = 0;
        regs = call32(__HYPERVISOR_memory_op, XENMEM_get_vnumainfo,
                      low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, 77);
        CHECK_EQ(got[0], XENMEM_get_vnumainfo);
        regs = call32(__HYPERVISOR_memory_op, XENMEM_get_vnumainfo,
                      0xf5800000 - 39, 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
    }

    CASE("compat memory_op exchange: 44 bytes widened, nr_exchanged at 40, "
         "lists bounded by the hole; a start in cmd is EINVAL")
    {
        reset32();
        put_reservation(low, low_addr(&low[32]), 2, 0);
        put_reservation(&low[5], low_addr(&low[40]), 1, 1);
        low[10] = 1;
        regs = call32(__HYPERVISOR_memory_op, XENMEM_exchange, low_addr(low), 0,
                      0);
        CHECK_EQ(regs->rax, (uint32_t)-ENOMEM);
        CHECK_EQ(guest_handle_addr(got_x.in.extent_start), low_addr(&low[32]));
        CHECK_EQ(got_x.in.nr_extents, 2);
        CHECK_EQ(guest_handle_addr(got_x.out.extent_start), low_addr(&low[40]));
        CHECK_EQ(got_x.out.extent_order, 1);
        CHECK_EQ(got_x.nr_exchanged, 1);
        CHECK(got_done32 == &low[10]);
        CHECK_EQ(got_end, 0xf5800000);
        regs = call32(__HYPERVISOR_memory_op,
                      XENMEM_exchange | 1 << MEMOP_EXTENT_SHIFT, low_addr(low),
                      0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EINVAL);
        regs = call32(__HYPERVISOR_memory_op, XENMEM_exchange,
                      0xf5800000 - 40, 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
    }

    CASE("compat vcpu_op, sched_op poll, set_gdt, event channels: 32-bit "
         "layouts and the hole")
    {
        reset32();
        /* singleshot: 12 bytes, only for the caller's own vCPU. */
        low[0] = 0x89abcdef;
        low[1] = 0x12;
        low[2] = VCPU_SSHOTTMR_future;
        regs = call32(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0,
                      low_addr(low), 0);
        CHECK_EQ(regs->rax, 0);
        CHECK_EQ(got[0], 0x1289abcdefULL);
        regs = call32(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 2,
                      low_addr(low), 0);
        CHECK_EQ(regs->rax, (uint32_t)-ENOENT);
        regs = call32(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0,
                      0xf5800000 - 8, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
        /*
         * initialise: the 2800-byte context widened (offsets from gcc -m32
         * on the public headers), read below the hole only.
         */
        memset(low, 0, 4096);
        low[512 / 4] = VGCF_in_kernel;             /* flags */
        low[516 / 4] = 0x11111111;                 /* ebx */
        low[(516 + 24) / 4] = 0xaaaaaaaa;          /* eax */
        low[(516 + 32) / 4] = 0xc0001000;          /* eip */
        low[(516 + 36) / 4] = 0xe019;              /* cs */
        low[(516 + 40) / 4] = 0x202;               /* eflags */
        low[(516 + 44) / 4] = 0xc0ffee00;          /* esp */
        low[(516 + 48) / 4] = 0xe021;              /* ss */
        low[(516 + 64) / 4] = 0x33;                /* gs */
        low[(584 + 14 * 8) / 4] = 14 | 0xe019u << 16; /* trap 14: cs */
        low[(584 + 14 * 8 + 4) / 4] = 0xc0002000;     /* its address */
        low[2640 / 4] = 0x4321;                    /* gdt_frames[0] */
        low[2704 / 4] = 33;                        /* gdt_ents */
        low[2708 / 4] = 0xe021;                    /* kernel_ss */
        low[2712 / 4] = 0xc0010000;                /* kernel_sp */
        low[(2716 + 12) / 4] = 0x12345fff;         /* ctrlreg[3] */
        low[2784 / 4] = 0xc0003000;                /* event eip */
        low[2792 / 4] = 0xc0004000;                /* failsafe eip */
        low[2796 / 4] = 1u << VMASST_TYPE_pae_extended_cr3;
        regs = call32(__HYPERVISOR_vcpu_op, VCPUOP_initialise, 0,
                      low_addr(low), 0);
        CHECK_EQ(regs->rax, (uint32_t)-EEXIST);
        CHECK(got_vcpu == &vcpu);
        CHECK_EQ(got_ctx.flags, VGCF_in_kernel);
        CHECK_EQ(got_ctx.user_regs.rbx, 0x11111111);
        CHECK_EQ(got_ctx.user_regs.rax, 0xaaaaaaaa);
        CHECK_EQ(got_ctx.user_regs.rip, 0xc0001000);
        CHECK_EQ(got_ctx.user_regs.cs, 0xe019);
        CHECK_EQ(got_ctx.user_regs.rflags, 0x202);
        CHECK_EQ(got_ctx.user_regs.rsp, 0xc0ffee00);
        CHECK_EQ(got_ctx.user_regs.ss, 0xe021);
        CHECK_EQ(got_ctx.user_regs.gs, 0x33);
        CHECK_EQ(got_ctx.trap_ctxt[14].vector, 14);
        CHECK_EQ(got_ctx.trap_ctxt[14].cs, 0xe019);
        CHECK_EQ(got_ctx.trap_ctxt[14].address, 0xc0002000);
        CHECK_EQ(got_ctx.gdt_frames[0], 0x4321);
        CHECK_EQ(got_ctx.gdt_ents, 33);
        CHECK_EQ(got_ctx.kernel_ss, 0xe021);
        CHECK_EQ(got_ctx.kernel_sp, 0xc0010000);
        CHECK_EQ(got_ctx.ctrlreg[3], 0x12345fff);
        CHECK_EQ(got_ctx.event_callback_eip, 0xc0003000);
        CHECK_EQ(got_ctx.failsafe_callback_eip, 0xc0004000);
        CHECK_EQ(got_ctx.vm_assist, 1u << VMASST_TYPE_pae_extended_cr3);
        got_vcpu = NULL;
        regs = call32(__HYPERVISOR_vcpu_op, VCPUOP_initialise, 0,
                      0xf5800000 - 2800 + 4, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
        CHECK(!got_vcpu);
        /* poll: ports, nr_ports, timeout (u64 at 8): 16 bytes. */
        low[0] = low_addr(&low[8]);
        low[1] = 2;
        low[2] = 0x1000;
        low[3] = 0x1;
        regs = call32(__HYPERVISOR_sched_op, SCHEDOP_poll, low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, 0);
        CHECK(got_poll.ports.p == &low[8]);
        CHECK_EQ(got_poll.nr_ports, 2);
        CHECK_EQ(got_poll.timeout, 0x100001000ULL);
        low[0] = 0xf5800000 - 4;
        regs = call32(__HYPERVISOR_sched_op, SCHEDOP_poll, low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
        /* set_gdt: the narrow list. */
        call32(__HYPERVISOR_set_gdt, low_addr(low), 600, 0, 0);
        CHECK_EQ(got[0], low_addr(low));
        CHECK_EQ(got[1], 600);
        CHECK_EQ(got[2], 1);
        /* Event channels: a structure reaching the hole is EFAULT. */
        regs = call32(__HYPERVISOR_event_channel_op, EVTCHNOP_status,
                      0xf5800000 - 8, 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
        {
            const uint32_t a[6] = { EVTCHNOP_status, low_addr(low) };
            long rc;

            CHECK(!pv_compat_translated(__HYPERVISOR_event_channel_op, a, &rc));
        }
        /* nmi_op and set_iobitmap: two 32-bit words. */
        low[0] = 0xc0005000;
        low[1] = 0;
        regs = call32(__HYPERVISOR_nmi_op, XENNMI_register_callback,
                      low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, 0);
        CHECK_EQ(avcpu.pv.nmi_callback_eip, 0xc0005000);
        low[1] = 1;
        regs = call32(__HYPERVISOR_nmi_op, XENNMI_register_callback,
                      low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EINVAL);
        low[1] = 0x100;
        regs = call32(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iobitmap,
                      low_addr(low), 0, 0);
        CHECK_EQ(got[0], 0xc0005000);
        CHECK_EQ(got[1], 0x100);
        low[0] = 0xf5800000;
        regs = call32(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iobitmap,
                      low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EINVAL);
        /* set_debugreg: a breakpoint in the hole is -EPERM. */
        regs = call32(__HYPERVISOR_set_debugreg, 1, 0xf5800000 - 2, 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EPERM);
        {
            const uint32_t a[6] = { 1, 0xc0000000 };
            long rc;

            CHECK(!pv_compat_translated(__HYPERVISOR_set_debugreg, a, &rc));
        }
        /* vm_assist: no m2p_strict (type 32) at 32 bits. */
        regs = call32(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
                      VMASST_TYPE_m2p_strict, 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EINVAL);
        regs = call32(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
                      VMASST_TYPE_pae_extended_cr3, 0, 0);
        CHECK_EQ(regs->rax, 0);
    }

    CASE("compat physdev_op: map_pirq's table_base at 28, apic's 4-byte "
         "base, eoi_gmfn's 4-byte frame; the rest checked against the hole")
    {
        struct cpu_user_regs *regs;
        uint8_t *b = (uint8_t *)low;

        reset32();
        /* map_pirq: 36 bytes, table_base only 4-byte aligned. */
        memset(low, 0, 64);
        *(uint16_t *)b = 0x7ff0;                  /* domid */
        low[1] = MAP_PIRQ_TYPE_MSI;
        low[2] = (uint32_t)-1;                    /* index */
        low[3] = (uint32_t)-1;                    /* pirq */
        low[6] = 2;                               /* entry_nr */
        low[7] = 0xfebc0000;                      /* table_base, low */
        low[8] = 0x1;                             /*  ... high */
        low[9] = 0xa5a5a5a5;                      /* past it: untouched */
        regs = call32(__HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq,
                      low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-ENOSPC);
        CHECK_EQ(got_map.domid, 0x7ff0);
        CHECK_EQ(got_map.type, MAP_PIRQ_TYPE_MSI);
        CHECK_EQ(got_map.entry_nr, 2);
        CHECK_EQ(got_map.table_base, 0x1febc0000ULL);
        CHECK_EQ(low[3], 33);
        CHECK_EQ(low[6], 4);
        CHECK_EQ(low[7], 0xfebc0000);
        CHECK_EQ(low[9], 0xa5a5a5a5);
        /* ... whose last byte is in the hole: EFAULT, nothing called. */
        got_map.domid = 0;
        regs = call32(__HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq,
                      0xf5800000 - 35, 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
        CHECK_EQ(got_map.domid, 0);
        /* apic_read: 12 bytes, the value written back. */
        low[0] = 0xfec00000;
        low[1] = 0x10;
        low[2] = 0;
        low[3] = 0xa5a5a5a5;
        regs = call32(__HYPERVISOR_physdev_op, PHYSDEVOP_apic_read,
                      low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, 0);
        CHECK_EQ(got_apic.apic_physbase, 0xfec00000);
        CHECK_EQ(got_apic.reg, 0x10);
        CHECK_EQ(low[2], 0x170011);
        CHECK_EQ(low[3], 0xa5a5a5a5);
        /* apic_write: nothing written back. */
        low[2] = 5;
        call32(__HYPERVISOR_physdev_op, PHYSDEVOP_apic_write, low_addr(low),
               0, 0);
        CHECK_EQ(got_apic.value, 5);
        CHECK_EQ(low[2], 5);
        /* pirq_eoi_gmfn_v2: a 4-byte frame number. */
        low[0] = 0x1234;
        low[1] = 0xffffffff;
        call32(__HYPERVISOR_physdev_op, PHYSDEVOP_pirq_eoi_gmfn_v2,
               low_addr(low), 0, 0);
        CHECK_EQ(got[0], PHYSDEVOP_pirq_eoi_gmfn_v2);
        CHECK_EQ(got[1], 0x1234);
        /* Same layout: passed on whole; reaching the hole is EFAULT. */
        regs = call32(__HYPERVISOR_physdev_op, PHYSDEVOP_pci_mmcfg_reserved,
                      low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, 55);
        CHECK_EQ(got[0], PHYSDEVOP_pci_mmcfg_reserved);
        CHECK_EQ(got[1], low_addr(low));
        regs = call32(__HYPERVISOR_physdev_op, PHYSDEVOP_pci_mmcfg_reserved,
                      0xf5800000 - 15, 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-EFAULT);
        regs = call32(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl,
                      0xf5800000 - 4, 0, 0);
        CHECK_EQ(regs->rax, 55);
        /* Unknown sub-ops: ENOSYS, as at 64 bits. */
        regs = call32(__HYPERVISOR_physdev_op, 99, low_addr(low), 0, 0);
        CHECK_EQ(regs->rax, (uint32_t)-ENOSYS);
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
