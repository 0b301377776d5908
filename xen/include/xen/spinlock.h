/* SPDX-License-Identifier: GPL-2.0-only */
/* Ticket spinlocks and a writer-preferring reader/writer lock. */
#ifndef XEN_SPINLOCK_H
#define XEN_SPINLOCK_H

#include <xen/types.h>
#include <xen/lock_class.h>
#include <asm/system.h>

/*
 * Ticket locks hand the lock out in arrival order, so no CPU can starve
 * under contention; head and tail share one word so a single atomic
 * fetch-add takes a ticket.
 */
typedef struct spinlock {
    union {
        uint32_t word;
        struct {
            uint16_t head; /* ticket now being served */
            uint16_t tail; /* next ticket to hand out */
        };
    };
#ifdef CONFIG_DEBUG
    uint8_t class; /* enum lock_class: its rank in the order */
#endif
} spinlock_t;

/*
 * Every lock names its class (xen/lock_class.h), e.g.
 * DEFINE_SPINLOCK(heap_lock, heap).  Debug builds check, on each take,
 * that the running CPU holds no lock of a later class (common/lock_order.c);
 * release builds neither store nor check anything.
 */
#ifdef CONFIG_DEBUG
#define SPIN_LOCK_UNLOCKED(c)                                                 \
    {                                                                         \
        { 0 }, LOCK_##c                                                       \
    }

/* Before spinning for l: BUG if taking it breaks the order; records it. */
void lock_order_take(const spinlock_t *l);
/* A trylock got l: recorded, not checked (a trylock cannot deadlock). */
void lock_order_taken(const spinlock_t *l);
/* l is being released. */
void lock_order_drop(const spinlock_t *l);
/* Waits until l serves ticket me, counting the wait (xen/perfc.h). */
void lock_wait(const spinlock_t *l, uint16_t me);
/* An interrupt handler starts (a context of its own); what to restore. */
unsigned int lock_order_irq_enter(void);
/* ... and ends, with what lock_order_irq_enter() returned. */
void lock_order_irq_exit(unsigned int outer);
#else
#define SPIN_LOCK_UNLOCKED(c)                                                 \
    {                                                                         \
        {                                                                     \
            0                                                                 \
        }                                                                     \
    }
static inline void lock_order_take(const spinlock_t *l)
{
}
static inline void lock_order_taken(const spinlock_t *l)
{
}
static inline void lock_order_drop(const spinlock_t *l)
{
}
static inline unsigned int lock_order_irq_enter(void)
{
    return 0;
}
static inline void lock_order_irq_exit(unsigned int outer)
{
}
#endif
#define DEFINE_SPINLOCK(l, c) spinlock_t l = SPIN_LOCK_UNLOCKED(c)

static inline void _spin_lock_init(spinlock_t *l, enum lock_class class)
{
#ifdef CONFIG_DEBUG
    l->class = class;
#endif
    __atomic_store_n(&l->word, 0, __ATOMIC_RELEASE);
}
#define spin_lock_init(l, c) _spin_lock_init(l, LOCK_##c)

static inline void spin_lock(spinlock_t *l)
{
    uint16_t me;

    lock_order_take(l);
    me = __atomic_fetch_add(&l->tail, 1, __ATOMIC_RELAXED);
#ifdef CONFIG_DEBUG
    if ( __atomic_load_n(&l->head, __ATOMIC_ACQUIRE) != me )
        lock_wait(l, me);
#endif
    while ( __atomic_load_n(&l->head, __ATOMIC_ACQUIRE) != me )
        cpu_relax();
}

static inline bool spin_trylock(spinlock_t *l)
{
    uint32_t old = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
    spinlock_t want = { .word = old };

    if ( want.head != want.tail )
        return false;
    want.tail++;
    if ( !__atomic_compare_exchange_n(&l->word, &old, want.word, false,
                                      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) )
        return false;
    lock_order_taken(l);
    return true;
}

