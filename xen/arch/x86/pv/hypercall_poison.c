/* SPDX-License-Identifier: GPL-2.0-only */
/* Debug builds: each hypercall's argument count, for the poisoning. */
#include <xen/hypercall.h>
#include <asm/hypercall_poison.h>
#include <public/xen.h>

/*
 * How many arguments each hypercall takes (the handlers' signatures);
 * 0 for one we do not have (nothing to poison).
 */
const uint8_t hypercall_nr_args[NR_hypercalls] = {
    [__HYPERVISOR_set_trap_table] = 1,
    [__HYPERVISOR_mmu_update] = 4,
    [__HYPERVISOR_set_gdt] = 2,
    [__HYPERVISOR_stack_switch] = 2,
    [__HYPERVISOR_set_callbacks] = 3,
    [__HYPERVISOR_fpu_taskswitch] = 1,
    [__HYPERVISOR_sched_op_compat] = 2,
    [__HYPERVISOR_platform_op] = 1,
    [__HYPERVISOR_set_debugreg] = 2,
    [__HYPERVISOR_get_debugreg] = 1,
    [__HYPERVISOR_update_descriptor] = 2,
    [__HYPERVISOR_memory_op] = 2,
    [__HYPERVISOR_multicall] = 2,
    [__HYPERVISOR_update_va_mapping] = 3,
    [__HYPERVISOR_set_timer_op] = 1,
    [__HYPERVISOR_xen_version] = 2,
    [__HYPERVISOR_console_io] = 3,
    [__HYPERVISOR_grant_table_op] = 3,
    [__HYPERVISOR_vm_assist] = 2,
    [__HYPERVISOR_update_va_mapping_otherdomain] = 4,
    [__HYPERVISOR_vcpu_op] = 3,
    [__HYPERVISOR_set_segment_base] = 2,
    [__HYPERVISOR_mmuext_op] = 4,
    [__HYPERVISOR_nmi_op] = 2,
    [__HYPERVISOR_sched_op] = 2,
    [__HYPERVISOR_callback_op] = 2,
    [__HYPERVISOR_event_channel_op] = 2,
    [__HYPERVISOR_physdev_op] = 2,
    [__HYPERVISOR_sysctl] = 1,
    [__HYPERVISOR_domctl] = 1,
};
