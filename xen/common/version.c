/* SPDX-License-Identifier: GPL-2.0-only */
/* xen_version: what the hypervisor tells guests about itself. */
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <public/features.h>
#include <xsm/xsm.h>

/*
 * We implement Xen 4.17's ABI, so guests see its version: Linux and
 * others gate features on it.  Our own release shows in extraversion.
 */
static uint32_t guest_features(const struct domain *d)
{
    uint32_t f = (1u << XENFEAT_pae_pgdir_above_4gb) |
                 (1u << XENFEAT_mmu_pt_update_preserve_ad) |
                 (1u << XENFEAT_gnttab_map_avail_bits);

    if ( is_hardware_domain(d) )
        f |= 1u << XENFEAT_dom0;
    return f;
}

/* Copies a string result of at most size bytes, NUL padded. */
static long copy_string(XEN_GUEST_HANDLE_PARAM(void) arg, const char *s,
                        size_t size)
{
    char buf[1024] = { 0 };

    BUG_ON(size > sizeof(buf));
    strlcpy(buf, s, size);
    return copy_to_guest(arg, buf, size) ? -EFAULT : 0;
}

/*
 * The linker's note: name size, descriptor size, type, "GNU\0", then the
 * descriptor, the id itself.
 */
extern const uint32_t __note_gnu_build_id_start[], __note_gnu_build_id_end[];

static long copy_build_id(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    const uint32_t *note = __note_gnu_build_id_start;
    uint32_t len, size;

    if ( note + 4 > __note_gnu_build_id_end )
        return -ENODATA;
    size = note[1];
    if ( copy_from_guest(&len, arg, 1) )
        return -EFAULT;
    if ( len < size )
        return -ENOBUFS;
    if ( copy_to_guest_offset(arg, sizeof(len),
                              (const uint8_t *)&note[3] + ROUNDUP(note[0], 4),
                              size) )
        return -EFAULT;
    return size;
}

long do_xen_version(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    switch ( cmd )
    {
    case XENVER_version:
        return (XEN_VERSION << 16) | XEN_SUBVERSION;
    case XENVER_extraversion:
        return copy_string(arg, XEN_EXTRAVERSION, sizeof(xen_extraversion_t));
    case XENVER_compile_info:
    {
        struct xen_compile_info info = { 0 };

        strlcpy(info.compiler, "gcc", sizeof(info.compiler));
        strlcpy(info.compile_by, "hv", sizeof(info.compile_by));
        strlcpy(info.compile_domain, "localdomain",
                sizeof(info.compile_domain));
        strlcpy(info.compile_date, __DATE__, sizeof(info.compile_date));
        return copy_to_guest(arg, &info, 1) ? -EFAULT : 0;
    }
    case XENVER_capabilities:
        return copy_string(arg, arch_xen_capabilities(),
                           sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return copy_string(arg, "unavailable", sizeof(xen_changeset_info_t));
    case XENVER_platform_parameters:
    {
        struct xen_platform_parameters p = {
            .virt_start = HYPERVISOR_VIRT_START,
        };

        return copy_to_guest(arg, &p, 1) ? -EFAULT : 0;
    }
    case XENVER_get_features:
    {
        struct xen_feature_info fi;

        if ( copy_from_guest(&fi, arg, 1) )
            return -EFAULT;
        if ( fi.submap_idx >= XENFEAT_NR_SUBMAPS )
            return -EINVAL;
        fi.submap = guest_features(current->domain);
        return copy_to_guest(arg, &fi, 1) ? -EFAULT : 0;
    }
    case XENVER_pagesize:
        return PAGE_SIZE;
    case XENVER_guest_handle:
        return copy_string(arg, "", sizeof(xen_domain_handle_t));
    case XENVER_build_id:
        return copy_build_id(arg);
    case XENVER_commandline:
        if ( xsm_xen_version(current->domain, cmd) )
            return -EPERM;
        return copy_string(arg, saved_cmdline, sizeof(xen_commandline_t));
    default:
        return -ENOSYS;
    }
}
