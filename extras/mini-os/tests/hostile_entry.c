/* SPDX-License-Identifier: GPL-2.0-only */
/* Hostile domU cases for the way back into a guest: selectors, rip. */

#include "hostile.h"
#include <hypercall.h>
#include <mm.h>
#include <traps.h>
#include <public/callback.h>

#define GP_VEC      13
#define GP          (1 + GP_VEC)

/*
 * vCPU 1 is brought up on a context whose CS or SS will not load.  The
 * IRETQ into it faults in the hypervisor; Xen 4.17 takes that as the
 * guest's own exception, at the context's rip, through the trap table
 * the context gives.  Each handler records what came and takes vCPU 1
 * down for good.  A vCPU is initialised once: one selector per case.
 */
static volatile unsigned long v1_vector, v1_error, v1_count;
static char v1_stack[2 * PAGE_SIZE] __aligned(16);

void trap_gp_fault(void);
void v1_trapped(unsigned long vector, unsigned long error);
void v1_trapped(unsigned long vector, unsigned long error)
{
    v1_vector = vector;
    v1_error = error;
    v1_count++;
    for ( ;; )
        HYPERVISOR_vcpu_op(VCPUOP_down, 1, NULL);
}

/* Never reached: the context's selectors do not load. */
static void __noreturn v1_main(void)
{
    v1_trapped(~0UL, 0);
    for ( ;; )
        ;
}

/*
 * The frame holds rcx, r11, then the error code for #NP, #SS and #GP;
 * the callbacks have none.  The stack is 16-byte aligned either way
 * after the and.
 */
void v1_np(void);
void v1_ss(void);
void v1_gp(void);
void v1_other(void);
__asm__ (
    "   .pushsection .text\n"
    "v1_np: mov $11, %edi; mov 16(%rsp), %rsi; jmp 1f\n"
    "v1_ss: mov $12, %edi; mov 16(%rsp), %rsi; jmp 1f\n"
    "v1_gp: mov $13, %edi; mov 16(%rsp), %rsi; jmp 1f\n"
    "v1_other: mov $256, %edi; xor %esi, %esi\n"
    "1: and $-16, %rsp; call v1_trapped\n"
    "   .popsection\n");

/* Starts vCPU 1 on a context with the given CS and SS; returns its fate. */
static void bad_selector_case(uint16_t cs, uint16_t ss)
{
    static vcpu_guest_context_t ctx;
    unsigned long handlers[3] = {
        (unsigned long)v1_np, (unsigned long)v1_ss, (unsigned long)v1_gp
    };

    if ( HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL) == -XEN_ENOENT )
        SKIP("the domU has one vCPU");
    memset(&ctx, 0, sizeof(ctx));
    ctx.flags = VGCF_in_kernel;
    ctx.user_regs.rip = (unsigned long)v1_main;
    ctx.user_regs.rsp = (unsigned long)v1_stack + sizeof(v1_stack) - 8;
    ctx.user_regs.cs = cs;
    ctx.user_regs.ss = ss;
    ctx.user_regs.rflags = 0x202;
    ctx.kernel_ss = FLAT_KERNEL_SS;
    ctx.kernel_sp = ctx.user_regs.rsp;
    ctx.ctrlreg[3] = xen_pfn_to_cr3(virt_to_mfn((void *)start_info->pt_base));
    for ( unsigned int i = 0; i < 3; i++ )
    {
        trap_info_t *t = &ctx.trap_ctxt[11 + i];

        t->vector = 11 + i;
        t->flags = 4;               /* events masked, DPL 0 */
        t->cs = FLAT_KERNEL_CS;
        t->address = handlers[i];
    }
    ctx.event_callback_eip = (unsigned long)v1_other;
    ctx.failsafe_callback_eip = (unsigned long)v1_other;
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), 0);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL), 0);
    CHECK(wait_for_count(&v1_count, 1, 2000), "vCPU 1 never reported");
    CHECK(v1_vector == GP_VEC, "vCPU 1 got vector %lu (error %lx)",
          v1_vector, v1_error);
}

