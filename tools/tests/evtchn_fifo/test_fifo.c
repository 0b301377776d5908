/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for FIFO event channels: queues, masking, errnos, guest pages. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include "check.h"
#include "domain_refs.h"

#define NR_FRAMES   16
#define NR_VCPUS    2
#define WORDS       (PAGE_SIZE / sizeof(event_word_t))

#define PENDING     (1U << EVTCHN_FIFO_PENDING)
#define MASKED      (1U << EVTCHN_FIFO_MASKED)
#define LINKED      (1U << EVTCHN_FIFO_LINKED)
#define BUSY        (1U << EVTCHN_FIFO_BUSY)

/* ---- what the hypervisor around the event code would provide ---- */

struct page_info *frame_table;
unsigned long max_page = NR_FRAMES;
/* Guest memory windows where copies fail (include/asm/uaccess.h). */
extern uintptr_t harness_fault_lo, harness_fault_hi;
static struct domain *dom, *other;
static unsigned int kicks;

struct domain *get_domain_by_id(domid_t id)
{
    if ( dom && dom->domain_id == id )
        return get_domain(dom);
    return NULL;
}

void vcpu_kick(struct vcpu *v)
{
    kicks++;
    __atomic_fetch_and(&v->pause_flags, ~(VPF_blocked | VPF_polling),
                       __ATOMIC_SEQ_CST);
}

s_time_t get_s_time(void)
{
    return 0;
}

bool timer_is_active(const struct timer *t)
{
    return false;
}

void *_xzalloc(size_t size, size_t align);
void *_xzalloc_array(size_t size, size_t align, size_t nr);
void xfree(void *p);

void *_xzalloc(size_t size, size_t align)
{
    return calloc(1, size);
}

void *_xzalloc_array(size_t size, size_t align, size_t nr)
{
    return calloc(nr, size);
}

void xfree(void *p)
{
    free(p);
}

/*
 * The PV MMU's rules, as far as registration needs them: the frame must
 * be the domain's, and may take a writable reference only while it has
 * no other type.
 */
int get_page_and_type(struct page_info *pg, struct domain *d,
                      unsigned long type)
{
    unsigned long ti = pg->u.inuse.type_info;

    if ( pg->v.owner != d )
        return -EINVAL;
    if ( (ti & PGT_count_mask) && (ti & PGT_type_mask) != type )
        return -EINVAL;
    pg->count_info++;
    pg->u.inuse.type_info = type | ((ti & PGT_count_mask) + 1);
    return 0;
}

void put_page_and_type(struct page_info *pg)
{
    BUG_ON(!(pg->u.inuse.type_info & PGT_count_mask) || !pg->count_info);
    pg->u.inuse.type_info--;
    pg->count_info--;
}

/* Type references still held on frames: must be 0 once d is reset. */
static unsigned long typed_refs(void)
{
    unsigned long n = 0;

    for ( unsigned int i = 0; i < NR_FRAMES; i++ )
        n += frame_table[i].u.inuse.type_info & PGT_count_mask;
    return n;
}

/* ---- a fabricated domain and its guest memory ---- */

static struct domain *mkdom(domid_t id)
{
    struct domain *d = calloc(1, sizeof(*d));

    d->domain_id = id;
    d->max_vcpus = NR_VCPUS;
    spin_lock_init(&d->event_lock, event);
    d->shared_info = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
    memset(d->shared_info, 0, PAGE_SIZE);
    d->vcpu = calloc(NR_VCPUS, sizeof(*d->vcpu));
    for ( unsigned int i = 0; i < NR_VCPUS; i++ )
    {
        d->vcpu[i] = calloc(1, sizeof(struct vcpu));
        d->vcpu[i]->vcpu_id = i;
        d->vcpu[i]->domain = d;
        d->vcpu[i]->vcpu_info = &d->shared_info->vcpu_info[i];
    }
    if ( evtchn_init(d) )
        abort();
    return d;
}

