/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for the small PV hypercalls: conventions, multicall, CPU state. */

#include "test.h"
#include <hypercall.h>
#include <traps.h>
#include <mm.h>
#include <public/platform.h>

#define X86_CR0_PE 0x1UL
#define X86_CR0_TS 0x8UL
#define DR6_B0     0x1UL

TEST(hypercall, page_filled)
{
#ifdef CONFIG_HYPERCALL_PAGE
    const uint8_t *stub = (const uint8_t *)hypercall_page +
                          __HYPERVISOR_xen_version * 32;

    /* Xen overwrote our int3 filler with call stubs while building us. */
    CHECK(stub[0] != 0xcc, "xen_version stub not filled in");
#else
    SKIP("built with HYPERCALL_PAGE=n: no hypercall page");
#endif
}

/* 64-bit only: SYSCALL is no hypercall instruction at 32 bits. */
#ifdef __x86_64__
TEST(hypercall, direct_syscall)
{
    long page = HYPERVISOR_xen_version(XENVER_version, NULL);
    long direct = hypercall_syscall5(__HYPERVISOR_xen_version,
                                     XENVER_version, 0, 0, 0, 0);

    /* What Linux does since it stopped using the hypercall page. */
    CHECK(direct == page, "syscall %ld, wrapper %ld", direct, page);
    CHECK_RC(hypercall_syscall5(__HYPERVISOR_xen_version, XENVER_pagesize,
                                0, 0, 0, 0), 4096);
}
#endif

TEST(hypercall, unassigned_numbers)
{
    static const unsigned long nrs[] = { 11, 43, 47, 56, 63, 127 };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(nrs); i++ )
        CHECK(hypercall_any(nrs[i], 0, 0, 0, 0, 0) == -XEN_ENOSYS,
              "hypercall %lu did not return -ENOSYS", nrs[i]);
    /* Past the end of the hypercall table. */
    CHECK_RC(hypercall_any(1000, 0, 0, 0, 0, 0), -XEN_ENOSYS);
}

/* 64-bit only: at 32 bits each callee-saved register carries an argument. */
#ifdef __x86_64__
TEST(hypercall, registers_preserved)
{
    register long r12 asm ( "r12" ) = 0x1212;
    register long r13 asm ( "r13" ) = 0x1313;
    register long rbx asm ( "rbx" ) = 0xbbbb;

    /* The C ABI's callee-saved registers survive a hypercall. */
    asm volatile ( "" : "+r" (r12), "+r" (r13), "+r" (rbx) );
    HYPERVISOR_xen_version(XENVER_version, NULL);
    asm volatile ( "" : "+r" (r12), "+r" (r13), "+r" (rbx) );
    CHECK(r12 == 0x1212 && r13 == 0x1313 && rbx == 0xbbbb,
          "r12 %lx r13 %lx rbx %lx", r12, r13, rbx);
}
#endif

TEST(multicall, two_calls)
{
    multicall_entry_t mc[2] = {
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_version } },
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_pagesize } },
    };

    CHECK_RC(HYPERVISOR_multicall(mc, 2), 0);
    CHECK((long)mc[0].result == HYPERVISOR_xen_version(XENVER_version, NULL),
          "result 0 = %ld", (long)mc[0].result);
    CHECK(mc[1].result == 4096, "result 1 = %ld", (long)mc[1].result);
}

TEST(multicall, failing_entry_does_not_stop)
{
    multicall_entry_t mc[3] = {
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_pagesize } },
        { .op = __HYPERVISOR_xen_version, .args = { 99 } },
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_pagesize } },
    };

    CHECK_RC(HYPERVISOR_multicall(mc, 3), 0);
    CHECK((long)mc[1].result == -XEN_ENOSYS, "result 1 = %ld",
          (long)mc[1].result);
    CHECK(mc[2].result == 4096, "result 2 = %ld", (long)mc[2].result);
}

/*
 * An update_va_mapping(va, pte, UVMF_INVLPG) entry: at 32 bits the PAE
 * PTE goes as two halves, as in the call itself.
 */
static void mc_update_va_mapping(multicall_entry_t *mc, void *va,
                                 uint64_t pte)
{
    memset(mc, 0, sizeof(*mc));
    mc->op = __HYPERVISOR_update_va_mapping;
    mc->args[0] = (unsigned long)va;
#ifdef __i386__
    mc->args[1] = (uint32_t)pte;
    mc->args[2] = pte >> 32;
    mc->args[3] = UVMF_INVLPG;
#else
    mc->args[1] = pte;
    mc->args[2] = UVMF_INVLPG;
#endif
}