/* Null (forced to RPL 3): #GP(0) on the way in. */
HOSTILE(entry, vcpu_null_cs)
{
    bad_selector_case(0, FLAT_KERNEL_SS);
}

/* The hypervisor's own code selector: DPL 0, never a guest's. */
HOSTILE(entry, vcpu_hypervisor_cs)
{
    bad_selector_case(0xe008, FLAT_KERNEL_SS);
}

/* An LDT selector, and the domU has no LDT. */
HOSTILE(entry, vcpu_ldt_cs)
{
    bad_selector_case(0x0007, FLAT_KERNEL_SS);
}

/* A null stack selector cannot be returned to in ring 3. */
HOSTILE(entry, vcpu_null_ss)
{
    bad_selector_case(FLAT_KERNEL_CS, 0);
}

/* The hypervisor's data selector: DPL 0. */
HOSTILE(entry, vcpu_hypervisor_ss)
{
    bad_selector_case(FLAT_KERNEL_CS, 0xe010);
}

/*
 * Code selectors in the trap table are the guest's to name, but 64-bit
 * guests are always entered on the flat ones: a #GP still arrives.
 * Entry points must be canonical.
 */
HOSTILE(entry, trap_table_selectors)
{
    trap_info_t table[] = {
        { GP_VEC, 4, 0xe008, (unsigned long)trap_gp_fault },
        { 0, 0, 0, 0 },
    };
    trap_info_t noncanon[] = {
        { GP_VEC, 4, FLAT_KERNEL_CS, 0x0000800000000000UL },
        { 0, 0, 0, 0 },
    };
    struct callback_register cb = {
        .type = CALLBACKTYPE_event, .address = 0x0000800000000000UL,
    };

    CHECK_RC(HYPERVISOR_set_trap_table(noncanon), -XEN_EINVAL);
    CHECK_RC(HYPERVISOR_callback_op(CALLBACKOP_register, &cb), -XEN_EINVAL);
    cb.type = CALLBACKTYPE_failsafe;
    CHECK_RC(HYPERVISOR_callback_op(CALLBACKOP_register, &cb), -XEN_EINVAL);
    cb.type = CALLBACKTYPE_syscall;
    CHECK_RC(HYPERVISOR_callback_op(CALLBACKOP_register, &cb), -XEN_EINVAL);
    CHECK_RC(HYPERVISOR_set_trap_table(table), 0);
    CHECK_RC(probe_write_cr0(0), GP);
    table[0].cs = 0;
    CHECK_RC(HYPERVISOR_set_trap_table(table), 0);
    CHECK_RC(probe_write_cr0(0), GP);
}

/*
 * The top page of the lower canonical half, mapped in our kernel page
 * tables, with code that ends exactly at 2^47.  The instruction after it
 * would be non-canonical.  Whichever rip the #GP names (the emulated
 * instruction's own, or 2^47 as a CPU's fetch there would), its
 * ex_table entry returns to the caller with 1 + vector in rax, noting
 * which rip it was.
 */
#define TOP_PAGE    0x00007ffffffff000UL
#define CANON_END   0x0000800000000000UL
#define FORCED_CPUID_AT (CANON_END - 7)
#define SYSCALL_AT      (CANON_END - 2)

unsigned long entry_fault_rip;
void entry_fix_cpuid(void);
void entry_fix_syscall(void);
void entry_fix_end(void);
__asm__ (
    "   .pushsection .ex_table, \"a\"\n"
    "   .quad 0x00007ffffffffff9, entry_fix_cpuid\n"
    "   .quad 0x00007ffffffffffe, entry_fix_syscall\n"
    "   .quad 0x0000800000000000, entry_fix_end\n"
    "   .popsection\n"
    "   .pushsection .text\n"
    "entry_fix_cpuid: movabs $0x00007ffffffffff9, %rdx; jmp 1f\n"
    "entry_fix_syscall: movabs $0x00007ffffffffffe, %rdx; jmp 1f\n"
    "entry_fix_end: movabs $0x0000800000000000, %rdx\n"
    "1: mov %rdx, entry_fault_rip(%rip); ret\n"
    "   .popsection\n");

