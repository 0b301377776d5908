/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: the unxz decoder with a bounded output buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xen/unxz.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* unxz_paced()'s ready(): ends up to *opaque only. */
static int ready_upto(void *opaque, size_t end)
{
    return end > *(const size_t *)opaque ? -1 : 0;
}

/*
 * The first byte picks the output limit (up to 256 KiB) so that the
 * -ENOSPC paths get exercised; buffers are sized exactly for ASan.  Then
 * the same paced, ready() taking half the buffer: nothing may be written
 * beyond it.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t out_max, len, half;
    uint8_t *in, *out;

    if ( !size )
        return 0;
    out_max = (size_t)data[0] << 10;
    in = malloc(size - 1 ? size - 1 : 1);
    out = malloc(out_max ? out_max : 1);
    memcpy(in, data + 1, size - 1);
    unxz_size(in, size - 1, &len);
    unxz(in, size - 1, out, out_max, &len);
    half = out_max / 2;
    memset(out, 0xa5, out_max);
    unxz_paced(in, size - 1, out, out_max, &len, ready_upto, &half);
    for ( size_t i = half; i < out_max; i++ )
        if ( out[i] != 0xa5 )
            abort();
    free(in);
    free(out);
    return 0;
}
