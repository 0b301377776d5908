/* SPDX-License-Identifier: GPL-2.0-only */
/* xm create's config files in C (see xmconfig.h); the reference is
 * xen/xm/config.py, and tools/tests/xend/test_xmc.py holds the two to the
 * same SXP.  The text is untrusted: fuzzed by fuzz_xmconfig.c. */
#include "xmconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* More items than this in one list: Python's. */
#define MAX_ITEMS 256

enum key {
    NAME,
    UUID,
    KERNEL,
    RAMDISK,
    ROOT,
    EXTRA,
    MEMORY,
    MAXMEM,
    VCPUS,
    ON_POWEROFF,
    ON_REBOOT,
    ON_CRASH,
    DISK,
    VIF,
    NKEYS,
};

/* What config.py's KEYS says each key holds. */
enum kind {
    K_STR,
    K_INT,
    K_LIST,
};

static const struct {
    const char *name;
    enum kind kind;
} keys[NKEYS] = {
    [NAME] = { "name", K_STR },
    [UUID] = { "uuid", K_STR },
    [KERNEL] = { "kernel", K_STR },
    [RAMDISK] = { "ramdisk", K_STR },
    [ROOT] = { "root", K_STR },
    [EXTRA] = { "extra", K_STR },
    [MEMORY] = { "memory", K_INT },
    [MAXMEM] = { "maxmem", K_INT },
    [VCPUS] = { "vcpus", K_INT },
    [ON_POWEROFF] = { "on_poweroff", K_STR },
    [ON_REBOOT] = { "on_reboot", K_STR },
    [ON_CRASH] = { "on_crash", K_STR },
    [DISK] = { "disk", K_LIST },
    [VIF] = { "vif", K_LIST },
};

/* config.py's CRASH_ACTIONS: the file's word and the SXP's. */
static const char *const crash_actions[][2] = {
    { "destroy", "destroy" },
    { "restart", "restart" },
    { "preserve", "preserve" },
    { "rename-restart", "rename-restart" },
    { "coredump-destroy", "coredump_and_destroy" },
    { "coredump-restart", "coredump_and_restart" },
};

static const char *const vif_keys[] = { "type",   "mac",     "bridge",
                                        "ip",     "script",  "backend",
                                        "vifname", "rate",   "model" };

/* A value as the file gave it; a key never set is V_UNSET. */
struct val {
    enum {
        V_UNSET,
        V_STR,
        V_INT,
        V_LIST,
    } kind;
    long long i;
    char *s;
    char **items;
    size_t n;
};

struct ps {
    const char *p, *end;
    struct xmc *c;
    struct val v[NKEYS];
};

static void *alloc(struct xmc *c, size_t size)
{
    void *p;

    if ( c->nmem == c->memcap )
    {
        size_t cap = c->memcap ? c->memcap * 2 : 64;
        void **m = realloc(c->mem, cap * sizeof(*m));

        if ( !m )
            return NULL;
        c->mem = m;
        c->memcap = cap;
    }
    p = calloc(1, size ? size : 1);
    if ( p )
        c->mem[c->nmem++] = p;
    return p;
}

/* s[0..n) as a string of its own. */
static char *dup(struct xmc *c, const char *s, size_t n)
{
    char *d = alloc(c, n + 1);

    if ( d )
        memcpy(d, s, n);
    return d;
}

void xmc_free(struct xmc *c)
{
    size_t i;

    for ( i = 0; i < c->nmem; i++ )
        free(c->mem[i]);
    free(c->mem);
    memset(c, 0, sizeof(*c));
}

/* ---- the text: the Python subset ---- */

static int at(const struct ps *ps, char ch)
{
    return ps->p < ps->end && *ps->p == ch;
}

static void skip_blanks(struct ps *ps)
{
    while ( at(ps, ' ') || at(ps, '\t') )
        ps->p++;
}

/* A comment to its line's end: of printable ASCII, tabs and backslashes
 * (Python ends a line at a '\r' too, and refuses a NUL). */
