/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the xenstore daemon, the client library and tools. */
#ifndef XS_LIB_H
#define XS_LIB_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/io/xs_wire.h>

/* Access bits of one permission entry; OWNER is never stored. */
#define XS_PERM_NONE  0u
#define XS_PERM_READ  1u
#define XS_PERM_WRITE 2u
#define XS_PERM_BOTH  (XS_PERM_READ | XS_PERM_WRITE)
#define XS_PERM_OWNER 4u

/* Highest domid a permission or request may name (DOMID_FIRST_RESERVED-1). */
#define XS_DOMID_MAX 0x7fefu

/* Home of a domain: relative paths are resolved below it. */
#define XS_DOMAIN_HOME "/local/domain/"

struct xs_perm
{
    uint32_t id;
    unsigned int perm;
};

/* Longest textual form of a permission ("b65535") plus its nul. */
#define XS_PERM_STRLEN 8

bool xs_perm_parse(const char *s, struct xs_perm *p);
/* Writes "b5" etc into buf (XS_PERM_STRLEN bytes); returns its length. */
int xs_perm_format(const struct xs_perm *p, char *buf);

/* Errno <-> the names carried in ERROR replies. */
const char *xs_errno_name(int err);
int xs_errno_from_name(const char *s, size_t len);

const char *xs_type_name(uint32_t type);

/* Parses a decimal number with no sign, spaces or trailing junk. */
bool xs_parse_uint(const char *s, unsigned long max, unsigned long *out);

/* Number of nul-terminated strings in buf[0..len) (trailing junk ignored). */
unsigned int xs_count_strings(const char *buf, size_t len);

uint32_t xs_crc32(uint32_t crc, const void *buf, size_t len);

#endif /* XS_LIB_H */
