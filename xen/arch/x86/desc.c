/* SPDX-License-Identifier: GPL-2.0-only */
/* Each CPU's GDT area with Xen's selector layout, its TSS, guest GDTs. */
#include <xen/lib.h>
#include <xen/string.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/processor.h>

/*
 * A CPU's GDT is a 64 KiB virtual area: pages 0-13 hold the running
 * guest's descriptors (for now, and whenever the CPU idles, a read-only zero
 * page: every selector there is not present), page 14 holds this CPU's
 * hypervisor entries, page 15 is the zero page again.  The tables mapping
 * the areas are static so that the boot CPU can load its GDT before any
 * allocator exists.
 */
#define AREA_L1_PAGES DIV_ROUND_UP(NR_CPUS *GDT_AREA_PAGES, 512)

/*
 * A CPU's LDT area: 64 KiB in the same GiB, mapping the LDT pages of the
 * vCPU running there, each once that vCPU has used it (pv/descriptor-
 * tables.c); the other pages are not present.  The LDT descriptor in the
 * CPU's own GDT page points at the area with the vCPU's limit.
 */
#define LDT_AREA_PAGES (LDT_AREA_SIZE / PAGE_SIZE)
#define LDT_L1_PAGES   DIV_ROUND_UP(NR_CPUS *LDT_AREA_PAGES, 512)

static pte_t gdt_area_l2[512] __aligned(PAGE_SIZE);
static pte_t gdt_area_l1[AREA_L1_PAGES][512] __aligned(PAGE_SIZE);
static uint64_t gdt_reserved[NR_CPUS][512] __aligned(PAGE_SIZE);
/* The same for 32-bit PV vCPUs: the compat selectors (asm/desc.h). */
static uint64_t gdt_reserved_compat[NR_CPUS][512] __aligned(PAGE_SIZE);
static bool gdt_compat_mapped[NR_CPUS];
static const uint8_t zero_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static struct tss64 tss_table[NR_CPUS] __aligned(16);
/* Per CPU: the frame each guest page of the area maps (0: the zero page). */
static unsigned long gdt_guest_mfn[NR_CPUS][GDT_RESERVED_PAGE];
static pte_t ldt_area_l1[LDT_L1_PAGES][512] __aligned(PAGE_SIZE);
/* Per CPU: the frame each page of the LDT area maps (0: none). */
static unsigned long ldt_guest_mfn[NR_CPUS][LDT_AREA_PAGES];

extern pte_t boot_l3_xen[512];

/* Descriptors are marked accessed up front: the CPU never writes them. */
#define DESC_CODE64_R0 0x00af9b000000ffffUL
#define DESC_DATA_R0   0x00cf93000000ffffUL
#define DESC_CODE32_R0 0x00cf9b000000ffffUL
#define DESC_CODE32_R3 0x00cffb000000ffffUL
#define DESC_DATA_R3   0x00cff3000000ffffUL
#define DESC_CODE64_R3 0x00affb000000ffffUL
#define DESC_CODE32_R1 0x00cfbb000000ffffUL
#define DESC_DATA_R1   0x00cfb3000000ffffUL

static unsigned long gdt_area(unsigned int cpu)
{
    return GDT_AREA_VIRT_START + cpu * GDT_AREA_SIZE;
}

static unsigned long ldt_area(unsigned int cpu)
{
    return LDT_AREA_VIRT_START + cpu * LDT_AREA_SIZE;
}

static void map_gdt_area(unsigned int cpu)
{
    unsigned long va = gdt_area(cpu);
    unsigned int first = cpu * GDT_AREA_PAGES;
    unsigned long nx = rdmsr(MSR_EFER) & EFER_NXE ? _PAGE_NX : 0;

    BUILD_BUG_ON(GDT_AREA_PAGES * PAGE_SIZE != GDT_AREA_SIZE);
    BUILD_BUG_ON(NR_CPUS * GDT_AREA_SIZE > L3_PAGE_SIZE);
    BUILD_BUG_ON(
        LDT_AREA_VIRT_START % L2_PAGE_SIZE ||
        NR_CPUS * GDT_AREA_SIZE > LDT_AREA_VIRT_START - GDT_AREA_VIRT_START ||
        l3_table_offset(LDT_AREA_VIRT_START + NR_CPUS * LDT_AREA_SIZE - 1) !=
            l3_table_offset(GDT_AREA_VIRT_START));
    if ( !(boot_l3_xen[l3_table_offset(GDT_AREA_VIRT_START)] & _PAGE_PRESENT) )
    {
        for ( unsigned int i = 0; i < AREA_L1_PAGES; i++ )
            gdt_area_l2[i] = virt_to_maddr(gdt_area_l1[i]) | _PAGE_PRESENT |
                             _PAGE_RW;
        for ( unsigned int i = 0; i < LDT_L1_PAGES; i++ )
            gdt_area_l2[l2_table_offset(LDT_AREA_VIRT_START) + i] =
                virt_to_maddr(ldt_area_l1[i]) | _PAGE_PRESENT | _PAGE_RW;
        boot_l3_xen[l3_table_offset(GDT_AREA_VIRT_START)] =
            virt_to_maddr(gdt_area_l2) | _PAGE_PRESENT | _PAGE_RW;
    }
    for ( unsigned int i = 0; i < GDT_AREA_PAGES; i++ )
    {
        unsigned int slot = first + i;
        pte_t pte = i == GDT_RESERVED_PAGE
                        ? virt_to_maddr(gdt_reserved[cpu]) | _PAGE_RW
                        : virt_to_maddr(zero_page);

        gdt_area_l1[slot / 512][slot % 512] = pte | _PAGE_PRESENT |
                                              _PAGE_ACCESSED | _PAGE_DIRTY |
                                              nx;
        invlpg((void *)(va + i * PAGE_SIZE));
    }
}

