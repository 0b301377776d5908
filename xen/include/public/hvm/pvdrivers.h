/* SPDX-License-Identifier: MIT */
/* Product numbers PV drivers report through the emulated platform device. */

#ifndef _XEN_PUBLIC_PVDRIVERS_H_
#define _XEN_PUBLIC_PVDRIVERS_H_

/*
 * Expands EACH(name, number) once per registered driver product; the
 * number is what a driver writes to the platform device's product port
 * so that emulated devices can be unplugged for it.
 */
#define PVDRIVERS_PRODUCT_LIST(EACH)                \
        EACH("xensource-windows",       0x0001)     \
        EACH("gplpv-windows",           0x0002)     \
        EACH("linux",                   0x0003)     \
        EACH("xenserver-windows-v7.0+", 0x0004)     \
        EACH("xenserver-windows-v7.2+", 0x0005)     \
        EACH("experimental",            0xffff)

#endif /* _XEN_PUBLIC_PVDRIVERS_H_ */
