/* SPDX-License-Identifier: GPL-2.0-only */
/* An unprivileged caller on every privileged path: refused, nothing changed. */

#include <xenctl.h>
#include "expect_rc.h"
#include "hostile.h"
#include <hypercall.h>
#include <mm.h>
#include <public/physdev.h>
#include <public/platform.h>
#include <public/memory.h>

/*
 * Each case tries a whole family of calls and reports every answer that
 * differs from Xen's, not just the first: the errno a refusal carries is
 * part of the ABI.  The attacker names dom0 as its victim: the domain that
 * always exists and is never its own.
 */
#define VICTIM 0
/* A domain id that is in range but names no domain. */
#define NO_SUCH_DOMAIN 0x7ef0

/*
 * Xen 4.17 leaves the privilege check of these device-model and
 * passthrough domctls to their handlers, which look at the (here zeroed)
 * arguments first; we refuse them up front.  Either answer refuses.
 */
static bool argument_checked_first(unsigned int cmd)
{
    switch ( cmd )
    {
    case XEN_DOMCTL_ioport_permission:
    case XEN_DOMCTL_bind_pt_irq:
    case XEN_DOMCTL_memory_mapping:
    case XEN_DOMCTL_ioport_mapping:
    case XEN_DOMCTL_set_target:
    case XEN_DOMCTL_unbind_pt_irq:
    case XEN_DOMCTL_get_device_group:
        return true;
    }
    return false;
}

/* Every domctl, known or not, on dom0: refused before anything is done. */
HOSTILE(unpriv, every_domctl_refused)
{
    struct xen_domctl op;
    char name[16];

    for ( unsigned int cmd = 0; cmd < 96; cmd++ )
    {
        long rc;

        memset(&op, 0, sizeof(op));
        op.cmd = cmd;
        op.domain = VICTIM;
        snprintf(name, sizeof(name), "domctl%u", cmd);
        rc = domctl(&op);
        if ( argument_checked_first(cmd) &&
             (rc == -XEN_EINVAL || rc == -XEN_EOPNOTSUPP) )
            continue;
        expect_rc(name, rc, -XEN_EPERM);
    }
    /* The version is checked first, as in Xen. */
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_getdomaininfo;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
    expect_rc("old version", _hypercall1(__HYPERVISOR_domctl, &op),
              -XEN_EACCES);
    report_mismatches();
}

HOSTILE(unpriv, every_sysctl_refused)
{
    struct xen_sysctl op;
    char name[16];

    for ( unsigned int cmd = 0; cmd < 40; cmd++ )
    {
        memset(&op, 0, sizeof(op));
        op.cmd = cmd;
        snprintf(name, sizeof(name), "sysctl%u", cmd);
        expect_rc(name, sysctl(&op), -XEN_EPERM);
    }
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_physinfo;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION - 1;
    expect_rc("old version", _hypercall1(__HYPERVISOR_sysctl, &op),
              -XEN_EACCES);
    report_mismatches();
}

HOSTILE(unpriv, every_platform_op_refused)
{
    struct xen_platform_op op;
    char name[16];

    for ( unsigned int cmd = 0; cmd < 72; cmd++ )
    {
        memset(&op, 0, sizeof(op));
        op.cmd = cmd;
        op.interface_version = XENPF_INTERFACE_VERSION;
        snprintf(name, sizeof(name), "platform%u", cmd);
        expect_rc(name, _hypercall1(__HYPERVISOR_platform_op, &op), -XEN_EPERM);
    }
    report_mismatches();
}

