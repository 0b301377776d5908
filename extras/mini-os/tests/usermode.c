/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for 64-bit PV guest user mode: iret to it, syscall and faults out. */

#include "hostile.h"
#include <events.h>
#include <hypercall.h>
#include <mm.h>
#include <traps.h>

/*
 * The user address space of these cases, in L4 slot 0 of a user page
 * table that maps nothing else (in particular none of our kernel): the
 * program, its data page (also its GS base) and a one-page stack.
 */
#define USER_CODE   0x400000UL
#define USER_DATA   (USER_CODE + PAGE_SIZE)
#define USER_STACK  (USER_DATA + PAGE_SIZE)
#define USER_SP     (USER_STACK + PAGE_SIZE)

#define USER_GS_MAGIC   0x75736572UL            /* at USER_DATA + 8 */
#define KERNEL_GS_MAGIC 0x6b65726e656cUL        /* at %gs:0 in kernel mode */

#define X86_EFLAGS_IF   0x200UL
#define X86_EFLAGS_IOPL 0x3000UL
#define PF_USER         4UL

/* arch/x86_64/usermode.S */
long user_run(unsigned long rip, unsigned long rsp, unsigned long r12,
              unsigned long iret_flags);
void __noreturn user_exit(long value);
extern const char user_prog_start[], user_prog_main[], user_prog_ret[];
extern const char user_prog_fault[], user_prog_fault_insn[];
extern const char user_prog_cr0[], user_prog_end[];
extern const char user_prog_compat[], user_prog_compat_ret[];

/* Where a label of the user program is once copied to USER_CODE. */
#define UVA(label) (USER_CODE + (unsigned long)((label) - user_prog_start))

struct user_space {
    uint64_t *l4, *l3, *l2, *l1;
    uint64_t *code, *data, *stack;
};

/* What the hook saw of the frame that ended the run, and in kernel mode. */
struct seen {
    struct trap_regs regs;
    unsigned long frame_end;    /* just above the frame's ss */
    unsigned long mask;         /* the event mask in the handler */
    unsigned long cr2;
    unsigned long kernel_gs;    /* %gs:0 */
};

/* And of event upcalls that interrupted user mode. */
struct seen_event {
    unsigned long count;
    unsigned long rip, cs, frame_end, mask;
};

static struct user_space us;
static struct seen seen;
static struct seen_event seen_event;
static uint64_t kernel_gs_area[2] = { KERNEL_GS_MAGIC };
/* Kernel data the user program must not reach. */
static uint64_t kernel_secret = 0x5ec7e7;
/* The stack kernel mode gets on entry from user mode (stack_switch). */
static uint8_t kernel_stack[4 * PAGE_SIZE] __aligned(PAGE_SIZE);
#define KERNEL_SP ((unsigned long)kernel_stack + sizeof(kernel_stack))

static void user_trap(struct trap_regs *r)
{
    unsigned long frame_end = (unsigned long)(&r->ss + 1);

    if ( r->vector == TRAP_VEC_EVENT )
    {
        seen_event.count++;
        seen_event.rip = r->rip;
        seen_event.cs = r->cs;
        seen_event.frame_end = frame_end;
        seen_event.mask = this_vcpu()->evtchn_upcall_mask;
        do_hypervisor_callback();
        /* Lets the program on (through our own mapping of its data). */
        us.data[0] = 1;
        return;     /* the frame's iret goes back to user mode */
    }
    seen.regs = *r;
    seen.frame_end = frame_end;
    seen.mask = this_vcpu()->evtchn_upcall_mask;
    seen.cr2 = this_vcpu()->arch.cr2;
    asm volatile ( "mov %%gs:0, %0" : "=r" (seen.kernel_gs) );
    user_exit(r->vector);
}

static long mmuext(unsigned int cmd, unsigned long mfn)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = mfn;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static long set_callback(uint16_t type, unsigned long address,
                         uint16_t flags)
{
    struct callback_register cb = {
        .type = type, .flags = flags, .address = address,
    };

    return HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
}

static long set_syscall_callback(unsigned long address, uint16_t flags)
{
    return set_callback(CALLBACKTYPE_syscall, address, flags);
}

