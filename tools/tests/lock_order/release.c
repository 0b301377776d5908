/* SPDX-License-Identifier: GPL-2.0-only */
/* Built without CONFIG_DEBUG: a release build's lock carries no class. */
#include <xen/spinlock.h>

_Static_assert(sizeof(spinlock_t) == sizeof(uint32_t),
               "release spinlock_t must stay one word");

/* Referenced by the test, so that the release inlines are compiled too. */
bool release_lock_cycle(void);

bool release_lock_cycle(void)
{
    static DEFINE_SPINLOCK(a, heap);
    static DEFINE_SPINLOCK(b, domctl);
    bool got;

    /* Out of order, which only a debug build would report. */
    spin_lock(&a);
    got = spin_trylock(&b);
    spin_unlock(&b);
    spin_lock(&b);
    spin_unlock(&b);
    spin_unlock(&a);
    return got;
}
