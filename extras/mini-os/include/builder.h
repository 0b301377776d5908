/* SPDX-License-Identifier: GPL-2.0-only */
/* Building PV domains from dom0, and serving their console rings. */

#ifndef MINIOS_BUILDER_H
#define MINIOS_BUILDER_H

#include <os.h>
#include <public/io/console.h>

/* What to build: an ELF PV kernel, its memory and command line. */
struct domu_spec {
    const void *image;
    size_t image_len;
    unsigned long mem_kb;
    const char *cmdline;
    /* vCPUs it may have (0: one); all but vCPU 0 start down. */
    unsigned int max_vcpus;
    /* The highest grant table version it may switch to (0: 1). */
    unsigned int max_grant_version;
};

/* A domain we built or adopted, as long as we keep it. */
struct domu {
    domid_t domid;
    unsigned long nr_pages;
    /* Its console ring, mapped in our space, and our port bound to it: */
    evtchn_port_t console_port;         /* 0 and */
    struct xencons_interface *console;  /* NULL for an adopted domain */
    char line[160];                     /* console output not yet printed */
    unsigned int line_len;
    /* The last "VERDICT: " line it printed (tests/hostile.c), without it. */
    char verdict[256];
};

/*
 * Creates, fills and starts a one-vCPU domain through domctl, as a
 * toolstack would.  Returns 0, or a negative errno after printing what
 * was wrong (a bad image names the problem) and destroying what was made.
 */
long domu_build(const struct domu_spec *spec, struct domu *d);

/*
 * Takes charge of a running domain we did not build (the hypervisor
 * started it from a boot module), so that the calls below work on it.
 * It has no console ring: it writes through console_io.  Returns 0, or
 * -XEN_ESRCH if there is no domain domid.
 */
long domu_adopt(domid_t domid, struct domu *d);

/* Prints the domain's complete console lines, each prefixed "[dN] ". */
void domu_console_drain(struct domu *d);

/*
 * Drains the console until the domain has shut down or ms pass: 0 with
 * the SHUTDOWN_* reason in *reason, or -XEN_ETIMEDOUT.
 */
long domu_wait_shutdown(struct domu *d, unsigned int ms,
                        unsigned int *reason);

/* Unmaps its console, then destroys it through domctl. */
long domu_destroy(struct domu *d);

/* The boot module dom0 was given (its "initrd"), or NULL if none. */
const void *boot_module(size_t *len);

/*
 * Maps another domain's frame at our page va (dom0 only); unmapping puts
 * va's own frame back.
 */
long map_foreign_frame(void *va, unsigned long mfn, domid_t dom);
long unmap_foreign_frame(void *va);

#endif /* MINIOS_BUILDER_H */
