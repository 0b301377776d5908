/* SPDX-License-Identifier: GPL-2.0-only */
/* platform_op: the hardware domain's view of the physical CPUs. */
#include <xen/cpumask.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <asm/acpi.h>
#include <asm/cpufeature.h>
#include <asm/smp.h>
#include <public/platform.h>

/* The highest present CPU number, which the guest sizes its tables by. */
static unsigned int max_present_cpu(void)
{
    unsigned int cpu, last = 0;

    for_each_present_cpu(cpu) last = cpu;
    return last;
}

static void get_cpuinfo(struct xenpf_pcpuinfo *info)
{
    unsigned int cpu = info->xen_cpuid;

    if ( cpu >= NR_CPUS || !cpumask_test_cpu(cpu, &cpu_present_map) )
        info->flags = XEN_PCPU_FLAGS_INVALID;
    else
    {
        info->apic_id = x86_cpu_to_apicid[cpu];
        /* Without ACPI processor objects parsed, ACPI ids follow APIC ids. */
        info->acpi_id = x86_cpu_to_apicid[cpu];
        info->flags = cpumask_test_cpu(cpu, &cpu_online_map)
                          ? XEN_PCPU_FLAGS_ONLINE
                          : 0;
    }
    info->max_present = max_present_cpu();
}

/* Every CPU is checked at boot to match the boot CPU (cpu.c). */
static void get_cpu_version(struct xenpf_pcpu_version *ver)
{
    unsigned int cpu = ver->xen_cpuid;

    if ( cpu >= NR_CPUS || !cpumask_test_cpu(cpu, &cpu_online_map) )
    {
        memset(ver->vendor_id, 0, sizeof(ver->vendor_id));
        ver->family = ver->model = ver->stepping = 0;
    }
    else
    {
        memcpy(ver->vendor_id, boot_cpu_data.vendor_id,
               sizeof(ver->vendor_id));
        ver->family = boot_cpu_data.family;
        ver->model = boot_cpu_data.model;
        ver->stepping = boot_cpu_data.stepping;
    }
    ver->max_present = max_present_cpu();
}

long do_platform_op(XEN_GUEST_HANDLE_PARAM(xen_platform_op_t) u_op)
{
    struct xen_platform_op op;

    /* In Xen's order: who may ask, then the copy, then the version. */
    if ( current->domain != hardware_domain )
        return -EPERM;
    if ( copy_from_guest(&op, u_op, 1) )
        return -EFAULT;
    if ( op.interface_version != XENPF_INTERFACE_VERSION )
        return -EACCES;

    switch ( op.cmd )
    {
    case XENPF_get_cpuinfo:
        get_cpuinfo(&op.u.pcpu_info);
        break;
    case XENPF_get_cpu_version:
        get_cpu_version(&op.u.pcpu_version);
        break;
    case XENPF_enter_acpi_sleep:
        /* Nothing to copy back: Xen leaves the guest's copy alone. */
        return acpi_enter_sleep(&op.u.enter_acpi_sleep);
    default:
        return -ENOSYS;
    }
    return copy_to_guest(u_op, &op, 1) ? -EFAULT : 0;
}
