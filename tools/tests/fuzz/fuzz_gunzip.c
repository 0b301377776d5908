/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: the gunzip decoder with a bounded output buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xen/inflate.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The first byte picks the output limit (up to 256 KiB) so that the
 * -ENOSPC paths get exercised; buffers are sized exactly for ASan.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t out_max, len;
    uint8_t *in, *out;

    if ( !size )
        return 0;
    out_max = (size_t)data[0] << 10;
    in = malloc(size - 1 ? size - 1 : 1);
    out = malloc(out_max ? out_max : 1);
    memcpy(in, data + 1, size - 1);
    gunzip_size(in, size - 1, &len);
    gunzip(in, size - 1, out, out_max, &len);
    free(in);
    free(out);
    return 0;
}
