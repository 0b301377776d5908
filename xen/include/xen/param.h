/* SPDX-License-Identifier: GPL-2.0-only */
/* Registration of hypervisor command-line options, and their parser. */
#ifndef XEN_PARAM_H
#define XEN_PARAM_H

#include <xen/compiler.h>
#include <xen/types.h>

enum kernel_param_type {
    OPT_BOOL,   /* name, no-name, name=yes/on/true/enable/1 or opposite */
    OPT_INT,    /* decimal, 0x hex or 0 octal; may be negative */
    OPT_SIZE,   /* number and T/G/M/K/B suffix; no suffix means KiB */
    OPT_STR,    /* copied into a char array, truncated to fit */
    OPT_CUSTOM, /* handed to a function returning 0 or -errno */
};

struct kernel_param {
    const char *name;
    enum kernel_param_type type;
    unsigned int len; /* sizeof the variable */
    union {
        void *var;
        int (*func)(const char *val);
    } par;
};

/* Initialisers, also usable to build a table by hand (host tests do). */
#define KPARAM(n, t, v)                                                       \
    {                                                                         \
        .name = (n), .type = (t), .len = sizeof(v), .par.var = &(v)           \
    }
#define KPARAM_BOOL(n, v) KPARAM(n, OPT_BOOL, v)
#define KPARAM_INT(n, v)  KPARAM(n, OPT_INT, v)
#define KPARAM_SIZE(n, v) KPARAM(n, OPT_SIZE, v)
#define KPARAM_STR(n, v)  KPARAM(n, OPT_STR, v)
#define KPARAM_CUSTOM(n, f)                                                   \
    {                                                                         \
        .name = (n), .type = OPT_CUSTOM, .len = 0, .par.func = (f)            \
    }

/*
 * Entries are collected by the linker between __setup_start and
 * __setup_end; the explicit alignment stops the compiler padding them
 * apart, which would break walking them as an array.
 */
#define __kparam __used __section(".init.setup") __aligned(8)

#define boolean_param(n, v)                                                   \
    static const struct kernel_param __kparam __setup_##v = KPARAM_BOOL(n, v)
#define integer_param(n, v)                                                   \
    static const struct kernel_param __kparam __setup_##v = KPARAM_INT(n, v)
#define size_param(n, v)                                                      \
    static const struct kernel_param __kparam __setup_##v = KPARAM_SIZE(n, v)
#define string_param(n, v)                                                    \
    static const struct kernel_param __kparam __setup_##v = KPARAM_STR(n, v)
#define custom_param(n, f)                                                    \
    static const struct kernel_param __kparam __setup_##f = KPARAM_CUSTOM(n, f)

extern const struct kernel_param __setup_start[], __setup_end[];

#define CMDLINE_SIZE 1024

/* The command line as given (truncated to CMDLINE_SIZE - 1 characters). */
extern char saved_cmdline[CMDLINE_SIZE];

/*
 * Saves cmdline and applies it to the registered options, left to right
 * (so later settings win).  Unknown options and bad values are reported
 * and skipped, never fatal.
 */
void cmdline_parse(const char *cmdline);
/* The same against an explicit table; returns 0 or the last error. */
int parse_params(const char *cmdline, const struct kernel_param *start,
                 const struct kernel_param *end);

/*
 * Helpers for custom options.  parse_bool() looks at [s, e) (e = NULL: up
 * to the NUL) and returns 1, 0, or -1 if it is not a boolean word.
 * parse_size_and_unit() returns the size in bytes and sets *end after
 * what it used; *end == s means no number was found.
 */
int parse_bool(const char *s, const char *e);
unsigned long long parse_size_and_unit(const char *s, const char **end);

#endif /* XEN_PARAM_H */
