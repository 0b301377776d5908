/* SPDX-License-Identifier: GPL-2.0-only */
/* Forced into every hypervisor translation unit: build-wide settings. */
#ifndef XEN_CONFIG_H
#define XEN_CONFIG_H

/*
 * Everything is linked into one static image, so no symbol needs a GOT
 * entry: hidden visibility makes -fpie code address globals RIP-relative.
 */
#pragma GCC visibility push(hidden)

/* NR_CPUS and the memory layout, so the public headers defer to it. */
#include <asm/config.h>

#endif /* XEN_CONFIG_H */