static void rmdom(struct domain *d)
{
    evtchn_destroy(d);
    for ( unsigned int i = 0; i < NR_VCPUS; i++ )
        free(d->vcpu[i]);
    free(d->vcpu);
    free(d->shared_info);
    free(d);
}

/* Frames 1-7 are dom's, 8-15 other's; all zeroed and untyped. */
static void setup(void)
{
    memset(host_directmap, 0, NR_FRAMES * PAGE_SIZE);
    memset(frame_table, 0, NR_FRAMES * sizeof(*frame_table));
    dom = mkdom(1);
    other = mkdom(2);
    for ( unsigned int i = 1; i < NR_FRAMES; i++ )
        frame_table[i].v.owner = i < 8 ? dom : other;
    get_cpu_info()->current_vcpu = dom->vcpu[0];
    kicks = 0;
}

static void teardown(void)
{
    rmdom(dom);
    rmdom(other);
    dom = other = NULL;
    get_cpu_info()->current_vcpu = NULL;
}

#define CB_FRAME    1       /* control blocks: vCPU n at offset 64 n */
#define ARRAY_FRAME 2       /* the first event array page, then 3, ... */

static struct evtchn_fifo_control_block *cb(unsigned int vcpu)
{
    return (void *)(host_directmap + CB_FRAME * PAGE_SIZE + 64 * vcpu);
}

static event_word_t *word(unsigned int port)
{
    return (event_word_t *)(host_directmap + ARRAY_FRAME * PAGE_SIZE) + port;
}

static long op(int cmd, void *arg)
{
    return do_event_channel_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){ arg });
}

static long init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu)
{
    struct evtchn_init_control ic = { .control_gfn = gfn, .offset = offset,
                                      .vcpu = vcpu };
    long rc = op(EVTCHNOP_init_control, &ic);

    return rc ?: ic.link_bits == EVTCHN_FIFO_LINK_BITS ? 0 : -999;
}

static long expand(uint64_t gfn)
{
    struct evtchn_expand_array ea = { .array_gfn = gfn };

    return op(EVTCHNOP_expand_array, &ea);
}

static long set_priority(unsigned int port, unsigned int prio)
{
    struct evtchn_set_priority sp = { .port = port, .priority = prio };

    return op(EVTCHNOP_set_priority, &sp);
}

static long ipi(unsigned int vcpu)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    long rc = op(EVTCHNOP_bind_ipi, &b);

    return rc ?: (long)b.port;
}

static long sendp(unsigned int port)
{
    struct evtchn_send s = { .port = port };

    return op(EVTCHNOP_send, &s);
}

static long unmask(unsigned int port)
{
    struct evtchn_unmask u = { .port = port };

    return op(EVTCHNOP_unmask, &u);
}

static long closep(unsigned int port)
{
    struct evtchn_close c = { .port = port };

    return op(EVTCHNOP_close, &c);
}

static long reset(void)
{
    struct evtchn_reset r = { .dom = DOMID_SELF };

    return op(EVTCHNOP_reset, &r);
}

/* dom switched to FIFO for both vCPUs with one array page. */
static void fifo_setup(void)
{
    setup();
    CHECK_EQ(init_control(CB_FRAME, 0, 0), 0);
    CHECK_EQ(init_control(CB_FRAME, 64, 1), 0);
    CHECK_EQ(expand(ARRAY_FRAME), 0);
}

/*
 * What a guest does to consume the head of queue q on vCPU v: take the
 * port, clear LINKED and LINK in its word, and (if it was the last) the
 * ready bit; returns the port and the next one in *next.
 */
static uint32_t consume(unsigned int v, unsigned int q, uint32_t *next)
{
    uint32_t port = cb(v)->head[q];
    event_word_t w = __atomic_fetch_and(word(port),
                                        ~(LINKED | EVTCHN_FIFO_LINK_MASK),
                                        __ATOMIC_SEQ_CST);

    *next = w & EVTCHN_FIFO_LINK_MASK;
    if ( !*next )
        cb(v)->ready &= ~(1U << q);
    return port;
}

