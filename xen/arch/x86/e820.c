/* SPDX-License-Identifier: GPL-2.0-only */
/* Building and sanitising the e820 memory map from boot-loader information. */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/string.h>
#include <asm/e820.h>
#include <asm/multiboot.h>
#include <asm/page.h>

int e820_add_range(struct e820map *m, uint64_t start, uint64_t end,
                   uint32_t type)
{
    if ( m->nr_map >= E820MAX )
        return -ENOSPC;
    m->map[m->nr_map].addr = start;
    m->map[m->nr_map].size = end - start;
    m->map[m->nr_map].type = type;
    m->nr_map++;
    return 0;
}

/* Where entries overlap, the type with the higher rank wins. */
static unsigned int type_rank(uint32_t type)
{
    switch ( type )
    {
    case E820_RAM:
        return 1;
    case E820_ACPI:
        return 2;
    case E820_NVS:
        return 3;
    case E820_UNUSABLE:
        return 4;
    default:
        return 5; /* reserved and types we don't know */
    }
}

static uint64_t entry_end(const struct e820entry *e)
{
    /* A size running past 2^64 is clipped rather than wrapped. */
    return e->addr + e->size < e->addr ? ~0ULL : e->addr + e->size;
}

/* Scratch space; the map is only sanitised while booting, on one CPU. */
static uint64_t points[2 * E820MAX];
static struct e820map scratch;

void e820_sanitize(struct e820map *m)
{
    unsigned int i, j, n = 0;
    struct e820map *out = &scratch;

    /* Every entry boundary, sorted and unique. */
    for ( i = 0; i < m->nr_map; i++ )
    {
        uint64_t b[2] = { m->map[i].addr, entry_end(&m->map[i]) };

        if ( !m->map[i].size )
            continue;
        for ( j = 0; j < 2; j++ )
        {
            unsigned int k = n;

            while ( k > 0 && points[k - 1] > b[j] )
            {
                points[k] = points[k - 1];
                k--;
            }
            if ( k > 0 && points[k - 1] == b[j] )
            {
                memmove(&points[k], &points[k + 1], (n - k) * sizeof(*points));
                continue;
            }
            points[k] = b[j];
            n++;
        }
    }

    /* Each piece between boundaries takes the strongest covering type. */
    out->nr_map = 0;
    for ( i = 0; i + 1 < n; i++ )
    {
        uint64_t s = points[i], e = points[i + 1];
        struct e820entry *last;
        uint32_t type = 0;

        for ( j = 0; j < m->nr_map; j++ )
        {
            const struct e820entry *en = &m->map[j];

            if ( !en->size || en->addr > s || entry_end(en) < e )
                continue;
            if ( !type || type_rank(en->type) > type_rank(type) ||
                 (type_rank(en->type) == type_rank(type) && en->type > type) )
                type = en->type;
        }
        if ( !type )
            continue; /* a hole */

        last = out->nr_map ? &out->map[out->nr_map - 1] : NULL;
        if ( last && last->type == type && entry_end(last) == s )
            last->size += e - s;
        else if ( e820_add_range(out, s, e, type) )
        {
            printk(XENLOG_WARNING
                   "e820: map too large, dropping %#llx-%#llx\n",
                   (unsigned long long)s, (unsigned long long)e - 1);
            break;
        }
    }

    /* The allocators deal in whole pages: trim RAM inwards. */
    m->nr_map = 0;
    for ( i = 0; i < out->nr_map; i++ )
    {
        struct e820entry *en = &out->map[i];
        uint64_t s = en->addr, e = entry_end(en);

        if ( en->type == E820_RAM )
        {
            s = ROUNDUP(s, PAGE_SIZE);
            e = ROUNDDOWN(e, PAGE_SIZE);
            if ( s < en->addr || s >= e )
                continue;
        }
        m->map[m->nr_map].addr = s;
        m->map[m->nr_map].size = e - s;
        m->map[m->nr_map].type = en->type;
        m->nr_map++;
    }
}