static inline void spin_unlock(spinlock_t *l)
{
    /* Only the holder writes head, so a plain increment is race-free. */
    uint16_t next = __atomic_load_n(&l->head, __ATOMIC_RELAXED) + 1;

    lock_order_drop(l);
    __atomic_store_n(&l->head, next, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
    spinlock_t v = { .word = __atomic_load_n(&l->word, __ATOMIC_RELAXED) };

    return v.head != v.tail;
}

#define spin_lock_irq(l)                                                      \
    do                                                                        \
    {                                                                         \
        local_irq_disable();                                                  \
        spin_lock(l);                                                         \
    } while ( 0 )

#define spin_unlock_irq(l)                                                    \
    do                                                                        \
    {                                                                         \
        spin_unlock(l);                                                       \
        local_irq_enable();                                                   \
    } while ( 0 )

#define spin_lock_irqsave(l, flags)                                           \
    do                                                                        \
    {                                                                         \
        local_irq_save(flags);                                                \
        spin_lock(l);                                                         \
    } while ( 0 )

#define spin_unlock_irqrestore(l, flags)                                      \
    do                                                                        \
    {                                                                         \
        spin_unlock(l);                                                       \
        local_irq_restore(flags);                                             \
    } while ( 0 )

/*
 * Reader/writer lock: bit 31 is a writer holding or waiting, the rest count
 * readers.  New readers back off while a writer waits, so a steady stream
 * of readers cannot starve writers.
 */
typedef struct rwlock {
    uint32_t cnts;
} rwlock_t;

#define RW_WRITER 0x80000000U
#define RW_LOCK_UNLOCKED                                                      \
    {                                                                         \
        0                                                                     \
    }
#define DEFINE_RWLOCK(l) rwlock_t l = RW_LOCK_UNLOCKED

static inline void rwlock_init(rwlock_t *l)
{
    __atomic_store_n(&l->cnts, 0, __ATOMIC_RELEASE);
}

static inline void read_lock(rwlock_t *l)
{
    for ( ;; )
    {
        uint32_t old = __atomic_load_n(&l->cnts, __ATOMIC_RELAXED);

        if ( !(old & RW_WRITER) &&
             __atomic_compare_exchange_n(&l->cnts, &old, old + 1, false,
                                         __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) )
            return;
        cpu_relax();
    }
}

static inline void read_unlock(rwlock_t *l)
{
    __atomic_fetch_sub(&l->cnts, 1, __ATOMIC_RELEASE);
}

static inline void write_lock(rwlock_t *l)
{
    /* Claim the writer bit first (excluding other writers and new readers), */
    while ( __atomic_fetch_or(&l->cnts, RW_WRITER, __ATOMIC_ACQUIRE) &
            RW_WRITER )
        cpu_relax();
    /* then wait for the readers already inside to drain. */
    while ( __atomic_load_n(&l->cnts, __ATOMIC_ACQUIRE) != RW_WRITER )
        cpu_relax();
}

static inline void write_unlock(rwlock_t *l)
{
    __atomic_store_n(&l->cnts, 0, __ATOMIC_RELEASE);
}

#define read_lock_irqsave(l, flags)                                           \
    do                                                                        \
    {                                                                         \
        local_irq_save(flags);                                                \
        read_lock(l);                                                         \
    } while ( 0 )

#define read_unlock_irqrestore(l, flags)                                      \
    do                                                                        \
    {                                                                         \
        read_unlock(l);                                                       \
        local_irq_restore(flags);                                             \
    } while ( 0 )

#define write_lock_irqsave(l, flags)                                          \
    do                                                                        \
    {                                                                         \
        local_irq_save(flags);                                                \
        write_lock(l);                                                        \
    } while ( 0 )

#define write_unlock_irqrestore(l, flags)                                     \
    do                                                                        \
    {                                                                         \
        write_unlock(l);                                                      \
        local_irq_restore(flags);                                             \
    } while ( 0 )

#endif /* XEN_SPINLOCK_H */
