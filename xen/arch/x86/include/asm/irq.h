/* SPDX-License-Identifier: GPL-2.0-only */
/* Device interrupts (GSIs) owned by the hypervisor and lent to guests. */
#ifndef ASM_X86_IRQ_H
#define ASM_X86_IRQ_H

#include <xen/pci.h>
#include <xen/types.h>
#include <public/xen.h>

struct domain;

/* As many GSIs as dynamic vectors could ever serve, and a few more. */
#define MAX_GSIS 256

/*
 * IRQs from MSI_IRQ_BASE on are MSIs and MSI-X entries of dom0's devices
 * (msi.c), one each, MAX_MSI_IRQS at most; a PIRQ maps a GSI or one of
 * them, and the gsi_* calls below take either.
 */
#define MSI_IRQ_BASE    MAX_GSIS
#define MAX_MSI_IRQS    64
#define irq_is_msi(irq) ((irq) >= MSI_IRQ_BASE)

/* GSIs 0 to nr_irqs_gsi - 1 exist: at least the 16 ISA ones. */
extern unsigned int nr_irqs_gsi;

/* Sizes the GSI table from the IO-APICs and sets each line's defaults. */
void irq_gsi_init(void);

/*
 * PHYSDEVOP_setup_gsi: trigger mode and polarity of a GSI, from dom0's
 * ACPI tables.  Only once per GSI, and not while it is bound: -EEXIST;
 * -EINVAL if no IO-APIC has it.
 */
int gsi_setup(unsigned int gsi, bool level, bool active_low);

/*
 * Each GSI delivers to at most IRQ_MAX_GUESTS (domain, pirq, port)
 * sharers, all of which must have asked to share: -EBUSY otherwise.  The
 * first binding gets the GSI a vector and routes it to cpu, unmasked.
 * Called with d->event_lock held; takes the GSI's lock.
 */
#define IRQ_MAX_GUESTS 7
int gsi_guest_bind(unsigned int gsi, struct domain *d, unsigned int pirq,
                   unsigned int port, unsigned int cpu, bool share);
/* Removes d's binding; the line is masked once nobody is left. */
void gsi_guest_unbind(unsigned int gsi, struct domain *d);
/*
 * d handled the level interrupt it was sent: once every sharer did, the
 * line is unmasked.  Nothing happens if d had no interrupt outstanding.
 */
void gsi_guest_eoi(unsigned int gsi, struct domain *d);
/* More than one sharer (XENIRQSTAT_shared). */
bool gsi_guest_shared(unsigned int gsi);
/* Sends the GSI's interrupts to cpu from now on. */
void gsi_set_cpu(unsigned int gsi, unsigned int cpu);

/*
 * A vector whose interrupts go to irq's guests (a GSI's, or an MSI's:
 * msi_interrupt()); -ENOSPC when none is left.  Freed again only for an
 * MSI, whose IRQ goes away when unmapped.
 */
int irq_alloc_vector(unsigned int irq);
void irq_free_vector(unsigned int vector);
/*
 * nr (a power of two) vectors in a row, the first a multiple of nr, for
 * IRQs irq to irq + nr - 1 (a multi-vector MSI); the first, or -ENOSPC.
 */
int irq_alloc_vector_block(unsigned int irq, unsigned int nr);

/*
 * msi.c.  msi_irq_create(): the IRQ of MSI-X table entry `entry` (msix)
 * or of the MSI of device sbdf, which d must own (pci_msi_target()'s
 * errors), made on first use, masked; -ENOSPC when MAX_MSI_IRQS are in
 * use.  An MSI has *nvec vectors (a power of two): IRQs from the one
 * returned up, entry 0 first; more than the device can send is -ENFILE
 * with the most it can in *nvec, as Xen; another count than the MSI
 * already mapped has -EEXIST.  msi_irq_nvec() is 0 for an MSI's vector
 * other than its first, else the IRQs it stands for.  msi_irq_destroy()
 * masks one and gives its vector back.  Binding gives it a vector,
 * programs the device's message for cpu (an MSI's vectors share the
 * first bound one's) and unmasks it; an MSI has one guest (-EBUSY), and
 * no EOI to wait for.
 */
int msi_irq_create(struct domain *d, pci_sbdf_t sbdf, bool msix,
                   unsigned int entry, unsigned int *nvec);
unsigned int msi_irq_nvec(unsigned int irq);
void msi_irq_destroy(unsigned int irq);
int msi_guest_bind(unsigned int irq, struct domain *d, unsigned int pirq,
                   unsigned int port, unsigned int cpu);
void msi_guest_unbind(unsigned int irq);
void msi_set_cpu(unsigned int irq, unsigned int cpu);
void msi_interrupt(unsigned int irq);
/*
 * Dom0's configuration write of size bytes at reg: false if not an MSI
 * register the hypervisor keeps, else done as Xen allows it (control
 * word writes as they are, the Mask Bits with the vectors it masks kept
 * masked, anything else dropped).
 */
bool msi_conf_write(pci_sbdf_t sbdf, unsigned int reg, unsigned int size,
                    uint32_t val);
/*
 * The MSI-X Function Mask, as Xen's host_maskall and guest_maskall: dom0's
 * 16-bit write of the message control register at reg, done here, with
 * the Function Mask kept set while the hypervisor forces it (dom0's own
 * bit is remembered); and the first use of the device's table (pos: the
 * capability), which ends the forcing and puts dom0's bit back.
 */
void msix_ctrl_write(pci_sbdf_t sbdf, unsigned int reg, uint16_t val);
void msix_first_use(pci_sbdf_t sbdf, unsigned int pos);

/*
 * pirq.c, from the interrupt handler with the GSI's lock held: raise
 * port of d for pirq; needs_eoi marks it in d's EOI bitmap first.
 */
void pirq_deliver(struct domain *d, unsigned int pirq, unsigned int port,
                  bool needs_eoi);

/* pirq.c: a domain's PIRQs, for physdev_op and event channels. */
struct vcpu;
long pirq_physdev_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
/*
 * Its sub-ops on a structure already read (at either width, pv/
 * compat_physdev.c translating): *write_back says whether the guest's
 * copy is to be written with op's fields, whatever the result.
 */
struct physdev_apic;
struct physdev_map_pirq;
long pirq_set_eoi_map(int cmd, unsigned long gmfn);
long pirq_apic_op(int cmd, struct physdev_apic *op, bool *write_back);
long pirq_map_op(struct physdev_map_pirq *op, bool *write_back);
/*
 * EVTCHNOP_bind_pirq, with d->event_lock held.  pirq_bind_check() answers
 * what Xen does before a port is taken: -EINVAL past the domain's PIRQs,
 * -EPERM if pirq is not mapped, -EEXIST if it already has a port.
 */
int pirq_bind_check(struct domain *d, unsigned int pirq);
int pirq_bind_port(struct domain *d, unsigned int pirq, unsigned int port,
                   const struct vcpu *v, bool share);
/* Closing the port, with d->event_lock held. */
void pirq_unbind_port(struct domain *d, unsigned int pirq);
/* EVTCHNOP_bind_vcpu moved the port: the interrupt follows. */
void pirq_set_vcpu(struct domain *d, unsigned int pirq, const struct vcpu *v);
/*
 * v is switched in on a CPU other than v->irq_cpu: its PIRQs' interrupts
 * follow it there.  Takes d->event_lock.
 */
void pirq_vcpu_moved(struct vcpu *v);
/* Destruction, once every port is closed: drops the EOI bitmap page. */
void pirq_domain_destroy(struct domain *d);

#endif /* ASM_X86_IRQ_H */
