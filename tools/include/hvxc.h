/* SPDX-License-Identifier: GPL-2.0-only */
/* libhvxc: dom0's C control library over the hypervisor, as libxenctrl. */
#ifndef HVXC_H
#define HVXC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif
#include <public/xen.h>
#include <public/domctl.h>
#include <public/sysctl.h>
#include <public/memory.h>
#include <public/event_channel.h>
#include <public/grant_table.h>

/*
 * Conventions.  Every function taking an xc_interface returns -1 (or NULL)
 * on failure with errno set to a positive errno value, and hands one line
 * saying what failed to the handle's logger (stderr unless replaced).
 * Hypervisor errors come back as the errno the hypervisor answered; the
 * library adds EINVAL (bad arguments), ENOMEM, and E2BIG or EOVERFLOW
 * (a buffer too small for what the hypervisor reports; the CPU policy
 * calls answer ENOBUFS with the counts needed).  Handles are not
 * thread-safe: use one per thread.
 */
typedef struct xc_interface xc_interface;

/* level: XC_LOG_ERROR for failures, XC_LOG_INFO for progress. */
enum xc_log_level { XC_LOG_ERROR, XC_LOG_INFO, XC_LOG_DEBUG };
typedef void xc_logger_fn(void *opaque, enum xc_log_level level,
                          const char *msg);

/* Opens /dev/xen/privcmd; logger NULL: the default (stderr, errors only). */
xc_interface *xc_interface_open(xc_logger_fn *logger, void *opaque);
int xc_interface_close(xc_interface *xch);
/* The messages the default logger prints: XC_LOG_ERROR, or more. */
void xc_set_log_level(xc_interface *xch, enum xc_log_level level);
/* The last failure's message (empty if none); valid until the next call. */
const char *xc_last_error(const xc_interface *xch);

