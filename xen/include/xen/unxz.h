/* SPDX-License-Identifier: GPL-2.0-only */
/* .xz (LZMA2, optionally x86 BCJ) decoding into a flat buffer. */
#ifndef XEN_UNXZ_H
#define XEN_UNXZ_H

#include <xen/types.h>

/* Return values as for decompress() in <xen/decompress.h>. */
int unxz(const void *in, size_t in_len, void *out, size_t out_max,
         size_t *out_len);
/* unxz() calling ready() as decompress_paced() does. */
int unxz_paced(const void *in, size_t in_len, void *out, size_t out_max,
               size_t *out_len, int (*ready)(void *opaque, size_t end),
               void *opaque);
int unxz_size(const void *in, size_t in_len, size_t *size);

#endif /* XEN_UNXZ_H */
