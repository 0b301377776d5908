/* SPDX-License-Identifier: GPL-2.0-only */
/* PCI: the device registry dom0 fills, and configuration-space access. */
#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/pci.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/xmalloc.h>
#include <asm/domain.h>
#include <asm/e820.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/page.h>
#include <public/physdev.h>

/* ---- configuration space ---- */

#define CF8_ENABLE 0x80000000u
#define CF8_PORT   0xcf8
#define CFC_PORT   0xcfc

/* One CF8 write and its CFC access must not interleave with another's. */
static DEFINE_SPINLOCK(pci_config_lock, pci_config);

/*
 * Configuration mechanism #1 with a raw CF8 value: dom0's latched one
 * goes through as it wrote it, enable bit and all, as on Xen.
 */
static uint32_t cf8_read(uint32_t cf8, unsigned int off, unsigned int size)
{
    unsigned long flags;
    uint32_t val;

    spin_lock_irqsave(&pci_config_lock, flags);
    outl(cf8, CF8_PORT);
    if ( size == 1 )
        val = inb(CFC_PORT + off);
    else if ( size == 2 )
        val = inw(CFC_PORT + off);
    else
        val = inl(CFC_PORT + off);
    spin_unlock_irqrestore(&pci_config_lock, flags);
    return val;
}

static void cf8_write(uint32_t cf8, unsigned int off, unsigned int size,
                      uint32_t val)
{
    unsigned long flags;

    spin_lock_irqsave(&pci_config_lock, flags);
    outl(cf8, CF8_PORT);
    if ( size == 1 )
        outb(val, CFC_PORT + off);
    else if ( size == 2 )
        outw(val, CFC_PORT + off);
    else
        outl(val, CFC_PORT + off);
    spin_unlock_irqrestore(&pci_config_lock, flags);
}

/*
 * MMCONFIG areas from the MCFG table.  As Xen, one is used from boot if
 * the e820 map reserves enough of it (mmcfg_reserved_buses()), else only
 * after dom0 says firmware reserved it (pci_mmcfg_reserved with
 * XEN_PCI_MMCFG_RESERVED): an area the firmware did not reserve may
 * overlap something else.
 */
#define MAX_MMCFG 8

struct mmcfg {
    uint64_t address; /* of bus 0 in the segment, as MCFG says */
    uint16_t seg;
    uint8_t start_bus, end_bus;
    uint8_t *virt; /* of start_bus, while in use */
    /*
     * Dom0 maps its frames read-only: from the first use on, and still
     * once it is turned off, as Xen leaves an area in mmio_ro_ranges.
     */
    bool ro;
};

static struct mmcfg mmcfg[MAX_MMCFG];
static unsigned int nr_mmcfg;

/* The MCFG table: a header, 8 reserved bytes, then 16-byte entries. */
struct __packed acpi_mcfg_entry {
    uint64_t address;
    uint16_t seg;
    uint8_t start_bus;
    uint8_t end_bus;
    uint32_t reserved;
};

#define MCFG_ENTRIES_AT (sizeof(struct acpi_table_header) + 8)

/* Each bus has 1 MiB: 32 devices x 8 functions x 4 KiB. */
#define MMCFG_BUS_SIZE (1UL << 20)

/*
 * Whether the e820 map reserves [start, end), but for its last byte: the
 * range Xen asks e820_all_mapped() about is [addr, addr + size - 1).
 */
static bool e820_reserved(uint64_t start, uint64_t end)
{
    bool on = true;

    end--;
    while ( start < end && on )
    {
        on = false;
        for ( unsigned int i = 0; i < e820.nr_map; i++ )
        {
            const struct e820entry *e = &e820.map[i];

            if ( e->type == E820_RESERVED && e->addr <= start &&
                 start - e->addr < e->size )
            {
                start = e->addr + e->size;
                on = true;
            }
        }
    }
    return start >= end;
}

