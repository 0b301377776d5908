/* SPDX-License-Identifier: GPL-2.0-only */
/* A stand-in for Linux's /dev/xen drivers and the hypervisor behind them. */
#ifndef FAKE_H
#define FAKE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "hvxc.h"

/* The hypercall the fake sees; returns the hypervisor's answer (-errno). */
typedef long fake_hypercall_fn(unsigned int op, uint64_t a[5]);

struct fake {
    int open_errno;                 /* non-zero: open() fails so */
    fake_hypercall_fn *hypercall;   /* NULL: every hypercall -ENOSYS */
    unsigned int nr_hypercalls;
    bool unaligned_arg;             /* a pointer argument was not bounced */
    /* MMAPBATCH_V2: the per-frame errors it reports, and its own answer. */
    int frame_err[8];
    int mmapbatch_errno;
    unsigned int nr_mmapbatch;      /* privcmd mmap-batches, and the */
    unsigned long mmapbatch_max;    /* most frames one of them mapped */
    int mmap_resource_errno;
    /* Guest memory: mfn FAKE_MFN0 + i is page i of a memfd. */
    int memfd;
    unsigned long nr_frames;
    /* evtchn: the ports read() hands out, what write() unmasked. */
    unsigned int pending_port, unmasked_port;
    /* gntdev/gntalloc: the index given and the last count. */
    uint64_t grant_index;
    unsigned int grant_count;
    bool grant_unmapped;
};
#define FAKE_MFN0 0x10000UL

extern struct fake fake;
/* Installs the fake with a clean state and nr_frames of guest memory. */
void fake_reset(unsigned long nr_frames);
/* Where guest frame mfn is in our memory (NULL: not a fake frame). */
void *fake_frame(uint64_t mfn);

#endif /* FAKE_H */
