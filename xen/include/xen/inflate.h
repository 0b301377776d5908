/* SPDX-License-Identifier: GPL-2.0-only */
/* gzip (RFC 1952 wrapping RFC 1951 DEFLATE) decoding into a flat buffer. */
#ifndef XEN_INFLATE_H
#define XEN_INFLATE_H

#include <xen/types.h>

/* Return values as for decompress() in <xen/decompress.h>. */
int gunzip(const void *in, size_t in_len, void *out, size_t out_max,
           size_t *out_len);
int gunzip_size(const void *in, size_t in_len, size_t *size);

#endif /* XEN_INFLATE_H */