static int skip_comment(struct ps *ps)
{
    if ( at(ps, '#') )
        for ( ; ps->p < ps->end && *ps->p != '\n'; ps->p++ )
            if ( (*ps->p < 0x20 || *ps->p >= 0x7f) && *ps->p != '\t' )
                return -1;
    return 0;
}

/* Inside brackets Python also lets lines and comments go by. */
static int skip_gap(struct ps *ps)
{
    for ( ;; )
    {
        skip_blanks(ps);
        if ( skip_comment(ps) )
            return -1;
        if ( !at(ps, '\n') )
            return 0;
        ps->p++;
    }
}

/* The end of a statement: blanks, a comment, the line's end. */
static int line_end(struct ps *ps)
{
    skip_blanks(ps);
    if ( skip_comment(ps) )
        return -1;
    if ( ps->p == ps->end )
        return 0;
    if ( !at(ps, '\n') )
        return -1;
    ps->p++;
    return 0;
}

/* A printable ASCII byte: anything else (escapes, other encodings,
 * control characters Python's strip() would take) is Python's to read. */
static int plain(char ch)
{
    return ch >= 0x20 && ch < 0x7f && ch != '\\';
}

static int string(struct ps *ps, char **out)
{
    char q = *ps->p;
    const char *s = ++ps->p;

    while ( ps->p < ps->end && *ps->p != q )
        if ( !plain(*ps->p++) )
            return -1;
    if ( ps->p == ps->end )
        return -1;
    /* '' followed by a quote is a triple-quoted string. */
    if ( ps->p == s && ps->p + 1 < ps->end && ps->p[1] == q )
        return -1;
    *out = dup(ps->c, s, (size_t)(ps->p - s));
    ps->p++;
    return *out ? 0 : -1;
}

