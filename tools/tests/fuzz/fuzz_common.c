/* SPDX-License-Identifier: GPL-2.0-only */
/* What the fuzzed hypervisor code needs beyond tests/include/harness.c. */
#include <stdlib.h>

void *_xmalloc(size_t size, size_t align);
void xfree(void *p);

/* malloc stands in for xmalloc, so ASan checks the decoders' state too. */
void *_xmalloc(size_t size, size_t align)
{
    return malloc(size);
}

void xfree(void *p)
{
    free(p);
}
