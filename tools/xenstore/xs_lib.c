/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the xenstore daemon, the client library and tools. */
#include <stdio.h>
#include <string.h>

#include "xs_lib.h"

bool xs_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;

    if ( !*s || strlen(s) > 10 )
        return false;
    for ( ; *s; s++ )
    {
        if ( *s < '0' || *s > '9' )
            return false;
        v = v * 10 + (unsigned long)(*s - '0');
        if ( v > max )
            return false;
    }
    *out = v;
    return true;
}

bool xs_perm_parse(const char *s, struct xs_perm *p)
{
    unsigned long id;

    switch ( s[0] )
    {
    case 'n': p->perm = XS_PERM_NONE; break;
    case 'r': p->perm = XS_PERM_READ; break;
    case 'w': p->perm = XS_PERM_WRITE; break;
    case 'b': p->perm = XS_PERM_BOTH; break;
    default:
        return false;
    }
    if ( !xs_parse_uint(s + 1, XS_DOMID_MAX, &id) )
        return false;
    p->id = (uint32_t)id;
    return true;
}

int xs_perm_format(const struct xs_perm *p, char *buf)
{
    static const char letters[] = "nrwb";

    return snprintf(buf, XS_PERM_STRLEN, "%c%u",
                    letters[p->perm & XS_PERM_BOTH], (unsigned int)p->id);
}

/*
 * The table in xs_wire.h gives the wire names; anything the table lacks is
 * reported as EINVAL, the catch-all clients already understand.
 */
const char *xs_errno_name(int err)
{
    size_t i;

    for ( i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++ )
        if ( xsd_errors[i].errnum == err )
            return xsd_errors[i].errstring;
    return "EINVAL";
}

int xs_errno_from_name(const char *s, size_t len)
{
    size_t i;

    for ( i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++ )
    {
        const char *n = xsd_errors[i].errstring;

        if ( strlen(n) == len && !memcmp(n, s, len) )
            return xsd_errors[i].errnum;
    }
    return EINVAL;
}

const char *xs_type_name(uint32_t type)
{
    static const char *const names[] = {
        [XS_CONTROL] = "CONTROL",
        [XS_DIRECTORY] = "DIRECTORY",
        [XS_READ] = "READ",
        [XS_GET_PERMS] = "GET_PERMS",
        [XS_WATCH] = "WATCH",
        [XS_UNWATCH] = "UNWATCH",
        [XS_TRANSACTION_START] = "TRANSACTION_START",
        [XS_TRANSACTION_END] = "TRANSACTION_END",
        [XS_INTRODUCE] = "INTRODUCE",
        [XS_RELEASE] = "RELEASE",
        [XS_GET_DOMAIN_PATH] = "GET_DOMAIN_PATH",
        [XS_WRITE] = "WRITE",
        [XS_MKDIR] = "MKDIR",
        [XS_RM] = "RM",
        [XS_SET_PERMS] = "SET_PERMS",
        [XS_WATCH_EVENT] = "WATCH_EVENT",
        [XS_ERROR] = "ERROR",
        [XS_IS_DOMAIN_INTRODUCED] = "IS_DOMAIN_INTRODUCED",
        [XS_RESUME] = "RESUME",
        [XS_SET_TARGET] = "SET_TARGET",
        [XS_RESET_WATCHES] = "RESET_WATCHES",
        [XS_DIRECTORY_PART] = "DIRECTORY_PART",
    };

    if ( type < sizeof(names) / sizeof(names[0]) && names[type] )
        return names[type];
    return "UNKNOWN";
}

unsigned int xs_count_strings(const char *buf, size_t len)
{
    unsigned int n = 0;
    size_t i;

    for ( i = 0; i < len; i++ )
        if ( buf[i] == '\0' )
            n++;
    return n;
}

/* CRC-32 (IEEE, reflected) with a table built on first use. */
uint32_t xs_crc32(uint32_t crc, const void *buf, size_t len)
{
    static uint32_t table[256];
    static bool ready;
    const unsigned char *p = buf;
    unsigned int i, k;

    if ( !ready )
    {
        for ( i = 0; i < 256; i++ )
        {
            uint32_t c = i;

            for ( k = 0; k < 8; k++ )
                c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
            table[i] = c;
        }
        ready = true;
    }
    crc = ~crc;
    while ( len-- )
        crc = (crc >> 8) ^ table[(crc ^ *p++) & 0xffu];
    return ~crc;
}
