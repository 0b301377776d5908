/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: the ELF parser, Xen-note checks and loader. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xen/libelf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

/* Touches both ends of what would be copied, so ASan sees any overrun. */
static int touch(void *ctx, uint64_t paddr, const void *src, size_t len)
{
    const uint8_t *p = src;

    if ( p && len )
        sink = p[0] ^ p[len - 1];
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exactly-sized copy: reads past the end hit ASan's redzone. */
    uint8_t *copy = malloc(size ? size : 1);
    struct elf_image elf;

    memcpy(copy, data, size);
    if ( !elf_init(&elf, copy, size) )
    {
        elf_xen_check(&elf);
        elf_load(&elf, touch, NULL);
    }
    free(copy);
    return 0;
}
