/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: the PV builder's kernel parser (unpack, ELF, layout). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xc_dom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The region the builder would fill, bounded as in xc_pv_build. */
#define PAGES 2048

static uint8_t region[PAGES << 12];

struct ctx {
    uint64_t base, offset;
};

/* Copies like the builder's loader: into the region or refused. */
static int load(void *data, uint64_t paddr, const void *src, size_t len)
{
    struct ctx *c = data;
    uint64_t at = paddr + c->offset - c->base;

    if ( at > sizeof(region) || len > sizeof(region) - at )
        return -1;
    if ( src )
        memcpy(region + at, src, len);
    else
        memset(region + at, 0, len);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exactly-sized copy: reads past the end hit ASan's redzone. */
    uint8_t *copy = malloc(size ? size : 1);
    struct xc_dom_kernel k;
    struct xc_dom_layout l;

    memcpy(copy, data, size);
    if ( !xc_dom_parse_kernel(copy, size, &k) )
    {
        if ( !xc_dom_layout(&l, &k, size, PAGES) )
        {
            struct ctx c = { l.r.v_start, k.elf.virt_offset };

            elf_load(&k.elf, load, &c);
        }
        xc_dom_free_kernel(&k);
    }
    free(copy);
    return 0;
}
