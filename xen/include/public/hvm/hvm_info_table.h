/* SPDX-License-Identifier: MIT */
/* The HVM info table the domain builder leaves for hvmloader. */

#ifndef __XEN_PUBLIC_HVM_HVM_INFO_TABLE_H__
#define __XEN_PUBLIC_HVM_HVM_INFO_TABLE_H__

#include "../xen.h"

/* Its fixed guest-physical location. */
#define HVM_INFO_PFN    0x09F
#define HVM_INFO_OFFSET 0x800
#define HVM_INFO_PADDR  ((HVM_INFO_PFN << 12) + HVM_INFO_OFFSET)

#define HVM_MAX_VCPUS 128

/*
 * Written once by the toolstack before the guest starts; read by the
 * firmware.  The bytes from signature to the end sum to zero (checksum).
 */
struct hvm_info_table {
    char signature[8];          /* "HVM INFO" */
    uint32_t length;
    uint8_t checksum;
    uint8_t apic_mode;          /* 0: no IO-APIC/ACPI APIC tables */
    uint32_t nr_vcpus;
    uint32_t low_mem_pgend;     /* RAM below 4G ends here (pfn) */
    uint32_t reserved_mem_pgstart;  /* special pages start here */
    uint32_t high_mem_pgend;    /* RAM above 4G ends here (0: none) */
    uint8_t vcpu_online[(HVM_MAX_VCPUS + 7) / 8];   /* bitmap */
};

#endif /* __XEN_PUBLIC_HVM_HVM_INFO_TABLE_H__ */
