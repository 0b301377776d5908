/* SPDX-License-Identifier: GPL-2.0-only */
/* ACPI static tables: layouts (from the ACPI spec) and what we extract. */
#ifndef XEN_ACPI_H
#define XEN_ACPI_H

#include <xen/compiler.h>
#include <xen/types.h>

/* ---- Table layouts ---- */

struct __packed acpi_table_header {
    char signature[4];
    uint32_t length; /* of the whole table, header included */
    uint8_t revision;
    uint8_t checksum; /* all bytes of the table sum to zero */
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    char asl_compiler_id[4];
    uint32_t asl_compiler_revision;
};

/* Root System Description Pointer; the 2.0+ fields follow rsdt_address. */
struct __packed acpi_rsdp {
    char signature[8]; /* "RSD PTR " */
    uint8_t checksum;  /* over the first 20 bytes */
    char oem_id[6];
    uint8_t revision; /* 0: ACPI 1.0, 2: 2.0 and later */
    uint32_t rsdt_address;
    uint32_t length;
    uint64_t xsdt_address;
    uint8_t extended_checksum; /* over length bytes */
    uint8_t reserved[3];
};

#define ACPI_RSDP_V1_SIZE 20

/* Generic Address Structure. */
struct __packed acpi_gas {
    uint8_t space_id;
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
};

#define ACPI_SPACE_MEMORY 0
#define ACPI_SPACE_IO     1

struct __packed acpi_madt {
    struct acpi_table_header header;
    uint32_t lapic_address;
    uint32_t flags;
};

#define ACPI_MADT_PCAT_COMPAT (1U << 0) /* dual 8259s present */

struct __packed acpi_subtable_header {
    uint8_t type;
    uint8_t length;
};

#define ACPI_MADT_LAPIC          0
#define ACPI_MADT_IOAPIC         1
#define ACPI_MADT_INT_OVERRIDE   2
#define ACPI_MADT_NMI_SOURCE     3
#define ACPI_MADT_LAPIC_NMI      4
#define ACPI_MADT_LAPIC_OVERRIDE 5
#define ACPI_MADT_X2APIC         9
#define ACPI_MADT_X2APIC_NMI     10

#define ACPI_MADT_ENABLED        (1U << 0)
#define ACPI_MADT_ONLINE_CAPABLE (1U << 1)

struct __packed acpi_madt_lapic {
    struct acpi_subtable_header header;
    uint8_t processor_id;
    uint8_t apic_id;
    uint32_t flags;
};

struct __packed acpi_madt_ioapic {
    struct acpi_subtable_header header;
    uint8_t id;
    uint8_t reserved;
    uint32_t address;
    uint32_t gsi_base;
};

struct __packed acpi_madt_int_override {
    struct acpi_subtable_header header;
    uint8_t bus;
    uint8_t source;
    uint32_t gsi;
    uint16_t flags; /* polarity bits 1:0, trigger bits 3:2 */
};

struct __packed acpi_madt_nmi_source {
    struct acpi_subtable_header header;
    uint16_t flags;
    uint32_t gsi;
};

struct __packed acpi_madt_lapic_nmi {
    struct acpi_subtable_header header;
    uint8_t processor_id; /* 0xff: all processors */
    uint16_t flags;
    uint8_t lint;
};

struct __packed acpi_madt_lapic_override {
    struct acpi_subtable_header header;
    uint16_t reserved;
    uint64_t address;
};

struct __packed acpi_madt_x2apic {
    struct acpi_subtable_header header;
    uint16_t reserved;
    uint32_t x2apic_id;
    uint32_t flags;
    uint32_t uid;
};

struct __packed acpi_madt_x2apic_nmi {
    struct acpi_subtable_header header;
    uint16_t flags;
    uint32_t uid; /* 0xffffffff: all processors */
    uint8_t lint;
    uint8_t reserved[3];
};

