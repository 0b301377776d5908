/* SPDX-License-Identifier: GPL-2.0-only */
/* Finding and checking ACPI tables, and extracting what boot needs. */
#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/string.h>

/* Anything longer is certainly corrupt; it also bounds what we map. */
#define ACPI_MAX_TABLE_LEN (16U << 20)

static struct {
    const struct acpi_table_header *table; /* RSDT or XSDT */
    unsigned int entry_size;               /* 4 or 8 */
    unsigned int nr_entries;
} root;

static uint8_t checksum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    while ( len-- )
        sum += *b++;
    return sum;
}

static bool rsdp_v1_valid(const struct acpi_rsdp *r)
{
    return !memcmp(r->signature, "RSD PTR ", 8) &&
           !checksum(r, ACPI_RSDP_V1_SIZE);
}

/* avail: how many bytes at r may be read. */
static bool rsdp_v2_valid(const struct acpi_rsdp *r, size_t avail)
{
    return r->revision >= 2 && avail >= sizeof(*r) &&
           r->length >= sizeof(*r) && r->length <= avail &&
           !checksum(r, r->length);
}

static void warn_table(const char *sig, paddr_t pa, const char *why)
{
    printk(XENLOG_WARNING "ACPI: %.4s table at %#llx %s, ignored\n", sig,
           (unsigned long long)pa, why);
}

/*
 * Maps a whole table and checks its length and checksum.  Returns NULL if
 * the table is unusable (reported) or its signature isn't sig (silent).
 */
static const struct acpi_table_header *map_table(paddr_t pa, const char *sig)
{
    const struct acpi_table_header *h = acpi_map(pa, sizeof(*h));
    uint32_t len;

    if ( !h )
    {
        warn_table(sig, pa, "cannot be mapped");
        return NULL;
    }
    if ( memcmp(h->signature, sig, 4) )
        return NULL;
    len = h->length;
    if ( len < sizeof(*h) || len > ACPI_MAX_TABLE_LEN )
    {
        warn_table(sig, pa, "has a bad length");
        return NULL;
    }
    h = acpi_map(pa, len);
    if ( !h )
    {
        warn_table(sig, pa, "is truncated");
        return NULL;
    }
    if ( checksum(h, len) )
    {
        warn_table(sig, pa, "has a bad checksum");
        return NULL;
    }
    return h;
}

static paddr_t root_entry(unsigned int i)
{
    const uint8_t *p = (const uint8_t *)(root.table + 1) + i * root.entry_size;
    uint64_t pa = 0;

    /* XSDT entries are only 4-byte aligned. */
    memcpy(&pa, p, root.entry_size);
    return pa;
}

const struct acpi_table_header *acpi_get_table(const char *sig,
                                               unsigned int instance)
{
    unsigned int i;

    for ( i = 0; i < root.nr_entries; i++ )
    {
        const struct acpi_table_header *t;
        const char *s;
        paddr_t pa = root_entry(i);

        if ( !pa || !(s = acpi_map(pa, 4)) || memcmp(s, sig, 4) )
            continue;
        t = map_table(pa, sig);
        if ( t && !instance-- )
            return t;
    }
    return NULL;
}

static bool scan_rsdp(paddr_t start, size_t len, paddr_t *found)
{
    const uint8_t *p = acpi_map(start, len);
    size_t off;

    if ( !p )
        return false;
    /* The RSDP sits on a 16-byte boundary. */
    for ( off = 0; off + ACPI_RSDP_V1_SIZE <= len; off += 16 )
    {
        const struct acpi_rsdp *r = (const void *)(p + off);

        if ( !rsdp_v1_valid(r) )
            continue;
        if ( r->revision >= 2 && !rsdp_v2_valid(r, len - off) )
            continue;
        *found = start + off;
        return true;
    }
    return false;
}

paddr_t acpi_find_rsdp(void)
{
    const uint16_t *ebda_seg = acpi_map(0x40e, sizeof(*ebda_seg));
    paddr_t ebda = ebda_seg ? (paddr_t)*ebda_seg << 4 : 0, found;

    /* The first KiB of the EBDA, then the BIOS read-only area. */
    if ( ebda >= 0x400 && ebda < 0xa0000 && scan_rsdp(ebda, 1024, &found) )
        return found;
    if ( scan_rsdp(0xe0000, 0x20000, &found) )
        return found;
    return 0;
}

