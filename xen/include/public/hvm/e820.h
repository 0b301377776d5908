/* SPDX-License-Identifier: MIT */
/* Fixed places of the HVM e820 map and the below-4G MMIO hole. */

#ifndef __XEN_PUBLIC_HVM_E820_H__
#define __XEN_PUBLIC_HVM_E820_H__

#include "../xen.h"

/* Where hvmloader leaves the e820 table (count, then entries). */
#define HVM_E820_PAGE      0x00090000
#define HVM_E820_NR_OFFSET 0x000001E8
#define HVM_E820_OFFSET    0x000002D0

/* RAM below 4G ends where the MMIO hole begins. */
#define HVM_BELOW_4G_RAM_END     0xF0000000
#define HVM_BELOW_4G_MMIO_START  HVM_BELOW_4G_RAM_END
#define HVM_BELOW_4G_MMIO_LENGTH ((xen_mk_ullong(1) << 32) - \
                                  HVM_BELOW_4G_MMIO_START)

#endif /* __XEN_PUBLIC_HVM_E820_H__ */