/* Fixed ACPI Description Table, as of ACPI 6; older ones are shorter. */
struct __packed acpi_fadt {
    struct acpi_table_header header;
    uint32_t facs;
    uint32_t dsdt;
    uint8_t reserved0;
    uint8_t preferred_profile;
    uint16_t sci_interrupt;
    uint32_t smi_command;
    uint8_t acpi_enable;
    uint8_t acpi_disable;
    uint8_t s4bios_request;
    uint8_t pstate_control;
    uint32_t pm1a_event_block;
    uint32_t pm1b_event_block;
    uint32_t pm1a_control_block;
    uint32_t pm1b_control_block;
    uint32_t pm2_control_block;
    uint32_t pm_timer_block;
    uint32_t gpe0_block;
    uint32_t gpe1_block;
    uint8_t pm1_event_length;
    uint8_t pm1_control_length;
    uint8_t pm2_control_length;
    uint8_t pm_timer_length;
    uint8_t gpe0_block_length;
    uint8_t gpe1_block_length;
    uint8_t gpe1_base;
    uint8_t cst_control;
    uint16_t c2_latency;
    uint16_t c3_latency;
    uint16_t flush_size;
    uint16_t flush_stride;
    uint8_t duty_offset;
    uint8_t duty_width;
    uint8_t day_alarm;
    uint8_t month_alarm;
    uint8_t century;
    uint16_t boot_flags; /* IA-PC boot architecture flags */
    uint8_t reserved1;
    uint32_t flags;
    struct acpi_gas reset_register; /* from here: ACPI 2.0+ */
    uint8_t reset_value;
    uint16_t arm_boot_flags;
    uint8_t minor_revision;
    uint64_t x_facs;
    uint64_t x_dsdt;
    struct acpi_gas x_pm1a_event_block;
    struct acpi_gas x_pm1b_event_block;
    struct acpi_gas x_pm1a_control_block;
    struct acpi_gas x_pm1b_control_block;
    struct acpi_gas x_pm2_control_block;
    struct acpi_gas x_pm_timer_block;
    struct acpi_gas x_gpe0_block;
    struct acpi_gas x_gpe1_block;
    struct acpi_gas sleep_control;
    struct acpi_gas sleep_status;
    uint64_t hypervisor_id;
};

/* boot_flags */
#define ACPI_FADT_LEGACY_DEVICES (1U << 0)
#define ACPI_FADT_8042           (1U << 1)
#define ACPI_FADT_NO_VGA         (1U << 2)
#define ACPI_FADT_NO_MSI         (1U << 3)
#define ACPI_FADT_NO_ASPM        (1U << 4)
#define ACPI_FADT_NO_CMOS_RTC    (1U << 5)
/* flags */
#define ACPI_FADT_32BIT_TIMER    (1U << 8)
#define ACPI_FADT_RESET_REGISTER (1U << 10)
#define ACPI_FADT_HW_REDUCED     (1U << 20)

struct __packed acpi_hpet {
    struct acpi_table_header header;
    uint32_t id; /* event timer block ID */
    struct acpi_gas address;
    uint8_t sequence;
    uint16_t minimum_tick;
    uint8_t flags; /* page protection */
};

/* ---- What we extract ---- */

#define ACPI_MAX_CPUS      256
#define ACPI_MAX_IOAPICS   16
#define ACPI_MAX_OVERRIDES 24
#define ACPI_MAX_NMIS      16

struct acpi_cpu {
    uint32_t apic_id;
    uint32_t uid;        /* ACPI processor UID */
    bool enabled;        /* usable now */
    bool online_capable; /* disabled, but may be hot-added */
    bool x2apic;         /* from an x2APIC entry */
};

