/* SPDX-License-Identifier: GPL-2.0-only */
/* Spinlock classes, outermost first: the lock order debug builds check. */
#ifndef XEN_LOCK_CLASS_H
#define XEN_LOCK_CLASS_H

/*
 * One row per kind of lock, in the order of docs/misc/locking.md: a CPU
 * holding a lock may take only a lock of a later row.  The row number is
 * the rank.  X(class, name, nest): nest says two locks of the class may be
 * held at once, taken in address order (for the per-CPU locks that is CPU
 * order, as CPU n's area lies below CPU n+1's).
 */
#define LOCK_CLASSES(X)                                                       \
    X(domctl, "domctl_lock", false)                                           \
    X(toolstack_info, "toolstack_info_lock", false)                           \
    X(domlist, "domlist_lock", false)                                         \
    X(domain, "d->domain_lock", false)                                        \
    X(pair, "pair_lock", false)                                               \
    X(event, "d->event_lock", true)                                           \
    X(grant, "grant table lock", false)                                       \
    X(maptrack, "maptrack_lock", false)                                       \
    X(watchdog, "d->watchdog_lock", false)                                    \
    X(pt, "page-table lock", false)                                           \
    X(page_alloc, "d->page_alloc_lock", false)                                \
    X(irq_desc, "irq_desc lock", false)                                       \
    X(ioapic, "ioapic_lock", false)                                           \
    X(msi, "msi_lock", false)                                                 \
    X(pcidevs, "pcidevs_lock", false)                                         \
    X(pci_config, "pci_config_lock", false)                                   \
    X(vector, "vector_lock", false)                                           \
    X(delivery, "event delivery lock", false)                                 \
    X(acct, "acct_lock", false)                                               \
    X(sched, "scheduler CPU lock", true)                                      \
    X(timer, "timer CPU lock", true)                                          \
    X(xmalloc, "xmalloc_lock", false)                                         \
    X(heap, "heap_lock", false)                                               \
    X(guest_area, "vCPU guest area lock", false)                              \
    X(call, "call_lock", false)                                               \
    X(sleep, "sleep_lock", false)                                             \
    X(serial_rx, "serial_rx_lock", false)

/* LOCK_none (0) is a lock nobody classed: debug builds refuse to take it. */
enum lock_class {
    LOCK_none,
#define LOCK_CLASS_ENUM(c, name, nest) LOCK_##c,
    LOCK_CLASSES(LOCK_CLASS_ENUM)
#undef LOCK_CLASS_ENUM
        LOCK_NR_CLASSES
};

#endif /* XEN_LOCK_CLASS_H */