TEST(multicall, mmu_batch)
{
    void *va = alloc_page();
    multicall_entry_t mc[2];

    CHECK(va, "no page");
    /* What a PV kernel batches most: page-table updates. */
    mc_update_va_mapping(&mc[0], va, virt_to_mach(va) | PTE_KERNEL_RO);
    mc_update_va_mapping(&mc[1], va, virt_to_mach(va) | PTE_KERNEL_RW);
    CHECK_RC(HYPERVISOR_multicall(mc, 2), 0);
    CHECK(mc[0].result == 0 && mc[1].result == 0, "results %ld %ld",
          (long)mc[0].result, (long)mc[1].result);
    CHECK_RC(probe_write64(va, 1), 0);
    free_page(va);
}

TEST(multicall, nested_refused)
{
    multicall_entry_t inner = {
        .op = __HYPERVISOR_xen_version, .args = { XENVER_version },
    };
    multicall_entry_t outer = {
        .op = __HYPERVISOR_multicall,
        .args = { (unsigned long)&inner, 1 },
    };

    CHECK_RC(HYPERVISOR_multicall(&outer, 1), 0);
    CHECK((long)outer.result == -XEN_EINVAL, "result %ld",
          (long)outer.result);
}

TEST(multicall, empty_and_bad_pointer)
{
    CHECK_RC(HYPERVISOR_multicall(NULL, 0), 0);
    CHECK_RC(HYPERVISOR_multicall(BAD_PTR, 1), -XEN_EFAULT);
}

TEST(vm_assist, enable_disable)
{
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable,
                                  VMASST_TYPE_runstate_update_flag), 0);
#ifdef __i386__
    /*
     * m2p_strict (type 32) is past a 32-bit guest's word: Xen's compat
     * set leaves it out; pae_extended_cr3 is a 32-bit guest's own.
     */
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable,
                                  VMASST_TYPE_m2p_strict), -XEN_EINVAL);
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable,
                                  VMASST_TYPE_pae_extended_cr3), 0);
#else
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable,
                                  VMASST_TYPE_m2p_strict), 0);
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_disable,
                                  VMASST_TYPE_m2p_strict), 0);
#endif
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable,
                                  VMASST_TYPE_architectural_iopl), 0);
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_disable,
                                  VMASST_TYPE_architectural_iopl), 0);
}

TEST(vm_assist, bad_type_refused)
{
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable, 31), -XEN_EINVAL);
    /* A type valid at both widths, so that the command is what fails. */
    CHECK_RC(HYPERVISOR_vm_assist(7, VMASST_TYPE_runstate_update_flag),
             -XEN_ENOSYS);
}

/* 64-bit only: a 32-bit guest has no set_segment_base (segment bases). */
#ifdef __x86_64__
static uint64_t read_fs0(void)
{
    uint64_t v;

    asm volatile ( "mov %%fs:0, %0" : "=r" (v) );
    return v;
}

static uint64_t read_gs0(void)
{
    uint64_t v;

    asm volatile ( "mov %%gs:0, %0" : "=r" (v) );
    return v;
}

TEST(segbase, fs)
{
    static uint64_t var = 0xf5f5f5f5UL;

    CHECK_RC(HYPERVISOR_set_segment_base(SEGBASE_FS, (unsigned long)&var),
             0);
    CHECK(read_fs0() == var, "fs:0 reads %" PRI64 "x", read_fs0());
    CHECK_RC(HYPERVISOR_set_segment_base(SEGBASE_FS, 0), 0);
}

TEST(segbase, gs_kernel)
{
    static uint64_t var = 0x65656565UL;

    CHECK_RC(HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL,
                                         (unsigned long)&var), 0);
    CHECK(read_gs0() == var, "gs:0 reads %" PRI64 "x", read_gs0());
    CHECK_RC(HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, 0), 0);
}

TEST(segbase, gs_user)
{
    /* Only visible after a switch to user mode; we just set it. */
    CHECK_RC(HYPERVISOR_set_segment_base(SEGBASE_GS_USER, 0x1000), 0);
    CHECK_RC(HYPERVISOR_set_segment_base(SEGBASE_GS_USER, 0), 0);
    CHECK_RC(HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0), 0);
}

TEST(segbase, refused)
{
    CHECK_RC(HYPERVISOR_set_segment_base(9, 0), -XEN_EINVAL);
    /* Not a canonical address: loading it would fault in Xen. */
    CHECK_RC(HYPERVISOR_set_segment_base(SEGBASE_FS, 0x0000800000000000UL),
             -XEN_EINVAL);
}
#endif

TEST(stack_switch, set)
{
    unsigned long sp = read_sp();

    /* Our kernel stack for user-to-kernel switches (we have no user). */
    CHECK_RC(HYPERVISOR_stack_switch(FLAT_KERNEL_SS, sp), 0);
}