static bool set_root(paddr_t pa, const char *sig, unsigned int entry_size)
{
    const struct acpi_table_header *t = pa ? map_table(pa, sig) : NULL;

    if ( !t )
        return false;
    root.table = t;
    root.entry_size = entry_size;
    root.nr_entries = (t->length - sizeof(*t)) / entry_size;
    return true;
}

/* ---- MADT ---- */

static void add_cpu(struct acpi_madt_info *m, uint32_t apic_id, uint32_t uid,
                    uint32_t flags, bool x2apic)
{
    struct acpi_cpu *c;

    if ( flags & ACPI_MADT_ENABLED )
        m->nr_enabled_cpus++;
    if ( m->nr_cpus++ >= ACPI_MAX_CPUS )
        return;
    c = &m->cpus[m->nr_cpus - 1];
    c->apic_id = apic_id;
    c->uid = uid;
    c->enabled = flags & ACPI_MADT_ENABLED;
    c->online_capable = !c->enabled && (flags & ACPI_MADT_ONLINE_CAPABLE);
    c->x2apic = x2apic;
}

/* Returns the next slot of an array of max entries, or NULL if it is full. */
#define NEXT_SLOT(arr, nr, max) ((nr)++ < (max) ? &(arr)[(nr)-1] : NULL)

int acpi_parse_madt(const struct acpi_table_header *t,
                    struct acpi_madt_info *m)
{
    const struct acpi_madt *madt = (const void *)t;
    const uint8_t *p, *end;

    memset(m, 0, sizeof(*m));
    if ( !t )
        return -ENOENT;
    if ( t->length < sizeof(*madt) )
    {
        printk(XENLOG_WARNING "ACPI: MADT too short\n");
        return -EINVAL;
    }
    m->present = true;
    m->lapic_address = madt->lapic_address;
    m->pcat_compat = madt->flags & ACPI_MADT_PCAT_COMPAT;

