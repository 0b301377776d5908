/* SPDX-License-Identifier: GPL-2.0-only */
/* The local APIC (xAPIC by MMIO, x2APIC by MSR) and its vectors. */
#ifndef ASM_X86_APIC_H
#define ASM_X86_APIC_H

#include <xen/perfc.h>
#include <xen/types.h>

/*
 * Register offsets in the xAPIC page; in x2APIC mode register r is MSR
 * 0x800 + r / 16, and ICR is one 64-bit MSR.
 */
#define APIC_ID                 0x020
#define APIC_LVR                0x030
#define APIC_LVR_MAXLVT(v)      (((v) >> 16) & 0xff)
#define APIC_TASKPRI            0x080
#define APIC_EOI                0x0b0
#define APIC_SPIV               0x0f0
#define APIC_SPIV_ENABLE        (1U << 8)
#define APIC_ESR                0x280
#define APIC_LVTCMCI            0x2f0
#define APIC_ICR                0x300
#define APIC_DM_FIXED           (0U << 8)
#define APIC_DM_NMI             (4U << 8)
#define APIC_DM_INIT            (5U << 8)
#define APIC_DM_STARTUP         (6U << 8)
#define APIC_ICR_BUSY           (1U << 12)
#define APIC_INT_ASSERT         (1U << 14)
#define APIC_DEST_SELF          (1U << 18)
#define APIC_ICR2               0x310
#define APIC_LVTT               0x320
#define APIC_TIMER_ONESHOT      (0U << 17)
#define APIC_TIMER_TSC_DEADLINE (2U << 17)
#define APIC_LVTTHMR            0x330
#define APIC_LVTPC              0x340
#define APIC_LVT0               0x350
#define APIC_LVT1               0x360
#define APIC_LVTERR             0x370
#define APIC_LVT_MASKED         (1U << 16)
#define APIC_TMICT              0x380
#define APIC_TMCCT              0x390
#define APIC_TDCR               0x3e0
#define APIC_TDR_DIV_1          0xb

#define MSR_X2APIC_FIRST    0x800
#define APIC_BASE_EXTD      (1UL << 10)
#define APIC_BASE_ENABLE    (1UL << 11)
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000UL

/*
 * Vectors of the hypervisor's own interrupts, at the top where they have
 * the highest priority (TLB flush and call-function IPIs are reserved for
 * the code that will send them).  Device interrupts routed through the
 * IO-APIC use FIRST_DYNAMIC_VECTOR to LAST_DYNAMIC_VECTOR.
 */
#define SPURIOUS_APIC_VECTOR  0xff
#define ERROR_APIC_VECTOR     0xfe
#define INVALIDATE_TLB_VECTOR 0xfd
#define EVENT_CHECK_VECTOR    0xfc
#define CALL_FUNCTION_VECTOR  0xfb
#define LOCAL_TIMER_VECTOR    0xfa
#define FIRST_DYNAMIC_VECTOR  0x30
#define LAST_DYNAMIC_VECTOR   0xef

/* True once the boot CPU switched to x2APIC mode; APs then do too. */
extern bool x2apic_enabled;

uint32_t apic_read(unsigned int reg);
void apic_write(unsigned int reg, uint32_t val);

/* Signals the end of the interrupt being handled; every handler calls it. */
static inline void ack_APIC_irq(void)
{
    perfc_incr(lapic_eoi);
    apic_write(APIC_EOI, 0);
}

/* This CPU's APIC ID, all 32 bits in x2APIC mode. */
unsigned int get_apic_id(void);

/* Sends an interrupt message: ICR command bits, vector, destination. */
void apic_send_ipi(uint32_t icr, unsigned int dest_apic_id);

/* Boot CPU: choose xAPIC or x2APIC, map and set up its APIC. */
void apic_init_bsp(void);
/* Each AP: the same mode as the boot CPU, then its LVTs. */
void apic_init_secondary(void);

/*
 * Maps the page at pa uncached and returns its address, or NULL if pa is
 * not below 4 GiB (all the boot direct map covers); the IO-APIC and HPET
 * drivers use it too.
 */
void *map_platform_mmio(paddr_t pa);

#endif /* ASM_X86_APIC_H */
