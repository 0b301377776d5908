/* SPDX-License-Identifier: GPL-2.0-only */
/* The vendor seam for HVM guests: what SVM and VT-x each fill in. */
#ifndef ASM_X86_HVM_HVM_H
#define ASM_X86_HVM_HVM_H

#include <xen/types.h>

struct domain;
struct vcpu;

/*
 * One table per vendor; hvm_funcs holds the one this CPU has, and stays
 * all NULL (name too) while no vendor code is built in, so that creating
 * an HVM domain fails before any hook could be reached.  Hooks act on a
 * vCPU of an HVM domain; the ones on v need it loaded on this CPU unless
 * said otherwise.
 */
struct hvm_function_table {
    const char *name;

    /* Creation and teardown of the vendor state (VMCB, VMCS, ASID). */
    int (*domain_create)(struct domain *d);
    void (*domain_destroy)(struct domain *d);
    int (*vcpu_create)(struct vcpu *v);   /* v not loaded */
    void (*vcpu_destroy)(struct vcpu *v); /* v not loaded */

    /* Context switch: the vendor state off and onto this CPU. */
    void (*ctxt_switch_from)(struct vcpu *v);
    void (*ctxt_switch_to)(struct vcpu *v);
    /*
     * The entry/exit loop: enters the guest and handles its exits until
     * something (a softirq, a blocked vCPU) sends the CPU elsewhere.
     */
    void (*run)(void); /* on current */

    /*
     * Interrupts and exceptions: whether the guest can take an interrupt
     * now, and queueing one (vector, error code or -1, CR2 for #PF) for
     * the next entry.
     */
    bool (*interrupt_allowed)(const struct vcpu *v);
    void (*inject_event)(struct vcpu *v, unsigned int vector, int error_code,
                         unsigned long cr2);
    /* The event channel upcall (HVM_PARAM_CALLBACK_IRQ's vector). */
    void (*deliver_upcall)(struct vcpu *v);

    /* Control registers, EFER and MSRs as the guest sees them. */
    void (*update_guest_cr)(struct vcpu *v, unsigned int cr);
    void (*update_guest_efer)(struct vcpu *v);
    int (*msr_read)(struct vcpu *v, uint32_t msr, uint64_t *val);
    int (*msr_write)(struct vcpu *v, uint32_t msr, uint64_t val);
};

extern struct hvm_function_table hvm_funcs;

/* arch_domain_create() and arch_vcpu_create() for HVM guests. */
int hvm_domain_create(struct domain *d);
int hvm_vcpu_create(struct vcpu *v);

#endif /* ASM_X86_HVM_HVM_H */
