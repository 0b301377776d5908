/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-vCPU PV state and PV guest context switch. */
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/domain.h>
#include <asm/flushtlb.h>
#include <asm/fpu.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv/compat_mm.h>
#include <asm/pv/descriptor-tables.h>
#include <asm/pv/domain.h>
#include <asm/pv/mm.h>
#include <asm/pv/traps.h>
#include <asm/system.h>
#include <asm/time.h>
#include <xen/perfc.h>

/*
 * The GS base of the guest's current mode is the live one (MSR_GS_BASE),
 * the other mode's waits in MSR_SHADOW_GS_BASE, as swapgs would leave them.
 */
static void save_guest_state(struct vcpu *v)
{
    struct arch_vcpu *a = &v->arch;
    uint64_t gs = rdmsr(MSR_GS_BASE), shadow = rdmsr(MSR_SHADOW_GS_BASE);
    bool kernel = a->flags & VGCF_in_kernel;

    a->user_regs = get_cpu_info()->guest_cpu_user_regs;
    /* The data selectors are the guest's own: nothing entering saved them. */
    __asm__ __volatile__("mov %%ds, %0" : "=r"(a->user_regs.ds));
    __asm__ __volatile__("mov %%es, %0" : "=r"(a->user_regs.es));
    __asm__ __volatile__("mov %%fs, %0" : "=r"(a->user_regs.fs));
    __asm__ __volatile__("mov %%gs, %0" : "=r"(a->user_regs.gs));
    a->pv.fs_base = rdmsr(MSR_FS_BASE);
    a->pv.gs_base_kernel = kernel ? gs : shadow;
    a->pv.gs_base_user = kernel ? shadow : gs;
    fpu_save(v);
    pv_save_debugregs(v);
}

/*
 * The runstate and time areas are written through the hypervisor's own
 * mapping of their frames, whichever page tables are loaded.
 */
static void update_guest_areas(struct vcpu *v, bool with_time)
{
    update_runstate_area(v);
    if ( with_time )
        update_time_area(v);
}

/*
 * Guests may mark pages global, and those TLB entries would outlive the
 * CR3 switch: flush them too, so no vCPU sees another's translations.
 */
static void load_root(struct vcpu *v)
{
    unsigned long cr4 = read_cr4();

    /* Still loaded since it went idle here, and it ran nowhere else. */
    if ( flush_reuse_tables(v) )
    {
        perfc_incr(tables_kept);
        return;
    }
    perfc_incr(tables_loaded);
    flush_guest_tables_loading();
    write_cr3(mfn_to_maddr(pv_guest_root(v)));
    if ( cr4 & X86_CR4_PGE )
    {
        write_cr4(cr4 & ~X86_CR4_PGE);
        write_cr4(cr4);
    }
    flush_guest_tables_loaded(v->domain);
}

/*
 * The selectors go in after the GDT and LDT they index, and before the
 * bases: loading FS or GS sets its base from the descriptor.  One that no
 * longer loads (the guest changed its GDT meanwhile) goes to the failsafe
 * callback once everything else is in place.
 */
void pv_ctxt_switch_to(struct vcpu *v)
{
    struct arch_vcpu *a = &v->arch;
    bool kernel = a->flags & VGCF_in_kernel;
    const uint16_t sel[4] = { a->user_regs.ds, a->user_regs.es,
                              a->user_regs.fs, a->user_regs.gs };
    bool loaded;

    get_cpu_info()->guest_cpu_user_regs = a->user_regs;
    cpu_pv32_running(v->domain->arch.pv.is_32bit);
    load_root(v);
    load_gdt_kind(v->domain->arch.pv.is_32bit);
    load_guest_gdt(a->pv.gdt_frames, DIV_ROUND_UP(a->pv.gdt_ents, 512));
    load_guest_ldt(a->pv.ldt_frames, a->pv.ldt_ents);
    /*
     * An LDT page unused since the guest's last SET_LDT is mapped before
     * its selector loads, with interrupts on (taking its type may flush
     * other CPUs), as Xen would map it from the fault.
     */
    for ( unsigned int i = 0; i < ARRAY_SIZE(sel); i++ )
        if ( pv_ldt_selector_unmapped(v, sel[i]) )
        {
            local_irq_enable();
            pv_map_ldt_selector(v, sel[i]);
            local_irq_disable();
        }
    /* Each is loaded, or nulled, whatever became of the others. */
    loaded = pv_load_ds(sel[0]);
    loaded &= pv_load_es(sel[1]);
    loaded &= pv_load_fs(sel[2]);
    loaded &= pv_load_gs(sel[3]);
    wrmsr(MSR_FS_BASE, a->pv.fs_base);
    wrmsr(MSR_GS_BASE, kernel ? a->pv.gs_base_kernel : a->pv.gs_base_user);
    wrmsr(MSR_SHADOW_GS_BASE,
          kernel ? a->pv.gs_base_user : a->pv.gs_base_kernel);
    fpu_restore(v);
    pv_load_debugregs(v);
    update_vcpu_system_time(v);
    update_guest_areas(v, true);
    if ( !loaded )
        pv_failsafe_callback(v, sel);
}

/* Its page tables are still loaded: its runstate copy goes first. */
void pv_ctxt_switch_from(struct vcpu *v)
{
    update_guest_areas(v, false);
    save_guest_state(v);
    cpu_pv32_running(false);
}

int pv_vcpu_create(struct vcpu *v)
{
    v->arch.pv.guest_table = INVALID_MFN;
    v->arch.pv.guest_table_user = INVALID_MFN;
    v->arch.pv.pv32_l4 = INVALID_MFN;
    return v->domain->arch.pv.is_32bit ? pv32_vcpu_init(v) : 0;
}

/* Its descriptor tables and page tables let go of their frames. */
void pv_vcpu_relinquish(struct vcpu *v)
{
    pv_destroy_gdt(v);
    pv_destroy_ldt(v);
    /* A teardown stopped partway goes on, to the end. */
    BUG_ON(pv_put_old_guest_table(v, false));
    for ( unsigned int user = 0; user < 2; user++ )
    {
        mfn_t *slot = user ? &v->arch.pv.guest_table_user
                           : &v->arch.pv.guest_table;

        if ( mfn_valid(*slot) )
            put_page_and_type(mfn_to_page(*slot));
        *slot = INVALID_MFN;
    }
    /* Its L4 itself stays until the vCPU is freed (pv32_vcpu_destroy()). */
    pv32_set_l4_root(v);
}
