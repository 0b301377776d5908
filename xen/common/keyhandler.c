/* SPDX-License-Identifier: GPL-2.0-only */
/* Dispatches debug keys and provides the generic ones (h, R). */
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/shutdown.h>

extern const struct keyhandler __keyhandler_start[], __keyhandler_end[];

void handle_keypress(unsigned char key)
{
    for ( const struct keyhandler *h = __keyhandler_start;
          h < __keyhandler_end; h++ )
        if ( h->key == key )
        {
            printk("'%c' pressed -> %s\n", key, h->desc);
            h->fn(key);
            return;
        }
}

static void show_handlers(unsigned char key)
{
    for ( const struct keyhandler *h = __keyhandler_start;
          h < __keyhandler_end; h++ )
        printk(" key '%c' (ascii '%02x') => %s\n", h->key, h->key, h->desc);
}
KEYHANDLER('h', show_handlers, "showing installed handlers");

static void reboot_key(unsigned char key)
{
    machine_restart();
}
KEYHANDLER('R', reboot_key, "rebooting machine");