/* ---- the cases ---- */

static void test_errnos(void)
{
    CASE("fifo: init_control and the other sub-ops refuse bad arguments "
         "with Xen's errnos")
    {
        struct evtchn_init_control ic = { .control_gfn = CB_FRAME };

        setup();
        CHECK_EQ(expand(ARRAY_FRAME), -EOPNOTSUPP);
        CHECK(ipi(0) == 1);
        CHECK_EQ(set_priority(1, 3), -ENOSYS);
        CHECK_EQ(init_control(CB_FRAME, 0, NR_VCPUS), -ENOENT);
        CHECK_EQ(init_control(CB_FRAME, 0, ~0U), -ENOENT);
        CHECK_EQ(init_control(CB_FRAME, 4, 0), -EINVAL);
        CHECK_EQ(init_control(CB_FRAME, PAGE_SIZE, 0), -EINVAL);
        CHECK_EQ(init_control(CB_FRAME,
                              PAGE_SIZE - sizeof(*cb(0)) + 8, 0), -EINVAL);
        CHECK_EQ(init_control(NR_FRAMES, 0, 0), -EINVAL);
        CHECK_EQ(init_control(~0ULL, 0, 0), -EINVAL);
        CHECK_EQ(init_control(1ULL << 52, 0, 0), -EINVAL);
        CHECK_EQ(init_control(8, 0, 0), -EINVAL);   /* other's frame */
        /* A page table cannot become a control block. */
        frame_table[3].u.inuse.type_info = PGT_l1_page_table | 1;
        CHECK_EQ(init_control(3, 0, 0), -EINVAL);
        frame_table[3].u.inuse.type_info = 0;
        /* Nothing switched on a failure. */
        CHECK_EQ(expand(ARRAY_FRAME), -EOPNOTSUPP);
        CHECK_EQ(typed_refs(), 0);
        /* A bad pointer fails before anything happens. */
        CHECK_EQ(op(EVTCHNOP_init_control, (void *)8), -EFAULT);

        CHECK_EQ(op(EVTCHNOP_init_control, &ic), 0);
        CHECK_EQ(ic.link_bits, EVTCHN_FIFO_LINK_BITS);
        CHECK_EQ(typed_refs(), 1);
        /* Once per vCPU; the last offset that fits is fine. */
        CHECK_EQ(init_control(CB_FRAME, 64, 0), -EINVAL);
        CHECK_EQ(init_control(CB_FRAME, PAGE_SIZE - sizeof(*cb(0)), 1), 0);
        CHECK_EQ(typed_refs(), 2);

        CHECK_EQ(expand(NR_FRAMES), -EINVAL);
        CHECK_EQ(expand(9), -EINVAL);
        CHECK_EQ(set_priority(1, EVTCHN_FIFO_PRIORITY_MIN + 1), -EINVAL);
        CHECK_EQ(set_priority(1, ~0U), -EINVAL);
        CHECK_EQ(set_priority(1, EVTCHN_FIFO_PRIORITY_MIN), 0);
        /* A valid port not bound takes a priority too, as in Xen. */
        CHECK_EQ(set_priority(2, 0), 0);
        CHECK_EQ(set_priority(64, 0), -EINVAL);
        CHECK_EQ(set_priority(EVTCHN_FIFO_NR_CHANNELS, 0), -EINVAL);
        CHECK_EQ(unmask(64), -EINVAL);
        teardown();
        CHECK_EQ(typed_refs(), 0);
    }

    CASE("fifo: the array takes 128 pages, then ENOSPC")
    {
        fifo_setup();
        for ( unsigned int i = 1; i < EVTCHN_FIFO_NR_CHANNELS / WORDS; i++ )
            CHECK_EQ(expand(ARRAY_FRAME + i % 4), 0);
        CHECK_EQ(expand(ARRAY_FRAME), -ENOSPC);
        CHECK_EQ(typed_refs(), 2 + EVTCHN_FIFO_NR_CHANNELS / WORDS);
        teardown();
        CHECK_EQ(typed_refs(), 0);
    }
}