static pte_t *gdt_area_pte(unsigned int cpu, unsigned int page)
{
    unsigned int slot = cpu * GDT_AREA_PAGES + page;

    return &gdt_area_l1[slot / 512][slot % 512];
}

/*
 * The frames are mapped writable: the CPU sets the accessed bit of each
 * descriptor it loads, a supervisor write even when the guest loads it.
 * The guest itself cannot write them, as they are typed PGT_seg_desc_page.
 * Only the pages whose frame changes are remapped, so switching between
 * vCPUs without a GDT of their own costs nothing.
 */
void load_guest_gdt(const unsigned long *frames, unsigned int nr)
{
    unsigned int cpu = smp_processor_id();
    unsigned long va = gdt_area(cpu);
    unsigned long nx = rdmsr(MSR_EFER) & EFER_NXE ? _PAGE_NX : 0;

    ASSERT(nr <= GDT_RESERVED_PAGE);
    for ( unsigned int i = 0; i < GDT_RESERVED_PAGE; i++ )
    {
        unsigned long mfn = i < nr ? frames[i] : 0;
        pte_t pte = mfn ? mfn_to_maddr(_mfn(mfn)) | _PAGE_RW
                        : virt_to_maddr(zero_page);

        if ( gdt_guest_mfn[cpu][i] == mfn )
            continue;
        gdt_guest_mfn[cpu][i] = mfn;
        *gdt_area_pte(cpu, i) = pte | _PAGE_PRESENT | _PAGE_ACCESSED |
                                _PAGE_DIRTY | nx;
        invlpg((void *)(va + i * PAGE_SIZE));
    }
}

void load_gdt_kind(bool compat)
{
    unsigned int cpu = smp_processor_id();
    unsigned long nx = rdmsr(MSR_EFER) & EFER_NXE ? _PAGE_NX : 0;
    const uint64_t *page = compat ? gdt_reserved_compat[cpu]
                                  : gdt_reserved[cpu];

    if ( gdt_compat_mapped[cpu] == compat )
        return;
    gdt_compat_mapped[cpu] = compat;
    *gdt_area_pte(cpu, GDT_RESERVED_PAGE) = virt_to_maddr(page) |
                                            _PAGE_PRESENT | _PAGE_RW |
                                            _PAGE_ACCESSED | _PAGE_DIRTY | nx;
    invlpg((void *)(gdt_area(cpu) + GDT_RESERVED_PAGE * PAGE_SIZE));
}

/* Maps mfn (0: nothing) at page `page` of this CPU's LDT area. */
static void set_ldt_page(unsigned int cpu, unsigned int page,
                         unsigned long mfn)
{
    unsigned int slot = cpu * LDT_AREA_PAGES + page;
    unsigned long nx = rdmsr(MSR_EFER) & EFER_NXE ? _PAGE_NX : 0;

    if ( ldt_guest_mfn[cpu][page] == mfn )
        return;
    ldt_guest_mfn[cpu][page] = mfn;
    /* Writable for the same reason as the GDT's: accessed bits. */
    ldt_area_l1[slot / 512][slot % 512] = mfn ? mfn_to_maddr(_mfn(mfn)) |
                                                    _PAGE_PRESENT | _PAGE_RW |
                                                    _PAGE_ACCESSED |
                                                    _PAGE_DIRTY | nx
                                              : 0;
    invlpg((void *)(ldt_area(cpu) + page * PAGE_SIZE));
}

void load_guest_ldt(const unsigned long *frames, unsigned int ents)
{
    unsigned int cpu = smp_processor_id();
    unsigned int nr = DIV_ROUND_UP(ents * 8, PAGE_SIZE);
    unsigned int slot = (LDT_SELECTOR >> 3) - GDT_RESERVED_FIRST;
    unsigned long base = ldt_area(cpu), limit = ents * 8 - 1;

    ASSERT(ents <= LDT_AREA_SIZE / 8);
    for ( unsigned int i = 0; i < LDT_AREA_PAGES; i++ )
        set_ldt_page(cpu, i, i < nr ? frames[i] : 0);
    if ( !ents )
    {
        __asm__ __volatile__("lldt %w0" : : "r"(0));
        return;
    }
    /*
     * A 64-bit LDT descriptor (type 2, present, DPL 0): two entries, in
     * both GDT pages, as a later switch of page must find it there.
     */
    gdt_reserved[cpu][slot] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                              (0x82UL << 40) | ((limit >> 16 & 0xf) << 48) |
                              ((base >> 24 & 0xff) << 56);
    gdt_reserved[cpu][slot + 1] = base >> 32;
    gdt_reserved_compat[cpu][slot] = gdt_reserved[cpu][slot];
    gdt_reserved_compat[cpu][slot + 1] = gdt_reserved[cpu][slot + 1];
    __asm__ __volatile__("lldt %w0" : : "r"(LDT_SELECTOR) : "memory");
}

