/* SPDX-License-Identifier: GPL-2.0-only */
/* Recognises compressed boot modules and dispatches to gzip/xz decoders. */
#include <xen/decompress.h>
#include <xen/errno.h>
#include <xen/inflate.h>
#include <xen/lib.h>
#include <xen/string.h>
#include <xen/unxz.h>

static const uint8_t gzip_magic[] = { 0x1f, 0x8b };
static const uint8_t xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

enum decompress_format decompress_format(const void *in, size_t in_len)
{
    if ( in_len >= sizeof(xz_magic) &&
         !memcmp(in, xz_magic, sizeof(xz_magic)) )
        return DECOMPRESS_XZ;
    if ( in_len >= sizeof(gzip_magic) &&
         !memcmp(in, gzip_magic, sizeof(gzip_magic)) )
        return DECOMPRESS_GZIP;
    return DECOMPRESS_NONE;
}

int decompress(const void *in, size_t in_len, void *out, size_t out_max,
               size_t *out_len)
{
    return decompress_paced(in, in_len, out, out_max, out_len, NULL, NULL);
}

int decompress_paced(const void *in, size_t in_len, void *out, size_t out_max,
                     size_t *out_len, int (*ready)(void *opaque, size_t end),
                     void *opaque)
{
    switch ( decompress_format(in, in_len) )
    {
    case DECOMPRESS_GZIP:
        if ( ready && ready(opaque, out_max) )
            return -ENOSPC;
        return gunzip(in, in_len, out, out_max, out_len);
    case DECOMPRESS_XZ:
        return unxz_paced(in, in_len, out, out_max, out_len, ready, opaque);
    default:
        return -EINVAL;
    }
}

int decompressed_size(const void *in, size_t in_len, size_t *size)
{
    switch ( decompress_format(in, in_len) )
    {
    case DECOMPRESS_GZIP:
        return gunzip_size(in, in_len, size);
    case DECOMPRESS_XZ:
        return unxz_size(in, in_len, size);
    default:
        return -EINVAL;
    }
}

/* Offsets in the real-mode kernel header (Linux x86 boot protocol). */
#define BZ_SETUP_SECTS 0x1f1
#define BZ_BOOT_FLAG   0x1fe
#define BZ_HEADER      0x202
#define BZ_VERSION     0x206
#define BZ_PAYLOAD_OFS 0x248
#define BZ_PAYLOAD_LEN 0x24c
#define BZ_HEADER_END  0x250

static uint32_t get_le32(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

int bzimage_payload(const void *in, size_t in_len, size_t *offset, size_t *len)
{
    const uint8_t *p = in;
    size_t setup, ofs, n;

    if ( in_len < BZ_HEADER_END || p[BZ_BOOT_FLAG] != 0x55 ||
         p[BZ_BOOT_FLAG + 1] != 0xaa || memcmp(p + BZ_HEADER, "HdrS", 4) )
        return -EINVAL;
    /* payload_offset/length appeared in protocol 2.08. */
    if ( (p[BZ_VERSION] | (p[BZ_VERSION + 1] << 8)) < 0x208 )
        return -EINVAL;
    /* Zero setup sectors means the historical default of four. */
    setup = p[BZ_SETUP_SECTS] ? p[BZ_SETUP_SECTS] : 4;
    /* The payload offset counts from the protected-mode code. */
    ofs = (setup + 1) * 512 + get_le32(p + BZ_PAYLOAD_OFS);
    n = get_le32(p + BZ_PAYLOAD_LEN);
    if ( ofs > in_len || n > in_len - ofs || !n )
        return -EINVAL;
    /*
     * Kernels append the uncompressed size (le32) to an xz payload for
     * their own decompressor; the xz decoder would take it for garbage.
     */
    if ( decompress_format(p + ofs, n) == DECOMPRESS_XZ && n >= 10 &&
         !memcmp(p + ofs + n - 6, "YZ", 2) )
        n -= 4;
    *offset = ofs;
    *len = n;
    return 0;
}

/*
 * Table-driven CRCs.  The tables are built on first use rather than
 * spelled out, which keeps the polynomial the only magic number;
 * decompression runs on the boot CPU only, so the lazy build cannot race.
 * CRC-32 covers every byte of a gzip or kernel xz image, so it takes
 * eight bytes a step: crc32_table[k][b] is the CRC of byte b followed by
 * k zero bytes, which lets eight lookups replace eight dependent steps.
 */
#define CRC32_POLY 0xedb88320U           /* reflected 0x04c11db7 */
#define CRC64_POLY 0xc96c5795d7870f42ULL /* reflected ECMA-182 */

static uint32_t crc32_table[8][256];
static uint64_t crc64_table[256];
static bool crc32_ready, crc64_ready;

static void crc32_init(void)
{
    for ( unsigned int i = 0; i < 256; i++ )
    {
        uint32_t c = i;

        for ( unsigned int k = 0; k < 8; k++ )
            c = (c >> 1) ^ (CRC32_POLY & -(c & 1));
        crc32_table[0][i] = c;
    }
    for ( unsigned int k = 1; k < 8; k++ )
        for ( unsigned int i = 0; i < 256; i++ )
        {
            uint32_t c = crc32_table[k - 1][i];

            crc32_table[k][i] = (c >> 8) ^ crc32_table[0][c & 0xff];
        }
    crc32_ready = true;
}

/*
 * Every byte of a kernel goes through here: its loop stays within one
 * page of code (see lzma_chunk() in unxz.c for why that matters).
 */
uint32_t __aligned(512) crc32(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    if ( unlikely(!crc32_ready) )
        crc32_init();
    crc = ~crc;
    for ( ; len >= 8; len -= 8, p += 8 )
    {
        uint32_t lo = crc ^ get_le32(p), hi = get_le32(p + 4);

        crc = crc32_table[7][lo & 0xff] ^ crc32_table[6][(lo >> 8) & 0xff] ^
              crc32_table[5][(lo >> 16) & 0xff] ^ crc32_table[4][lo >> 24] ^
              crc32_table[3][hi & 0xff] ^ crc32_table[2][(hi >> 8) & 0xff] ^
              crc32_table[1][(hi >> 16) & 0xff] ^ crc32_table[0][hi >> 24];
    }
    while ( len-- )
        crc = crc32_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

uint64_t crc64(uint64_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    if ( unlikely(!crc64_ready) )
    {
        for ( unsigned int i = 0; i < 256; i++ )
        {
            uint64_t c = i;

            for ( unsigned int k = 0; k < 8; k++ )
                c = (c >> 1) ^ (CRC64_POLY & -(c & 1));
            crc64_table[i] = c;
        }
        crc64_ready = true;
    }
    crc = ~crc;
    while ( len-- )
        crc = crc64_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}
