/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU descriptor tables, exception handling and fault reports. */
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/percpu.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/symbols.h>
#include <asm/current.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv/descriptor-tables.h>
#include <asm/pv/entry.h>
#include <asm/pv/traps.h>
#include <asm/traps.h>
#include <asm/uaccess.h>

static const char *const exception_names[32] = {
    "divide error",
    "debug",
    "nmi",
    "int3",
    "overflow",
    "bounds",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack error",
    "general protection fault",
    "page fault",
    "spurious interrupt",
    "coprocessor error",
    "alignment check",
    "machine check",
    "simd error",
    "virtualisation exception",
    "control-flow protection",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "hypervisor injection",
    "vmm communication",
    "security exception",
    "reserved",
};

extern const char entry_stubs[];

static struct idt_entry idt_table[256] __aligned(16);
static vector_handler_t vector_handlers[256];

static void set_gate_to(unsigned int vec, unsigned long addr, unsigned int ist,
                        unsigned int dpl)
{
    struct idt_entry *e = &idt_table[vec];

    e->offset0 = addr & 0xffff;
    e->selector = __HYPERVISOR_CS;
    e->ist = ist;
    e->type_attr = 0x8e | (dpl << 5); /* present, 64-bit interrupt gate */
    e->offset1 = (addr >> 16) & 0xffff;
    e->offset2 = addr >> 32;
    e->_rsvd = 0;
}

static void set_gate(unsigned int vec, unsigned int ist, unsigned int dpl)
{
    set_gate_to(vec, (unsigned long)entry_stubs + vec * ENTRY_STUB_SIZE, ist,
                dpl);
}

void set_vector_handler(unsigned int vector, vector_handler_t fn)
{
    ASSERT(vector >= 32 && vector < 256);
    vector_handlers[vector] = fn;
}

void __init trap_init(void)
{
    for ( unsigned int v = 0; v < 256; v++ )
        set_gate(v, 0, 0);
    /*
     * Faults that may hit with a bad stack get known-good ones.  #DB
     * too: a guest's MOV SS or POP SS defers a #DB (its data breakpoint,
     * or TF) past the next instruction, so a SYSCALL there takes it in
     * ring 0 at the first instruction of our entry stub, still on the
     * guest's stack (CVE-2018-8897).  INT n and exceptions get it at
     * their entry stub, on ours.
     */
    idt_table[X86_EXC_DB].ist = IST_DB;
    idt_table[X86_EXC_NMI].ist = IST_NMI;
    idt_table[8].ist = IST_DF;
    idt_table[X86_EXC_MC].ist = IST_MC;
    /* int3 and into are instructions a PV guest kernel (ring 3) may use. */
    set_gate(3, 0, 3);
    set_gate(4, 0, 3);
    /*
     * 32-bit PV kernels' hypercalls, from ring 1 only: 64-bit guests run
     * in ring 3 and get #GP, as from a DPL-0 gate.
     */
    set_gate_to(PV_COMPAT_HYPERCALL_VECTOR, (unsigned long)pv_compat_int82, 0,
                1);
}

/* Loads this CPU's descriptor tables: its GDT and TSS, the shared IDT. */
void percpu_traps_init(unsigned int cpu, unsigned long stack_base)
{
    struct desc_ptr idtr = { sizeof(idt_table) - 1, (unsigned long)idt_table };

    percpu_desc_init(cpu, stack_base);
    __asm__ __volatile__("lidt %0" : : "m"(idtr));
}

/*
 * Prints rip (if not 0), then follows saved frame pointers from rbp; every
 * hypervisor file keeps them.
 */