struct acpi_madt_info {
    bool present;
    bool pcat_compat;
    uint64_t lapic_address; /* with any 64-bit override applied */
    /* nr_* count every entry seen; at most ACPI_MAX_* are stored. */
    unsigned int nr_cpus, nr_enabled_cpus;
    struct acpi_cpu cpus[ACPI_MAX_CPUS];
    unsigned int nr_ioapics;
    struct {
        uint8_t id;
        uint32_t address;
        uint32_t gsi_base;
    } ioapics[ACPI_MAX_IOAPICS];
    unsigned int nr_overrides;
    struct {
        uint8_t bus, source;
        uint32_t gsi;
        uint16_t flags;
    } overrides[ACPI_MAX_OVERRIDES];
    unsigned int nr_nmi_sources;
    struct {
        uint32_t gsi;
        uint16_t flags;
    } nmi_sources[ACPI_MAX_NMIS];
    unsigned int nr_lapic_nmis;
    struct {
        uint32_t uid; /* ~0U: all processors */
        uint16_t flags;
        uint8_t lint;
    } lapic_nmis[ACPI_MAX_NMIS];
};

struct acpi_fadt_info {
    bool present;
    uint8_t revision;
    uint32_t flags;
    uint16_t boot_flags;
    uint16_t sci_interrupt;
    uint32_t smi_command;
    uint8_t acpi_enable, acpi_disable;
    /* 64-bit (X_) blocks when given, else the 32-bit I/O port ones. */
    struct acpi_gas pm1a_event, pm1b_event, pm1a_control, pm1b_control;
    struct acpi_gas pm_timer;
    uint8_t pm1_event_length;
    bool reset_supported;
    struct acpi_gas reset_register;
    uint8_t reset_value;
    uint8_t century; /* CMOS index; 0: none */
    paddr_t dsdt, facs;
    /* From the DSDT's \_S5 package: what to write to SLP_TYP for off. */
    bool s5_valid;
    uint8_t slp_typa, slp_typb;
};

struct acpi_hpet_info {
    bool present;
    uint64_t address;
    uint8_t sequence;
    uint8_t comparators;
    bool counter_64bit;
    bool legacy_route; /* legacy replacement routing capable */
    uint16_t vendor;
    uint16_t minimum_tick;
};

struct acpi_info {
    uint8_t rsdp_revision;
    bool xsdt; /* root table used is the XSDT */
    char oem_id[7];
    struct acpi_madt_info madt;
    struct acpi_fadt_info fadt;
    struct acpi_hpet_info hpet;
};

/*
 * Provided by the caller's environment: a pointer through which len bytes
 * of physical memory at pa can be read, or NULL if they can't be.
 */
void *acpi_map(paddr_t pa, size_t len);

/* Searches the EBDA and 0xE0000-0xFFFFF; 0 if there is no valid RSDP. */
paddr_t acpi_find_rsdp(void);

/*
 * Finds the root table (from rsdp, a copy of rsdp_len bytes such as
 * multiboot2 provides, or by searching when rsdp is NULL) and fills info
 * from the MADT, FADT (with DSDT) and HPET.  Returns -ENODEV if there is
 * no usable RSDP or root table.  A table that is missing or fails its
 * checks is reported and left with present = false; without a MADT the
 * caller should carry on with the boot CPU alone.
 */
int acpi_init(const void *rsdp, size_t rsdp_len, struct acpi_info *info);

/* The instance'th valid table with signature sig, after acpi_init(). */
const struct acpi_table_header *acpi_get_table(const char *sig,
                                               unsigned int instance);

/* The individual parsers: 0 or -ENOENT (table absent) / -EINVAL. */
int acpi_parse_madt(const struct acpi_table_header *t,
                    struct acpi_madt_info *madt);
int acpi_parse_fadt(const struct acpi_table_header *t,
                    struct acpi_fadt_info *fadt);
int acpi_parse_hpet(const struct acpi_table_header *t,
                    struct acpi_hpet_info *hpet);
/* Looks for Name(_S5_, Package() {a, b, ...}) in AML bytecode. */
bool acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa,
                  uint8_t *slp_typb);

#endif /* XEN_ACPI_H */