int e820_change_range_type(struct e820map *m, uint64_t start, uint64_t end,
                           uint32_t orig, uint32_t type)
{
    struct e820map *out = &scratch;
    unsigned int i;
    int rc = 0;

    out->nr_map = 0;
    for ( i = 0; i < m->nr_map && !rc; i++ )
    {
        const struct e820entry *en = &m->map[i];
        uint64_t s = en->addr, e = entry_end(en);

        if ( en->type != orig || e <= start || s >= end )
        {
            rc = e820_add_range(out, s, e, en->type);
            continue;
        }
        if ( s < start )
            rc = e820_add_range(out, s, start, orig);
        if ( !rc )
            rc = e820_add_range(out, max(s, start), min(e, end), type);
        if ( !rc && e > end )
            rc = e820_add_range(out, end, e, orig);
    }
    if ( rc )
        return rc;
    memcpy(m, out, sizeof(*m));
    e820_sanitize(m);
    return 0;
}

bool __pt_path e820_next_ram(const struct e820map *m, unsigned int *idx,
                             uint64_t *start, uint64_t *end)
{
    for ( ; *idx < m->nr_map; (*idx)++ )
    {
        const struct e820entry *en = &m->map[*idx];

        if ( en->type != E820_RAM )
            continue;
        *start = en->addr;
        *end = entry_end(en);
        (*idx)++;
        return true;
    }
    return false;
}

bool __pt_path e820_is_ram(const struct e820map *m, uint64_t addr)
{
    uint64_t s, e;
    unsigned int i = 0;

    while ( e820_next_ram(m, &i, &s, &e) )
        if ( addr >= s && addr < e )
            return true;
    return false;
}

uint64_t e820_ram_end(const struct e820map *m)
{
    uint64_t s, e, top = 0;
    unsigned int i = 0;

    while ( e820_next_ram(m, &i, &s, &e) )
        top = max(top, e);
    return top;
}

uint64_t e820_ram_total(const struct e820map *m)
{
    uint64_t s, e, total = 0;
    unsigned int i = 0;

    while ( e820_next_ram(m, &i, &s, &e) )
        total += e - s;
    return total;
}

static const char *type_name(uint32_t type)
{
    switch ( type )
    {
    case E820_RAM:
        return "usable";
    case E820_RESERVED:
        return "reserved";
    case E820_ACPI:
        return "ACPI data";
    case E820_NVS:
        return "ACPI NVS";
    case E820_UNUSABLE:
        return "unusable";
    default:
        return "type?";
    }
}

void e820_print(const struct e820map *m)
{
    unsigned int i;

    for ( i = 0; i < m->nr_map; i++ )
        printk(" %016llx - %016llx (%s %u)\n",
               (unsigned long long)m->map[i].addr,
               (unsigned long long)entry_end(&m->map[i]),
               type_name(m->map[i].type), m->map[i].type);
}

int e820_from_boot_info(struct e820map *out, const struct boot_info *bi)
{
    if ( bi->mmap.nr_map )
        memcpy(out, &bi->mmap, sizeof(*out));
    else if ( bi->has_meminfo )
    {
        printk(XENLOG_WARNING
               "e820: no memory map from the boot loader; using "
               "mem_lower=%uK mem_upper=%uK\n",
               bi->mem_lower, bi->mem_upper);
        out->nr_map = 0;
        /* Conventional memory, then extended memory from 1 MiB. */
        e820_add_range(out, 0, (uint64_t)bi->mem_lower << 10, E820_RAM);
        e820_add_range(out, 0x100000,
                       0x100000 + ((uint64_t)bi->mem_upper << 10), E820_RAM);
    }
    else
    {
        printk(XENLOG_ERR
               "e820: the boot loader gave no memory information\n");
        out->nr_map = 0;
        return -ENODEV;
    }
    e820_sanitize(out);
    return out->nr_map ? (int)out->nr_map : -ENODEV;
}
