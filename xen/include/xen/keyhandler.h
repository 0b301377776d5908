/* SPDX-License-Identifier: GPL-2.0-only */
/* Debug keys: single characters typed on the serial console. */
#ifndef XEN_KEYHANDLER_H
#define XEN_KEYHANDLER_H

#include <xen/compiler.h>

struct keyhandler {
    unsigned char key;
    void (*fn)(unsigned char key);
    const char *desc;
};

/* Registers a handler at link time; the table is walked by key. */
#define KEYHANDLER(k, func, description)                                      \
    static const struct keyhandler keyhandler_##func __used __section(        \
        ".data.keyhandler")                                                   \
        __aligned(8) = { .key = (k), .fn = (func), .desc = (description) }

void handle_keypress(unsigned char key);

#endif /* XEN_KEYHANDLER_H */
