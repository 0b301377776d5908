/* SPDX-License-Identifier: GPL-2.0-only */
/* Debug builds: each CPU's held spinlocks, and the lock-order check. */
#include <xen/lib.h>
#include <xen/percpu.h>
#include <xen/spinlock.h>
#include <xen/perfc.h>
#include <asm/processor.h>

/*
 * Deep enough for the longest chain in docs/misc/locking.md plus an
 * interrupt handler's locks on top; more is itself a bug worth a stop.
 */
#define LOCK_DEPTH 16

/*
 * base: where the innermost interrupt handler's locks start.  A handler is
 * a context of its own: the locks of the code it interrupted are not
 * ordered against its own (as in Xen, a lock a handler takes is taken
 * with interrupts off everywhere, and nothing waits for another CPU with
 * interrupts off while holding one), but taking one of them again is.
 */
struct held_locks {
    unsigned int depth, base;
    const spinlock_t *lock[LOCK_DEPTH];
};
static DEFINE_PER_CPU(struct held_locks, held_locks);

static const char *const class_name[LOCK_NR_CLASSES] = {
    [LOCK_none] = "unclassed lock",
#define LOCK_CLASS_NAME(c, name, nest) [LOCK_##c] = name,
    LOCK_CLASSES(LOCK_CLASS_NAME)
#undef LOCK_CLASS_NAME
};

static const bool class_nests[LOCK_NR_CLASSES] = {
#define LOCK_CLASS_NEST(c, name, nest) [LOCK_##c] = nest,
    LOCK_CLASSES(LOCK_CLASS_NEST)
#undef LOCK_CLASS_NEST
};

/*
 * After the first report the checks stop, so that panic() and whatever
 * it prints run without tripping over the locks still recorded.
 */
static bool lock_order_off;

static const char *name_of(const spinlock_t *l)
{
    return l->class < LOCK_NR_CLASSES ? class_name[l->class] : "bad class";
}

static void __noreturn report(const char *what, const spinlock_t *l,
                              const spinlock_t *held, const void *caller)
{
    lock_order_off = true;
    if ( held )
        printk("lock order: %s %s (%p) while holding %s (%p) at %pS\n", what,
               name_of(l), l, name_of(held), held, caller);
    else
        printk("lock order: %s %s (%p) at %pS\n", what, name_of(l), l, caller);
    BUG();
}

static void push(struct held_locks *h, const spinlock_t *l, const void *caller)
{
    if ( h->depth == LOCK_DEPTH )
        report("too many locks held to take", l, h->lock[h->depth - 1],
               caller);
    h->lock[h->depth++] = l;
}

static void take(const spinlock_t *l, bool check, const void *caller)
{
    struct held_locks *h = &this_cpu(held_locks);
    unsigned long flags;

    if ( lock_order_off )
        return;
    /* An interrupt handler's locks go on the same stack. */
    local_irq_save(flags);
    if ( l->class == LOCK_none || l->class >= LOCK_NR_CLASSES )
        report("taking", l, NULL, caller);
    for ( unsigned int i = 0; check && i < h->depth; i++ )
    {
        const spinlock_t *o = h->lock[i];

        if ( o == l )
            report("taking again", l, o, caller);
        if ( i < h->base || o->class < l->class )
            continue;
        if ( o->class > l->class || !class_nests[l->class] )
            report("taking", l, o, caller);
        if ( (uintptr_t)o > (uintptr_t)l )
            report("taking (address order)", l, o, caller);
    }
    push(h, l, caller);
    local_irq_restore(flags);
}

void lock_order_take(const spinlock_t *l)
{
    take(l, true, __builtin_return_address(0));
}

void lock_order_taken(const spinlock_t *l)
{
    take(l, false, __builtin_return_address(0));
}

unsigned int lock_order_irq_enter(void)
{
    struct held_locks *h = &this_cpu(held_locks);
    unsigned int outer = h->base;

    h->base = h->depth;
    return outer;
}

void lock_order_irq_exit(unsigned int outer)
{
    this_cpu(held_locks).base = outer;
}

void lock_order_drop(const spinlock_t *l)
{
    struct held_locks *h = &this_cpu(held_locks);
    unsigned long flags;
    unsigned int i;

    if ( lock_order_off )
        return;
    local_irq_save(flags);
    /* Usually the last one taken, but not always (double-lock helpers). */
    for ( i = h->depth; i > 0 && h->lock[i - 1] != l; i-- )
        continue;
    if ( !i )
        report("releasing unheld", l, NULL, __builtin_return_address(0));
    for ( ; i < h->depth; i++ )
        h->lock[i - 1] = h->lock[i];
    h->depth--;
    local_irq_restore(flags);
}

void lock_wait(const spinlock_t *l, uint16_t me)
{
    uint64_t start = rdtsc();

    BUILD_BUG_ON(LOCK_NR_CLASSES > 32);
    while ( __atomic_load_n(&l->head, __ATOMIC_ACQUIRE) != me )
        cpu_relax();
    perfc_incra(lock_wait, l->class, 32);
    perfc_adda(lock_wait_kcycles, l->class, 32, (rdtsc() - start) / 1000);
}