void map_guest_ldt_page(unsigned int page, unsigned long mfn)
{
    ASSERT(page < LDT_AREA_PAGES);
    set_ldt_page(smp_processor_id(), page, mfn);
}

bool in_ldt_area(unsigned long va, unsigned int *offset)
{
    unsigned long base = ldt_area(smp_processor_id());

    if ( va < base || va - base >= LDT_AREA_SIZE )
        return false;
    *offset = va - base;
    return true;
}

void percpu_desc_init(unsigned int cpu, unsigned long stack_base)
{
    uint64_t *gdt = gdt_reserved[cpu];
    struct tss64 *tss = &tss_table[cpu];
    unsigned long t = (unsigned long)tss;
    struct cpu_info *info = (void *)(stack_base + STACK_SIZE - CPUINFO_SIZE);
    /* The limit ends with the hypervisor's page: nothing lies beyond. */
    struct desc_ptr gdtr = { (GDT_RESERVED_PAGE + 1) * PAGE_SIZE - 1,
                             gdt_area(cpu) };

    memset(tss, 0, sizeof(*tss));
    BUILD_BUG_ON(sizeof(struct cpu_info) > CPUINFO_SIZE);
    BUILD_BUG_ON(CPUINFO_SIZE % 16 ||
                 offsetof(struct cpu_info, guest_cpu_user_regs.es) % 16);
    /* Frames from guest mode end right below es (see asm/current.h). */
    tss->rsp[0] = (unsigned long)&info->guest_cpu_user_regs.es;
    tss->ist[IST_DF - 1] = IST_STACK_TOP(stack_base, IST_DF);
    tss->ist[IST_NMI - 1] = IST_STACK_TOP(stack_base, IST_NMI);
    tss->ist[IST_MC - 1] = IST_STACK_TOP(stack_base, IST_MC);
    tss->ist[IST_DB - 1] = IST_STACK_TOP(stack_base, IST_DB);
    tss->iomap_base = sizeof(*tss); /* no I/O bitmap */

#define ENTRY(sel) gdt[((sel) >> 3) - GDT_RESERVED_FIRST]
    memset(gdt, 0, PAGE_SIZE);
    ENTRY(__HYPERVISOR_CS) = DESC_CODE64_R0;
    ENTRY(__HYPERVISOR_DS) = DESC_DATA_R0;
    ENTRY(__HYPERVISOR_CS32) = DESC_CODE32_R0;
    ENTRY(__GUEST_CS32) = DESC_CODE32_R3;
    ENTRY(__GUEST_DS) = DESC_DATA_R3;
    ENTRY(__GUEST_CS64) = DESC_CODE64_R3;
    /* A 64-bit available TSS takes two entries. */
    ENTRY(TSS_SELECTOR) = (sizeof(*tss) - 1) | ((t & 0xffffff) << 16) |
                          (0x89UL << 40) | ((t >> 24 & 0xff) << 56);
    gdt[(TSS_SELECTOR >> 3) - GDT_RESERVED_FIRST + 1] = t >> 32;
    /*
     * The compat page: the same, before LTR marks the TSS busy in the
     * native one (the TR already loaded is not read from the GDT again).
     */
    gdt = gdt_reserved_compat[cpu];
    memcpy(gdt, gdt_reserved[cpu], PAGE_SIZE);
    ENTRY(COMPAT_RING1_CS) = DESC_CODE32_R1;
    ENTRY(COMPAT_RING1_DS) = DESC_DATA_R1;
    ENTRY(COMPAT_RING3_CS) = DESC_CODE32_R3;
    ENTRY(COMPAT_RING3_DS) = DESC_DATA_R3;
#undef ENTRY
    gdt_compat_mapped[cpu] = false;
    map_gdt_area(cpu);

    __asm__ __volatile__("lgdt %0" : : "m"(gdtr));
    __asm__ __volatile__("ltr %w0" : : "r"(TSS_SELECTOR));
    /*
     * No LDT until a vCPU sets one: the LDTR a CPU comes out of reset
     * with (base 0, limit 0xffff) would make whatever a guest maps at
     * linear 0 its LDT, call gates to ring 0 and all.
     */
    __asm__ __volatile__("lldt %w0" : : "r"(0));
    /* Reload CS and the data segments from the new GDT. */
    __asm__ __volatile__("pushq %0; lea 1f(%%rip), %%rax; push %%rax;"
                         "lretq; 1:"
                         :
                         : "i"(__HYPERVISOR_CS)
                         : "rax", "memory");
    __asm__ __volatile__("mov %0, %%ds; mov %0, %%es; mov %0, %%ss"
                         :
                         : "r"(__HYPERVISOR_DS));
}