/*
 * Xen's rule for using an area at boot: if the e820 map does not reserve
 * all of its buses, the first half, quarter, ... are tried, down to
 * 16 MiB (16 buses); the largest reserved one is used, its end bus cut
 * to match.  0 if none is (nor the whole area, when smaller than that).
 */
#define MMCFG_MIN_RESERVED (16UL << 20)

static unsigned int mmcfg_reserved_buses(const struct mmcfg *m)
{
    uint64_t start = m->address + m->start_bus * MMCFG_BUS_SIZE;
    uint64_t size = (m->end_bus - m->start_bus + 1UL) * MMCFG_BUS_SIZE;

    while ( !e820_reserved(start, start + size) )
    {
        size >>= 1;
        if ( size < MMCFG_MIN_RESERVED )
            return 0;
    }
    return size / MMCFG_BUS_SIZE;
}

/*
 * Maps an area for the hypervisor's use; its frames are dom0's read-only
 * from then on, even once it is turned off again (mmcfg_disable()).
 */
static int mmcfg_enable(struct mmcfg *m)
{
    uint64_t pa = m->address + m->start_bus * MMCFG_BUS_SIZE;

    if ( m->virt )
        return 0;
    /* The direct map's reach is acpi_map's to know. */
    m->virt = acpi_map(pa, (m->end_bus - m->start_bus + 1) * MMCFG_BUS_SIZE);
    if ( !m->virt )
    {
        printk(XENLOG_WARNING "PCI: MMCONFIG at %#llx out of reach\n",
               (unsigned long long)m->address);
        return -ENOMEM;
    }
    m->ro = true;
    printk("PCI: using MMCONFIG %04x:%02x-%02x\n", m->seg, m->start_bus,
           m->end_bus);
    return 0;
}

/*
 * As Xen's pci_mmcfg_arch_disable(): the hypervisor stops using the
 * area (configuration space past the ports reads as all-ones), but its
 * frames stay read-only to dom0, whose stores there are then dropped as
 * on any read-only MMIO (pci_mmcfg_guest_write() -ENODEV).  The direct
 * map's mapping of it stays: nothing was allocated for it.
 */
static void mmcfg_disable(struct mmcfg *m)
{
    __atomic_store_n(&m->virt, NULL, __ATOMIC_RELAXED);
    printk("PCI: not using MMCONFIG %04x:%02x-%02x\n", m->seg, m->start_bus,
           m->end_bus);
}

void pci_mmcfg_init(void)
{
    const struct acpi_table_header *t = acpi_get_table("MCFG", 0);
    const struct acpi_mcfg_entry *e;
    unsigned int i, n, buses;

    if ( !t || t->length < MCFG_ENTRIES_AT )
        return;
    n = (t->length - MCFG_ENTRIES_AT) / sizeof(*e);
    e = (const void *)((const uint8_t *)t + MCFG_ENTRIES_AT);
    for ( i = 0; i < n; i++ )
    {
        if ( e[i].start_bus > e[i].end_bus || nr_mmcfg == MAX_MMCFG )
        {
            printk(XENLOG_WARNING "PCI: MCFG entry %u ignored\n", i);
            continue;
        }
        mmcfg[nr_mmcfg] = (struct mmcfg){
            .address = e[i].address,
            .seg = e[i].seg,
            .start_bus = e[i].start_bus,
            .end_bus = e[i].end_bus,
        };
        printk("PCI: MCFG area %04x:%02x-%02x at %#llx\n", e[i].seg,
               e[i].start_bus, e[i].end_bus, (unsigned long long)e[i].address);
        buses = mmcfg_reserved_buses(&mmcfg[nr_mmcfg]);
        if ( buses )
        {
            /* What is not reserved is not used, nor can dom0 add it. */
            mmcfg[nr_mmcfg].end_bus = e[i].start_bus + buses - 1;
            mmcfg_enable(&mmcfg[nr_mmcfg]);
        }
        nr_mmcfg++;
    }
}

