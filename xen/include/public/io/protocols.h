/* SPDX-License-Identifier: MIT */
/* Names of ring ABIs a frontend may advertise in its "protocol" node. */

#ifndef __XEN_PROTOCOLS_H__
#define __XEN_PROTOCOLS_H__

/*
 * Backends that serve guests of another word size read the frontend's
 * "protocol" node to pick the request layout.
 */
#define XEN_IO_PROTO_ABI_X86_32 "x86_32-abi"
#define XEN_IO_PROTO_ABI_X86_64 "x86_64-abi"
#define XEN_IO_PROTO_ABI_ARM    "arm-abi"

#if defined(__i386__)
#define XEN_IO_PROTO_ABI_NATIVE XEN_IO_PROTO_ABI_X86_32
#elif defined(__x86_64__)
#define XEN_IO_PROTO_ABI_NATIVE XEN_IO_PROTO_ABI_X86_64
#elif defined(__arm__) || defined(__aarch64__)
#define XEN_IO_PROTO_ABI_NATIVE XEN_IO_PROTO_ABI_ARM
#else
#error "No native ring protocol name for this architecture."
#endif

#endif /* __XEN_PROTOCOLS_H__ */