    end = (const uint8_t *)t + t->length;
    for ( p = (const uint8_t *)(madt + 1); p < end;
          p += ((const struct acpi_subtable_header *)p)->length )
    {
        const struct acpi_subtable_header *h = (const void *)p;
        size_t need = 0;

        if ( end - p < (ptrdiff_t)sizeof(*h) || h->length < sizeof(*h) ||
             h->length > end - p )
        {
            printk(XENLOG_WARNING "ACPI: MADT entry at offset %u runs past "
                                  "the table; ignoring the rest\n",
                   (unsigned int)(p - (const uint8_t *)t));
            break;
        }

        switch ( h->type )
        {
        case ACPI_MADT_LAPIC:
            need = sizeof(struct acpi_madt_lapic);
            break;
        case ACPI_MADT_IOAPIC:
            need = sizeof(struct acpi_madt_ioapic);
            break;
        case ACPI_MADT_INT_OVERRIDE:
            need = sizeof(struct acpi_madt_int_override);
            break;
        case ACPI_MADT_NMI_SOURCE:
            need = sizeof(struct acpi_madt_nmi_source);
            break;
        case ACPI_MADT_LAPIC_NMI:
            need = sizeof(struct acpi_madt_lapic_nmi);
            break;
        case ACPI_MADT_LAPIC_OVERRIDE:
            need = sizeof(struct acpi_madt_lapic_override);
            break;
        case ACPI_MADT_X2APIC:
            need = sizeof(struct acpi_madt_x2apic);
            break;
        case ACPI_MADT_X2APIC_NMI:
            need = sizeof(struct acpi_madt_x2apic_nmi);
            break;
        default:
            continue; /* other architectures' and newer entries */
        }
        if ( h->length < need )
        {
            printk(XENLOG_WARNING "ACPI: MADT entry type %u too short (%u)\n",
                   h->type, h->length);
            continue;
        }

        switch ( h->type )
        {
        case ACPI_MADT_LAPIC:
        {
            const struct acpi_madt_lapic *e = (const void *)h;

            add_cpu(m, e->apic_id, e->processor_id, e->flags, false);
            break;
        }

        case ACPI_MADT_X2APIC:
        {
            const struct acpi_madt_x2apic *e = (const void *)h;

            add_cpu(m, e->x2apic_id, e->uid, e->flags, true);
            break;
        }

        case ACPI_MADT_IOAPIC:
        {
            const struct acpi_madt_ioapic *e = (const void *)h;
            __typeof__(&m->ioapics[0]) s = NEXT_SLOT(m->ioapics, m->nr_ioapics,
                                                     ACPI_MAX_IOAPICS);

            if ( s )
            {
                s->id = e->id;
                s->address = e->address;
                s->gsi_base = e->gsi_base;
            }
            break;
        }

        case ACPI_MADT_INT_OVERRIDE:
        {
            const struct acpi_madt_int_override *e = (const void *)h;
            __typeof__(&m->overrides[0]) s = NEXT_SLOT(m->overrides,
                                                       m->nr_overrides,
                                                       ACPI_MAX_OVERRIDES);

            if ( s )
            {
                s->bus = e->bus;
                s->source = e->source;
                s->gsi = e->gsi;
                s->flags = e->flags;
            }
            break;
        }

        case ACPI_MADT_NMI_SOURCE:
        {
            const struct acpi_madt_nmi_source *e = (const void *)h;
            __typeof__(&m->nmi_sources[0]) s = NEXT_SLOT(m->nmi_sources,
                                                         m->nr_nmi_sources,
                                                         ACPI_MAX_NMIS);

            if ( s )
            {
                s->gsi = e->gsi;
                s->flags = e->flags;
            }
            break;
        }

        case ACPI_MADT_LAPIC_NMI:
        case ACPI_MADT_X2APIC_NMI:
        {
            const struct acpi_madt_lapic_nmi *l = (const void *)h;
            const struct acpi_madt_x2apic_nmi *x = (const void *)h;
            __typeof__(&m->lapic_nmis[0]) s = NEXT_SLOT(m->lapic_nmis,
                                                        m->nr_lapic_nmis,
                                                        ACPI_MAX_NMIS);

            if ( !s )
                break;
            if ( h->type == ACPI_MADT_LAPIC_NMI )
            {
                s->uid = l->processor_id == 0xff ? ~0U : l->processor_id;
                s->flags = l->flags;
                s->lint = l->lint;
            }
            else
            {
                s->uid = x->uid;
                s->flags = x->flags;
                s->lint = x->lint;
            }
            break;
        }

        case ACPI_MADT_LAPIC_OVERRIDE:
        {
            const struct acpi_madt_lapic_override *e = (const void *)h;

            m->lapic_address = e->address;
            break;
        }
        }
    }

    if ( m->nr_cpus > ACPI_MAX_CPUS || m->nr_ioapics > ACPI_MAX_IOAPICS ||
         m->nr_overrides > ACPI_MAX_OVERRIDES ||
         m->nr_nmi_sources > ACPI_MAX_NMIS ||
         m->nr_lapic_nmis > ACPI_MAX_NMIS )
        printk(XENLOG_WARNING "ACPI: MADT has more entries than we keep; "
                              "extra ones ignored\n");
    return 0;
}

/* ---- FADT and the DSDT's \_S5 ---- */

/* An AML integer constant (ZeroOp, OneOp, OnesOp or a prefixed value). */
static bool aml_integer(const uint8_t **pp, const uint8_t *end, uint8_t *v)
{
    const uint8_t *p = *pp;
    size_t size;

    if ( p >= end )
        return false;
    switch ( *p )
    {
    case 0x00:
        *v = 0;
        *pp = p + 1;
        return true; /* ZeroOp */
    case 0x01:
        *v = 1;
        *pp = p + 1;
        return true; /* OneOp */
    case 0xff:
        *v = 0xff;
        *pp = p + 1;
        return true; /* OnesOp */
    case 0x0a:
        size = 1;
        break; /* BytePrefix */
    case 0x0b:
        size = 2;
        break; /* WordPrefix */
    case 0x0c:
        size = 4;
        break; /* DWordPrefix */
    case 0x0e:
        size = 8;
        break; /* QWordPrefix */
    default:
        return false;
    }
    if ( (size_t)(end - p) < 1 + size )
        return false;
    /* SLP_TYP is 3 bits wide; the low byte (little-endian) holds it. */
    *v = p[1];
    *pp = p + 1 + size;
    return true;
}