/*
 * Xen's answers: flags other than RESERVED are -EINVAL; an area that is
 * not an MCFG entry (segment and bus range exactly, the end bus as cut
 * at boot) is -ENODEV, and one at a different address -EIO; with
 * RESERVED the area is used from now on, without it no longer (0 either
 * way, used before or not).
 */
int pci_mmcfg_reserved(uint64_t address, unsigned int seg,
                       unsigned int start_bus, unsigned int end_bus,
                       unsigned int flags)
{
    unsigned int i;

    if ( flags & ~XEN_PCI_MMCFG_RESERVED )
        return -EINVAL;
    for ( i = 0; i < nr_mmcfg; i++ )
    {
        struct mmcfg *m = &mmcfg[i];

        if ( m->seg != seg || m->start_bus != start_bus ||
             m->end_bus != end_bus )
            continue;
        if ( m->address != address )
        {
            printk(XENLOG_WARNING "PCI: MMCONFIG %04x:%02x-%02x at %#llx, "
                                  "not %#llx as MCFG says\n",
                   seg, start_bus, end_bus, (unsigned long long)address,
                   (unsigned long long)m->address);
            return -EIO;
        }
        if ( flags & XEN_PCI_MMCFG_RESERVED )
            return mmcfg_enable(m);
        mmcfg_disable(m);
        return 0;
    }
    return -ENODEV;
}

static volatile void *mmcfg_addr(pci_sbdf_t sbdf, unsigned int reg)
{
    unsigned int i;

    for ( i = 0; i < nr_mmcfg; i++ )
    {
        const struct mmcfg *m = &mmcfg[i];
        /* Once: dom0 may turn the area off meanwhile (mmcfg_disable()). */
        uint8_t *virt = __atomic_load_n(&m->virt, __ATOMIC_RELAXED);

        if ( virt && m->seg == sbdf.seg && sbdf.bus >= m->start_bus &&
             sbdf.bus <= m->end_bus )
            return virt + (sbdf.bus - m->start_bus) * MMCFG_BUS_SIZE +
                   ((unsigned int)sbdf.devfn << 12) + reg;
    }
    return NULL;
}

/*
 * The function whose configuration page the machine frame mfn is, in an
 * area in use (in_use) or one dom0 maps read-only (used at some time).
 * As Xen puts an area into mmio_ro_ranges when it enables it, dom0 maps
 * all of those frames read-only from then on (mappings it made before
 * stay as they are there too), and its stores to them come through the
 * configuration-write filter (pci_mmcfg_guest_write()) while in use.
 */
static bool mmcfg_frame(unsigned long mfn, bool in_use, pci_sbdf_t *sbdf)
{
    unsigned int i;

    for ( i = 0; i < nr_mmcfg; i++ )
    {
        const struct mmcfg *m = &mmcfg[i];
        unsigned long first = (m->address >> PAGE_SHIFT) +
                              ((unsigned long)m->start_bus << 8);
        unsigned long n = (m->end_bus - m->start_bus + 1UL) << 8;

        if ( !(in_use ? m->virt != NULL : m->ro) || mfn - first >= n )
            continue;
        *sbdf = PCI_SBDF(m->seg, m->start_bus + ((mfn - first) >> 8),
                         (mfn - first) & 0xff);
        return true;
    }
    return false;
}

/* Segment 0's standard header by ports, as Xen does; the rest by MMCONFIG. */
static bool use_ports(pci_sbdf_t sbdf, unsigned int reg)
{
    return !sbdf.seg && reg < 256;
}

static uint32_t cf8_of(pci_sbdf_t sbdf, unsigned int reg)
{
    return CF8_ENABLE | ((uint32_t)sbdf.bus << 16) |
           ((uint32_t)sbdf.devfn << 8) | (reg & 0xfc);
}

static uint32_t conf_read(pci_sbdf_t sbdf, unsigned int reg, unsigned int size)
{
    volatile void *p;

    /* A register never straddles a 4-byte boundary. */
    reg &= 0xfff & ~(size - 1);
    if ( use_ports(sbdf, reg) )
        return cf8_read(cf8_of(sbdf, reg), reg & 3, size);
    p = mmcfg_addr(sbdf, reg);
    if ( !p )
        return ~0u >> (32 - size * 8);
    if ( size == 1 )
        return *(volatile uint8_t *)p;
    if ( size == 2 )
        return *(volatile uint16_t *)p;
    return *(volatile uint32_t *)p;
}