static void test_queues(void)
{
    CASE("fifo: a send links the port at its queue's head, then behind "
         "the tail")
    {
        uint32_t a, b, next;

        fifo_setup();
        a = ipi(0);
        b = ipi(0);
        CHECK_EQ(sendp(a), 0);
        CHECK_EQ(*word(a), PENDING | LINKED);
        CHECK_EQ(cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
        CHECK_EQ(cb(0)->ready, 1U << EVTCHN_FIFO_PRIORITY_DEFAULT);
        CHECK_EQ(dom->vcpu[0]->vcpu_info->evtchn_upcall_pending, 1);
        CHECK(evtchn_port_pending(dom, a));
        CHECK(!evtchn_port_pending(dom, b));
        CHECK_EQ(sendp(b), 0);
        CHECK_EQ(*word(a), PENDING | LINKED | b);
        CHECK_EQ(*word(b), PENDING | LINKED);
        /* Already linked: nothing changes. */
        CHECK_EQ(sendp(a), 0);
        CHECK_EQ(*word(a), PENDING | LINKED | b);
        /* The guest takes both; the next event starts from the head. */
        CHECK_EQ(consume(0, EVTCHN_FIFO_PRIORITY_DEFAULT, &next), a);
        CHECK_EQ(next, b);
        cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT] = next;
        CHECK_EQ(consume(0, EVTCHN_FIFO_PRIORITY_DEFAULT, &next), b);
        CHECK_EQ(next, 0);
        CHECK_EQ(cb(0)->ready, 0);
        *word(a) = *word(b) = 0;
        dom->vcpu[0]->vcpu_info->evtchn_upcall_pending = 0;
        CHECK_EQ(sendp(b), 0);
        CHECK_EQ(cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], b);
        CHECK_EQ(cb(0)->ready, 1U << EVTCHN_FIFO_PRIORITY_DEFAULT);
        CHECK_EQ(dom->vcpu[0]->vcpu_info->evtchn_upcall_pending, 1);
        /* The 2-level bitmap is not used. */
        CHECK_EQ(dom->shared_info->evtchn_pending[0], 0);
        CHECK_EQ(dom->vcpu[0]->vcpu_info->evtchn_pending_sel, 0);
        teardown();
    }

    CASE("fifo: set_priority picks the queue of later events, per vCPU")
    {
        uint32_t a, b, c;

        fifo_setup();
        a = ipi(0);
        b = ipi(0);
        c = ipi(1);
        CHECK_EQ(set_priority(b, EVTCHN_FIFO_PRIORITY_MAX), 0);
        CHECK_EQ(set_priority(c, EVTCHN_FIFO_PRIORITY_MIN), 0);
        CHECK_EQ(sendp(a), 0);
        CHECK_EQ(sendp(b), 0);
        CHECK_EQ(sendp(c), 0);
        CHECK_EQ(cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
        CHECK_EQ(cb(0)->head[EVTCHN_FIFO_PRIORITY_MAX], b);
        CHECK_EQ(cb(1)->head[EVTCHN_FIFO_PRIORITY_MIN], c);
        CHECK_EQ(cb(0)->ready, (1U << EVTCHN_FIFO_PRIORITY_DEFAULT) |
                               (1U << EVTCHN_FIFO_PRIORITY_MAX));
        CHECK_EQ(cb(1)->ready, 1U << EVTCHN_FIFO_PRIORITY_MIN);
        CHECK_EQ(*word(a) & EVTCHN_FIFO_LINK_MASK, 0);
        /* A port closed and bound again is back at the default. */
        CHECK_EQ(closep(b), 0);
        *word(b) = 0;
        CHECK_EQ(ipi(0), b);
        cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT] = 0;
        *word(a) = 0;
        cb(0)->ready = 0;
        CHECK_EQ(sendp(b), 0);
        CHECK_EQ(cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], b);
        teardown();
    }

    CASE("fifo: a masked event is not linked until unmasked")
    {
        uint32_t a;

        fifo_setup();
        a = ipi(0);
        *word(a) = MASKED;
        CHECK_EQ(sendp(a), 0);
        CHECK_EQ(*word(a), MASKED | PENDING);
        CHECK_EQ(cb(0)->ready, 0);
        CHECK_EQ(cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], 0);
        CHECK_EQ(dom->vcpu[0]->vcpu_info->evtchn_upcall_pending, 0);
        CHECK_EQ(unmask(a), 0);
        CHECK_EQ(*word(a), PENDING | LINKED);
        CHECK_EQ(cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
        CHECK_EQ(dom->vcpu[0]->vcpu_info->evtchn_upcall_pending, 1);
        /* Unmasking a port with nothing pending links nothing. */
        *word(a) = MASKED;
        cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT] = 0;
        CHECK_EQ(unmask(a), 0);
        CHECK_EQ(*word(a), 0);
        CHECK_EQ(cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], 0);
        teardown();
    }

    CASE("fifo: events raised before their word exists arrive with it")
    {
        uint32_t a, b;

        setup();
        a = ipi(0);
        /* Pending in the 2-level bitmap at the switch. */
        CHECK_EQ(sendp(a), 0);
        CHECK_EQ(init_control(CB_FRAME, 0, 0), 0);
        for ( unsigned int i = a + 1; i < WORDS + 2; i++ )
            CHECK_EQ(ipi(0), i);
        b = WORDS + 1;
        /* No word yet: nothing written anywhere. */
        CHECK_EQ(sendp(b), 0);
        CHECK_EQ(cb(0)->ready, 0);
        CHECK_EQ(expand(ARRAY_FRAME), 0);
        CHECK_EQ(*word(a), PENDING | LINKED);
        CHECK_EQ(cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
        CHECK_EQ(expand(ARRAY_FRAME + 1), 0);
        CHECK_EQ(*word(a), PENDING | LINKED | b);
        CHECK_EQ(*word(b), PENDING | LINKED);
        teardown();
    }

    CASE("fifo: a vCPU without a control block keeps the event pending "
         "only")
    {
        uint32_t a;

        setup();
        CHECK_EQ(init_control(CB_FRAME, 0, 0), 0);
        CHECK_EQ(expand(ARRAY_FRAME), 0);
        a = ipi(1);
        CHECK_EQ(sendp(a), 0);
        CHECK_EQ(*word(a), PENDING);
        CHECK_EQ(cb(0)->ready, 0);
        CHECK_EQ(kicks, 0);
        teardown();
    }

    CASE("fifo: a freed port still on a guest queue is not handed out")
    {
        uint32_t a;

        fifo_setup();
        a = ipi(0);
        CHECK_EQ(sendp(a), 0);
        CHECK_EQ(closep(a), 0);
        /* Freeing clears PENDING; the guest still has to unlink it. */
        CHECK_EQ(*word(a), LINKED);
        CHECK(ipi(0) != a);
        *word(a) = 0;
        CHECK_EQ(ipi(0), a);
        teardown();
    }
}