static uint64_t table_entry(const void *page)
{
    return virt_to_mach(page) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
           _PAGE_ACCESSED;
}

static void free_user_space(void)
{
    uint64_t **tables[] = { &us.l4, &us.l3, &us.l2, &us.l1 };
    uint64_t **pages[] = { &us.code, &us.data, &us.stack };

    for ( unsigned int i = 0; i < ARRAY_SIZE(tables); i++ )
        if ( *tables[i] && make_writable(*tables[i]) == 0 )
            free_page(*tables[i]);
    for ( unsigned int i = 0; i < ARRAY_SIZE(pages); i++ )
        if ( *pages[i] )
            free_page(*pages[i]);
    memset(&us, 0, sizeof(us));
}

/*
 * Builds and installs the user page table, the kernel stack, the syscall
 * callback (with cb_flags) and both GS bases, and takes what comes from
 * user mode.  False (the case failed) if any of it was refused.
 */
static bool user_setup(uint16_t cb_flags)
{
    long rc;

    memset(&seen, 0, sizeof(seen));
    memset(&seen_event, 0, sizeof(seen_event));
    us.l4 = alloc_page();
    us.l3 = alloc_page();
    us.l2 = alloc_page();
    us.l1 = alloc_page();
    us.code = alloc_page();
    us.data = alloc_page();
    us.stack = alloc_page();
    if ( !us.l4 || !us.l3 || !us.l2 || !us.l1 || !us.code || !us.data ||
         !us.stack )
    {
        test_fail("out of pages");
        free_user_space();
        return false;
    }
    memcpy(us.code, user_prog_start, user_prog_end - user_prog_start);
    us.data[0] = 1;                 /* the program need not wait */
    us.data[1] = USER_GS_MAGIC;
    us.l1[0] = table_entry(us.code) & ~_PAGE_RW;
    us.l1[1] = table_entry(us.data) | _PAGE_DIRTY;
    us.l1[2] = table_entry(us.stack) | _PAGE_DIRTY;
    us.l2[(USER_CODE >> 21) & 511] = table_entry(us.l1);
    us.l3[0] = table_entry(us.l2);
    us.l4[0] = table_entry(us.l3);
    if ( make_readonly(us.l1) || make_readonly(us.l2) ||
         make_readonly(us.l3) || make_readonly(us.l4) )
    {
        test_fail("cannot make the user page tables read-only");
        free_user_space();
        return false;
    }
    if ( (rc = mmuext(MMUEXT_PIN_L4_TABLE, virt_to_mfn(us.l4))) )
    {
        test_fail("pinning the user L4: %ld", rc);
        free_user_space();
        return false;
    }
    if ( (rc = mmuext(MMUEXT_NEW_USER_BASEPTR, virt_to_mfn(us.l4))) ||
         (rc = HYPERVISOR_stack_switch(FLAT_KERNEL_SS, KERNEL_SP)) ||
         (rc = set_syscall_callback((unsigned long)syscall_callback,
                                    cb_flags)) ||
         (rc = HYPERVISOR_set_segment_base(SEGBASE_GS_USER, USER_DATA)) ||
         (rc = HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL,
                                           (unsigned long)kernel_gs_area)) )
    {
        test_fail("setting up user mode: %ld", rc);
        mmuext(MMUEXT_NEW_USER_BASEPTR, 0);
        mmuext(MMUEXT_UNPIN_TABLE, virt_to_mfn(us.l4));
        free_user_space();
        return false;
    }
    user_trap_hook = user_trap;
    return true;
}

/*
 * Undoes user_setup(), except the kernel stack, which only user mode
 * uses.  The GS bases go back to 0, which is all mini-os ever has.
 */
static void user_teardown(void)
{
    user_trap_hook = NULL;
    HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, 0);
    HYPERVISOR_set_segment_base(SEGBASE_GS_USER, 0);
    set_syscall_callback(0, 0);
    mmuext(MMUEXT_NEW_USER_BASEPTR, 0);
    mmuext(MMUEXT_UNPIN_TABLE, virt_to_mfn(us.l4));
    free_user_space();
}

