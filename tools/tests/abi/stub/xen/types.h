/* SPDX-License-Identifier: MIT */
/* Stand-in for the hypervisor's <xen/types.h> while the tree has none. */
#ifndef __ABI_TEST_STUB_XEN_TYPES_H__
#define __ABI_TEST_STUB_XEN_TYPES_H__
typedef signed char int8_t;
typedef unsigned char uint8_t;
typedef short int16_t;
typedef unsigned short uint16_t;
typedef int int32_t;
typedef unsigned int uint32_t;
typedef long int64_t;
typedef unsigned long uint64_t;
typedef unsigned long uintptr_t;
typedef unsigned long size_t;
#endif