static void test_hostile(void)
{
    CASE("fifo: LINKs looping through the array hang neither a send nor "
         "the dump")
    {
        uint32_t a, b, c;

        fifo_setup();
        a = ipi(0);
        b = ipi(0);
        c = ipi(0);
        CHECK_EQ(sendp(a), 0);
        CHECK_EQ(sendp(b), 0);
        /* The guest makes a loop a -> b -> a, all still linked. */
        *word(b) = PENDING | LINKED | a;
        CHECK_EQ(sendp(c), 0);
        CHECK_EQ(*word(b), PENDING | LINKED | c);
        *word(c) = PENDING | LINKED | a;
        harness_log_clear();
        evtchn_dump_domain(dom);
        CHECK(harness_log_contains("(-1)"));
        /* Links out of the array end the walk too. */
        *word(c) = PENDING | LINKED | (EVTCHN_FIFO_NR_CHANNELS - 1);
        harness_log_clear();
        evtchn_dump_domain(dom);
        CHECK(harness_log_contains("(-1)"));
        /* A well-formed queue a -> b -> c shows its length. */
        *word(c) = PENDING | LINKED;
        harness_log_clear();
        evtchn_dump_domain(dom);
        CHECK(harness_log_contains("q7=1..3(3)"));
        teardown();
    }

    CASE("fifo: a head, LINK or words full of garbage leave us in bounds")
    {
        uint32_t a, b;

        fifo_setup();
        a = ipi(0);
        b = ipi(0);
        memset(word(0), 0xff, PAGE_SIZE);
        memset(cb(0), 0xff, sizeof(*cb(0)));
        CHECK_EQ(sendp(a), 0);
        CHECK_EQ(sendp(b), 0);
        CHECK_EQ(unmask(a), 0);
        harness_log_clear();
        evtchn_dump_domain(dom);
        CHECK(harness_log_contains("(-1)"));
        CHECK_EQ(closep(a), 0);
        CHECK_EQ(reset(), 0);
        CHECK_EQ(typed_refs(), 0);
        teardown();
    }
}