/* A store into an MMCONFIG area (nowhere if p is NULL: none enabled). */
static void mmcfg_store(volatile void *p, unsigned int size, uint32_t val)
{
    if ( !p )
        return;
    if ( size == 1 )
        *(volatile uint8_t *)p = val;
    else if ( size == 2 )
        *(volatile uint16_t *)p = val;
    else
        *(volatile uint32_t *)p = val;
}

static void conf_write(pci_sbdf_t sbdf, unsigned int reg, unsigned int size,
                       uint32_t val)
{
    reg &= 0xfff & ~(size - 1);
    if ( use_ports(sbdf, reg) )
    {
        cf8_write(cf8_of(sbdf, reg), reg & 3, size, val);
        return;
    }
    mmcfg_store(mmcfg_addr(sbdf, reg), size, val);
}

uint8_t pci_conf_read8(pci_sbdf_t sbdf, unsigned int reg)
{
    return conf_read(sbdf, reg, 1);
}

uint16_t pci_conf_read16(pci_sbdf_t sbdf, unsigned int reg)
{
    return conf_read(sbdf, reg, 2);
}

uint32_t pci_conf_read32(pci_sbdf_t sbdf, unsigned int reg)
{
    return conf_read(sbdf, reg, 4);
}

void pci_conf_write8(pci_sbdf_t sbdf, unsigned int reg, uint8_t val)
{
    conf_write(sbdf, reg, 1, val);
}

void pci_conf_write16(pci_sbdf_t sbdf, unsigned int reg, uint16_t val)
{
    conf_write(sbdf, reg, 2, val);
}

void pci_conf_write32(pci_sbdf_t sbdf, unsigned int reg, uint32_t val)
{
    conf_write(sbdf, reg, 4, val);
}

/*
 * Walks the capability list; a list that loops or leaves the header's
 * device-specific part (or an absent function's all-ones) ends the walk.
 */
unsigned int pci_find_cap_offset(pci_sbdf_t sbdf, unsigned int cap)
{
    unsigned int pos, ttl = 48;

    if ( !(pci_conf_read16(sbdf, PCI_STATUS) & PCI_STATUS_CAP_LIST) )
        return 0;
    pos = pci_conf_read8(sbdf, PCI_CAPABILITY_LIST);
    while ( ttl-- && pos >= 0x40 && pos < 0xff )
    {
        uint8_t id;

        pos &= ~3u;
        id = pci_conf_read8(sbdf, pos);
        if ( id == 0xff )
            break;
        if ( id == cap )
            return pos;
        pos = pci_conf_read8(sbdf, pos + 1);
    }
    return 0;
}

/* ---- the registry ---- */

static DEFINE_SPINLOCK(pcidevs_spinlock, pcidevs);
static struct pci_dev *pdevs;
/* How many devices have their MSI-X table taken: none, no lookups. */
static unsigned int nr_msix_used;

void pcidevs_lock(void)
{
    spin_lock(&pcidevs_spinlock);
}

void pcidevs_unlock(void)
{
    spin_unlock(&pcidevs_spinlock);
}

struct pci_dev *pci_get_pdev(pci_sbdf_t sbdf)
{
    struct pci_dev *pdev;

    ASSERT(spin_is_locked(&pcidevs_spinlock));
    for ( pdev = pdevs; pdev; pdev = pdev->next )
        if ( pdev->sbdf.sbdf == sbdf.sbdf )
            return pdev;
    return NULL;
}

/*
 * A PCIe function may use phantom function numbers for more outstanding
 * requests; the IOMMU must then treat those as the same device.  As in
 * Xen, a function whose number is not below the stride has none.
 */
