/* SPDX-License-Identifier: GPL-2.0-only */
/* Command-line parsing: applies "name[=value]" words to registered options. */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/string.h>

char saved_cmdline[CMDLINE_SIZE];

/* Room for one option word; longer words are cut (and reported). */
#define OPT_BUF_SIZE 512

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int parse_bool(const char *s, const char *e)
{
    static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
    static const char *const no[] = { "0", "no", "off", "false", "disable" };
    size_t len = e ? (size_t)(e - s) : strlen(s);
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(yes); i++ )
    {
        if ( strlen(yes[i]) == len && !strncmp(s, yes[i], len) )
            return 1;
        if ( strlen(no[i]) == len && !strncmp(s, no[i], len) )
            return 0;
    }
    return -1;
}

static int digit_value(char c)
{
    if ( c >= '0' && c <= '9' )
        return c - '0';
    if ( c >= 'a' && c <= 'f' )
        return c - 'a' + 10;
    if ( c >= 'A' && c <= 'F' )
        return c - 'A' + 10;
    return 99;
}

/*
 * Unsigned number in C notation.  Returns -EINVAL if there are no digits,
 * -ERANGE on overflow; *end is set after the digits.
 */
static int parse_ull(const char *s, const char **end, unsigned long long *out)
{
    unsigned int base = 10;
    unsigned long long v = 0;
    const char *p = s;
    int d;

    if ( p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
         digit_value(p[2]) < 16 )
    {
        base = 16;
        p += 2;
    }
    else if ( p[0] == '0' && digit_value(p[1]) < 8 )
        base = 8;

    *end = s;
    if ( digit_value(*p) >= (int)base )
        return -EINVAL;
    for ( ; (d = digit_value(*p)) < (int)base; p++ )
    {
        if ( v > (~0ULL - d) / base )
            return -ERANGE;
        v = v * base + d;
    }
    *end = p;
    *out = v;
    return 0;
}

unsigned long long parse_size_and_unit(const char *s, const char **end)
{
    unsigned long long v;
    unsigned int shift = 10;
    const char *p;

    if ( parse_ull(s, &p, &v) )
    {
        if ( end )
            *end = s;
        return 0;
    }
    switch ( *p )
    {
    case 'T':
    case 't':
        shift = 40;
        p++;
        break;
    case 'G':
    case 'g':
        shift = 30;
        p++;
        break;
    case 'M':
    case 'm':
        shift = 20;
        p++;
        break;
    case 'K':
    case 'k':
        shift = 10;
        p++;
        break;
    case 'B':
    case 'b':
        shift = 0;
        p++;
        break;
    }
    if ( end )
        *end = p;
    /* Saturate rather than wrap; callers reject what doesn't fit. */
    return v > (~0ULL >> shift) ? ~0ULL : v << shift;
}

/* Stores v in an integer variable of len bytes, if it fits. */
static int assign_integer(const struct kernel_param *param,
                          unsigned long long v, bool negative)
{
    unsigned int bits = param->len * 8;

    if ( bits < 64 )
    {
        long long sv = (long long)v;

        if ( negative ? sv < -(1LL << (bits - 1)) : v >> bits )
            return -ERANGE;
    }

    switch ( param->len )
    {
    case 1:
        *(uint8_t *)param->par.var = v;
        break;
    case 2:
        *(uint16_t *)param->par.var = v;
        break;
    case 4:
        *(uint32_t *)param->par.var = v;
        break;
    case 8:
        *(uint64_t *)param->par.var = v;
        break;
    default:
        return -EINVAL;
    }
    return 0;
}

static int set_int(const struct kernel_param *param, const char *val)
{
    unsigned long long v;
    bool negative = (*val == '-');
    const char *end;
    int rc;

    rc = parse_ull(val + negative, &end, &v);
    if ( rc )
        return rc;
    if ( *end )
        return -EINVAL;
    if ( negative )
    {
        if ( v > (1ULL << 63) )
            return -ERANGE;
        v = -v;
    }
    return assign_integer(param, v, negative);
}

static int set_size(const struct kernel_param *param, const char *val)
{
    unsigned long long v = parse_size_and_unit(val, &val);

    if ( *val || v == ~0ULL )
        return *val ? -EINVAL : -ERANGE;
    return assign_integer(param, v, false);
}

/* Applies one option; returns 0 or -errno for a bad value. */
static int apply(const struct kernel_param *param, const char *val,
                 bool negated)
{
    int b;

    switch ( param->type )
    {
    case OPT_BOOL:
        if ( val && negated )
            return -EINVAL;
        b = val ? parse_bool(val, NULL) : !negated;
        if ( b < 0 )
            return -EINVAL;
        return assign_integer(param, b, false);

    case OPT_INT:
        return val ? set_int(param, val) : -EINVAL;

    case OPT_SIZE:
        return val ? set_size(param, val) : -EINVAL;

    case OPT_STR:
        if ( !val )
            return -EINVAL;
        if ( strlcpy(param->par.var, val, param->len) >= param->len )
            return -E2BIG; /* stored, but cut short */
        return 0;

    case OPT_CUSTOM:
        return param->par.func(val ? val : "");
    }
    return -EINVAL;
}

/*
 * Copies the word at *pp into buf, dropping double quotes (which let a
 * value contain spaces), and advances *pp past it.  Returns false if the
 * word did not fit.
 */
static bool next_word(const char **pp, char *buf, size_t size)
{
    const char *p = *pp;
    bool quoted = false, fits = true;
    size_t n = 0;

    for ( ; *p && (quoted || !is_space(*p)); p++ )
    {
        if ( *p == '"' )
            quoted = !quoted;
        else if ( n + 1 < size )
            buf[n++] = *p;
        else
            fits = false;
    }
    buf[n] = '\0';
    *pp = p;
    return fits;
}

int parse_params(const char *cmdline, const struct kernel_param *start,
                 const struct kernel_param *end)
{
    char buf[OPT_BUF_SIZE];
    const char *p = cmdline;
    int final_rc = 0;

    while ( p && *p )
    {
        const struct kernel_param *param;
        char *key = buf, *val;
        bool found = false, fits;

        while ( is_space(*p) )
            p++;
        if ( !*p )
            break;
        fits = next_word(&p, buf, sizeof(buf));

        val = strchr(buf, '=');
        if ( val )
            *val++ = '\0';
        if ( !fits )
            printk(XENLOG_WARNING "parameter \"%s\" too long, truncated\n",
                   key);

        for ( param = start; param < end; param++ )
        {
            bool negated = false;
            int rc;

            if ( strcmp(param->name, key) )
            {
                /* "no-name" switches a boolean off. */
                if ( param->type != OPT_BOOL || strncmp(key, "no-", 3) ||
                     strcmp(param->name, key + 3) )
                    continue;
                negated = true;
            }
            found = true;
            rc = apply(param, val, negated);
            if ( rc )
            {
                printk(XENLOG_WARNING
                       "parameter \"%s\" has invalid value \"%s\", rc=%d!\n",
                       key, val ? val : "", rc);
                final_rc = rc;
            }
        }
        if ( !found )
        {
            printk(XENLOG_WARNING "parameter \"%s\" unknown!\n", key);
            final_rc = -EINVAL;
        }
    }
    return final_rc;
}

void cmdline_parse(const char *cmdline)
{
    if ( !cmdline )
        return;
    strlcpy(saved_cmdline, cmdline, sizeof(saved_cmdline));
    parse_params(cmdline, __setup_start, __setup_end);
}