/* A guest vCPU flipping bits of the tail word while Xen links behind it. */
static volatile bool stop;
static event_word_t *flipped;

static void *flipper(void *arg)
{
    while ( !stop )
        __atomic_fetch_xor(flipped, MASKED, __ATOMIC_SEQ_CST);
    return NULL;
}

/* Timer interrupts and a poller of another CPU, against ABI switches. */
static void *raiser(void *arg)
{
    while ( !stop )
    {
        send_guest_vcpu_virq(dom->vcpu[0], VIRQ_TIMER);
        evtchn_port_pending(dom, 1);
        evtchn_port_pending(dom, 2);
    }
    return NULL;
}

static void test_races(void)
{
    CASE("fifo: events raised while the domain switches ABI back and forth")
    {
        struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER };
        pthread_t t;

        setup();
        stop = false;
        alarm(20);
        pthread_create(&t, NULL, raiser, NULL);
        for ( unsigned int i = 0; i < 20000; i++ )
        {
            CHECK_EQ(op(EVTCHNOP_bind_virq, &bv), 0);
            CHECK_EQ(init_control(CB_FRAME, 0, 0), 0);
            CHECK_EQ(expand(ARRAY_FRAME), 0);
            CHECK_EQ(reset(), 0);
            CHECK_EQ(typed_refs(), 0);
        }
        stop = true;
        pthread_join(t, NULL);
        alarm(0);
        teardown();
    }

    CASE("fifo: a tail word that keeps changing costs a bounded number of "
         "tries")
    {
        pthread_t t;
        uint32_t a, b;

        fifo_setup();
        a = ipi(0);
        b = ipi(0);
        CHECK_EQ(sendp(a), 0);
        flipped = word(a);
        stop = false;
        alarm(10);
        pthread_create(&t, NULL, flipper, NULL);
        for ( unsigned int i = 0; i < 2000; i++ )
        {
            *word(b) = 0;
            CHECK_EQ(sendp(b), 0);
        }
        stop = true;
        pthread_join(t, NULL);
        alarm(0);
        /* Either linked behind a, or given up with BUSY cleared. */
        CHECK_EQ(*word(a) & (LINKED | BUSY), LINKED);
        teardown();
    }

    CASE("fifo: the guest unlinking the tail meanwhile makes b the head")
    {
        uint32_t a, b;

        fifo_setup();
        a = ipi(0);
        b = ipi(0);
        CHECK_EQ(sendp(a), 0);
        *word(a) = 0;           /* consumed, queue empty */
        CHECK_EQ(sendp(b), 0);
        CHECK_EQ(*word(a), 0);
        CHECK_EQ(cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], b);
        teardown();
    }

    CASE("fifo: an event moved to another queue leaves the old tail")
    {
        uint32_t a, b;

        fifo_setup();
        a = ipi(0);
        b = ipi(0);
        CHECK_EQ(sendp(a), 0);
        *word(a) = 0;
        CHECK_EQ(set_priority(a, 2), 0);
        CHECK_EQ(sendp(a), 0);
        CHECK_EQ(cb(0)->head[2], a);
        /* b must not be linked behind a, which sits on queue 2 now. */
        CHECK_EQ(sendp(b), 0);
        CHECK_EQ(*word(a) & EVTCHN_FIFO_LINK_MASK, 0);
        CHECK_EQ(cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], b);
        teardown();
    }
}

