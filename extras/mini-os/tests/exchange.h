/* SPDX-License-Identifier: GPL-2.0-only */
/* What the XENMEM_exchange cases share (tests/exchange.c). */

#ifndef MINIOS_TESTS_EXCHANGE_H
#define MINIOS_TESTS_EXCHANGE_H

#include "test.h"

/*
 * pfn is backed by machine frame mfn from now on, as after an exchange:
 * its M2P entry, our p2m and our mapping of it (writable).
 */
long exchange_remap(unsigned long pfn, unsigned long mfn);

#endif /* MINIOS_TESTS_EXCHANGE_H */