void show_stack_trace(unsigned long rip, unsigned long rbp)
{
    unsigned long stack_top = (rbp | (STACK_SIZE - 1)) + 1;

    printk("Xen call trace:\n");
    if ( rip )
        printk("   [<%016lx>] %pS\n", rip, (void *)rip);
    for ( unsigned int depth = 0; depth < 32; depth++ )
    {
        const unsigned long *frame = (const unsigned long *)rbp;

        if ( !rbp || (rbp & 7) || rbp + 16 > stack_top ||
             rbp < stack_top - STACK_SIZE )
            break;
        printk("   [<%016lx>] %pS\n", frame[1], (void *)frame[1]);
        if ( frame[0] <= rbp )
            break;
        rbp = frame[0];
    }
}

void show_registers(const struct cpu_user_regs *r)
{
    printk("----[ Xen-%d.%d%s  x86_64  %s ]----\n", XEN_VERSION,
           XEN_SUBVERSION, XEN_EXTRAVERSION,
#ifdef CONFIG_DEBUG
           "debug=y"
#else
           "debug=n"
#endif
    );
    printk("CPU:    %u\n", smp_processor_id());
    printk("RIP:    %04x:[<%016lx>] %pS\n", r->cs, r->rip, (void *)r->rip);
    printk("RFLAGS: %016lx   CONTEXT: %s\n", r->rflags,
           guest_mode(r) ? "guest" : "hypervisor");
    printk("rax: %016lx   rbx: %016lx   rcx: %016lx\n", r->rax, r->rbx,
           r->rcx);
    printk("rdx: %016lx   rsi: %016lx   rdi: %016lx\n", r->rdx, r->rsi,
           r->rdi);
    printk("rbp: %016lx   rsp: %016lx   r8:  %016lx\n", r->rbp, r->rsp, r->r8);
    printk("r9:  %016lx   r10: %016lx   r11: %016lx\n", r->r9, r->r10, r->r11);
    printk("r12: %016lx   r13: %016lx   r14: %016lx\n", r->r12, r->r13,
           r->r14);
    printk("r15: %016lx   cr0: %016lx   cr4: %016lx\n", r->r15, read_cr0(),
           read_cr4());
    printk("cr3: %016lx   cr2: %016lx\n", read_cr3(), read_cr2());
    printk("ds: %04x   es: %04x   ss: %04x   cs: %04x\n", read_segment(ds),
           read_segment(es), r->ss, r->cs);
    if ( !guest_mode(r) )
        show_stack_trace(r->rip, r->rbp);
}

static void fatal_trap(const struct cpu_user_regs *regs)
{
    unsigned int vec = regs->entry_vector;

    show_registers(regs);
    if ( vec == 14 )
        panic("FATAL PAGE FAULT\n[error_code=%04x]\nFaulting linear address: "
              "%016lx",
              regs->error_code, read_cr2());
    panic("FATAL TRAP: vector = %u (%s)\n[error_code=%04x]", vec,
          vec < 32 ? exception_names[vec] : "unknown interrupt",
          regs->error_code);
}

BUILD_BUG_ON(offsetof(struct cpu_info, guest_cpu_user_regs) !=
             CPUINFO_guest_regs);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, ss) + 8 != UREGS_frame_size);
BUILD_BUG_ON(offsetof(struct cpu_info, pv32_running) != CPUINFO_pv32_running);
BUILD_BUG_ON(offsetof(struct cpu_info, pv32_entered_on) !=
             CPUINFO_pv32_entered_on);

/*
 * NMIs come from the platform (LINT1): nothing here sends them, and no
 * guest can.  In hypervisor context the handler runs on its IST stack
 * with NMIs blocked until its own IRETQ; it takes no lock (it may have
 * interrupted a holder), does not fault and touches no guest state, so
 * that no earlier IRETQ unblocks NMIs and lets one in over its frame.
 * It only counts them.
 */
static DEFINE_PER_CPU(unsigned long, nmi_count);

void do_nmi(const struct cpu_user_regs *regs);
void do_nmi(const struct cpu_user_regs *regs)
{
    this_cpu(nmi_count)++;
}

