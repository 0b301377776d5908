/* SPDX-License-Identifier: GPL-2.0-only */
/* The PCI devices the hypervisor knows of, and their configuration space. */
#ifndef XEN_PCI_H
#define XEN_PCI_H

#include <xen/types.h>
#include <public/xen.h>

struct domain;

/* Segment in bits 31:16, bus 15:8, device 7:3, function 2:0. */
typedef union {
    uint32_t sbdf;
    struct {
        uint8_t devfn;
        uint8_t bus;
        uint16_t seg;
    };
} pci_sbdf_t;

#define PCI_SBDF(s, b, df)                                                    \
    ((pci_sbdf_t){ .sbdf = ((uint32_t)(uint16_t)(s) << 16) |                  \
                           ((uint32_t)(uint8_t)(b) << 8) | (uint8_t)(df) })
#define PCI_SLOT(devfn)       (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)       ((devfn)&7)
#define PCI_DEVFN(slot, func) ((((slot)&0x1f) << 3) | ((func)&7))

/* Configuration header registers and capabilities we look at. */
#define PCI_VENDOR_ID             0x00
#define PCI_COMMAND               0x04
#define PCI_COMMAND_MEMORY        0x02 /* decodes its memory BARs */
#define PCI_STATUS                0x06
#define PCI_STATUS_CAP_LIST       0x10
#define PCI_HEADER_TYPE           0x0e
#define PCI_CAPABILITY_LIST       0x34
#define PCI_CAP_ID_MSI            0x05
#define PCI_CAP_ID_EXP            0x10
#define PCI_CAP_ID_MSIX           0x11
#define PCI_MSIX_FLAGS            2      /* message control, in the cap */
#define PCI_MSIX_FLAGS_QSIZE      0x7ff  /* table entries - 1 */
#define PCI_MSIX_FLAGS_MASKALL    0x4000 /* Function Mask */
#define PCI_MSIX_FLAGS_ENABLE     0x8000
#define PCI_MSIX_TABLE            4 /* BAR indicator 2:0, offset */
#define PCI_MSIX_PBA              8
#define PCI_MSIX_BIR              7
#define PCI_MSIX_ENTRY_SIZE       16
#define PCI_MSIX_CAP_SIZE         12 /* header, control, table, PBA */
#define PCI_BASE_ADDRESS_0        0x10
#define PCI_BASE_ADDRESS_IO       0x01
#define PCI_BASE_ADDRESS_MEM_64   0x04
#define PCI_BASE_ADDRESS_MEM_MASK (~0xfULL)
#define PCI_EXP_DEVCAP            4
#define PCI_EXP_DEVCAP_PHANTOM    0x18 /* phantom function bits, 4:3 */

/* What dom0 tells about a function beyond its address. */
struct pci_dev_info {
    bool is_extfn;  /* an ARI extended function */
    bool is_virtfn; /* an SR-IOV virtual function, of physfn */
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;
};

#define PCI_NO_PXM (~0u)

struct pci_dev {
    struct pci_dev *next; /* the registry's list */
    pci_sbdf_t sbdf;
    struct domain *domain;    /* owner: the hardware domain */
    struct pci_dev_info info; /* a VF's is_extfn is its PF's */
    uint32_t pxm;             /* proximity domain, or PCI_NO_PXM */
    /*
     * Functions stride, 2*stride, ... apart issue DMA as this one (PCIe
     * phantom functions); 0 if it has none.
     */
    uint8_t phantom_stride;
    uint8_t msi_pos, msix_pos; /* capability offsets, 0: none */
    /* Users of the MSI-X table: mapped entries and prepare_msix. */
    unsigned int msix_used;
    /* While it is: the frames of the table and of the PBA. */
    struct {
        unsigned long first, last;
    } msix_ro[2];
};

/*
 * Configuration space: segment 0's first 256 bytes go through ports
 * 0xCF8/0xCFC, anything else through an MMCONFIG area in use (reserved
 * by the e820 map, or confirmed by dom0: pci_mmcfg_reserved); with neither,
 * reads give all-ones and writes go nowhere.  Each access is atomic against
 * every other.
 */
uint8_t pci_conf_read8(pci_sbdf_t sbdf, unsigned int reg);
uint16_t pci_conf_read16(pci_sbdf_t sbdf, unsigned int reg);
uint32_t pci_conf_read32(pci_sbdf_t sbdf, unsigned int reg);
void pci_conf_write8(pci_sbdf_t sbdf, unsigned int reg, uint8_t val);
void pci_conf_write16(pci_sbdf_t sbdf, unsigned int reg, uint16_t val);
void pci_conf_write32(pci_sbdf_t sbdf, unsigned int reg, uint32_t val);
unsigned int pci_find_cap_offset(pci_sbdf_t sbdf, unsigned int cap);

/* The registry; a pci_dev stays valid while the lock is held. */
void pcidevs_lock(void);
void pcidevs_unlock(void);
struct pci_dev *pci_get_pdev(pci_sbdf_t sbdf);

int pci_add_device(pci_sbdf_t sbdf, const struct pci_dev_info *info,
                   uint32_t pxm);
int pci_remove_device(pci_sbdf_t sbdf);
int pci_prepare_msix(pci_sbdf_t sbdf, bool off);
/*
 * An MSI-X entry of the device mapped (get: -ENODEV, -ENXIO as Xen, the
 * latter also while the device decodes no memory) or unmapped (put):
 * while any is, the table and PBA are read-only to dom0.
 */
int pci_msix_get(pci_sbdf_t sbdf);
void pci_msix_put(pci_sbdf_t sbdf);
/*
 * Where an MSI (msix false: the capability's offset) or MSI-X table entry
 * (its physical address) of a device d owns is programmed; -ENODEV,
 * -EINVAL, -ENXIO as Xen refuses one.
 */
int pci_msi_target(const struct domain *d, pci_sbdf_t sbdf, bool msix,
                   unsigned int entry, uint64_t *where);
/*
 * Whether dom0 may map the MMIO frame mfn only read-only: an MSI-X table
 * or PBA in use, or a page of an MMCONFIG area the hypervisor uses or
 * has used.
 */
bool pci_mmio_ro(unsigned long mfn);
/*
 * Dom0's naturally aligned store of size bytes at offset reg of the
 * MMCONFIG frame mfn, which it maps read-only: filtered as its 0xCFC
 * writes are, then done, as Xen's mmcfg_intercept_write.  -ENODEV if
 * mfn is no frame of an area in use, -EINVAL if wider than a dword
 * (the guest then takes its fault, as on Xen).
 */
int pci_mmcfg_guest_write(unsigned long mfn, unsigned int reg,
                          unsigned int size, uint32_t val);

/*
 * MMCONFIG: the MCFG table's areas, used from boot if the e820 map
 * reserves them (in part: the part), else once dom0 confirms them.
 */
void pci_mmcfg_init(void);
int pci_mmcfg_reserved(uint64_t address, unsigned int seg,
                       unsigned int start_bus, unsigned int end_bus,
                       unsigned int flags);

/*
 * A PV guest's port I/O to 0xCF8 (dword) and 0xCFC-0xCFF: true if the
 * access was one of those, done here (and a read's value in *val).  Each
 * domain has its own CF8 latch; only a privileged one reaches
 * configuration space.
 */
bool pci_guest_port_read(struct domain *d, unsigned int port,
                         unsigned int size, uint32_t *val);
bool pci_guest_port_write(struct domain *d, unsigned int port,
                          unsigned int size, uint32_t val);

/* The PHYSDEVOP_* sub-ops about PCI devices. */
long pci_physdev_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);

#endif /* XEN_PCI_H */
