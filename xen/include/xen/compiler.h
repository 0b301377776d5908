/* SPDX-License-Identifier: GPL-2.0-only */
/* Compiler attributes and hints used across the hypervisor. */
#ifndef XEN_COMPILER_H
#define XEN_COMPILER_H

#define likely(x)      __builtin_expect(!!(x), 1)
#define unlikely(x)    __builtin_expect(!!(x), 0)
#define __packed       __attribute__((__packed__))
#define __aligned(a)   __attribute__((__aligned__(a)))
#define __section(s)   __attribute__((__section__(s)))
#define __used         __attribute__((__used__))
#define __noreturn     __attribute__((__noreturn__))
#define __printf(a, b) __attribute__((__format__(__printf__, a, b)))
#define __maybe_unused __attribute__((__unused__))
#define barrier()      __asm__ __volatile__("" ::: "memory")

/* Code and data needed only while booting. */
#define __init     __section(".init.text")
#define __initdata __section(".init.data")

/*
 * What every guest entry and exit runs: xen.lds.S keeps it together on
 * its own page(s), so that the path touches few pages and its direct
 * calls and jumps stay within one (which emulators chain cheaply).
 */
#define __hot_path __section(".text.hot")

/*
 * What each PV page-table entry update runs (mmu_update, the page-table
 * write emulation): kept together on a page of its own after the hot one.
 */
#define __pt_path __section(".text.pt")

#define ACCESS_ONCE(x)   (*(volatile __typeof__(x) *)&(x))
#define READ_ONCE(x)     ACCESS_ONCE(x)
#define WRITE_ONCE(x, v) (ACCESS_ONCE(x) = (v))

#endif /* XEN_COMPILER_H */