static uint8_t phantom_stride(pci_sbdf_t sbdf)
{
    unsigned int pos = pci_find_cap_offset(sbdf, PCI_CAP_ID_EXP);
    unsigned int bits, stride;

    if ( !pos )
        return 0;
    bits = (pci_conf_read32(sbdf, pos + PCI_EXP_DEVCAP) &
            PCI_EXP_DEVCAP_PHANTOM) >>
           3;
    if ( !bits )
        return 0;
    stride = 8 >> bits;
    return PCI_FUNC(sbdf.devfn) < stride ? stride : 0;
}

static struct pci_dev *alloc_pdev(pci_sbdf_t sbdf)
{
    struct pci_dev *pdev = xzalloc(struct pci_dev);

    if ( !pdev )
        return NULL;
    pdev->sbdf = sbdf;
    pdev->pxm = PCI_NO_PXM;
    pdev->msi_pos = pci_find_cap_offset(sbdf, PCI_CAP_ID_MSI);
    pdev->msix_pos = pci_find_cap_offset(sbdf, PCI_CAP_ID_MSIX);
    pdev->phantom_stride = phantom_stride(sbdf);
    pdev->next = pdevs;
    pdevs = pdev;
    return pdev;
}

/*
 * As Xen 4.17: nothing checks that the function exists (its registers
 * then read as all-ones), and adding one again is fine: the new info,
 * if any, and node replace the old.  A VF's PF is added first if
 * unknown, and the VF records whether its PF is an extended function.
 */
int pci_add_device(pci_sbdf_t sbdf, const struct pci_dev_info *info,
                   uint32_t pxm)
{
    struct pci_dev *pdev;
    const char *what = "device";
    bool pf_is_extfn = false;

    if ( info && info->is_virtfn )
    {
        pci_sbdf_t pf = PCI_SBDF(sbdf.seg, info->physfn.bus,
                                 info->physfn.devfn);

        pcidevs_lock();
        pdev = pci_get_pdev(pf);
        if ( pdev )
            pf_is_extfn = pdev->info.is_extfn;
        pcidevs_unlock();
        if ( !pdev )
            pci_add_device(pf, NULL, pxm);
        what = "virtual function";
    }
    else if ( info && info->is_extfn )
        what = "extended function";

    pcidevs_lock();
    pdev = pci_get_pdev(sbdf);
    if ( !pdev )
        pdev = alloc_pdev(sbdf);
    if ( !pdev )
    {
        pcidevs_unlock();
        return -ENOMEM;
    }
    pdev->pxm = pxm;
    if ( info )
    {
        pdev->info = *info;
        if ( info->is_virtfn )
            pdev->info.is_extfn = pf_is_extfn;
    }
    if ( !pdev->domain )
        pdev->domain = hardware_domain;
    pcidevs_unlock();

    printk(XENLOG_DEBUG "PCI add %s %04x:%02x:%02x.%u\n", what, sbdf.seg,
           sbdf.bus, PCI_SLOT(sbdf.devfn), PCI_FUNC(sbdf.devfn));
    return 0;
}

int pci_remove_device(pci_sbdf_t sbdf)
{
    struct pci_dev **pp, *pdev = NULL;

    pcidevs_lock();
    for ( pp = &pdevs; *pp; pp = &(*pp)->next )
        if ( (*pp)->sbdf.sbdf == sbdf.sbdf )
        {
            pdev = *pp;
            *pp = pdev->next;
            if ( pdev->msix_used )
                __atomic_fetch_sub(&nr_msix_used, 1, __ATOMIC_RELAXED);
            break;
        }
    pcidevs_unlock();
    if ( !pdev )
        return -ENODEV;
    printk(XENLOG_DEBUG "PCI remove device %04x:%02x:%02x.%u\n", sbdf.seg,
           sbdf.bus, PCI_SLOT(sbdf.devfn), PCI_FUNC(sbdf.devfn));
    xfree(pdev);
    return 0;
}

