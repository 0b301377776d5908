/* A do-nothing 64-bit PV dom0 kernel, so that a real Xen can finish booting. */

/*
 * Xen refuses to finish booting without a dom0 it can build.  This one stops
 * its periodic timer and then blocks forever, so it costs no CPU time and
 * leaves the serial line to the hypervisor.
 */

#include "../boot/xen_note.h"

#define VIRT_BASE   0xffffffff80000000

#define HYPERVISOR_vcpu_op      24
#define HYPERVISOR_sched_op     29
#define VCPUOP_stop_periodic_timer  7
#define SCHEDOP_block           1

    .section .note.Xen, "a", @note
    XEN_NOTE(6, .asciz, "idle-dom0")        /* GUEST_OS */
    XEN_NOTE(5, .asciz, "xen-3.0")          /* XEN_VERSION */
    XEN_NOTE(8, .asciz, "generic")          /* LOADER */
    XEN_NOTE(3, .quad, VIRT_BASE)           /* VIRT_BASE */
    XEN_NOTE(4, .quad, VIRT_BASE)           /* PADDR_OFFSET: vaddr == paddr */
    XEN_NOTE(1, .quad, _start)              /* ENTRY */
    XEN_NOTE(2, .quad, hypercall_page)      /* HYPERCALL_PAGE */

    .text
    .globl _start
_start:
    mov $VCPUOP_stop_periodic_timer, %edi
    xor %esi, %esi
    xor %edx, %edx
    call hypercall_page + HYPERVISOR_vcpu_op * 32
1:  mov $SCHEDOP_block, %edi
    xor %esi, %esi
    call hypercall_page + HYPERVISOR_sched_op * 32
    jmp 1b

    .p2align 12
hypercall_page:
    .fill 4096, 1, 0xcc
