/* SPDX-License-Identifier: GPL-2.0-only */
/* Domain references for host tests: counted, so a test can check balance. */
#ifndef TESTS_DOMAIN_REFS_H
#define TESTS_DOMAIN_REFS_H

#include <xen/sched.h>

/*
 * A test's domains are its own and are never freed here: refcnt starts
 * at 0 and must be back at 0 when the code under test is done with them.
 * Include this from one file of a test program.
 */
struct domain *get_domain(struct domain *d)
{
    __atomic_fetch_add(&d->refcnt, 1, __ATOMIC_RELAXED);
    return d;
}

void put_domain(struct domain *d)
{
    if ( __atomic_sub_fetch(&d->refcnt, 1, __ATOMIC_RELAXED) < 0 )
        panic("put_domain: d%u has no reference left", d->domain_id);
}

#endif /* TESTS_DOMAIN_REFS_H */