/* One trip to user mode and back; the vector that ended it. */
static long run_user(const char *entry, unsigned long r12,
                     unsigned long iret_flags)
{
    unsigned long flags = irq_save();
    long vec = user_run(UVA(entry), USER_SP, r12, iret_flags);

    irq_restore(flags);
    return vec;
}

TEST(usermode, syscall_bounce)
{
    const struct trap_regs *r = &seen.regs;
    long vec;

    if ( !user_setup(CALLBACKF_mask_events) )
        return;
    vec = run_user(user_prog_main, 0, 0);
    user_teardown();
    CHECK(vec == TRAP_VEC_SYSCALL, "user mode ended with vector %ld", vec);
    /* rcx and r11 on top: SYSCALL's return address and the user's flags. */
    CHECK(r->rcx == UVA(user_prog_ret) && r->rcx == r->r15,
          "frame rcx %lx, want %lx", r->rcx, UVA(user_prog_ret));
    CHECK(r->r11 == r->rbx, "frame r11 %lx, user rflags %lx", r->r11, r->rbx);
    CHECK(r->rip == UVA(user_prog_ret), "frame rip %lx", r->rip);
    /* The user's CS with RPL 3, and events were on there (mask 0). */
    CHECK(r->cs == FLAT_USER_CS, "frame cs %lx", r->cs);
    CHECK(r->ss == FLAT_USER_SS, "frame ss %lx", r->ss);
    CHECK(r->rsp == r->r13 && r->rsp == USER_SP,
          "frame rsp %lx, user rsp %lx", r->rsp, r->r13);
    /* Xen folds its virtual IOPL into the frame: ignore those bits. */
    CHECK(((r->rflags ^ r->rbx) & ~X86_EFLAGS_IOPL) == 0 &&
          (r->rflags & X86_EFLAGS_IF),
          "frame rflags %lx, user rflags %lx", r->rflags, r->rbx);
    /* On the stack_switch stack, with events masked as registered. */
    CHECK(seen.frame_end == KERNEL_SP, "frame ends at %lx, kernel sp %lx",
          seen.frame_end, KERNEL_SP);
    CHECK(seen.mask == 1, "event mask %lu in the callback", seen.mask);
}

TEST(usermode, syscall_callback_unmasked)
{
    long vec;

    if ( !user_setup(0) )
        return;
    vec = run_user(user_prog_main, 0, 0);
    user_teardown();
    CHECK(vec == TRAP_VEC_SYSCALL, "user mode ended with vector %ld", vec);
    CHECK(seen.mask == 0, "event mask %lu in the callback", seen.mask);
    CHECK(seen.regs.cs == FLAT_USER_CS, "frame cs %lx", seen.regs.cs);
}

/*
 * An iret frame without VGCF_in_syscall restores rcx and r11 (user_run
 * puts 0x1c1c and 0x1111 there); with it, they are lost as to SYSRET:
 * rcx the return address, r11 the flags.
 */
TEST(usermode, iret_rcx_r11)
{
    unsigned long rcx[2], r11[2];
    long vec[2];

    if ( !user_setup(CALLBACKF_mask_events) )
        return;
    for ( unsigned int i = 0; i < 2; i++ )
    {
        vec[i] = run_user(user_prog_main, 0, i ? VGCF_in_syscall : 0);
        rcx[i] = seen.regs.rbp;
        r11[i] = seen.regs.r9;
    }
    user_teardown();
    CHECK(vec[0] == TRAP_VEC_SYSCALL && vec[1] == TRAP_VEC_SYSCALL,
          "user mode ended with vectors %ld, %ld", vec[0], vec[1]);
    CHECK(rcx[0] == 0x1c1c && r11[0] == 0x1111,
          "without in_syscall: rcx %lx r11 %lx", rcx[0], r11[0]);
    CHECK(rcx[1] == UVA(user_prog_main) && r11[1] == 0x202,
          "with in_syscall: rcx %lx r11 %lx", rcx[1], r11[1]);
}