/*
 * A #DB in hypervisor context, on its IST stack: the running guest's
 * breakpoint hit by our own access to its memory, or one a MOV SS or
 * POP SS deferred onto the first instruction of an entry stub (see
 * trap_init).  In the SYSCALL stub the interrupted rsp is still the
 * guest's; nothing here uses it or GS, and the IRETQ back restores it.
 * The hit goes to the guest's DR6; the flags we return with never single
 * step the hypervisor.  Never fatal: a guest can cause any of these.
 */
static void debug_in_hypervisor(struct cpu_user_regs *regs)
{
    regs->rflags &= ~X86_EFLAGS_TF;
    pv_debugreg_hypervisor_trap();
}

struct ex_table_entry {
    unsigned long insn, fixup;
};
extern const struct ex_table_entry __ex_table_start[], __ex_table_end[];

unsigned long search_exception_table(unsigned long rip)
{
    for ( const struct ex_table_entry *e = __ex_table_start;
          e < __ex_table_end; e++ )
        if ( e->insn == rip )
            return e->fixup;
    return 0;
}

void do_entry(struct cpu_user_regs *regs);
void do_entry(struct cpu_user_regs *regs)
{
    unsigned int vec = regs->entry_vector;
    unsigned long fixup;

    /* From guest mode (see common_entry); other NMIs never get here. */
    if ( vec == X86_EXC_NMI )
    {
        do_nmi(regs);
        return;
    }
    if ( vec >= 32 && vector_handlers[vec] )
    {
        unsigned int outer = lock_order_irq_enter();

        vector_handlers[vec](regs);
        lock_order_irq_exit(outer);
        return;
    }
    /* The first use of a page of the guest's LDT maps it. */
    if ( vec == X86_EXC_PF && pv_ldt_fault(regs) )
        return;
    /* Machine checks and NMIs are the machine's, whoever was running. */
    if ( guest_mode(regs) && vec < 32 && vec != 2 && vec != 18 )
    {
        pv_handle_exception(regs);
        return;
    }
    /*
     * The return to a guest failed on what the guest gave it (a #PF is a
     * descriptor read, from an LDT the guest named).
     */
    if ( (vec == X86_EXC_GP || vec == X86_EXC_NP || vec == X86_EXC_SS ||
          vec == X86_EXC_PF) &&
         !guest_mode(regs) && regs->rip == (unsigned long)pv_iret_to_guest )
        pv_iret_fault(regs);
    if ( vec == X86_EXC_DB && !guest_mode(regs) )
    {
        debug_in_hypervisor(regs);
        return;
    }
    /*
     * A guest-memory access, or a load of a guest's segment selector,
     * that faulted resumes at its fixup.
     */
    if ( (vec == X86_EXC_PF || vec == X86_EXC_GP || vec == X86_EXC_NP) &&
         !guest_mode(regs) && (fixup = search_exception_table(regs->rip)) )
    {
        regs->rip = fixup;
        return;
    }
    /* Anything else in the hypervisor is a bug in it. */
    fatal_trap(regs);
}

#ifdef CONFIG_DEBUG
/*
 * boot_fault=ud|pf|gp|panic (debug builds): provoke that failure during
 * boot, so that tests can see the fault report.
 */
static char opt_boot_fault[8];
string_param("boot_fault", opt_boot_fault);

void __init boot_fault_test(void)
{
    if ( !opt_boot_fault[0] )
        return;
    printk("boot_fault=%s: provoking it now\n", opt_boot_fault);
    if ( !strcmp(opt_boot_fault, "ud") )
        __asm__ __volatile__("ud2");
    else if ( !strcmp(opt_boot_fault, "pf") )
        *(volatile unsigned long *)0xffff800000000000UL = 0;
    else if ( !strcmp(opt_boot_fault, "gp") )
        *(volatile unsigned long *)0x8000000000000000UL = 0;
    else if ( !strcmp(opt_boot_fault, "panic") )
        panic("boot_fault=panic requested");
    printk(XENLOG_WARNING "boot_fault=%s: unknown kind (ud, pf, gp, panic)\n",
           opt_boot_fault);
}
#endif
