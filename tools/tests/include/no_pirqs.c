/* SPDX-License-Identifier: GPL-2.0-only */
/* pirq.c's hooks for suites of event_channel.c in which no domain has one. */
#include <xen/errno.h>
#include <xen/lib.h>
#include <asm/irq.h>

/* tools/tests/physdev covers PIRQs with the real pirq.c. */
int pirq_bind_check(struct domain *d, unsigned int pirq)
{
    return -EPERM;          /* as for a PIRQ not mapped to d */
}

int pirq_bind_port(struct domain *d, unsigned int pirq, unsigned int port,
                   const struct vcpu *v, bool share)
{
    BUG();
}

void pirq_unbind_port(struct domain *d, unsigned int pirq)
{
    BUG();
}

void pirq_set_vcpu(struct domain *d, unsigned int pirq, const struct vcpu *v)
{
    BUG();
}