/* Any hypercall, its pointer arguments already in xc_hypercall_buffers. */
long xc_hypercall(xc_interface *xch, unsigned int op, uint64_t a1,
                  uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
/*
 * Memory the hypervisor may read and write during a hypercall: page
 * aligned, locked (mlock), zeroed.  NULL on failure.
 */
void *xc_hypercall_buffer_alloc(xc_interface *xch, size_t size);
void xc_hypercall_buffer_free(xc_interface *xch, void *p, size_t size);

/* Raw domctl/sysctl: the interface version is filled in. */
int xc_domctl(xc_interface *xch, struct xen_domctl *dop);
int xc_sysctl(xc_interface *xch, struct xen_sysctl *sop);

/* ---- Domains ---- */

/*
 * Creates a domain; *domid in: the id wanted (0: any), out: the id given.
 * config NULL: a PV domain with one vCPU and Xen's usual limits.
 */
int xc_domain_create(xc_interface *xch, uint32_t *domid,
                     struct xen_domctl_createdomain *config);
/* Destroys it, repeating the call while the hypervisor says -ERESTART. */
int xc_domain_destroy(xc_interface *xch, uint32_t domid);
int xc_domain_pause(xc_interface *xch, uint32_t domid);
int xc_domain_unpause(xc_interface *xch, uint32_t domid);
int xc_domain_getinfo_single(xc_interface *xch, uint32_t domid,
                             xen_domctl_getdomaininfo_t *info);
/* Up to max domains from first on; returns how many were filled. */
int xc_domain_getinfolist(xc_interface *xch, uint32_t first, unsigned int max,
                          xen_domctl_getdomaininfo_t *info);
int xc_domain_max_mem(xc_interface *xch, uint32_t domid, uint64_t max_kb);
int xc_domain_max_vcpus(xc_interface *xch, uint32_t domid, unsigned int max);
int xc_domain_setvcpucontext(xc_interface *xch, uint32_t domid,
                             uint32_t vcpu, const vcpu_guest_context_t *ctxt);
int xc_domain_getvcpucontext(xc_interface *xch, uint32_t domid,
                             uint32_t vcpu, vcpu_guest_context_t *ctxt);
int xc_domain_getvcpuinfo(xc_interface *xch, uint32_t domid, uint32_t vcpu,
                          struct xen_domctl_getvcpuinfo *info);
/*
 * Affinity as bitmaps of nbytes bytes (cpu n: bit n % 8 of byte n / 8);
 * either may be NULL; flags XEN_VCPUAFFINITY_*.  set writes back the
 * effective maps.
 */
int xc_vcpu_setaffinity(xc_interface *xch, uint32_t domid, uint32_t vcpu,
                        uint8_t *hard, uint8_t *soft, size_t nbytes,
                        uint32_t flags);
int xc_vcpu_getaffinity(xc_interface *xch, uint32_t domid, uint32_t vcpu,
                        uint8_t *hard, uint8_t *soft, size_t nbytes,
                        uint32_t flags);
int xc_domain_sethandle(xc_interface *xch, uint32_t domid,
                        const xen_domain_handle_t handle);
int xc_domain_hypercall_init(xc_interface *xch, uint32_t domid,
                             uint64_t gmfn);
int xc_domain_set_address_size(xc_interface *xch, uint32_t domid,
                               unsigned int bits);
int xc_domain_get_address_size(xc_interface *xch, uint32_t domid,
                               unsigned int *bits);
int xc_sched_credit_domain_set(xc_interface *xch, uint32_t domid,
                               const struct xen_domctl_sched_credit *p);
int xc_sched_credit_domain_get(xc_interface *xch, uint32_t domid,
                               struct xen_domctl_sched_credit *p);
/*
 * The domain's CPUID leaves and MSRs: *nr_* in: room, out: count.  set
 * reports what was refused in err_* (may be NULL).
 */
int xc_get_domain_cpu_policy(xc_interface *xch, uint32_t domid,
                             uint32_t *nr_leaves, xen_cpuid_leaf_t *leaves,
                             uint32_t *nr_msrs, xen_msr_entry_t *msrs);
int xc_set_domain_cpu_policy(xc_interface *xch, uint32_t domid,
                             uint32_t nr_leaves,
                             const xen_cpuid_leaf_t *leaves,
                             uint32_t nr_msrs, const xen_msr_entry_t *msrs,
                             uint32_t *err_leaf, uint32_t *err_subleaf,
                             uint32_t *err_msr);

/* ---- Memory (memory_op on behalf of a domain) ---- */

/*
 * Gives domid nr extents of 2^order pages at the gpfns in pfns[], which
 * on return hold the frames given (for PV, the mfns).  All or nothing:
 * a partial answer is undone and fails with ENOMEM.
 */
int xc_domain_populate_physmap(xc_interface *xch, uint32_t domid,
                               unsigned long nr, unsigned int order,
                               unsigned int memflags, xen_pfn_t *pfns);
/* Takes back nr extents; returns how many were released (-1: none). */
long xc_domain_decrease_reservation(xc_interface *xch, uint32_t domid,
                                    unsigned long nr, unsigned int order,
                                    xen_pfn_t *pfns);
int xc_domain_claim_pages(xc_interface *xch, uint32_t domid,
                          unsigned long nr_pages);
int xc_domain_set_pod_target(xc_interface *xch, uint32_t domid,
                             uint64_t target_pages);

/* ---- The host ---- */

int xc_physinfo(xc_interface *xch, struct xen_sysctl_physinfo *info);
/* *nr in: entries in topo, out: CPUs the host has. */
int xc_cputopoinfo(xc_interface *xch, unsigned int *nr,
                   xen_sysctl_cputopo_t *topo);
int xc_sched_id(xc_interface *xch, uint32_t *sched_id);
/*
 * The hypervisor's console ring into buf; *count in: room, out: bytes.
 * *index: NULL reads everything, else incremental from *index, updated.
 */
int xc_readconsolering(xc_interface *xch, char *buf, unsigned int *count,
                       int clear, uint32_t *index);
int xc_send_debug_keys(xc_interface *xch, const char *keys);
int xc_get_system_cpu_policy(xc_interface *xch, uint32_t index,
                             uint32_t *nr_leaves, xen_cpuid_leaf_t *leaves,
                             uint32_t *nr_msrs, xen_msr_entry_t *msrs);
int xc_sched_credit_params_get(xc_interface *xch, uint32_t pool,
                               struct xen_sysctl_credit_schedule *p);
int xc_sched_credit_params_set(xc_interface *xch, uint32_t pool,
                               struct xen_sysctl_credit_schedule *p);

/* Cpupools: op XEN_SYSCTL_CPUPOOL_OP_*; the map only for INFO/FREEINFO. */
struct xc_cpupool_info {
    uint32_t cpupool_id, sched_id, n_dom;
    uint8_t cpumap[64];             /* up to 512 CPUs */
};
int xc_cpupool_create(xc_interface *xch, uint32_t *pool, uint32_t sched_id);
int xc_cpupool_destroy(xc_interface *xch, uint32_t pool);
/* The first pool with an id >= pool. */
int xc_cpupool_getinfo(xc_interface *xch, uint32_t pool,
                       struct xc_cpupool_info *info);
int xc_cpupool_addcpu(xc_interface *xch, uint32_t pool, int cpu);
int xc_cpupool_removecpu(xc_interface *xch, uint32_t pool, int cpu);
int xc_cpupool_movedomain(xc_interface *xch, uint32_t pool, uint32_t domid);
int xc_cpupool_freeinfo(xc_interface *xch, uint8_t cpumap[64]);

/* Event channels between domains, by hypercall (not /dev/xen/evtchn). */
int xc_evtchn_alloc_unbound(xc_interface *xch, uint32_t domid,
                            uint32_t remote_domid, evtchn_port_t *port);
int xc_mmuext_op(xc_interface *xch, struct mmuext_op *ops, unsigned int nr,
                 uint32_t domid);

/* ---- Foreign memory ---- */

/*
 * Maps the frames arr[0..num) of domid (for PV: mfns) contiguously.
 * err[i] receives 0 or the negative errno of frame i; the call fails
 * only if nothing could be tried, so check err[].
 */
void *xc_map_foreign_bulk(xc_interface *xch, uint32_t domid, int prot,
                          const xen_pfn_t *arr, int *err, unsigned int num);
/* All frames or NULL (errno from the first failed frame). */
void *xc_map_foreign_pages(xc_interface *xch, uint32_t domid, int prot,
                           const xen_pfn_t *arr, unsigned int num);
/*
 * A resource (XENMEM_resource_*) of domid through MMAP_RESOURCE; NULL
 * with EOPNOTSUPP when the kernel or hypervisor does not offer it.
 */
void *xc_map_resource(xc_interface *xch, uint32_t domid, unsigned int type,
                      unsigned int id, unsigned long frame,
                      unsigned long nr_frames, int prot);
int xc_unmap(xc_interface *xch, void *addr, unsigned long nr_pages);

/* ---- /dev/xen/evtchn: ports this process binds and waits on ---- */

typedef struct xc_evtchn xc_evtchn;
xc_evtchn *xc_evtchn_open(xc_interface *xch);
int xc_evtchn_close(xc_evtchn *xce);
int xc_evtchn_fd(const xc_evtchn *xce);
/* Return the local port, or -1. */
int xc_evtchn_bind_interdomain(xc_evtchn *xce, uint32_t domid,
                               evtchn_port_t remote_port);
int xc_evtchn_bind_unbound_port(xc_evtchn *xce, uint32_t domid);
int xc_evtchn_bind_virq(xc_evtchn *xce, unsigned int virq);
int xc_evtchn_unbind(xc_evtchn *xce, evtchn_port_t port);
int xc_evtchn_notify(xc_evtchn *xce, evtchn_port_t port);
/* The next pending port (blocks unless the fd is non-blocking). */
int xc_evtchn_pending(xc_evtchn *xce);
int xc_evtchn_unmask(xc_evtchn *xce, evtchn_port_t port);

/* ---- /dev/xen/gntdev and /dev/xen/gntalloc ---- */

typedef struct xc_gnttab xc_gnttab;
xc_gnttab *xc_gnttab_open(xc_interface *xch);
int xc_gnttab_close(xc_gnttab *xcg);
/* count refs of domids (one domid each) mapped contiguously, or NULL. */
void *xc_gnttab_map_grant_refs(xc_gnttab *xcg, unsigned int count,
                               const uint32_t *domids, const uint32_t *refs,
                               int prot);
int xc_gnttab_unmap(xc_gnttab *xcg, void *addr, unsigned int count);

typedef struct xc_gntshr xc_gntshr;
xc_gntshr *xc_gntshr_open(xc_interface *xch);
int xc_gntshr_close(xc_gntshr *xcs);
/* count pages granted to domid, their refs in refs[]; NULL on failure. */
void *xc_gntshr_share_pages(xc_gntshr *xcs, uint32_t domid,
                            unsigned int count, uint32_t *refs, int writable);
int xc_gntshr_unshare(xc_gntshr *xcs, void *addr, unsigned int count);

/* ---- The PV domain builder ---- */

struct xc_pv_config {
    const char *kernel;         /* a path: ELF, gzip or xz compressed ELF */
    const char *ramdisk;        /* a path or NULL */
    const char *cmdline;        /* or NULL */
    uint64_t memory_kb;         /* the domain's pages at start */
    uint64_t maxmem_kb;         /* 0: memory_kb */
    unsigned int vcpus;         /* 0: 1 */
    uint32_t domid;             /* 0: any */
    uint32_t console_domid;     /* the backends' domain (0: dom0) */
    uint32_t store_domid;
    xen_domain_handle_t handle; /* the domain's uuid */
    /*
     * A directory (created 0700 if missing) where the unpacked image of a
     * compressed kernel is kept after a build, named by the kernel file's
     * device, inode, size, mtime and ctime, and used by later builds of
     * that file instead of unpacking it again; NULL: none.
     */
    const char *kernel_cache;
};

/* What the builder made, for the toolstack's xenstore entries. */
struct xc_pv_result {
    uint32_t domid;
    xen_pfn_t console_mfn, store_mfn;
    evtchn_port_t console_port, store_port;     /* in the new domain */
    uint64_t nr_pages;
    uint64_t virt_base, virt_entry;
};

/*
 * Creates and builds a PV domain, left paused: unpause it to run.  On
 * failure the half-built domain is destroyed.
 */
int xc_pv_build(xc_interface *xch, const struct xc_pv_config *cfg,
                struct xc_pv_result *res);

#endif /* HVXC_H */
