/* SPDX-License-Identifier: GPL-2.0-only */
/* The PV hypercall page (SYSCALL lands in arch/x86/hypercall.c). */
#include <xen/hypercall.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <asm/page.h>
#include <asm/pv/entry.h>

/*
 * A 32-bit PV guest's page (docs/misc/compat32.md): `mov $nr, %eax;
 * int $0x82; ret` per 32-byte stub, and for iret `push %eax; mov $23,
 * %eax; int $0x82`, the frame on the guest's stack, never returning.
 */
static void write_compat_page(uint8_t *p)
{
    for ( unsigned int i = 0; i < PAGE_SIZE / 32; i++ )
    {
        uint8_t *s = p + i * 32;

        if ( i == __HYPERVISOR_iret )
            *s++ = 0x50; /* push %eax */
        *s++ = 0xb8;     /* mov $i, %eax */
        memcpy(s, &i, 4);
        s += 4;
        *s++ = 0xcd; /* int $0x82 */
        *s++ = PV_COMPAT_HYPERCALL_VECTOR;
        if ( i != __HYPERVISOR_iret )
            *s = 0xc3; /* ret */
    }
}

/*
 * The hypercall page, laid out as Xen lays it out: a 32-byte stub per
 * hypercall that keeps rcx and r11, and for iret one that pushes rcx, r11
 * and rax and does not return.
 */
void pv_write_hypercall_page(const struct domain *d, uint8_t *p)
{
    memset(p, 0xcc, PAGE_SIZE); /* int3 between the stubs */
    /* (pv is a union member: an HVM domain's is not read.) */
    if ( is_pv_domain(d) && d->arch.pv.is_32bit )
    {
        write_compat_page(p);
        return;
    }
    for ( unsigned int i = 0; i < PAGE_SIZE / 32; i++ )
    {
        uint8_t *s = p + i * 32;

        if ( i == __HYPERVISOR_iret )
            continue;
        *s++ = 0x51; /* push %rcx */
        *s++ = 0x41;
        *s++ = 0x53; /* push %r11 */
        *s++ = 0xb8; /* mov $i, %eax */
        memcpy(s, &i, 4);
        s += 4;
        *s++ = 0x0f;
        *s++ = 0x05; /* syscall */
        *s++ = 0x41;
        *s++ = 0x5b; /* pop %r11 */
        *s++ = 0x59; /* pop %rcx */
        *s++ = 0xc3; /* ret */
    }
    p += __HYPERVISOR_iret * 32;
    *p++ = 0x51; /* push %rcx */
    *p++ = 0x41;
    *p++ = 0x53; /* push %r11 */
    *p++ = 0x50; /* push %rax */
    *p++ = 0xb8; /* mov $23, %eax */
    *p++ = __HYPERVISOR_iret;
    *p++ = 0;
    *p++ = 0;
    *p++ = 0;
    *p++ = 0x0f;
    *p++ = 0x05; /* syscall */
}
