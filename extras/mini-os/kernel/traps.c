/* SPDX-License-Identifier: GPL-2.0-only */
/* The virtual IDT: fault reports, exception fixups, event dispatch. */

#include <lib.h>
#include <traps.h>
#include <events.h>
#include <hypercall.h>

void trap_divide_error(void);
void trap_debug(void);
void trap_nmi(void);
void trap_int3(void);
void trap_overflow(void);
void trap_bounds(void);
void trap_invalid_op(void);
void trap_no_device(void);
void trap_double_fault(void);
void trap_coproc_seg(void);
void trap_invalid_tss(void);
void trap_no_segment(void);
void trap_stack_fault(void);
void trap_gp_fault(void);
void trap_page_fault(void);
void trap_spurious(void);
void trap_coproc_error(void);
void trap_alignment(void);
void trap_machine_check(void);
void trap_simd_error(void);
void probe_fixup(void);

void (*user_trap_hook)(struct trap_regs *regs);
unsigned long trap_counts[32];
unsigned long last_fixup_vector, last_fixup_error, last_fixup_cr2;

static const char *const trap_names[] = {
    "divide error", "debug", "NMI", "int3", "overflow", "bounds",
    "invalid opcode", "device not available", "double fault",
    "coprocessor segment overrun", "invalid TSS", "segment not present",
    "stack fault", "general protection", "page fault", "spurious",
    "x87 error", "alignment check", "machine check", "SIMD error",
};

/* flags 4: mask events on entry, as an interrupt gate would. */
#define TRAP(vec, dpl, fn) \
    { vec, 4 | (dpl), FLAT_KERNEL_CS, (unsigned long)(fn) }
const trap_info_t trap_table[] = {
    TRAP(0, 0, trap_divide_error),
    TRAP(1, 0, trap_debug),
    TRAP(3, 3, trap_int3),
    TRAP(4, 3, trap_overflow),
    TRAP(5, 3, trap_bounds),
    TRAP(6, 0, trap_invalid_op),
    TRAP(7, 0, trap_no_device),
    TRAP(8, 0, trap_double_fault),
    TRAP(9, 0, trap_coproc_seg),
    TRAP(10, 0, trap_invalid_tss),
    TRAP(11, 0, trap_no_segment),
    TRAP(12, 0, trap_stack_fault),
    TRAP(13, 0, trap_gp_fault),
    TRAP(14, 0, trap_page_fault),
    TRAP(15, 0, trap_spurious),
    TRAP(16, 0, trap_coproc_error),
    TRAP(17, 0, trap_alignment),
    TRAP(18, 0, trap_machine_check),
    TRAP(19, 0, trap_simd_error),
    { 0, 0, 0, 0 }
};

struct ex_entry {
    unsigned long insn, fixup;
};
extern const struct ex_entry __start_ex_table[], __stop_ex_table[];

void trap_init(void)
{
    long rc = HYPERVISOR_set_trap_table(trap_table);

    if ( rc )
        panic("set_trap_table failed: %ld", rc);
}

uint64_t failsafe_selectors[4];
unsigned long failsafe_count;
bool failsafe_expected;

static bool try_fixup(struct trap_regs *regs, unsigned long cr2)
{
    const struct ex_entry *e;

    for ( e = __start_ex_table; e < __stop_ex_table; e++ )
    {
        if ( e->insn != TRAP_IP(regs) )
            continue;
        last_fixup_vector = regs->vector;
        last_fixup_error = regs->error_code;
        last_fixup_cr2 = cr2;
        TRAP_AX(regs) = 1 + regs->vector;
        TRAP_IP(regs) = e->fixup;
        return true;
    }
    return false;
}

static void __noreturn fatal_trap(struct trap_regs *r, unsigned long cr2)
{
    const char *name = r->vector < ARRAY_SIZE(trap_names)
                       ? trap_names[r->vector]
                       : r->vector == TRAP_VEC_FAILSAFE ? "failsafe callback"
                       : r->vector == TRAP_VEC_SYSCALL ? "system call"
                       : "unknown";

    dump_trap_regs(r, name, cr2);
    do_shutdown(SHUTDOWN_crash);
}

void trap_dispatch(struct trap_regs *regs)
{
    unsigned long cr2 = 0;

    if ( (regs->cs & 3) == 3 && user_trap_hook )
    {
        user_trap_hook(regs);
        return;
    }
    if ( regs->vector == TRAP_VEC_EVENT )
    {
        do_hypervisor_callback();
        return;
    }
    if ( regs->vector == TRAP_VEC_FAILSAFE && failsafe_expected )
    {
        failsafe_count++;
        return;
    }
    /* Xen stores a PV guest's fault address in its vcpu_info. */
    if ( regs->vector == 14 )
        cr2 = this_vcpu()->arch.cr2;
    if ( regs->vector < ARRAY_SIZE(trap_counts) )
        trap_counts[regs->vector]++;
    if ( try_fixup(regs, cr2) )
        return;
    fatal_trap(regs, cr2);
}