TEST(fpu, taskswitch)
{
    unsigned long cr0;

    CHECK_RC(HYPERVISOR_fpu_taskswitch(1), 0);
    /* Xen emulates mov from cr0 and shows our virtual TS. */
    CHECK_RC(probe_read_cr0(&cr0), 0);
    CHECK((cr0 & X86_CR0_TS) && (cr0 & X86_CR0_PE), "cr0 %lx", cr0);
    CHECK_RC(probe_fninit(), 1 + 7);
    CHECK_RC(HYPERVISOR_fpu_taskswitch(0), 0);
    CHECK_RC(probe_read_cr0(&cr0), 0);
    CHECK(!(cr0 & X86_CR0_TS), "cr0 %lx", cr0);
    CHECK_RC(probe_fninit(), 0);
}

TEST(debugreg, set_get)
{
    static uint64_t var;

    CHECK_RC(HYPERVISOR_set_debugreg(0, (unsigned long)&var), 0);
    CHECK_RC(HYPERVISOR_get_debugreg(0), (long)&var);
    CHECK_RC(HYPERVISOR_set_debugreg(0, 0), 0);
    CHECK_RC(HYPERVISOR_get_debugreg(0), 0);
}

TEST(debugreg, refused)
{
    /* Breakpoints may not point into the hypervisor. */
    CHECK_RC(HYPERVISOR_set_debugreg(0, (unsigned long)XEN_PTR), -XEN_EPERM);
    /* Xen 4.17 says "no such device" for a debug register past 7. */
    CHECK_RC(HYPERVISOR_set_debugreg(8, 0), -XEN_ENODEV);
    CHECK_RC(HYPERVISOR_get_debugreg(8), -XEN_ENODEV);
}

TEST(debugreg, watchpoint_fires)
{
    static uint64_t var;
    /* L0 enable, breakpoint 0 on data writes of 8 bytes. */
    unsigned long dr7 = 1UL | (1UL << 16) | (2UL << 18);
    long dr6;

    CHECK_RC(HYPERVISOR_set_debugreg(0, (unsigned long)&var), 0);
    CHECK_RC(HYPERVISOR_set_debugreg(7, dr7), 0);
    CHECK_RC(probe_write64_trap(&var, 5), 1 + 1);
    CHECK_RC(HYPERVISOR_set_debugreg(7, 0), 0);
    dr6 = HYPERVISOR_get_debugreg(6);
    CHECK(dr6 & DR6_B0, "dr6 %lx", dr6);
    CHECK(var == 5, "write lost");
    CHECK_RC(HYPERVISOR_set_debugreg(6, 0), 0);
}

TEST(traps, ud2)
{
    unsigned long before = trap_counts[6];

    CHECK_RC(probe_ud2(), 1 + 6);
    CHECK(trap_counts[6] == before + 1, "count %lu", trap_counts[6]);
}

TEST(traps, int3)
{
    CHECK_RC(probe_int3(), 1 + 3);
}

TEST(traps, set_trap_table_again)
{
    /* Reinstalling our table (trap_init's) works; a bad pointer does not. */
    trap_init();
    CHECK_RC(HYPERVISOR_set_trap_table(BAD_PTR), -XEN_EFAULT);
    CHECK_RC(probe_ud2(), 1 + 6);
}

TEST(callbacks, set_callbacks)
{
#ifdef __i386__
    /* Ring-1 cs:eip pairs. */
    CHECK_RC(HYPERVISOR_set_callbacks(FLAT_KERNEL_CS,
                                      (unsigned long)hypervisor_callback,
                                      FLAT_KERNEL_CS,
                                      (unsigned long)failsafe_callback), 0);
#else
    CHECK_RC(HYPERVISOR_set_callbacks((unsigned long)hypervisor_callback,
                                      (unsigned long)failsafe_callback, 0),
             0);
#endif
}

TEST(callbacks, register_unregister)
{
    callback_register_t r = {
        .type = CALLBACKTYPE_syscall,
        .address = CALLBACK_ADDR(failsafe_callback),
    };
    callback_unregister_t u = { .type = CALLBACKTYPE_syscall };

    CHECK_RC(HYPERVISOR_callback_op(CALLBACKOP_register, &r), 0);
    /* Xen 4.17 lets only the NMI callback be removed again. */
    CHECK_RC(HYPERVISOR_callback_op(CALLBACKOP_unregister, &u), -XEN_EINVAL);
    r.type = u.type = CALLBACKTYPE_nmi;
    CHECK_RC(HYPERVISOR_callback_op(CALLBACKOP_register, &r), 0);
    CHECK_RC(HYPERVISOR_callback_op(CALLBACKOP_unregister, &u), 0);
}

TEST(callbacks, nmi_op)
{
    struct xennmi_callback cb = {
        .handler_address = (unsigned long)failsafe_callback,
    };

    /* The older interface for the same NMI callback. */
    CHECK_RC(HYPERVISOR_nmi_op(XENNMI_register_callback, &cb), 0);
    CHECK_RC(HYPERVISOR_nmi_op(XENNMI_unregister_callback, NULL), 0);
}

