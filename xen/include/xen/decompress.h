/* SPDX-License-Identifier: GPL-2.0-only */
/* Unpacking boot modules: format detection, gzip/xz front end, checksums. */
#ifndef XEN_DECOMPRESS_H
#define XEN_DECOMPRESS_H

#include <xen/types.h>

enum decompress_format {
    DECOMPRESS_NONE, /* no known magic: use the data as it is */
    DECOMPRESS_GZIP,
    DECOMPRESS_XZ,
};

enum decompress_format decompress_format(const void *in, size_t in_len);

/*
 * Unpacks a gzip or xz image into out[0, out_max) in one call.  Returns 0
 * and the size in *out_len, -ENOSPC if the result would not fit (nothing
 * is written past out_max), -EINVAL for corrupt or unrecognised input
 * (including uncompressed data: check decompress_format() first),
 * -EOPNOTSUPP for an xz integrity check it cannot verify, -ENOMEM if its
 * small working state cannot be allocated.
 */
int decompress(const void *in, size_t in_len, void *out, size_t out_max,
               size_t *out_len);

/*
 * decompress(), writing into out only below an end that ready(opaque,
 * end) accepted (returned 0) first: xz asks before each chunk of at most
 * 2 MiB of output, with ends that only grow; gzip asks for all of
 * out_max before it starts.  A refusal stops the unpacking with -ENOSPC.
 * For a caller that makes the output buffer usable while it unpacks
 * (libhvxc allocates a file's blocks beside the unpacking).
 */
int decompress_paced(const void *in, size_t in_len, void *out, size_t out_max,
                     size_t *out_len, int (*ready)(void *opaque, size_t end),
                     void *opaque);

/*
 * The size decompress() will produce, from the gzip trailer (exact below
 * 4 GiB: gzip records it modulo 2^32) or the xz index, without unpacking.
 * A hint for sizing the output buffer; decompress() still checks it.
 */
int decompressed_size(const void *in, size_t in_len, size_t *size);

/*
 * Finds the compressed kernel inside a Linux bzImage (x86 boot protocol
 * 2.08 or later), without the size word kernels append to xz data:
 * -EINVAL if in is not a bzImage.
 */
int bzimage_payload(const void *in, size_t in_len, size_t *offset,
                    size_t *len);

/*
 * Fuzzing builds (libFuzzer's convention) accept any stored checksum, so
 * that mutated inputs reach the decoders instead of stopping at a CRC.
 */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define checksum_ok(stored, computed) ((void)(stored), (void)(computed), true)
#else
#define checksum_ok(stored, computed) ((stored) == (computed))
#endif

/* The gzip/xz CRC-32 and the xz CRC-64; pass 0 to start, chain to extend. */
uint32_t crc32(uint32_t crc, const void *buf, size_t len);
uint64_t crc64(uint64_t crc, const void *buf, size_t len);

#endif /* XEN_DECOMPRESS_H */
