/* SPDX-License-Identifier: MIT */
/* nmi_op hypercall and the NMI reason bits in arch_shared_info. */

#ifndef __XEN_PUBLIC_NMI_H__
#define __XEN_PUBLIC_NMI_H__

#include "xen.h"

/*
 * arch_shared_info.nmi_reason: Xen sets these bits (atomically) before
 * raising a virtual NMI in dom0; dom0 clears the ones it handled.
 */
#define _XEN_NMIREASON_io_error 0
#define XEN_NMIREASON_io_error  (1UL << _XEN_NMIREASON_io_error)
#define _XEN_NMIREASON_pci_serr 1
#define XEN_NMIREASON_pci_serr  (1UL << _XEN_NMIREASON_pci_serr)
#if __XEN_INTERFACE_VERSION__ < 0x00040300
#define _XEN_NMIREASON_parity_error 1   /* older name of pci_serr */
#define XEN_NMIREASON_parity_error (1UL << _XEN_NMIREASON_parity_error)
#endif
#define _XEN_NMIREASON_unknown  2
#define XEN_NMIREASON_unknown   (1UL << _XEN_NMIREASON_unknown)

/* Register the NMI handler (argument: struct xennmi_callback). */
#define XENNMI_register_callback 0
struct xennmi_callback {
    unsigned long handler_address;
    unsigned long pad;
};
typedef struct xennmi_callback xennmi_callback_t;
DEFINE_XEN_GUEST_HANDLE(xennmi_callback_t);

/* Remove it; no argument. */
#define XENNMI_unregister_callback 1

#endif /* __XEN_PUBLIC_NMI_H__ */