/* Each mode has its own GS base; the switch swaps them as swapgs would. */
TEST(usermode, gs_bases)
{
    uint64_t gs0;
    long vec;

    if ( !user_setup(CALLBACKF_mask_events) )
        return;
    vec = run_user(user_prog_main, 0, 0);
    asm volatile ( "mov %%gs:0, %0" : "=r" (gs0) );
    user_teardown();
    CHECK(vec == TRAP_VEC_SYSCALL, "user mode ended with vector %ld", vec);
    CHECK(seen.regs.r14 == USER_GS_MAGIC, "user %%gs:8 read %lx",
          seen.regs.r14);
    CHECK(seen.kernel_gs == KERNEL_GS_MAGIC, "callback %%gs:0 read %lx",
          seen.kernel_gs);
    CHECK(gs0 == KERNEL_GS_MAGIC, "kernel %%gs:0 read %" PRI64 "x afterwards", gs0);
}

TEST(usermode, page_fault)
{
    const struct trap_regs *r = &seen.regs;
    long vec;

    if ( !user_setup(CALLBACKF_mask_events) )
        return;
    vec = run_user(user_prog_fault, (unsigned long)&kernel_secret, 0);
    user_teardown();
    CHECK(vec == 14, "user mode ended with vector %ld", vec);
    /* A read of a page not present, from user mode: U stays set. */
    CHECK(r->error_code == PF_USER, "error code %lx", r->error_code);
    CHECK(seen.cr2 == (unsigned long)&kernel_secret, "cr2 %lx", seen.cr2);
    CHECK(r->rip == UVA(user_prog_fault_insn), "frame rip %lx", r->rip);
    CHECK(r->cs == FLAT_USER_CS, "frame cs %lx", r->cs);
    CHECK(seen.frame_end == KERNEL_SP, "frame ends at %lx", seen.frame_end);
}

/* The guest kernel gets MOV from CR0 emulated; user mode gets its #GP. */
TEST(usermode, privileged_op_faults)
{
    const struct trap_regs *r = &seen.regs;
    long vec;

    if ( !user_setup(CALLBACKF_mask_events) )
        return;
    vec = run_user(user_prog_cr0, 0, 0);
    user_teardown();
    CHECK(vec == 13, "user mode ended with vector %ld", vec);
    CHECK(r->error_code == 0, "error code %lx", r->error_code);
    CHECK(r->rip == UVA(user_prog_cr0), "frame rip %lx", r->rip);
    CHECK(r->cs == FLAT_USER_CS, "frame cs %lx", r->cs);
}

static unsigned long ipi_count;

static void count_ipi(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    ipi_count++;
}

/*
 * An event pending when the iret unmasks events is delivered at once, in
 * kernel mode on the kernel stack, over the user's first instruction;
 * the handler's iret then resumes user mode.
 */
TEST(usermode, event_upcall)
{
    unsigned long flags;
    long port, vec;

    if ( !user_setup(CALLBACKF_mask_events) )
        return;
    port = bind_ipi(0, count_ipi, NULL);
    if ( port < 0 )
    {
        user_teardown();
        CHECK(0, "bind_ipi: %ld", port);
    }
    ipi_count = 0;
    us.data[0] = 0;                 /* the program waits for the upcall */
    flags = irq_save();
    notify_remote_via_evtchn(port);
    vec = user_run(UVA(user_prog_main), USER_SP, 0, 0);
    irq_restore(flags);
    unbind_evtchn(port);
    user_teardown();
    CHECK(vec == TRAP_VEC_SYSCALL, "user mode ended with vector %ld", vec);
    CHECK(ipi_count == 1 && seen_event.count >= 1,
          "%lu IPIs, %lu upcalls from user mode", ipi_count,
          seen_event.count);
    CHECK(seen_event.rip == UVA(user_prog_main), "upcall frame rip %lx",
          seen_event.rip);
    CHECK(seen_event.cs == FLAT_USER_CS, "upcall frame cs %lx",
          seen_event.cs);
    CHECK(seen_event.frame_end == KERNEL_SP, "upcall frame ends at %lx",
          seen_event.frame_end);
    CHECK(seen_event.mask == 1, "event mask %lu in the upcall",
          seen_event.mask);
}