bool acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa,
                  uint8_t *slp_typb)
{
    const uint8_t *end = aml + len, *p;
    size_t i;

    for ( i = 1; i + 4 <= len; i++ )
    {
        unsigned int nbytes, count;

        if ( memcmp(aml + i, "_S5_", 4) )
            continue;
        /* NameOp, optionally followed by the root prefix '\'. */
        if ( !(aml[i - 1] == 0x08 ||
               (aml[i - 1] == '\\' && i >= 2 && aml[i - 2] == 0x08)) )
            continue;
        p = aml + i + 4;
        if ( p >= end || *p++ != 0x12 ) /* PackageOp */
            continue;
        /* PkgLength: bits 7:6 of the lead byte count the extra bytes. */
        if ( p >= end )
            continue;
        nbytes = *p >> 6;
        p += 1 + nbytes;
        if ( p >= end )
            continue;
        count = *p++; /* NumElements */
        if ( count < 2 )
            continue;
        if ( aml_integer(&p, end, slp_typa) && aml_integer(&p, end, slp_typb) )
            return true;
    }
    return false;
}

/* A 64-bit address block if given, else the legacy 32-bit I/O port one. */
static struct acpi_gas pick_block(const struct acpi_gas *x, uint32_t port,
                                  uint8_t len)
{
    struct acpi_gas g = { 0 };

    if ( x->address )
        return *x;
    if ( port )
    {
        g.space_id = ACPI_SPACE_IO;
        g.bit_width = len * 8;
        g.address = port;
    }
    return g;
}

int acpi_parse_fadt(const struct acpi_table_header *t,
                    struct acpi_fadt_info *f)
{
    struct acpi_fadt fadt;
    const struct acpi_table_header *dsdt;

    memset(f, 0, sizeof(*f));
    if ( !t )
        return -ENOENT;
    /* ACPI 1.0's FADT ends at the flags; newer fields read as zero. */
    if ( t->length < offsetof(struct acpi_fadt, reset_register) )
    {
        printk(XENLOG_WARNING "ACPI: FADT too short (%u)\n", t->length);
        return -EINVAL;
    }
    memset(&fadt, 0, sizeof(fadt));
    memcpy(&fadt, t, min((size_t)t->length, sizeof(fadt)));

    f->present = true;
    f->revision = t->revision;
    f->flags = fadt.flags;
    f->boot_flags = fadt.boot_flags;
    f->sci_interrupt = fadt.sci_interrupt;
    f->smi_command = fadt.smi_command;
    f->acpi_enable = fadt.acpi_enable;
    f->acpi_disable = fadt.acpi_disable;
    f->century = fadt.century;
    f->pm1_event_length = fadt.pm1_event_length;
    f->pm1a_event = pick_block(&fadt.x_pm1a_event_block, fadt.pm1a_event_block,
                               fadt.pm1_event_length);
    f->pm1b_event = pick_block(&fadt.x_pm1b_event_block, fadt.pm1b_event_block,
                               fadt.pm1_event_length);
    f->pm1a_control = pick_block(&fadt.x_pm1a_control_block,
                                 fadt.pm1a_control_block,
                                 fadt.pm1_control_length);
    f->pm1b_control = pick_block(&fadt.x_pm1b_control_block,
                                 fadt.pm1b_control_block,
                                 fadt.pm1_control_length);
    f->pm_timer = pick_block(&fadt.x_pm_timer_block, fadt.pm_timer_block,
                             fadt.pm_timer_length);
    /* The reset register exists only if the table is long enough for it. */
    if ( (fadt.flags & ACPI_FADT_RESET_REGISTER) &&
         t->length >= offsetof(struct acpi_fadt, arm_boot_flags) )
    {
        f->reset_supported = true;
        f->reset_register = fadt.reset_register;
        f->reset_value = fadt.reset_value;
    }
    f->facs = fadt.x_facs ? fadt.x_facs : fadt.facs;
    f->dsdt = fadt.x_dsdt ? fadt.x_dsdt : fadt.dsdt;

