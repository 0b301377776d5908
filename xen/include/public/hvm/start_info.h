/* SPDX-License-Identifier: MIT */
/* PVH start-of-day structure; the definitions live with the x86 code. */

#ifndef __XEN_PUBLIC_HVM_START_INFO_H__
#define __XEN_PUBLIC_HVM_START_INFO_H__

#include "../arch-x86/hvm/start_info.h"

#endif /* __XEN_PUBLIC_HVM_START_INFO_H__ */
