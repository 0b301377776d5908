/* SPDX-License-Identifier: GPL-2.0-only */
/* What the hypervisor's elf.c and decompressors expect from their host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/lib.h>
#include <xen/xmalloc.h>

#include "xc_dom.h"
#include "xc_private.h"

__thread xc_interface *xc_dom_log_to;

/* Their messages say why an image is refused: logged at debug level. */
void printk(const char *fmt, ...)
{
    char msg[200];
    const char *p = msg;
    va_list ap;

    if ( !xc_dom_log_to )
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* Drop the "<N>" log level prefix the hypervisor would consume. */
    if ( p[0] == '<' && p[1] && p[2] == '>' )
        p += 3;
    msg[strcspn(msg, "\n")] = '\0';
    xc_log(xc_dom_log_to, XC_LOG_DEBUG, "%s", p);
}

void *_xmalloc(size_t size, size_t align)
{
    void *p = NULL;

    if ( align < sizeof(void *) )
        align = sizeof(void *);
    return posix_memalign(&p, align, size ? size : 1) ? NULL : p;
}

void xfree(void *p)
{
    free(p);
}