/* Xen 4.17 gives user mode #UD at the SYSCALL when no callback is set. */
TEST(usermode, syscall_without_callback)
{
    const struct trap_regs *r = &seen.regs;
    long vec;

    if ( !user_setup(CALLBACKF_mask_events) )
        return;
    set_syscall_callback(0, 0);
    vec = run_user(user_prog_main, 0, 0);
    user_teardown();
    CHECK(vec == 6, "user mode ended with vector %ld", vec);
    CHECK(r->rip == UVA(user_prog_ret) - 2, "frame rip %lx", r->rip);
    CHECK(r->cs == FLAT_USER_CS, "frame cs %lx", r->cs);
}

/*
 * SYSCALL from compatibility mode (FLAT_USER_CS32) enters through
 * MSR_CSTAR: Xen 4.17 bounces it to the syscall32 callback, the frame
 * showing the 32-bit user selectors, masking events as the 64-bit
 * syscall callback's flag says, and without one gives #UD at the
 * SYSCALL (the 64-bit callback is no fallback).  A CSTAR left at 0 ran
 * the CPU at linear 0 in ring 0 on the user's stack.
 */
TEST(usermode, compat_syscall)
{
    const struct trap_regs *r = &seen.regs;
    unsigned long mask[2];
    long vec[3];

    if ( !user_setup(CALLBACKF_mask_events) )
        return;
    vec[0] = run_user(user_prog_compat, 0, 0);
    CHECK(vec[0] == 6, "without syscall32: vector %ld", vec[0]);
    CHECK(r->rip == UVA(user_prog_compat_ret) - 2, "#UD rip %lx", r->rip);
    CHECK(r->cs == FLAT_USER_CS32, "#UD frame cs %lx", r->cs);
    /* The syscall32 flag the opposite of the syscall one, both ways. */
    for ( unsigned int i = 0; i < 2; i++ )
    {
        if ( set_syscall_callback((unsigned long)syscall_callback,
                                  i ? 0 : CALLBACKF_mask_events) ||
             set_callback(CALLBACKTYPE_syscall32,
                          (unsigned long)syscall_callback,
                          i ? CALLBACKF_mask_events : 0) )
        {
            user_teardown();
            test_fail("registering the callbacks");
            return;
        }
        vec[1 + i] = run_user(user_prog_compat, 0, 0);
        mask[i] = seen.mask;
    }
    set_callback(CALLBACKTYPE_syscall32, 0, 0);
    user_teardown();
    CHECK(vec[1] == TRAP_VEC_SYSCALL && vec[2] == TRAP_VEC_SYSCALL,
          "user mode ended with vectors %ld, %ld", vec[1], vec[2]);
    CHECK(mask[0] == 1 && mask[1] == 0, "event masks %lu, %lu", mask[0],
          mask[1]);
    CHECK(r->rip == UVA(user_prog_compat_ret) &&
          r->rcx == UVA(user_prog_compat_ret),
          "frame rip %lx rcx %lx, want %lx", r->rip, r->rcx,
          UVA(user_prog_compat_ret));
    CHECK(r->cs == FLAT_USER_CS32, "frame cs %lx", r->cs);
    CHECK(r->ss == FLAT_USER_SS32, "frame ss %lx", r->ss);
    CHECK(r->rsp == r->r13, "frame rsp %lx, user rsp %lx", r->rsp, r->r13);
    CHECK(seen.frame_end == KERNEL_SP, "frame ends at %lx", seen.frame_end);
}

/*
 * Xen 4.17 crashes a domain that irets to user mode with no user page
 * table (tools/tests/pv_iret checks ours in detail): run by an attacker
 * domain, so that the crash is its own.
 */
HOSTILE(usermode, iret_without_user_table)
{
    unsigned long flags = irq_save();

    hostile_crash_ok("iret to user mode with no user page table");
    user_run(UVA(user_prog_main), USER_SP, 0, 0);
    irq_restore(flags);
    test_fail("came back from user mode without a user page table");
}
