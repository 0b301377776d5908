/* SPDX-License-Identifier: GPL-2.0-only */
/* HVM guests' creation, on top of the vendor table (asm/hvm/hvm.h). */
#include <xen/errno.h>
#include <xen/sched.h>
#include <asm/hvm/hvm.h>

/* Filled by the vendor code found at boot; empty until SVM or VT-x lands. */
struct hvm_function_table hvm_funcs;

int hvm_domain_create(struct domain *d)
{
    if ( !hvm_funcs.name )
        return -EOPNOTSUPP;
    return hvm_funcs.domain_create(d);
}

int hvm_vcpu_create(struct vcpu *v)
{
    return hvm_funcs.vcpu_create(v);
}
