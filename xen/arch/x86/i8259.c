/* SPDX-License-Identifier: GPL-2.0-only */
/* The legacy 8259 PICs: moved off the exception vectors, then silenced. */
#include <xen/compiler.h>
#include <asm/io.h>
#include <asm/io_apic.h>

#define PIC_MASTER_CMD  0x20
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_CMD   0xa0
#define PIC_SLAVE_DATA  0xa1

#define PIC_ICW1_INIT 0x10
#define PIC_ICW1_ICW4 0x01
#define PIC_ICW4_8086 0x01

/*
 * Interrupts go through the IO-APICs, but the 8259s still come out of
 * firmware pointing at vectors 8-15, where a stray interrupt would look
 * like an exception.  Re-base them at vectors of their own, then mask
 * every line.
 */
void __init init_8259A(void)
{
    outb(0xff, PIC_MASTER_DATA);
    outb(0xff, PIC_SLAVE_DATA);

    outb(PIC_ICW1_INIT | PIC_ICW1_ICW4, PIC_MASTER_CMD);
    outb(PIC_ICW1_INIT | PIC_ICW1_ICW4, PIC_SLAVE_CMD);
    outb(PIC_VECTOR_BASE, PIC_MASTER_DATA); /* ICW2: vector base */
    outb(PIC_VECTOR_BASE + 8, PIC_SLAVE_DATA);
    outb(1 << 2, PIC_MASTER_DATA); /* ICW3: slave on IR2 */
    outb(2, PIC_SLAVE_DATA);       /* ICW3: cascade id */
    outb(PIC_ICW4_8086, PIC_MASTER_DATA);
    outb(PIC_ICW4_8086, PIC_SLAVE_DATA);

    outb(0xff, PIC_MASTER_DATA);
    outb(0xff, PIC_SLAVE_DATA);
}