/*
 * The physical address and length of a device's MSI-X table (reg
 * PCI_MSIX_TABLE) or PBA (PCI_MSIX_PBA), through the memory BAR the
 * capability names; false if that BAR is not a memory BAR with an
 * address, as Xen's -ENXIO.
 */
static bool msix_region(const struct pci_dev *pdev, unsigned int reg,
                        uint64_t *base_p, uint64_t *len_p)
{
    pci_sbdf_t sbdf = pdev->sbdf;
    unsigned int pos = pdev->msix_pos;
    uint32_t where = pci_conf_read32(sbdf, pos + reg);
    unsigned int bir = where & PCI_MSIX_BIR;
    unsigned int nr = (pci_conf_read16(sbdf, pos + PCI_MSIX_FLAGS) &
                       PCI_MSIX_FLAGS_QSIZE) +
                      1;
    uint64_t len = reg == PCI_MSIX_TABLE ? nr * PCI_MSIX_ENTRY_SIZE
                                         : (nr + 63) / 64 * 8;
    uint64_t bar, base;

    if ( bir > 5 )
        return false;
    bar = pci_conf_read32(sbdf, PCI_BASE_ADDRESS_0 + 4 * bir);
    if ( bar & PCI_BASE_ADDRESS_IO )
        return false;
    if ( bar & PCI_BASE_ADDRESS_MEM_64 )
    {
        if ( bir == 5 )
            return false;
        bar |=
            (uint64_t)pci_conf_read32(sbdf, PCI_BASE_ADDRESS_0 + 4 * (bir + 1))
            << 32;
    }
    base = (bar & PCI_BASE_ADDRESS_MEM_MASK) + (where & ~PCI_MSIX_BIR);
    if ( !(bar & PCI_BASE_ADDRESS_MEM_MASK) )
        return false;
    *base_p = base;
    *len_p = len;
    return true;
}

/* The first and last frames of the same. */
static bool msix_frames(const struct pci_dev *pdev, unsigned int reg,
                        unsigned long *ro)
{
    uint64_t base, len;

    if ( !msix_region(pdev, reg, &base, &len) )
        return false;
    ro[0] = base >> PAGE_SHIFT;
    ro[1] = (base + len - 1) >> PAGE_SHIFT;
    return true;
}

/*
 * Where the hypervisor programs an MSI (msix false: the capability's
 * offset in *where) or MSI-X table entry `entry` (its physical address,
 * from the device's own BAR, never from dom0's word) of a device d owns.
 * As Xen: a device unknown, not d's or without the capability -ENODEV,
 * an entry past the table -EINVAL, a table without a memory BAR -ENXIO.
 */
int pci_msi_target(const struct domain *d, pci_sbdf_t sbdf, bool msix,
                   unsigned int entry, uint64_t *where)
{
    const struct pci_dev *pdev;
    uint64_t base, len;
    int rc = 0;

    pcidevs_lock();
    pdev = pci_get_pdev(sbdf);
    if ( !pdev || pdev->domain != d ||
         !(msix ? pdev->msix_pos : pdev->msi_pos) )
        rc = -ENODEV;
    else if ( !msix )
        *where = pdev->msi_pos;
    else if ( !msix_region(pdev, PCI_MSIX_TABLE, &base, &len) )
        rc = -ENXIO;
    else if ( entry >= len / PCI_MSIX_ENTRY_SIZE )
        rc = -EINVAL;
    else
        *where = base + entry * PCI_MSIX_ENTRY_SIZE;
    pcidevs_unlock();
    return rc;
}

/*
 * One more (get) or one fewer user of pdev's MSI-X table, Xen's
 * used_entries: each mapped entry counts, and so does pciback's
 * prepare_msix.  From the first user to the last the table and PBA
 * frames are read-only for dom0, as Xen adds them to mmio_ro_ranges when
 * MSI-X comes into use.  -ENXIO if the table or PBA has no memory BAR.
 * A first use answers the capability's offset: the caller then has
 * msix_first_use() done, outside pcidevs_lock (msi_lock comes first).
 */
