/* SPDX-License-Identifier: GPL-2.0-only */
/* Which CPU we are running on; implemented by the SMP boot code. */
#ifndef XEN_SMP_H
#define XEN_SMP_H

unsigned int smp_processor_id(void);

#endif /* XEN_SMP_H */
