/* SPDX-License-Identifier: GPL-2.0-only */
/* What the PV MMU tests' stand-ins for hooks and boot tables record. */
#ifndef PV_MM_STUBS_H
#define PV_MM_STUBS_H

struct domain;

/* Calls of each hook since the last stub_reset(). */
extern unsigned int stub_flush_all, stub_flush_one, stub_flush_cache;
extern unsigned int stub_cr3_updates;
extern unsigned long stub_last_va;
/* CPUs named in the last flush's mask, as a bitmap of the first 64. */
extern unsigned long stub_last_mask;
/*
 * The domain the last flush_tlb_domain()/_one_domain() named, and the
 * owner the last flush_tlb_frames_of() named.
 */
extern const struct domain *stub_flush_domain, *stub_flush_frames_of;
void stub_reset(void);

/* What get_domain_by_id() finds: up to 4 domains. */
extern struct domain *stub_domains[4];

/* The one frame pci_mmio_ro() calls read-only (0: none). */
extern unsigned long stub_ro_mmio;

/* Recognisable values put in the idle table's hypervisor slots 257-271. */
#define STUB_XEN_SLOT(i)  (0x5a5a000UL + ((unsigned long)(i) << 12) + 0x63)

#endif /* PV_MM_STUBS_H */