static int msix_use(struct pci_dev *pdev, bool get)
{
    unsigned long table[2], pba[2];

    ASSERT(spin_is_locked(&pcidevs_spinlock));
    if ( !get )
    {
        ASSERT(pdev->msix_used);
        if ( !--pdev->msix_used )
            __atomic_fetch_sub(&nr_msix_used, 1, __ATOMIC_RELAXED);
        return 0;
    }
    /* As Xen: MSI-X without the BARs decoded is -ENXIO at every use. */
    if ( !(pci_conf_read16(pdev->sbdf, PCI_COMMAND) & PCI_COMMAND_MEMORY) )
        return -ENXIO;
    if ( pdev->msix_used )
    {
        pdev->msix_used++;
        return 0;
    }
    if ( !msix_frames(pdev, PCI_MSIX_TABLE, table) ||
         !msix_frames(pdev, PCI_MSIX_PBA, pba) )
        return -ENXIO;
    pdev->msix_ro[0].first = table[0];
    pdev->msix_ro[0].last = table[1];
    pdev->msix_ro[1].first = pba[0];
    pdev->msix_ro[1].last = pba[1];
    pdev->msix_used = 1;
    __atomic_fetch_add(&nr_msix_used, 1, __ATOMIC_RELAXED);
    return pdev->msix_pos;
}

/* A use of the table (see msix_use()) and, if the first, its start. */
static int msix_get(pci_sbdf_t sbdf, bool prepare)
{
    struct pci_dev *pdev;
    int rc;

    pcidevs_lock();
    pdev = pci_get_pdev(sbdf);
    if ( !pdev || !pdev->msix_pos )
        rc = -ENODEV;
    else if ( prepare && pdev->msix_used )
        rc = -EBUSY;
    else
        rc = msix_use(pdev, true);
    pcidevs_unlock();
    if ( rc > 0 )
        msix_first_use(sbdf, rc);
    return rc < 0 ? rc : 0;
}

int pci_msix_get(pci_sbdf_t sbdf)
{
    return msix_get(sbdf, false);
}

void pci_msix_put(pci_sbdf_t sbdf)
{
    struct pci_dev *pdev;

    pcidevs_lock();
    pdev = pci_get_pdev(sbdf);
    /* A device removed meanwhile took its count with it. */
    if ( pdev && pdev->msix_used )
        msix_use(pdev, false);
    pcidevs_unlock();
}

/*
 * pciback's prepare_msix / release_msix, with Xen's bookkeeping: the
 * first takes the MSI-X table for the hypervisor only while nothing uses
 * it (count 0 to 1), the second gives it back only when that is its one
 * use (1 to 0); anything else is -EBUSY, mapped entries included.
 * Unknown devices and ones without MSI-X are -ENODEV; a table or PBA
 * without a memory BAR, -ENXIO.  Mappings dom0 already has stay as they
 * are, as on Xen ("how to deal with existing mappings" is left open
 * there); new ones are read-only.
 */
int pci_prepare_msix(pci_sbdf_t sbdf, bool off)
{
    struct pci_dev *pdev;
    int rc;

    if ( !off )
        return msix_get(sbdf, true);
    pcidevs_lock();
    pdev = pci_get_pdev(sbdf);
    if ( !pdev || !pdev->msix_pos )
        rc = -ENODEV;
    else if ( pdev->msix_used != 1 )
        rc = -EBUSY;
    else
        rc = msix_use(pdev, false);
    pcidevs_unlock();
    return rc;
}

bool pci_mmio_ro(unsigned long mfn)
{
    const struct pci_dev *pdev;
    pci_sbdf_t sbdf;
    bool ro = false;

    if ( mmcfg_frame(mfn, false, &sbdf) )
        return true;
    if ( !__atomic_load_n(&nr_msix_used, __ATOMIC_RELAXED) )
        return false;
    pcidevs_lock();
    for ( pdev = pdevs; pdev && !ro; pdev = pdev->next )
        for ( unsigned int i = 0; pdev->msix_used && i < 2; i++ )
            if ( mfn >= pdev->msix_ro[i].first &&
                 mfn <= pdev->msix_ro[i].last )
                ro = true;
    pcidevs_unlock();
    return ro;
}

