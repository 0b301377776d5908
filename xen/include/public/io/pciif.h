/* SPDX-License-Identifier: MIT */
/* PCI pass-through split driver: the shared page and its one operation. */

#ifndef __XEN_PCI_COMMON_H__
#define __XEN_PCI_COMMON_H__

#include "../xen.h"

/*
 * One shared page (xen_pci_sharedinfo), one operation at a time.
 * Frontend: fill op, write barrier, set _XEN_PCIF_active in flags,
 * notify; the backend performs it, writes err/value, write barrier,
 * clears _XEN_PCIF_active and notifies back.  AER requests go the other
 * way through aer_op and _XEN_PCIB_active, owned by the backend.
 */

/* Value of the "magic" xenstore key. */
#define XEN_PCI_MAGIC "7"

/* xen_pci_sharedinfo.flags */
#define _XEN_PCIF_active     (0)
#define XEN_PCIF_active      (1 << _XEN_PCIF_active)
#define _XEN_PCIB_AERHANDLER (1)
#define XEN_PCIB_AERHANDLER  (1 << _XEN_PCIB_AERHANDLER)
#define _XEN_PCIB_active     (2)
#define XEN_PCIB_active      (1 << _XEN_PCIB_active)

/* xen_pci_op.cmd */
#define XEN_PCI_OP_conf_read        (0)
#define XEN_PCI_OP_conf_write       (1)
#define XEN_PCI_OP_enable_msi       (2)
#define XEN_PCI_OP_disable_msi      (3)
#define XEN_PCI_OP_enable_msix      (4)
#define XEN_PCI_OP_disable_msix     (5)
#define XEN_PCI_OP_aer_detected     (6)
#define XEN_PCI_OP_aer_resume       (7)
#define XEN_PCI_OP_aer_mmio         (8)
#define XEN_PCI_OP_aer_slotreset    (9)
#define XEN_PCI_OP_enable_multi_msi (10)

/* xen_pci_op.err */
#define XEN_PCI_ERR_success         (0)
#define XEN_PCI_ERR_dev_not_found   (-1)
#define XEN_PCI_ERR_invalid_offset  (-2)
#define XEN_PCI_ERR_access_denied   (-3)
#define XEN_PCI_ERR_not_implemented (-4)
#define XEN_PCI_ERR_op_failed       (-5)

/* MSI-X vectors one operation can carry. */
#define SH_INFO_MAX_VEC 128

struct xen_msix_entry {
    uint16_t vector;
    uint16_t entry;
};

struct xen_pci_op {
    uint32_t cmd;               /* XEN_PCI_OP_* */
    int32_t err;                /* XEN_PCI_ERR_*, by the backend */
    uint32_t domain;
    uint32_t bus;
    uint32_t devfn;
    int32_t offset;             /* config space offset */
    int32_t size;               /* access size */
    uint32_t value;             /* data, or MSI vector count / pirq */
    uint32_t info;              /* extra result */
    struct xen_msix_entry msix_entries[SH_INFO_MAX_VEC];
};

/* Backend -> frontend error-recovery request. */
struct xen_pcie_aer_op {
    uint32_t cmd;
    int32_t err;
    uint32_t domain;
    uint32_t bus;
    uint32_t devfn;
};

struct xen_pci_sharedinfo {
    uint32_t flags;             /* XEN_PCIF_* / XEN_PCIB_* */
    struct xen_pci_op op;
    struct xen_pcie_aer_op aer_op;
};

#endif /* __XEN_PCI_COMMON_H__ */
