/* SPDX-License-Identifier: GPL-2.0-only */
/* Undoes config.h's hidden visibility so host tests can link against libc. */
#pragma GCC visibility pop
