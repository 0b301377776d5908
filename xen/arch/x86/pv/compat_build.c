/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PAE PV domains: making one, and recognising their kernels. */
#include <xen/elf.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <asm/pv/compat.h>
#include <asm/pv/compat_mm.h>
#include <asm/time.h>

/*
 * Only the identification bytes and e_machine, whose offsets are the
 * same in both ELF classes: the rest of an ELF32 header is laid out
 * differently and the loader (common/elf.c) reads ELF64 only.  Without
 * this, such a kernel would be refused as "not a 64-bit image", which
 * reads as a broken file rather than an ABI not built yet.
 */
bool pv_compat_image(const void *data, size_t size)
{
    const uint8_t *e = data;

    return size >= EI_NIDENT + 4 && !memcmp(e, "\177ELF", 4) &&
           e[EI_CLASS] == ELFCLASS32 && e[EI_DATA] == ELFDATA2LSB &&
           (e[EI_NIDENT + 2] | (e[EI_NIDENT + 3] << 8)) == EM_386;
}

/*
 * Once the domain has memory its frames may already be typed as 64-bit
 * page tables, and once a vCPU is up it runs on the 64-bit GDT and ABI:
 * neither can change kind afterwards.  A toolstack sets the width first
 * thing, as Xen expects.
 */
int pv_switch_compat(struct domain *d)
{
    if ( !is_pv_domain(d) )
        return -EINVAL;
    if ( d->arch.pv.is_32bit )
        return 0;
    if ( ACCESS_ONCE(d->tot_pages) )
        return -EACCES;
    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] && !(d->vcpu[i]->pause_flags & VPF_down) )
            return -EACCES;
    /* Each vCPU runs on an L4 of ours, its L3 under slot 0. */
    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] && pv32_vcpu_init(d->vcpu[i]) )
        {
            while ( i-- )
                if ( d->vcpu[i] )
                    pv32_vcpu_destroy(d->vcpu[i]);
            return -ENOMEM;
        }
    d->arch.pv.compat_virt_start = COMPAT_VIRT_START_DEFAULT;
    d->arch.pv.is_32bit = true;
    /* domain_create() wrote the wall clock where a 64-bit guest has it. */
    update_domain_wallclock_time(d);
    evtchn_switch_compat(d);
    return 0;
}

/*
 * HV_START_LOW is the lowest address the kernel lets the hypervisor have,
 * rounded up to a whole L2 entry (2 MiB under PAE).  It may raise the
 * start to where the compat M2P really begins (machines with little
 * memory need less of it) but never above the default: the kernel would
 * not leave room for the M2P Xen promises at least there.
 */
int pv_compat_virt_start(uint64_t hv_start_low, uint32_t m2p_start,
                         uint32_t *start)
{
    const uint64_t l2_size = 1u << 21;
    uint64_t want;

    if ( hv_start_low == ~0ull )
    {
        *start = COMPAT_VIRT_START_DEFAULT;
        return 0;
    }
    if ( hv_start_low > COMPAT_VIRT_START_DEFAULT )
        return -EINVAL;
    want = (hv_start_low + l2_size - 1) & ~(l2_size - 1);
    if ( want > COMPAT_VIRT_START_DEFAULT )
        return -EINVAL;
    *start = want > m2p_start ? want : m2p_start;
    return 0;
}