    dsdt = f->dsdt ? map_table(f->dsdt, "DSDT") : NULL;
    if ( dsdt )
        f->s5_valid = acpi_find_s5((const uint8_t *)(dsdt + 1),
                                   dsdt->length - sizeof(*dsdt), &f->slp_typa,
                                   &f->slp_typb);
    if ( !f->s5_valid )
        printk(XENLOG_WARNING "ACPI: no \\_S5 in the DSDT; "
                              "cannot power off through ACPI\n");
    return 0;
}

/* ---- HPET ---- */

int acpi_parse_hpet(const struct acpi_table_header *t,
                    struct acpi_hpet_info *h)
{
    const struct acpi_hpet *hpet = (const void *)t;

    memset(h, 0, sizeof(*h));
    if ( !t )
        return -ENOENT;
    if ( t->length < sizeof(*hpet) ||
         hpet->address.space_id != ACPI_SPACE_MEMORY ||
         !hpet->address.address )
    {
        printk(XENLOG_WARNING "ACPI: HPET table unusable\n");
        return -EINVAL;
    }
    h->present = true;
    h->address = hpet->address.address;
    h->sequence = hpet->sequence;
    h->minimum_tick = hpet->minimum_tick;
    /* The ID holds the index of the last comparator, not the count. */
    h->comparators = ((hpet->id >> 8) & 0x1f) + 1;
    h->counter_64bit = hpet->id & (1U << 13);
    h->legacy_route = hpet->id & (1U << 15);
    h->vendor = hpet->id >> 16;
    return 0;
}

/* ---- Putting it together ---- */

int acpi_init(const void *rsdp, size_t rsdp_len, struct acpi_info *info)
{
    const struct acpi_rsdp *r = rsdp;
    size_t avail = rsdp_len;
    bool have_root = false;

    memset(info, 0, sizeof(*info));
    memset(&root, 0, sizeof(root));

    if ( r && (avail < ACPI_RSDP_V1_SIZE || !rsdp_v1_valid(r)) )
    {
        printk(XENLOG_WARNING "ACPI: RSDP from the boot loader is invalid; "
                              "searching\n");
        r = NULL;
    }
    if ( !r )
    {
        paddr_t pa = acpi_find_rsdp();

        if ( !pa )
        {
            printk(XENLOG_WARNING "ACPI: no RSDP found\n");
            return -ENODEV;
        }
        r = acpi_map(pa, ACPI_RSDP_V1_SIZE);
        avail = ACPI_RSDP_V1_SIZE;
        if ( r->revision >= 2 && r->length >= sizeof(*r) &&
             r->length <= 4096 && acpi_map(pa, r->length) )
        {
            avail = r->length;
            r = acpi_map(pa, avail);
        }
    }

    info->rsdp_revision = r->revision;
    memcpy(info->oem_id, r->oem_id, sizeof(r->oem_id));

    /* Prefer the XSDT (64-bit pointers) when the RSDP is 2.0+ and sound. */
    if ( rsdp_v2_valid(r, avail) && r->xsdt_address )
    {
        have_root = set_root(r->xsdt_address, "XSDT", 8);
        if ( !have_root )
            printk(XENLOG_WARNING "ACPI: XSDT unusable, trying the RSDT\n");
    }
    if ( !have_root && !set_root(r->rsdt_address, "RSDT", 4) )
    {
        printk(XENLOG_WARNING "ACPI: no usable root table\n");
        return -ENODEV;
    }
    info->xsdt = root.entry_size == 8;

    if ( acpi_parse_madt(acpi_get_table("APIC", 0), &info->madt) == -ENOENT )
        printk(XENLOG_WARNING "ACPI: no valid MADT\n");
    acpi_parse_fadt(acpi_get_table("FACP", 0), &info->fadt);
    acpi_parse_hpet(acpi_get_table("HPET", 0), &info->hpet);
    return 0;
}