/* The physdev sub-ops that act on the machine rather than the caller. */
HOSTILE(unpriv, privileged_physdev_refused)
{
    struct physdev_apic apic = { .apic_physbase = 0xfec00000, .reg = 1 };
    struct physdev_irq irq = { .irq = 1 };
    struct physdev_manage_pci pci = { .bus = 0, .devfn = 0 };
    struct physdev_pci_device_add add = { .seg = 0, .bus = 0, .devfn = 0 };
    struct physdev_pci_device dev = { .seg = 0, .bus = 0, .devfn = 0 };
    struct physdev_map_pirq map = {
        .domid = VICTIM, .type = MAP_PIRQ_TYPE_GSI, .index = 1, .pirq = 1,
    };
    struct physdev_unmap_pirq unmap = { .domid = VICTIM, .pirq = 1 };
    struct physdev_setup_gsi gsi = { .gsi = 1, .triggering = 0,
                                     .polarity = 0 };

    expect_rc("apic_read", HYPERVISOR_physdev_op(PHYSDEVOP_apic_read, &apic),
              -XEN_EPERM);
    expect_rc("apic_write", HYPERVISOR_physdev_op(PHYSDEVOP_apic_write, &apic),
              -XEN_EPERM);
    expect_rc("alloc_irq_vector",
              HYPERVISOR_physdev_op(PHYSDEVOP_alloc_irq_vector, &irq),
              -XEN_EPERM);
    expect_rc("manage_pci_add",
              HYPERVISOR_physdev_op(PHYSDEVOP_manage_pci_add, &pci),
              -XEN_EPERM);
    expect_rc("manage_pci_remove",
              HYPERVISOR_physdev_op(PHYSDEVOP_manage_pci_remove, &pci),
              -XEN_EPERM);
    expect_rc("pci_device_add",
              HYPERVISOR_physdev_op(PHYSDEVOP_pci_device_add, &add),
              -XEN_EPERM);
    expect_rc("pci_device_remove",
              HYPERVISOR_physdev_op(PHYSDEVOP_pci_device_remove, &dev),
              -XEN_EPERM);
    expect_rc("map_pirq dom0", HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &map),
              -XEN_EPERM);
    expect_rc("unmap_pirq dom0",
              HYPERVISOR_physdev_op(PHYSDEVOP_unmap_pirq, &unmap), -XEN_EPERM);
    expect_rc("setup_gsi", HYPERVISOR_physdev_op(PHYSDEVOP_setup_gsi, &gsi),
              -XEN_EPERM);
    report_mismatches();
}

/* Reading the hypervisor's console is dom0's; so is writing it on Xen. */
HOSTILE(unpriv, console_io_refused)
{
    char buf[16];

    expect_rc("read", HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf),
              -XEN_EPERM);
    expect_rc("write", HYPERVISOR_console_io(CONSOLEIO_write, 2, "x\n"),
              -XEN_EPERM);
    report_mismatches();
}

/*
 * Another domain's memory: -EPERM if it exists, -ESRCH if not; the
 * reservation sub-ops answer both as "no extent done", as Xen does.
 */
HOSTILE(unpriv, memory_op_on_others_refused)
{
    xen_pfn_t frame = 0x100;
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = VICTIM };
    domid_t dom = VICTIM;
    static const struct {
        const char *name;
        unsigned int op;
    } ops[] = {
        { "increase", XENMEM_increase_reservation },
        { "decrease", XENMEM_decrease_reservation },
        { "populate", XENMEM_populate_physmap },
    };
    char name[32];

    set_xen_guest_handle(r.extent_start, &frame);
    for ( unsigned int i = 0; i < ARRAY_SIZE(ops); i++ )
    {
        r.domid = VICTIM;
        snprintf(name, sizeof(name), "%s dom0", ops[i].name);
        expect_rc(name, HYPERVISOR_memory_op(ops[i].op, &r), 0);
        r.domid = NO_SUCH_DOMAIN;
        snprintf(name, sizeof(name), "%s none", ops[i].name);
        expect_rc(name, HYPERVISOR_memory_op(ops[i].op, &r), 0);
    }
    expect_rc("current dom0",
              HYPERVISOR_memory_op(XENMEM_current_reservation, &dom),
              -XEN_EPERM);
    expect_rc("maximum dom0",
              HYPERVISOR_memory_op(XENMEM_maximum_reservation, &dom),
              -XEN_EPERM);
    expect_rc("maximum_gpfn dom0",
              HYPERVISOR_memory_op(XENMEM_maximum_gpfn, &dom), -XEN_EPERM);
    dom = NO_SUCH_DOMAIN;
    expect_rc("current none",
              HYPERVISOR_memory_op(XENMEM_current_reservation, &dom),
              -XEN_ESRCH);
    report_mismatches();
}

/*
 * The machine's memory map, another domain's map, and the M2P entry of a
 * frame not ours (Xen answers that one -EINVAL).
 */
HOSTILE(unpriv, machine_memory_refused)
{
    uint64_t entries[4 * 3];        /* room for four e820 entries */
    struct xen_memory_map map = { .nr_entries = 4 };
    struct xen_foreign_memory_map fmap = { .domid = VICTIM };
    xen_pfn_t max = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    mmu_update_t u = {
        .ptr = ((max - 1) << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, .val = 0,
    };

    set_xen_guest_handle(map.buffer, entries);
    fmap.map = map;
    expect_rc("machine_memory_map",
              HYPERVISOR_memory_op(XENMEM_machine_memory_map, &map),
              -XEN_EPERM);
    expect_rc("set_memory_map dom0",
              HYPERVISOR_memory_op(XENMEM_set_memory_map, &fmap), -XEN_EPERM);
    expect_rc("machphys_update last frame",
              HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF), -XEN_EINVAL);
    report_mismatches();
}

/*
 * The page-table hypercalls with a foreign domain: as the owner of the
 * frames (mmu_update's foreigndom, mmuext_op's, the otherdomain variant
 * of update_va_mapping) and as the owner of the table being changed
 * (mmu_update's upper foreigndom bits).  The entries name a frame of our
 * own, so only the domain argument is wrong.
 */