/* Calls code at addr with rax = nr, rdi = arg; returns rax. */
static long call_at(unsigned long addr, unsigned long nr, unsigned long arg)
{
    long rax = nr;

    __asm__ __volatile__ ( "call *%[addr]"
                           : "+a" (rax), "+D" (arg)
                           : [addr] "r" (addr)
                           : "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11",
                             "rbx", "memory" );
    return rax;
}

static uint64_t table_entry(const void *page)
{
    return virt_to_mach(page) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
           _PAGE_ACCESSED;
}

/* Maps a fresh page at TOP_PAGE; returns it (writable there), or NULL. */
static uint8_t *map_top_page(void)
{
    uint64_t *l3 = alloc_page(), *l2 = alloc_page(), *l1 = alloc_page();
    uint8_t *code = alloc_page();
    mmu_update_t u;
    unsigned int done;

    if ( !l3 || !l2 || !l1 || !code || *pt_entry(TOP_PAGE, 4) )
        return NULL;
    l1[511] = table_entry(code) | _PAGE_DIRTY;
    l2[511] = table_entry(l1);
    l3[511] = table_entry(l2);
    if ( make_readonly(l1) || make_readonly(l2) || make_readonly(l3) )
        return NULL;
    u.ptr = pt_entry_maddr(TOP_PAGE, 4);
    u.val = table_entry(l3);
    if ( HYPERVISOR_mmu_update(&u, 1, &done, DOMID_SELF) )
        return NULL;
    return code;
}

/*
 * Forced CPUID (ud2, "xen", cpuid) as the last 7 bytes of the lower half:
 * emulated, it would leave rip at 2^47.  The guest gets #GP, and the
 * hypervisor never returns to the non-canonical rip.
 */
HOSTILE(entry, emulated_insn_at_canonical_end)
{
    static const uint8_t insn[7] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2 };
    uint8_t *code = map_top_page();
    long rc;

    CHECK(code, "could not map the top page of the lower half");
    memcpy(code + PAGE_SIZE - sizeof(insn), insn, sizeof(insn));
    entry_fault_rip = 0;
    rc = call_at(FORCED_CPUID_AT, 0, 0);
    CHECK(rc == GP, "forced cpuid at the end: rax %lx, rip %lx", rc,
          entry_fault_rip);
    CHECK(entry_fault_rip == FORCED_CPUID_AT || entry_fault_rip == CANON_END,
          "#GP at %lx", entry_fault_rip);
}

/*
 * A hypercall by SYSCALL as the last 2 bytes: it returns to 2^47, which
 * the return path must not IRET to (nor SYSRET, which faults in ring 0
 * on Intel).  The guest gets #GP there instead.
 */
HOSTILE(entry, syscall_at_canonical_end)
{
    uint8_t *code = map_top_page();
    long rc;

    CHECK(code, "could not map the top page of the lower half");
    code[PAGE_SIZE - 2] = 0x0f;
    code[PAGE_SIZE - 1] = 0x05;
    entry_fault_rip = 0;
    rc = call_at(SYSCALL_AT, __HYPERVISOR_xen_version, XENVER_version);
    CHECK(rc == GP, "syscall at the end: rax %lx, rip %lx", rc,
          entry_fault_rip);
    CHECK(entry_fault_rip == CANON_END, "#GP at %lx", entry_fault_rip);
}

