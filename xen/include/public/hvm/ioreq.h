/* SPDX-License-Identifier: MIT */
/* I/O requests passed from Xen to a device model (ioreq server). */

#ifndef _IOREQ_H_
#define _IOREQ_H_

#include "../xen.h"

#define IOREQ_READ  1
#define IOREQ_WRITE 0

/* ioreq.state */
#define STATE_IOREQ_NONE      0  /* slot free */
#define STATE_IOREQ_READY     1  /* Xen posted a request */
#define STATE_IOREQ_INPROCESS 2  /* device model is working on it */
#define STATE_IORESP_READY    3  /* device model posted the response */

/* ioreq.type */
#define IOREQ_TYPE_PIO        0  /* port I/O */
#define IOREQ_TYPE_COPY       1  /* MMIO */
#define IOREQ_TYPE_PCI_CONFIG 2
#define IOREQ_TYPE_TIMEOFFSET 7
#define IOREQ_TYPE_INVALIDATE 8  /* flush the map cache */

/*
 * One synchronous request per vcpu, in the shared ioreq page.
 * Xen fills every field, write barrier, sets state = READY and
 * notifies vp_eport.  The device model reads the request, may set
 * INPROCESS, writes data (for reads), write barrier, sets state =
 * IORESP_READY and notifies.  Xen reads data and resets state to NONE.
 */
struct ioreq {
    uint64_t addr;              /* port or physical address */
    uint64_t data;              /* value, or guest address if data_is_ptr */
    uint32_t count;             /* repetitions (rep ins/outs) */
    uint32_t size;              /* bytes per access */
    uint32_t vp_eport;          /* event channel for this vcpu */
    uint16_t _pad0;
    __xen_extension uint8_t state:4;
    __xen_extension uint8_t data_is_ptr:1;
    __xen_extension uint8_t dir:1;              /* IOREQ_READ / IOREQ_WRITE */
    __xen_extension uint8_t df:1;               /* direction flag for rep */
    __xen_extension uint8_t _pad1:1;
    uint8_t type;               /* IOREQ_TYPE_* */
};
typedef struct ioreq ioreq_t;

struct shared_iopage {
    struct ioreq vcpu_ioreq[1];     /* really one per vcpu */
};
typedef struct shared_iopage shared_iopage_t;

/* Compact fire-and-forget writes (e.g. VGA), no response. */
struct buf_ioreq {
    uint8_t type;
    __xen_extension uint8_t pad:1;
    __xen_extension uint8_t dir:1;
    __xen_extension uint8_t size:2;             /* log2 of the access size */
    __xen_extension uint32_t addr:20;
    uint32_t data;
};
typedef struct buf_ioreq buf_ioreq_t;

#define IOREQ_BUFFER_SLOT_NUM 511

/*
 * Buffered ring: Xen writes slots, write barrier, advances
 * write_pointer; the device model reads slots, then advances
 * read_pointer.  Both are free-running and reduced modulo
 * IOREQ_BUFFER_SLOT_NUM.  With HVM_IOREQSRV_BUFIOREQ_ATOMIC both
 * pointers are updated together as one 64-bit word.
 */
struct buffered_iopage {
#ifdef __XEN__
    union bufioreq_pointers {
        __xen_extension struct {
#endif
            uint32_t read_pointer;
            uint32_t write_pointer;
#ifdef __XEN__
        };
        uint64_t full;
    } ptrs;
#endif
    buf_ioreq_t buf_ioreq[IOREQ_BUFFER_SLOT_NUM];
};
typedef struct buffered_iopage buffered_iopage_t;

/* ACPI PM register blocks of the emulated chipset, layouts 0 and 1. */
#define ACPI_PM1A_EVT_BLK_ADDRESS_V0 0x1f40
#define ACPI_PM1A_CNT_BLK_ADDRESS_V0 (ACPI_PM1A_EVT_BLK_ADDRESS_V0 + 0x04)
#define ACPI_PM_TMR_BLK_ADDRESS_V0   (ACPI_PM1A_EVT_BLK_ADDRESS_V0 + 0x08)
#define ACPI_GPE0_BLK_ADDRESS_V0     (ACPI_PM_TMR_BLK_ADDRESS_V0 + 0x20)
#define ACPI_GPE0_BLK_LEN_V0         0x08

#define ACPI_PM1A_EVT_BLK_ADDRESS_V1 0xb000
#define ACPI_PM1A_CNT_BLK_ADDRESS_V1 (ACPI_PM1A_EVT_BLK_ADDRESS_V1 + 0x04)
#define ACPI_PM_TMR_BLK_ADDRESS_V1   (ACPI_PM1A_EVT_BLK_ADDRESS_V1 + 0x08)
#define ACPI_GPE0_BLK_ADDRESS_V1     0xafe0
#define ACPI_GPE0_BLK_LEN_V1         0x04

/* Layout 0 unless the toolstack says otherwise. */
#define ACPI_PM1A_EVT_BLK_ADDRESS ACPI_PM1A_EVT_BLK_ADDRESS_V0
#define ACPI_PM1A_CNT_BLK_ADDRESS ACPI_PM1A_CNT_BLK_ADDRESS_V0
#define ACPI_PM_TMR_BLK_ADDRESS   ACPI_PM_TMR_BLK_ADDRESS_V0
#define ACPI_GPE0_BLK_ADDRESS     ACPI_GPE0_BLK_ADDRESS_V0
#define ACPI_GPE0_BLK_LEN         ACPI_GPE0_BLK_LEN_V0

#endif /* _IOREQ_H_ */