HOSTILE(unpriv, page_tables_of_others_refused)
{
    void *page = alloc_page();
    unsigned long va = (unsigned long)page;
    uint64_t pte;
    mmu_update_t req;
    struct mmuext_op ext = { .cmd = MMUEXT_PIN_L1_TABLE };
    unsigned int done;

    CHECK(page, "no page");
    pte = ((uint64_t)virt_to_mfn(page) << PAGE_SHIFT) | _PAGE_PRESENT;
    req.ptr = pt_entry_maddr(va, 1) | MMU_NORMAL_PT_UPDATE;
    req.val = pte;
    expect_rc("mmu_update pg_owner dom0",
              HYPERVISOR_mmu_update(&req, 1, &done, VICTIM), -XEN_EPERM);
    expect_rc("mmu_update pg_owner none",
              HYPERVISOR_mmu_update(&req, 1, &done, NO_SUCH_DOMAIN),
              -XEN_ESRCH);
    /* pt_owner is the upper half, plus one. */
    expect_rc("mmu_update pt_owner dom0",
              _hypercall4(__HYPERVISOR_mmu_update, &req, 1, &done,
                          ((VICTIM + 1) << 16) | DOMID_SELF),
              -XEN_EPERM);
    ext.arg1.mfn = virt_to_mfn(page);
    expect_rc("mmuext_op dom0", HYPERVISOR_mmuext_op(&ext, 1, &done, VICTIM),
              -XEN_EPERM);
    expect_rc("update_va_mapping_otherdomain dom0",
              HYPERVISOR_update_va_mapping_otherdomain(va, pte, 0, VICTIM),
              -XEN_EPERM);
    /* Our own entry still maps our page, writable as before. */
    CHECK(*pt_entry(va, 1) & _PAGE_RW, "our entry changed: %lx",
          (unsigned long)*pt_entry(va, 1));
    report_mismatches();
    free_page(page);
}

/* Grant and event-channel operations naming another domain's tables. */
HOSTILE(unpriv, grant_and_evtchn_of_others_refused)
{
    xen_pfn_t frame;
    struct gnttab_setup_table setup = { .dom = VICTIM, .nr_frames = 1 };
    struct gnttab_query_size qs = { .dom = VICTIM };
    evtchn_alloc_unbound_t au = { .dom = VICTIM, .remote_dom = DOMID_SELF };
    evtchn_status_t st = { .dom = VICTIM, .port = 1 };
    evtchn_reset_t rs = { .dom = VICTIM };
    sched_remote_shutdown_t sd = { .domain_id = VICTIM,
                                   .reason = SHUTDOWN_poweroff };

    set_xen_guest_handle(setup.frame_list, &frame);
    expect_rc("setup_table rc",
              HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &setup, 1), 0);
    expect_rc("setup_table status", setup.status, GNTST_permission_denied);
    expect_rc("query_size rc",
              HYPERVISOR_grant_table_op(GNTTABOP_query_size, &qs, 1), 0);
    expect_rc("query_size status", qs.status, GNTST_permission_denied);
    expect_rc("alloc_unbound",
              HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au),
              -XEN_EPERM);
    expect_rc("status", HYPERVISOR_event_channel_op(EVTCHNOP_status, &st),
              -XEN_EPERM);
    expect_rc("reset", HYPERVISOR_event_channel_op(EVTCHNOP_reset, &rs),
              -XEN_EPERM);
    expect_rc("remote_shutdown",
              HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &sd), -XEN_EPERM);
    report_mismatches();
}

/* A grant copy that names dom0's frame directly rather than by grant. */
HOSTILE(unpriv, grant_copy_from_others_frames_refused)
{
    void *page = alloc_page();
    struct gnttab_copy c = {
        .source.domid = VICTIM, .source.u.gmfn = hostile_victim_mfn(),
        .dest.domid = DOMID_SELF, .len = 8,
    };

    CHECK(page, "no page");
    c.dest.u.gmfn = virt_to_mfn(page);
    expect_rc("copy rc", HYPERVISOR_grant_table_op(GNTTABOP_copy, &c, 1), 0);
    expect_rc("copy from dom0 status", c.status, GNTST_permission_denied);
    /* And the other way round, into dom0's frame. */
    c.source = c.dest;
    c.dest.domid = VICTIM;
    c.dest.u.gmfn = hostile_victim_mfn();
    expect_rc("copy rc", HYPERVISOR_grant_table_op(GNTTABOP_copy, &c, 1), 0);
    expect_rc("copy to dom0 status", c.status, GNTST_permission_denied);
    free_page(page);
    report_mismatches();
}