/*
 * MOV SS defers a #DB (here a data breakpoint on the selector it loads)
 * past the next instruction.  After SYSCALL that is the first
 * instruction of the hypervisor's entry, still on the guest's stack; after
 * INT3, the hypervisor's int3 entry (CVE-2018-8897).  The hypervisor must
 * take it on a stack of its own and carry on.  Emulators may deliver the
 * #DB to the guest at once instead (before the SYSCALL or INT3, rax 2).
 */
#define STR_(x) #x
#define STR(x) STR_(x)
long entry_mov_ss_syscall(const uint16_t *ss);
long entry_mov_ss_int3(const uint16_t *ss);
__asm__ (
    "   .pushsection .text\n"
    "entry_mov_ss_syscall:\n"
    "   mov $" STR(__HYPERVISOR_xen_version) ", %eax\n"
    "   xor %esi, %esi\n"
    "   mov %rdi, %rdx\n"
    "   xor %edi, %edi\n"
    "   mov (%rdx), %ss\n"
    "1: syscall\n"
    "   ret\n"
    "entry_mov_ss_int3:\n"
    "   xor %eax, %eax\n"
    "   mov (%rdi), %ss\n"
    "2: int3\n"
    "3: ret\n"
    "   .popsection\n"
    "   .pushsection .ex_table, \"a\"\n"
    "   .quad 1b, probe_fixup\n"
    "   .quad 2b, probe_fixup\n"
    "   .quad 3b, probe_fixup\n"
    "   .popsection\n");

/* L0 enable, breakpoint 0 on reads and writes of 2 bytes. */
#define DR7_RW2_B0  (1UL | (3UL << 16) | (1UL << 18))

HOSTILE(entry, mov_ss_watchpoint_syscall)
{
    static uint16_t ss = FLAT_KERNEL_SS;
    long rc;

    CHECK_RC(HYPERVISOR_set_debugreg(0, (unsigned long)&ss), 0);
    CHECK_RC(HYPERVISOR_set_debugreg(7, DR7_RW2_B0), 0);
    rc = entry_mov_ss_syscall(&ss);
    CHECK_RC(HYPERVISOR_set_debugreg(7, 0), 0);
    CHECK(rc == 1 + 1 || rc == HYPERVISOR_xen_version(XENVER_version, NULL),
          "rax %lx after the SYSCALL", rc);
    printk("entry: the #DB %s\n", rc == 1 + 1 ? "came before the SYSCALL"
                                              : "went to the hypervisor");
}

HOSTILE(entry, mov_ss_watchpoint_int3)
{
    static uint16_t ss = FLAT_KERNEL_SS;
    long rc;

    CHECK_RC(HYPERVISOR_set_debugreg(0, (unsigned long)&ss), 0);
    CHECK_RC(HYPERVISOR_set_debugreg(7, DR7_RW2_B0), 0);
    rc = entry_mov_ss_int3(&ss);
    CHECK_RC(HYPERVISOR_set_debugreg(7, 0), 0);
    CHECK(rc == 1 + 1 || rc == 1 + 3, "rax %lx after the INT3", rc);
    printk("entry: the #DB %s\n", rc == 1 + 1 ? "came before the INT3"
                                              : "went to the hypervisor");
}

/* The hypervisor's own write to a watched guest buffer: a #DB in it. */
HOSTILE(entry, watchpoint_hit_by_hypervisor)
{
    static char extra[XEN_EXTRAVERSION_LEN] __aligned(8);
    /* L0 enable, breakpoint 0 on writes of 8 bytes. */
    unsigned long dr7 = 1UL | (1UL << 16) | (2UL << 18);

    CHECK_RC(HYPERVISOR_set_debugreg(0, (unsigned long)extra), 0);
    CHECK_RC(HYPERVISOR_set_debugreg(7, dr7), 0);
    CHECK_RC(HYPERVISOR_xen_version(XENVER_extraversion, extra), 0);
    CHECK_RC(HYPERVISOR_set_debugreg(7, 0), 0);
    CHECK_RC(HYPERVISOR_set_debugreg(6, 0), 0);
}
