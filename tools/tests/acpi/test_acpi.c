/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for drivers/acpi/tables.c on iasl-built tables in fake memory. */
#include <stdlib.h>
#include <xen/acpi.h>
#include <xen/errno.h>
#include "check.h"

#define PHYS_SIZE   0x200000
#define DSDT_PA     0x100000
#define FADT_PA     0x101000
#define MADT_PA     0x102000
#define HPET_PA     0x103000
#define XSDT_PA     0x104000
#define RSDT_PA     0x105000
#define RSDP_PA     0x0f0010

static unsigned char *phys;
static struct { unsigned char *data; size_t len; } aml[4];
enum { DSDT, MADT, FADT, HPET };
static struct acpi_info info;

void *acpi_map(paddr_t pa, size_t len)
{
    if ( pa > PHYS_SIZE || len > PHYS_SIZE - pa )
        return NULL;
    return phys + pa;
}

static void load(unsigned int which, const char *dir, const char *name)
{
    char path[256];
    FILE *f;
    long n;

    snprintf(path, sizeof(path), "%s/%s.aml", dir, name);
    f = fopen(path, "rb");
    if ( !f )
    {
        printf("FAIL: setup: cannot open %s\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    aml[which].data = malloc(n);
    aml[which].len = fread(aml[which].data, 1, n, f);
    fclose(f);
}

static struct acpi_table_header *hdr(paddr_t pa)
{
    return (void *)(phys + pa);
}

static void fix_checksum(paddr_t pa)
{
    struct acpi_table_header *h = hdr(pa);
    unsigned char sum = 0;
    uint32_t i;

    h->checksum = 0;
    for ( i = 0; i < h->length; i++ )
        sum += phys[pa + i];
    h->checksum = -sum;
}

static void put_table(unsigned int which, paddr_t pa)
{
    memcpy(phys + pa, aml[which].data, aml[which].len);
}

static void make_root(paddr_t pa, const char *sig, const paddr_t *ents,
                      unsigned int n)
{
    struct acpi_table_header *h = hdr(pa);
    unsigned int size = !strcmp(sig, "XSDT") ? 8 : 4, i;

    memset(h, 0, sizeof(*h));
    memcpy(h->signature, sig, 4);
    h->length = sizeof(*h) + n * size;
    h->revision = 1;
    memcpy(h->oem_id, "XENTST", 6);
    for ( i = 0; i < n; i++ )
        memcpy(phys + pa + sizeof(*h) + i * size, &ents[i], size);
    fix_checksum(pa);
}

static void make_rsdp(paddr_t pa, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
    struct acpi_rsdp *r = (void *)(phys + pa);
    unsigned char sum = 0;
    unsigned int i;

    memset(r, 0, sizeof(*r));
    memcpy(r->signature, "RSD PTR ", 8);
    memcpy(r->oem_id, "XENTST", 6);
    r->revision = rev;
    r->rsdt_address = rsdt;
    if ( rev >= 2 )
    {
        r->length = sizeof(*r);
        r->xsdt_address = xsdt;
    }
    for ( i = 0; i < ACPI_RSDP_V1_SIZE; i++ )
        sum += ((unsigned char *)r)[i];
    r->checksum = -sum;
    if ( rev >= 2 )
    {
        sum = 0;
        for ( i = 0; i < sizeof(*r); i++ )
            sum += ((unsigned char *)r)[i];
        r->extended_checksum = -sum;
    }
}

/* The whole set: DSDT, FADT pointing at it, MADT, HPET, XSDT+RSDT, RSDP. */
static void build(void)
{
    static const paddr_t ents[] = { FADT_PA, MADT_PA, HPET_PA };
    struct acpi_fadt *fadt = (void *)(phys + FADT_PA);

    memset(phys, 0, PHYS_SIZE);
    put_table(DSDT, DSDT_PA);
    put_table(FADT, FADT_PA);
    fadt->dsdt = DSDT_PA;
    fadt->x_dsdt = DSDT_PA;
    fix_checksum(FADT_PA);
    put_table(MADT, MADT_PA);
    put_table(HPET, HPET_PA);
    make_root(XSDT_PA, "XSDT", ents, 3);
    make_root(RSDT_PA, "RSDT", ents, 3);
    make_rsdp(RSDP_PA, 2, RSDT_PA, XSDT_PA);
}

static void test_discovery(void)
{
    CASE("iasl-built tables have valid checksums")
    {
        unsigned int i;

        for ( i = 0; i < 4; i++ )
        {
            unsigned char sum = 0;
            size_t j;

            for ( j = 0; j < aml[i].len; j++ )
                sum += aml[i].data[j];
            CHECK_EQ(sum, 0);
        }
    }

    CASE("RSDP found in the BIOS area; XSDT preferred for revision 2")
    {
        build();
        CHECK_EQ(acpi_find_rsdp(), RSDP_PA);
        CHECK_EQ(acpi_init(NULL, 0, &info), 0);
        CHECK(info.xsdt);
        CHECK_EQ(info.rsdp_revision, 2);
        CHECK_STR(info.oem_id, "XENTST");
        CHECK(info.madt.present && info.fadt.present && info.hpet.present);
        CHECK(acpi_get_table("APIC", 0) == (void *)(phys + MADT_PA));
        CHECK(acpi_get_table("APIC", 1) == NULL);
        CHECK(acpi_get_table("SSDT", 0) == NULL);
    }

    CASE("RSDP in the EBDA is found first")
    {
        build();
        *(uint16_t *)(phys + 0x40e) = 0x9fc0;
        make_rsdp(0x9fc00 + 0x40, 2, RSDT_PA, XSDT_PA);
        CHECK_EQ(acpi_find_rsdp(), 0x9fc40);
        CHECK_EQ(acpi_init(NULL, 0, &info), 0);
        CHECK(info.madt.present);
    }

    CASE("RSDP with a bad checksum is skipped; a later good one is used")
    {
        build();
        make_rsdp(0xe0000, 2, RSDT_PA, XSDT_PA);
        phys[0xe0000 + 8]++;
        CHECK_EQ(acpi_find_rsdp(), RSDP_PA);
        /* A bad extended checksum disqualifies a 2.0 RSDP too. */
        make_rsdp(0xe0000, 2, RSDT_PA, XSDT_PA);
        phys[0xe0000 + 33]++;
        CHECK_EQ(acpi_find_rsdp(), RSDP_PA);
    }

    CASE("RSDP handed over by multiboot2 (a copy) is used")
    {
        unsigned char copy[36];

        build();
        memcpy(copy, phys + RSDP_PA, sizeof(copy));
        memset(phys + RSDP_PA, 0, 36);
        CHECK_EQ(acpi_find_rsdp(), 0);
        CHECK_EQ(acpi_init(copy, sizeof(copy), &info), 0);
        CHECK(info.xsdt && info.madt.present);
        /* An ACPI 1.0 copy (20 bytes) leads to the RSDT. */
        make_rsdp(RSDP_PA, 0, RSDT_PA, 0);
        memcpy(copy, phys + RSDP_PA, 20);
        memset(phys + RSDP_PA, 0, 36);
        CHECK_EQ(acpi_init(copy, 20, &info), 0);
        CHECK(!info.xsdt && info.madt.present);
        /* A bad copy falls back to searching memory (nothing there). */
        copy[0] = 'X';
        harness_log_clear();
        CHECK_EQ(acpi_init(copy, 20, &info), -ENODEV);
        CHECK_LOG("invalid");
        CHECK_LOG("no RSDP found");
    }

    CASE("revision 0 RSDP uses the RSDT")
    {
        build();
        make_rsdp(RSDP_PA, 0, RSDT_PA, 0);
        CHECK_EQ(acpi_init(NULL, 0, &info), 0);
        CHECK(!info.xsdt);
        CHECK(info.madt.present && info.fadt.present && info.hpet.present);
    }

    CASE("corrupt XSDT: warning, fall back to the RSDT")
    {
        build();
        phys[XSDT_PA + 40]++;
        harness_log_clear();
        CHECK_EQ(acpi_init(NULL, 0, &info), 0);
        CHECK(!info.xsdt && info.madt.present);
        CHECK_LOG("XSDT table at 0x104000 has a bad checksum");
    }

    CASE("no RSDP, or no usable root table: -ENODEV")
    {
        memset(phys, 0, PHYS_SIZE);
        CHECK_EQ(acpi_init(NULL, 0, &info), -ENODEV);
        build();
        phys[XSDT_PA + 40]++;
        phys[RSDT_PA + 40]++;
        CHECK_EQ(acpi_init(NULL, 0, &info), -ENODEV);
        /* Root table pointer outside memory. */
        build();
        make_rsdp(RSDP_PA, 2, 0x7fff0000, 0x7fff0000);
        CHECK_EQ(acpi_init(NULL, 0, &info), -ENODEV);
        CHECK_LOG("cannot be mapped");
    }
}

static void test_madt(void)
{
    CASE("MADT: CPUs, flags, x2APIC, IO-APICs, overrides, NMIs")
    {
        const struct acpi_madt_info *m = &info.madt;

        build();
        CHECK_EQ(acpi_init(NULL, 0, &info), 0);
        CHECK(m->present && m->pcat_compat);
        CHECK_EQ(m->nr_cpus, 5);
        CHECK_EQ(m->nr_enabled_cpus, 3);
        CHECK(m->cpus[0].apic_id == 0 && m->cpus[0].enabled);
        CHECK(m->cpus[1].apic_id == 2 && m->cpus[1].uid == 1);
        CHECK(!m->cpus[2].enabled && m->cpus[2].online_capable);
        CHECK(!m->cpus[3].enabled && !m->cpus[3].online_capable);
        CHECK(m->cpus[4].x2apic && m->cpus[4].apic_id == 0x100 &&
              m->cpus[4].uid == 0x10 && m->cpus[4].enabled);
        CHECK_EQ(m->nr_ioapics, 2);
        CHECK(m->ioapics[0].id == 8 && m->ioapics[0].address == 0xfec00000 &&
              m->ioapics[0].gsi_base == 0);
        CHECK(m->ioapics[1].id == 9 && m->ioapics[1].gsi_base == 24);
        CHECK_EQ(m->nr_overrides, 2);
        CHECK(m->overrides[0].source == 0 && m->overrides[0].gsi == 2);
        CHECK(m->overrides[1].source == 9 && m->overrides[1].flags == 0xf);
        CHECK_EQ(m->nr_nmi_sources, 1);
        CHECK(m->nmi_sources[0].gsi == 1 && m->nmi_sources[0].flags == 0xd);
        CHECK_EQ(m->nr_lapic_nmis, 2);
        CHECK(m->lapic_nmis[0].uid == ~0U && m->lapic_nmis[0].lint == 1);
        CHECK(m->lapic_nmis[1].uid == 0x10);
        /* The 64-bit override replaces the 32-bit address. */
        CHECK_EQ(m->lapic_address, 0xfee10000);
    }

    CASE("MADT with a bad checksum is rejected with a warning")
    {
        build();
        phys[MADT_PA + 50] ^= 0x40;
        harness_log_clear();
        CHECK_EQ(acpi_init(NULL, 0, &info), 0);
        CHECK(!info.madt.present);
        CHECK_LOG("APIC table at 0x102000 has a bad checksum");
        CHECK_LOG("no valid MADT");
        CHECK(info.fadt.present);
    }

    CASE("missing MADT: caller sees present=false and -ENOENT")
    {
        static const paddr_t ents[] = { FADT_PA, HPET_PA };
        struct acpi_madt_info m;

        build();
        make_root(XSDT_PA, "XSDT", ents, 2);
        harness_log_clear();
        CHECK_EQ(acpi_init(NULL, 0, &info), 0);
        CHECK(!info.madt.present && info.madt.nr_cpus == 0);
        CHECK_LOG("no valid MADT");
        CHECK_EQ(acpi_parse_madt(acpi_get_table("APIC", 0), &m), -ENOENT);
    }

    CASE("MADT length running past memory, or shorter than a header")
    {
        build();
        hdr(MADT_PA)->length = PHYS_SIZE;
        harness_log_clear();
        acpi_init(NULL, 0, &info);
        CHECK(!info.madt.present);
        CHECK_LOG("is truncated");
        build();
        hdr(MADT_PA)->length = 20;
        harness_log_clear();
        acpi_init(NULL, 0, &info);
        CHECK(!info.madt.present);
        CHECK_LOG("bad length");
    }

    CASE("MADT subtable running past the table: earlier entries kept")
    {
        build();
        /* Cut the table in the middle of the third LAPIC entry. */
        hdr(MADT_PA)->length = 44 + 8 + 8 + 4;
        fix_checksum(MADT_PA);
        harness_log_clear();
        CHECK_EQ(acpi_init(NULL, 0, &info), 0);
        CHECK(info.madt.present);
        CHECK_EQ(info.madt.nr_cpus, 2);
        CHECK_LOG("runs past the table");
        /* A zero-length subtable must not loop forever. */
        build();
        phys[MADT_PA + 44 + 8 + 1] = 0;
        fix_checksum(MADT_PA);
        CHECK_EQ(acpi_init(NULL, 0, &info), 0);
        CHECK_EQ(info.madt.nr_cpus, 1);
    }

    CASE("MADT subtable shorter than its type needs is skipped")
    {
        build();
        /* Claim the first LAPIC entry is 4 bytes: skipped, and the
         * next "entry" starts mid-way; parsing must stay in bounds. */
        phys[MADT_PA + 44 + 1] = 4;
        fix_checksum(MADT_PA);
        harness_log_clear();
        CHECK_EQ(acpi_init(NULL, 0, &info), 0);
        CHECK_LOG("too short");
    }
}

static void test_fadt_hpet(void)
{
    CASE("FADT: PM blocks, SCI, reset register, century, boot flags")
    {
        const struct acpi_fadt_info *f = &info.fadt;

        build();
        CHECK_EQ(acpi_init(NULL, 0, &info), 0);
        CHECK(f->present);
        CHECK_EQ(f->revision, 6);
        CHECK_EQ(f->sci_interrupt, 9);
        CHECK_EQ(f->smi_command, 0xb2);
        CHECK(f->acpi_enable == 0xf1 && f->acpi_disable == 0xf0);
        CHECK(f->pm1a_control.space_id == ACPI_SPACE_IO &&
              f->pm1a_control.address == 0x604);
        CHECK_EQ(f->pm1a_event.address, 0x600);
        CHECK_EQ(f->pm1b_control.address, 0);
        CHECK_EQ(f->pm_timer.address, 0x608);
        CHECK(f->reset_supported);
        CHECK(f->reset_register.space_id == ACPI_SPACE_IO &&
              f->reset_register.address == 0xcf9);
        CHECK_EQ(f->reset_value, 6);
        CHECK_EQ(f->century, 0x32);
        CHECK_EQ(f->boot_flags, ACPI_FADT_LEGACY_DEVICES | ACPI_FADT_8042);
        CHECK(f->flags & ACPI_FADT_32BIT_TIMER);
        CHECK_EQ(f->dsdt, DSDT_PA);
    }

    CASE("DSDT \\_S5 package gives SLP_TYPa/b")
    {
        build();
        CHECK_EQ(acpi_init(NULL, 0, &info), 0);
        CHECK(info.fadt.s5_valid);
        CHECK_EQ(info.fadt.slp_typa, 5);
        CHECK_EQ(info.fadt.slp_typb, 7);
    }

    CASE("ACPI 1.0 FADT: 32-bit blocks used, no reset register")
    {
        struct acpi_fadt *fadt;

        build();
        fadt = (void *)(phys + FADT_PA);
        fadt->header.length = 116;
        fadt->header.revision = 1;
        fadt->pm1a_control_block = 0x804;
        fix_checksum(FADT_PA);
        CHECK_EQ(acpi_init(NULL, 0, &info), 0);
        CHECK(info.fadt.present && !info.fadt.reset_supported);
        CHECK(info.fadt.pm1a_control.address == 0x804 &&
              info.fadt.pm1a_control.bit_width == 16);
        CHECK(info.fadt.s5_valid);
        /* Too short to hold the flags: rejected. */
        fadt->header.length = 100;
        fix_checksum(FADT_PA);
        harness_log_clear();
        acpi_init(NULL, 0, &info);
        CHECK(!info.fadt.present);
        CHECK_LOG("FADT too short");
    }

    CASE("DSDT missing or corrupt: no S5, warning")
    {
        build();
        phys[DSDT_PA + 40] ^= 1;
        harness_log_clear();
        CHECK_EQ(acpi_init(NULL, 0, &info), 0);
        CHECK(info.fadt.present && !info.fadt.s5_valid);
        CHECK_LOG("DSDT table at 0x100000 has a bad checksum");
        CHECK_LOG("no \\_S5");
    }

    CASE("_S5_ AML encodings: root prefix, Zero/One, word prefix")
    {
        static const uint8_t a[] = { 0x10, 0x08, '\\', '_', 'S', '5', '_',
                                     0x12, 0x06, 0x04, 0x00, 0x01, 0x00,
                                     0x00 };
        static const uint8_t b[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x40,
                                     0x00, 0x02, 0x0b, 0x03, 0x00, 0x0a,
                                     0x04 };
        /* Not a name definition, and a truncated package. */
        static const uint8_t c[] = { 0x70, '_', 'S', '5', '_', 0x12, 0x06,
                                     0x04, 0x0a, 0x05, 0x08, '_', 'S', '5',
                                     '_', 0x12, 0x06, 0x04, 0x0a };
        uint8_t x = 99, y = 99;

        CHECK(acpi_find_s5(a, sizeof(a), &x, &y) && x == 0 && y == 1);
        CHECK(acpi_find_s5(b, sizeof(b), &x, &y) && x == 3 && y == 4);
        CHECK(!acpi_find_s5(c, sizeof(c), &x, &y));
        CHECK(!acpi_find_s5(a, 9, &x, &y));
        CHECK(!acpi_find_s5(a, 0, &x, &y));
    }

    CASE("HPET: address, comparators, counter size, legacy, min tick")
    {
        const struct acpi_hpet_info *h = &info.hpet;

        build();
        CHECK_EQ(acpi_init(NULL, 0, &info), 0);
        CHECK(h->present);
        CHECK_EQ(h->address, 0xfed00000);
        CHECK_EQ(h->comparators, 3);
        CHECK(h->counter_64bit && h->legacy_route);
        CHECK_EQ(h->vendor, 0x8086);
        CHECK_EQ(h->minimum_tick, 0x80);
    }

    CASE("HPET in I/O space or truncated is rejected")
    {
        struct acpi_hpet *hp;

        build();
        hp = (void *)(phys + HPET_PA);
        hp->address.space_id = ACPI_SPACE_IO;
        fix_checksum(HPET_PA);
        harness_log_clear();
        acpi_init(NULL, 0, &info);
        CHECK(!info.hpet.present);
        CHECK_LOG("HPET table unusable");
        build();
        hp->header.length = 50;
        fix_checksum(HPET_PA);
        acpi_init(NULL, 0, &info);
        CHECK(!info.hpet.present);
    }
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "build";

    phys = calloc(1, PHYS_SIZE);
    load(DSDT, dir, "dsdt");
    load(MADT, dir, "madt");
    load(FADT, dir, "fadt");
    load(HPET, dir, "hpet");
    test_discovery();
    test_madt();
    test_fadt_hpet();
    return 0;
}
