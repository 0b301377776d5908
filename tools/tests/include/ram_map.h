/* SPDX-License-Identifier: GPL-2.0-only */
/* The machine's memory map for host tests of the PV MMU: all of it RAM. */
#ifndef TESTS_RAM_MAP_H
#define TESTS_RAM_MAP_H

#include <asm/e820.h>
#include <asm/pv/mm.h>

/*
 * A test's frames are numbered from near 0 and all are RAM, so nothing is
 * I/O memory but what lies above max_page.  Include this from one file of
 * a test program.
 */
struct e820map e820 = {
    .nr_map = 1,
    .map = { { .addr = 0, .size = 1ULL << 40, .type = E820_RAM } },
};

static void __attribute__((constructor)) no_low_io_frames(void)
{
    io_frames_below = 0;
}

#endif /* TESTS_RAM_MAP_H */