static void test_lifetime(void)
{
    CASE("fifo: reset gives every page back and returns to 2-level")
    {
        uint32_t a;

        fifo_setup();
        CHECK_EQ(expand(ARRAY_FRAME + 1), 0);
        CHECK_EQ(typed_refs(), 4);
        a = ipi(0);
        CHECK_EQ(reset(), 0);
        CHECK_EQ(typed_refs(), 0);
        CHECK_EQ(expand(ARRAY_FRAME), -EOPNOTSUPP);
        a = ipi(0);
        CHECK_EQ(sendp(a), 0);
        CHECK(test_bit(a, dom->shared_info->evtchn_pending));
        CHECK_EQ(set_priority(a, 1), -ENOSYS);
        /* And FIFO can be had again. */
        CHECK_EQ(init_control(CB_FRAME, 0, 0), 0);
        CHECK_EQ(expand(ARRAY_FRAME), 0);
        teardown();
        CHECK_EQ(typed_refs(), 0);
    }

    CASE("fifo: ports past 4095 exist under FIFO only")
    {
        long p = 0;
        struct evtchn_status st = { .dom = DOMID_SELF, .port = 5000 };

        fifo_setup();
        for ( unsigned int i = 1; i <= 5000; i++ )
            p = ipi(0);
        CHECK_EQ(p, 5000);
        CHECK_EQ(sendp(5000), 0);       /* no word: kept for later */
        CHECK_EQ(reset(), 0);
        /* The table stayed; the 2-level bitmaps stop at 4095. */
        CHECK(evtchn_port_is_valid(dom, 5000));
        CHECK(!evtchn_port_pending(dom, 5000));
        CHECK_EQ(op(EVTCHNOP_status, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_closed);
        CHECK_EQ(unmask(5000), 0);
        for ( unsigned int i = 1; i < EVTCHN_2L_NR_CHANNELS; i++ )
            CHECK_EQ(ipi(0), i);
        CHECK_EQ(ipi(0), -ENOSPC);
        harness_log_clear();
        evtchn_dump_domain(dom);
        teardown();
    }

    CASE("fifo: destruction gives the pages back")
    {
        fifo_setup();
        CHECK(ipi(0) > 0);
        CHECK_EQ(sendp(1), 0);
        teardown();
        CHECK_EQ(typed_refs(), 0);
    }
}

int main(void)
{
    host_directmap = mmap(NULL, NR_FRAMES * PAGE_SIZE,
                          PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    frame_table = calloc(NR_FRAMES, sizeof(*frame_table));
    if ( host_directmap == MAP_FAILED || !frame_table )
        return 1;
    harness_fault_lo = 0;
    harness_fault_hi = 4096;
    test_errnos();
    test_queues();
    test_hostile();
    test_races();
    test_lifetime();
    return 0;
}