TEST(callbacks, refused)
{
    callback_register_t r = {
        .type = 31, .address = CALLBACK_ADDR(failsafe_callback),
    };
    callback_unregister_t u = { .type = CALLBACKTYPE_event };

    CHECK_RC(HYPERVISOR_callback_op(CALLBACKOP_register, &r), -XEN_ENOSYS);
    /* The event callback can be replaced but never removed. */
    CHECK_RC(HYPERVISOR_callback_op(CALLBACKOP_unregister, &u), -XEN_EINVAL);
    CHECK_RC(HYPERVISOR_callback_op(CALLBACKOP_register, BAD_PTR),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_callback_op(7, &r), -XEN_ENOSYS);
}

/* 64-bit only: a long-mode code descriptor, a 16-byte TSS one. */
#ifdef __x86_64__
/* A flat 64-bit ring-3 code segment descriptor. */
#define DESC_CODE64 0x00affa000000ffffUL
/* A 64-bit TSS descriptor: a system segment no PV guest may load. */
#define DESC_TSS    0x00008900000000ffUL

TEST(gdt, set_gdt_and_update_descriptor)
{
    uint64_t *gdt = alloc_page();
    unsigned long frame;

    CHECK(gdt, "no page");
    frame = virt_to_mfn(gdt);
    CHECK_RC(make_readonly(gdt), 0);
    /* Entries past the guest's part of the GDT belong to Xen. */
    CHECK_RC(HYPERVISOR_set_gdt(&frame, FIRST_RESERVED_GDT_ENTRY + 1),
             -XEN_EINVAL);
    CHECK_RC(HYPERVISOR_set_gdt(&frame, 512), 0);
    CHECK_RC(HYPERVISOR_update_descriptor(virt_to_mach(&gdt[1]),
                                          DESC_CODE64), 0);
    CHECK(gdt[1] == DESC_CODE64, "entry %" PRI64 "x", gdt[1]);
    CHECK_RC(HYPERVISOR_update_descriptor(virt_to_mach(&gdt[2]), DESC_TSS),
             -XEN_EINVAL);
    CHECK_RC(HYPERVISOR_update_descriptor(virt_to_mach(&gdt[2]) + 4,
                                          DESC_CODE64), -XEN_EINVAL);
    /* The page is a descriptor table now: no writable mapping. */
    CHECK_RC(make_writable(gdt), -XEN_EBUSY);
    /* An empty GDT gives the page back. */
    CHECK_RC(HYPERVISOR_set_gdt(&frame, 0), 0);
    CHECK_RC(make_writable(gdt), 0);
    free_page(gdt);
}
#endif

TEST(physdev, set_iopl)
{
    physdev_set_iopl_t op = { .iopl = 0 };

    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &op), 0);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, BAD_PTR), -XEN_EFAULT);
}

TEST(physdev, unknown_op)
{
    CHECK_RC(HYPERVISOR_physdev_op(99, NULL), -XEN_ENOSYS);
}

static long platform_op(struct xen_platform_op *op)
{
    op->interface_version = XENPF_INTERFACE_VERSION;
    return _hypercall1(__HYPERVISOR_platform_op, op);
}

TEST(platform_op, get_cpuinfo)
{
    struct xen_platform_op op = { .cmd = XENPF_get_cpuinfo };

    op.u.pcpu_info.xen_cpuid = 0;
    CHECK_RC(platform_op(&op), 0);
    CHECK(op.u.pcpu_info.flags & XEN_PCPU_FLAGS_ONLINE, "flags %x",
          op.u.pcpu_info.flags);
    /* Dom0 has a vCPU per CPU by default: as many as there are CPUs. */
    CHECK(HYPERVISOR_vcpu_op(VCPUOP_is_up, op.u.pcpu_info.max_present,
                             NULL) >= 0 &&
          HYPERVISOR_vcpu_op(VCPUOP_is_up, op.u.pcpu_info.max_present + 1,
                             NULL) < 0, "max_present %u",
          op.u.pcpu_info.max_present);
}

TEST(platform_op, get_cpu_version)
{
    struct xen_platform_op op = { .cmd = XENPF_get_cpu_version };

    op.u.pcpu_version.xen_cpuid = 0;
    CHECK_RC(platform_op(&op), 0);
    CHECK(op.u.pcpu_version.family > 0, "family %u",
          op.u.pcpu_version.family);
}

TEST(platform_op, wrong_interface_version)
{
    struct xen_platform_op op = { .cmd = XENPF_get_cpuinfo };

    op.interface_version = XENPF_INTERFACE_VERSION - 1;
    CHECK_RC(_hypercall1(__HYPERVISOR_platform_op, &op), -XEN_EACCES);
}