/*
 * ---- PV guests' configuration mechanism #1 ----
 *
 * As on Xen, every PV domain with I/O privilege has a CF8 latch of its
 * own (a dword at 0xCF8 writes and reads it; other sizes are not the
 * address register); only the privileged one gets configuration space
 * behind 0xCFC-0xCFF, everyone else all-ones.
 */

/*
 * Dom0's configuration write, by ports and MMCONFIG alike (Xen's
 * pci_conf_write_intercept): true if the filter dropped it or did it
 * itself, false if it goes to the function as written.  Within a
 * registered device's MSI-X capability Xen takes only a 16-bit write of
 * its message control (msi.c does it: the Function Mask may be forced),
 * as the table and PBA locations are the hypervisor's to trust; a mapped
 * MSI's registers are msi.c's to filter (msi_conf_write()).
 */
static bool conf_write_intercept(pci_sbdf_t sbdf, unsigned int reg,
                                 unsigned int size, uint32_t val)
{
    const struct pci_dev *pdev;
    unsigned int pos = 0;

    if ( reg >= 0x40 && reg < 0x100 )
    {
        pcidevs_lock();
        pdev = pci_get_pdev(sbdf);
        pos = pdev ? pdev->msix_pos : 0;
        pcidevs_unlock();
    }
    if ( !pos || reg < pos || reg >= pos + PCI_MSIX_CAP_SIZE )
        return msi_conf_write(sbdf, reg, size, val);
    if ( reg == pos + PCI_MSIX_FLAGS && size == 2 )
        msix_ctrl_write(sbdf, reg, val);
    return true;
}

int pci_mmcfg_guest_write(unsigned long mfn, unsigned int reg,
                          unsigned int size, uint32_t val)
{
    pci_sbdf_t sbdf;

    if ( !mmcfg_frame(mfn, true, &sbdf) )
        return -ENODEV;
    if ( size > 4 )
        return -EINVAL;
    if ( !conf_write_intercept(sbdf, reg, size, val) )
        mmcfg_store(mmcfg_addr(sbdf, reg), size, val);
    return 0;
}

/* An access within 0xCFC-0xCFF: its offset there, or -1 if not one. */
static int cfc_offset(unsigned int port, unsigned int size)
{
    if ( port + size <= CFC_PORT || port > CFC_PORT + 3 )
        return -1;
    /* Part in the window, part out: nothing real does that. */
    if ( port < CFC_PORT || port + size > CFC_PORT + 4 )
        return -2;
    return port - CFC_PORT;
}

bool pci_guest_port_read(struct domain *d, unsigned int port,
                         unsigned int size, uint32_t *val)
{
    int off;

    if ( port == CF8_PORT && size == 4 )
    {
        *val = d->arch.pci_cf8;
        return true;
    }
    off = cfc_offset(port, size);
    if ( off == -1 )
        return false;
    *val = off < 0 || !is_hardware_domain(d)
               ? ~0u
               : cf8_read(d->arch.pci_cf8, off, size);
    return true;
}

bool pci_guest_port_write(struct domain *d, unsigned int port,
                          unsigned int size, uint32_t val)
{
    uint32_t cf8 = d->arch.pci_cf8;
    int off;

    if ( port == CF8_PORT && size == 4 )
    {
        d->arch.pci_cf8 = val;
        return true;
    }
    off = cfc_offset(port, size);
    if ( off == -1 )
        return false;
    if ( off < 0 || !is_hardware_domain(d) )
        return true;
    if ( cf8 & CF8_ENABLE )
    {
        pci_sbdf_t sbdf = PCI_SBDF(0, cf8 >> 16, cf8 >> 8);
        unsigned int reg = (cf8 & 0xfc) + off;

        if ( conf_write_intercept(sbdf, reg, size, val) )
            return true;
    }
    cf8_write(cf8, off, size, val);
    return true;
}