/* A decimal int as Python writes one: no leading zeros, no '_'. */
static int number(struct ps *ps, long long *v)
{
    const char *s = ps->p;

    while ( ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9' )
        ps->p++;
    if ( ps->p - s > 18 || (*s == '0' && ps->p - s > 1) )
        return -1;
    *v = 0;
    for ( ; s < ps->p; s++ )
        *v = *v * 10 + (*s - '0');
    return 0;
}

static int list(struct ps *ps, struct val *v)
{
    ps->p++;
    v->items = alloc(ps->c, MAX_ITEMS * sizeof(*v->items));
    if ( !v->items )
        return -1;
    if ( skip_gap(ps) )
        return -1;
    while ( !at(ps, ']') )
    {
        if ( v->n == MAX_ITEMS || !(at(ps, '\'') || at(ps, '"')) ||
             string(ps, &v->items[v->n++]) || skip_gap(ps) )
            return -1;
        if ( at(ps, ',') )
        {
            ps->p++;
            if ( skip_gap(ps) )
                return -1;
        }
        else if ( !at(ps, ']') )
            return -1;
    }
    ps->p++;
    return 0;
}

static int value(struct ps *ps, struct val *v)
{
    memset(v, 0, sizeof(*v));
    if ( at(ps, '\'') || at(ps, '"') )
    {
        v->kind = V_STR;
        return string(ps, &v->s);
    }
    if ( at(ps, '[') )
    {
        v->kind = V_LIST;
        return list(ps, v);
    }
    if ( ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9' )
    {
        v->kind = V_INT;
        return number(ps, &v->i);
    }
    return -1;
}

static int is_name(char ch, int first)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
           (!first && ch >= '0' && ch <= '9');
}

/* One line (or a list's lines) at the start of a line. */
static int statement(struct ps *ps)
{
    const char *s = ps->p;
    size_t n;
    int k;

    skip_blanks(ps);
    if ( ps->p == ps->end || at(ps, '#') || at(ps, '\n') )
        return line_end(ps);
    /* Indented: Python's IndentationError. */
    if ( ps->p != s || !is_name(*s, 1) )
        return -1;
    while ( ps->p < ps->end && is_name(*ps->p, 0) )
        ps->p++;
    n = (size_t)(ps->p - s);
    for ( k = 0; k < NKEYS; k++ )
        if ( strlen(keys[k].name) == n && !memcmp(keys[k].name, s, n) )
            break;
    if ( k == NKEYS )
        return -1;
    skip_blanks(ps);
    if ( !at(ps, '=') )
        return -1;
    ps->p++;
    skip_blanks(ps);
    if ( value(ps, &ps->v[k]) )
        return -1;
    return line_end(ps);
}

/* ---- config.py's check() ---- */

/* Each key's value as the kind KEYS gives it (check()'s conversions). */
static int coerce(struct ps *ps)
{
    char num[24];
    int k;

    for ( k = 0; k < NKEYS; k++ )
    {
        struct val *v = &ps->v[k];

        if ( v->kind == V_UNSET )
            continue;
        switch ( keys[k].kind )
        {
        case K_INT:
            if ( v->kind != V_INT )
                return -1;
            break;
        case K_STR:
            if ( v->kind == V_LIST )
                return -1;
            if ( v->kind == V_INT )
            {
                snprintf(num, sizeof(num), "%lld", v->i);
                v->s = dup(ps->c, num, strlen(num));
                v->kind = V_STR;
                if ( !v->s )
                    return -1;
            }
            break;
        case K_LIST:
            if ( v->kind == V_INT )
                return -1;
            if ( v->kind == V_STR )
            {
                v->items = alloc(ps->c, sizeof(*v->items));
                if ( !v->items )
                    return -1;
                v->items[0] = v->s;
                v->n = 1;
                v->kind = V_LIST;
            }
            break;
        }
    }
    return 0;
}

static const char *str(const struct ps *ps, enum key k)
{
    return ps->v[k].kind == V_STR ? ps->v[k].s : NULL;
}

/* NAME_RE. */
static int good_name(const char *s)
{
    if ( !*s )
        return 0;
    for ( ; *s; s++ )
        if ( !is_name(*s, 0) && !strchr("-.:/+", *s) )
            return 0;
    return 1;
}

static int hex(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
           (ch >= 'A' && ch <= 'F');
}

/* The usual 8-4-4-4-12 form only; uuid.UUID's others are Python's. */
static int good_uuid(const char *s)
{
    int i;

    if ( strlen(s) != 36 )
        return 0;
    for ( i = 0; i < 36; i++ )
        if ( (i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-'
                                                       : !hex(s[i]) )
            return 0;
    return 1;
}

/* The name config.py gives a file without one: its base name without a
 * .cfg, then a .conf. */
static char *default_name(struct xmc *c, const char *path)
{
    const char *b = strrchr(path, '/');
    size_t n;

    b = b ? b + 1 : path;
    n = strlen(b);
    if ( n >= 4 && !strcmp(b + n - 4, ".cfg") )
        n -= 4;
    if ( n >= 5 && !memcmp(b + n - 5, ".conf", 5) )
        n -= 5;
    return dup(c, b, n);
}

/* s without Python's strip() whitespace (only spaces get this far). */
static char *strip(struct xmc *c, const char *s, size_t n)
{
    while ( n && *s == ' ' )
        s++, n--;
    while ( n && s[n - 1] == ' ' )
        n--;
    return dup(c, s, n);
}

/* ---- the SXP, as to_sxp() builds it ---- */

/* l, a list of room for cap items, as a new SXP list starting tag. */
static struct rpc_arg *sxp_list(struct xmc *c, struct rpc_arg *l, size_t cap,
                                const char *tag)
{
    l->kind = ARG_ARRAY;
    l->kids = alloc(c, cap * sizeof(*l->kids));
    if ( !l->kids )
        return NULL;
    l->kids[0].kind = ARG_STR;
    l->kids[0].s = tag;
    l->i = 1;
    return l;
}

static struct rpc_arg *item(struct rpc_arg *l)
{
    return &l->kids[l->i++];
}

/* [key, v] at the end of l. */
static int pair_of(struct xmc *c, struct rpc_arg *l, const char *key,
                   struct rpc_arg v)
{
    struct rpc_arg *p = sxp_list(c, item(l), 2, key);

    if ( !p || (v.kind == ARG_STR && !v.s) )
        return -1;
    p->kids[p->i++] = v;
    return 0;
}

static int pair(struct xmc *c, struct rpc_arg *l, const char *key,
                const char *s)
{
    return pair_of(c, l, key, (struct rpc_arg){ .kind = ARG_STR, .s = s });
}

static int pair_int(struct xmc *c, struct rpc_arg *l, const char *key,
                    long long i)
{
    return pair_of(c, l, key, (struct rpc_arg){ .kind = ARG_INT, .i = i });
}

/* disk_sxp(): UNAME,VDEV,MODE[,BACKEND]. */
static int disk(struct xmc *c, struct rpc_arg *l, const char *text)
{
    char *part[4];
    size_t n = 0;
    const char *s = text, *comma, *u;
    struct rpc_arg *d;

    for ( ;; )
    {
        comma = strchr(s, ',');
        if ( n == 4 )
            return -1;
        part[n] = strip(c, s, comma ? (size_t)(comma - s) : strlen(s));
        if ( !part[n++] )
            return -1;
        if ( !comma )
            break;
        s = comma + 1;
    }
    if ( n < 3 || !*part[1] ||
         (strcmp(part[2], "r") && strcmp(part[2], "w") &&
          strcmp(part[2], "w!")) )
        return -1;
    /* ^(phy|file|tap:[a-z]+):.+ when there is a device at all. */
    u = part[0];
    if ( !strncmp(u, "phy:", 4) )
        u += 4;
    else if ( !strncmp(u, "file:", 5) )
        u += 5;
    else if ( !strncmp(u, "tap:", 4) && u[4] >= 'a' && u[4] <= 'z' )
    {
        for ( u += 4; *u >= 'a' && *u <= 'z'; u++ )
            ;
        u = *u == ':' ? u + 1 : "";
    }
    else
        u = "";
    if ( *part[0] && !*u )
        return -1;
    d = sxp_list(c, item(l), 5,
                 strncmp(part[0], "tap:", 4) ? "vbd" : "tap");
    if ( !d || pair(c, d, "uname", part[0]) || pair(c, d, "dev", part[1]) ||
         pair(c, d, "mode", part[2]) ||
         (n == 4 && pair(c, d, "backend", part[3])) )
        return -1;
    return 0;
}

/* MAC_RE. */
static int good_mac(const char *s)
{
    int i;

    if ( strlen(s) != 17 )
        return 0;
    for ( i = 0; i < 17; i++ )
        if ( i % 3 == 2 ? s[i] != ':' : !hex(s[i]) )
            return 0;
    return 1;
}

/* vif_sxp(): KEY=VALUE items, commas between. */
static int vif(struct xmc *c, struct rpc_arg *l, const char *text)
{
    size_t cap = 2, k;
    const char *s, *comma, *eq;
    struct rpc_arg *v;

    for ( s = text; *s; s++ )
        cap += *s == ',';
    v = sxp_list(c, item(l), cap, "vif");
    if ( !v )
        return -1;
    for ( s = text;; s = comma + 1 )
    {
        char *it, *key, *val;

        comma = strchr(s, ',');
        it = strip(c, s, comma ? (size_t)(comma - s) : strlen(s));
        if ( !it )
            return -1;
        if ( *it )
        {
            eq = strchr(it, '=');
            if ( !eq )
                return -1;
            key = strip(c, it, (size_t)(eq - it));
            val = strip(c, eq + 1, strlen(eq + 1));
            if ( !key || !val )
                return -1;
            for ( k = 0; k < sizeof(vif_keys) / sizeof(*vif_keys); k++ )
                if ( !strcmp(key, vif_keys[k]) )
                    break;
            if ( k == sizeof(vif_keys) / sizeof(*vif_keys) ||
                 (!strcmp(key, "mac") && !good_mac(val)) ||
                 pair(c, v, key, val) )
                return -1;
        }
        if ( !comma )
            return 0;
    }
}

static int action(const char *s, int crash)
{
    size_t i, n = crash ? sizeof(crash_actions) / sizeof(*crash_actions) : 2;

    for ( i = 0; i < n; i++ )
        if ( !strcmp(s, crash_actions[i][0]) )
            return (int)i;
    return -1;
}

static int build(struct ps *ps, const char *path, int (*isfile)(const char *))
{
    struct xmc *c = ps->c;
    struct val *v = ps->v;
    long long memory, vcpus;
    const char *name, *s;
    int crash = -1;
    size_t i, cap;
    struct rpc_arg *vm, *image;

    if ( coerce(ps) )
        return -1;
    memory = v[MEMORY].kind ? v[MEMORY].i : 128;
    vcpus = v[VCPUS].kind ? v[VCPUS].i : 1;
    name = str(ps, NAME) ? str(ps, NAME) : default_name(c, path);
    if ( memory <= 0 || (v[MAXMEM].kind && v[MAXMEM].i < memory) ||
         vcpus < 1 || vcpus > 128 || !str(ps, KERNEL) || !*str(ps, KERNEL) ||
         !isfile(str(ps, KERNEL)) ||
         (str(ps, RAMDISK) && *str(ps, RAMDISK) &&
          !isfile(str(ps, RAMDISK))) ||
         !name || !good_name(name) ||
         (v[UUID].kind && !good_uuid(str(ps, UUID))) ||
         (v[ON_POWEROFF].kind && action(str(ps, ON_POWEROFF), 0) < 0) ||
         (v[ON_REBOOT].kind && action(str(ps, ON_REBOOT), 0) < 0) ||
         (v[ON_CRASH].kind &&
          (crash = action(str(ps, ON_CRASH), 1)) < 0) )
        return -1;

    cap = 10 + v[DISK].n + v[VIF].n;
    vm = sxp_list(c, &c->sxp, cap, "vm");
    if ( !vm || pair(c, vm, "name", name) ||
         pair_int(c, vm, "memory", memory) ||
         (v[MAXMEM].kind && v[MAXMEM].i &&
          pair_int(c, vm, "maxmem", v[MAXMEM].i)) ||
         (v[ON_POWEROFF].kind &&
          pair(c, vm, "on_poweroff", str(ps, ON_POWEROFF))) ||
         (v[ON_REBOOT].kind &&
          pair(c, vm, "on_reboot", str(ps, ON_REBOOT))) ||
         (crash >= 0 && pair(c, vm, "on_crash", crash_actions[crash][1])) ||
         pair_int(c, vm, "vcpus", vcpus) ||
         (v[UUID].kind && pair(c, vm, "uuid", str(ps, UUID))) )
        return -1;
    image = sxp_list(c, item(vm), 2, "image");
    image = image ? sxp_list(c, item(image), 5, "linux") : NULL;
    if ( !image || pair(c, image, "kernel", str(ps, KERNEL)) )
        return -1;
    if ( (s = str(ps, RAMDISK)) && *s && pair(c, image, "ramdisk", s) )
        return -1;
    if ( (s = str(ps, ROOT)) && *s && pair(c, image, "root", s) )
        return -1;
    if ( (s = str(ps, EXTRA)) && (s = strip(c, s, strlen(s))) == NULL )
        return -1;
    if ( s && *s && pair(c, image, "args", s) )
        return -1;
    for ( i = 0; i < v[DISK].n; i++ )
    {
        struct rpc_arg *d = sxp_list(c, item(vm), 2, "device");

        if ( !d || disk(c, d, v[DISK].items[i]) )
            return -1;
    }
    for ( i = 0; i < v[VIF].n; i++ )
    {
        struct rpc_arg *d = sxp_list(c, item(vm), 2, "device");

        if ( !d || vif(c, d, v[VIF].items[i]) )
            return -1;
    }
    return 0;
}

int xmc_read(const char *text, size_t len, const char *path,
             int (*isfile)(const char *), struct xmc *c)
{
    struct ps ps = { .p = text, .end = text + len, .c = c };

    memset(c, 0, sizeof(*c));
    if ( len > XMC_MAX_TEXT )
        return -1;
    while ( ps.p < ps.end )
        if ( statement(&ps) )
            goto fail;
    if ( build(&ps, path, isfile) )
        goto fail;
    return 0;
fail:
    xmc_free(c);
    return -1;
}
