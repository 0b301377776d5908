/* SPDX-License-Identifier: GPL-2.0-only */
/* FIFO event channels, tried by a domU that switches itself to them. */

#include "hostile.h"
#include <hypercall.h>
#include <mm.h>
#include <public/memory.h>

/*
 * mini-os handles its events the 2-level way, so each case runs in a domU
 * of its own (HOSTILE) that switches to FIFO and then reads its own event
 * words and control block to see what the hypervisor did.  Upcalls stay
 * masked: the 2-level handler would find nothing to do anyway, and the
 * upcall_pending flag is part of what is checked.
 */
#define PENDING     (1U << EVTCHN_FIFO_PENDING)
#define MASKED      (1U << EVTCHN_FIFO_MASKED)
#define LINKED      (1U << EVTCHN_FIFO_LINKED)
#define LINK(w)     ((w) & EVTCHN_FIFO_LINK_MASK)
#define WORDS       (PAGE_SIZE / sizeof(event_word_t))
#define DEFAULT_Q   EVTCHN_FIFO_PRIORITY_DEFAULT
#define ARRAY_PAGES (EVTCHN_FIFO_NR_CHANNELS / WORDS)

static struct evtchn_fifo_control_block *cb;
static volatile event_word_t *words;

static long init_control(unsigned long mfn, uint32_t offset, uint32_t vcpu)
{
    evtchn_init_control_t op = { .control_gfn = mfn, .offset = offset,
                                 .vcpu = vcpu };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &op);

    if ( !rc && op.link_bits != EVTCHN_FIFO_LINK_BITS )
        return -1000 - op.link_bits;
    return rc;
}

static long expand(unsigned long mfn)
{
    evtchn_expand_array_t op = { .array_gfn = mfn };

    return HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &op);
}

static long set_priority(evtchn_port_t port, uint32_t priority)
{
    evtchn_set_priority_t op = { .port = port, .priority = priority };

    return HYPERVISOR_event_channel_op(EVTCHNOP_set_priority, &op);
}

static long send(evtchn_port_t port)
{
    evtchn_send_t op = { .port = port };

    return HYPERVISOR_event_channel_op(EVTCHNOP_send, &op);
}

static long unmask(evtchn_port_t port)
{
    evtchn_unmask_t op = { .port = port };

    return HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &op);
}

static long reset_self(void)
{
    evtchn_reset_t op = { .dom = DOMID_SELF };

    return HYPERVISOR_event_channel_op(EVTCHNOP_reset, &op);
}

/* An IPI port to ourselves (the event handler table never hears of it). */
static long new_ipi(void)
{
    evtchn_bind_ipi_t op = { .vcpu = 0 };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &op);

    return rc ? rc : (long)op.port;
}

/*
 * A control block for vCPU 0 and one array page with every word masked,
 * as Linux sets them up: the ports mini-os bound before (console, timer)
 * then stay off the queues, which belong to the case.
 */
static long switch_to_fifo(void)
{
    long rc;

    local_irq_disable();
    cb = alloc_page();
    words = alloc_page();
    if ( !cb || !words )
        return -XEN_ENOMEM;
    for ( unsigned int i = 0; i < WORDS; i++ )
        words[i] = MASKED;
    if ( (rc = init_control(virt_to_mfn(cb), 0, 0)) )
        return rc;
    return expand(virt_to_mfn((void *)words));
}

/* A new port of ours, unmasked (nothing is pending on it yet). */
static long fifo_port(void)
{
    long port = new_ipi();

    if ( port > 0 )
        __atomic_fetch_and(&words[port], ~MASKED, __ATOMIC_SEQ_CST);
    return port;
}

/* What a guest does with the port it consumed: unlink it. */
static void consume(evtchn_port_t port)
{
    __atomic_fetch_and(&words[port], ~(PENDING | LINKED |
                                       EVTCHN_FIFO_LINK_MASK),
                       __ATOMIC_SEQ_CST);
}

#define SWITCH_OR_FAIL() CHECK_RC(switch_to_fifo(), 0)

HOSTILE(fifo, self_send_is_linked_at_its_queue_head)
{
    long a, b;

    SWITCH_OR_FAIL();
    CHECK((a = fifo_port()) > 0, "bind_ipi: %ld", a);
    CHECK((b = fifo_port()) > 0, "bind_ipi: %ld", b);
    this_vcpu()->evtchn_upcall_pending = 0;
    CHECK_RC(send(a), 0);
    CHECK(words[a] == (PENDING | LINKED), "word %x", words[a]);
    CHECK((long)cb->head[DEFAULT_Q] == a, "head %u, port %ld", cb->head[DEFAULT_Q],
          a);
    CHECK(cb->ready == 1U << DEFAULT_Q, "ready %x", cb->ready);
    CHECK(this_vcpu()->evtchn_upcall_pending, "no upcall");
    /* The next one goes behind it, the head stays. */
    CHECK_RC(send(b), 0);
    CHECK(words[a] == (PENDING | LINKED | b), "word %x", words[a]);
    CHECK(words[b] == (PENDING | LINKED), "word %x", words[b]);
    CHECK((long)cb->head[DEFAULT_Q] == a, "head %u", cb->head[DEFAULT_Q]);
    /* Sending again while linked changes nothing. */
    CHECK_RC(send(a), 0);
    CHECK(words[a] == (PENDING | LINKED | b), "word %x", words[a]);
    /* Not the 2-level way. */
    CHECK(!this_vcpu()->evtchn_pending_sel, "selector %lx",
          (unsigned long)this_vcpu()->evtchn_pending_sel);
}

HOSTILE(fifo, masked_event_links_only_when_unmasked)
{
    long a;

    SWITCH_OR_FAIL();
    CHECK((a = new_ipi()) > 0, "bind_ipi: %ld", a);
    CHECK_RC(send(a), 0);
    CHECK(words[a] == (MASKED | PENDING), "word %x", words[a]);
    CHECK(cb->head[DEFAULT_Q] == 0 && cb->ready == 0, "head %u ready %x",
          cb->head[DEFAULT_Q], cb->ready);
    /* The guest clears MASKED, sees PENDING and asks to be told. */
    __atomic_fetch_and(&words[a], ~MASKED, __ATOMIC_SEQ_CST);
    CHECK_RC(unmask(a), 0);
    CHECK(words[a] == (PENDING | LINKED), "word %x", words[a]);
    CHECK((long)cb->head[DEFAULT_Q] == a, "head %u", cb->head[DEFAULT_Q]);
    CHECK(cb->ready == 1U << DEFAULT_Q, "ready %x", cb->ready);
    /* Unmasking a port with nothing pending links nothing. */
    consume(a);
    cb->ready = 0;
    CHECK_RC(unmask(a), 0);
    CHECK(words[a] == 0 && cb->ready == 0, "word %x ready %x", words[a],
          cb->ready);
}

HOSTILE(fifo, set_priority_picks_the_queue)
{
    long a, b;

    SWITCH_OR_FAIL();
    CHECK((a = fifo_port()) > 0, "bind_ipi: %ld", a);
    CHECK((b = fifo_port()) > 0, "bind_ipi: %ld", b);
    CHECK_RC(set_priority(b, 2), 0);
    CHECK_RC(send(a), 0);
    CHECK_RC(send(b), 0);
    CHECK((long)cb->head[DEFAULT_Q] == a && (long)cb->head[2] == b,
          "heads %u %u", cb->head[DEFAULT_Q], cb->head[2]);
    CHECK(cb->ready == ((1U << DEFAULT_Q) | (1U << 2)), "ready %x",
          cb->ready);
    CHECK(LINK(words[a]) == 0, "a links to %u", LINK(words[a]));
    /* A linked event stays where it is; the next one takes the new queue. */
    CHECK_RC(set_priority(a, EVTCHN_FIFO_PRIORITY_MAX), 0);
    CHECK(cb->head[EVTCHN_FIFO_PRIORITY_MAX] == 0, "moved");
    consume(a);
    CHECK_RC(send(a), 0);
    CHECK((long)cb->head[EVTCHN_FIFO_PRIORITY_MAX] == a, "head %u",
          cb->head[EVTCHN_FIFO_PRIORITY_MAX]);
    /* The lowest priority is the last valid one. */
    CHECK_RC(set_priority(a, EVTCHN_FIFO_PRIORITY_MIN), 0);
    CHECK_RC(set_priority(a, EVTCHN_FIFO_PRIORITY_MIN + 1), -XEN_EINVAL);
}

HOSTILE(fifo, expand_array_grows_to_its_limit)
{
    long a;

    /* An event raised before its word exists arrives with the page. */
    local_irq_disable();
    cb = alloc_page();
    words = alloc_page();
    CHECK(cb && words, "no page");
    CHECK_RC(init_control(virt_to_mfn(cb), 0, 0), 0);
    CHECK((a = new_ipi()) > 0, "bind_ipi: %ld", a);
    CHECK_RC(send(a), 0);
    CHECK(cb->ready == 0, "ready %x", cb->ready);
    /* Only a unmasked: mini-os's own ports may be pending too. */
    for ( unsigned int i = 0; i < WORDS; i++ )
        words[i] = (long)i == a ? 0 : MASKED;
    CHECK_RC(expand(virt_to_mfn((void *)words)), 0);
    CHECK(words[a] == (PENDING | LINKED), "word %x", words[a]);
    CHECK((long)cb->head[DEFAULT_Q] == a, "head %u", cb->head[DEFAULT_Q]);
    /* Up to 2^17 ports' worth; the same frame will do. */
    for ( unsigned long n = 1; n < ARRAY_PAGES; n++ )
        CHECK_RC(expand(virt_to_mfn((void *)words)), 0);
    CHECK_RC(expand(virt_to_mfn((void *)words)), -XEN_ENOSPC);
}

HOSTILE(fifo, bad_arguments)
{
    unsigned long page_mfn, pt_mfn = pt_entry_maddr((unsigned long)&cb, 1)
                                     >> PAGE_SHIFT;
    unsigned long victim = hostile_victim_mfn();
    long a;

    local_irq_disable();
    cb = alloc_page();
    CHECK(cb, "no page");
    page_mfn = virt_to_mfn(cb);
    CHECK((a = new_ipi()) > 0, "bind_ipi: %ld", a);
    /* Before the switch. */
    CHECK_RC(expand(page_mfn), -XEN_EOPNOTSUPP);
    CHECK_RC(set_priority(a, 1), -XEN_ENOSYS);
    CHECK_RC(set_priority(EVTCHN_FIFO_NR_CHANNELS, 1), -XEN_EINVAL);
    CHECK_RC(init_control(page_mfn, 0, 2), -XEN_ENOENT);
    CHECK_RC(init_control(page_mfn, 0, ~0U), -XEN_ENOENT);
    CHECK_RC(init_control(page_mfn, 4, 0), -XEN_EINVAL);
    CHECK_RC(init_control(page_mfn,
                          PAGE_SIZE - sizeof(*cb) + 8, 0), -XEN_EINVAL);
    CHECK_RC(init_control(page_mfn, PAGE_SIZE, 0), -XEN_EINVAL);
    CHECK_RC(init_control(page_mfn, ~0U, 0), -XEN_EINVAL);
    CHECK_RC(init_control(~0UL, 0, 0), -XEN_EINVAL);
#ifdef __x86_64__
    /* A frame above what exists (32-bit guests name 32-bit frames). */
    CHECK_RC(init_control(1UL << 40, 0, 0), -XEN_EINVAL);
#endif
    if ( victim )
        CHECK_RC(init_control(victim, 0, 0), -XEN_EINVAL);
    /* One of our page tables: Xen must not write into it. */
    CHECK_RC(init_control(pt_mfn, 0, 0), -XEN_EINVAL);
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_init_control, BAD_PTR),
             -XEN_EFAULT);
    /* Nothing of that switched us. */
    CHECK_RC(expand(page_mfn), -XEN_EOPNOTSUPP);

    /* The last offset that fits; then once per vCPU only. */
    CHECK_RC(init_control(page_mfn, PAGE_SIZE - sizeof(*cb), 0), 0);
    CHECK_RC(init_control(page_mfn, 0, 0), -XEN_EINVAL);
    CHECK_RC(init_control(page_mfn, 0, 1), 0);
    CHECK_RC(init_control(page_mfn, 64, 1), -XEN_EINVAL);
    CHECK_RC(expand(~0UL), -XEN_EINVAL);
    CHECK_RC(expand(pt_mfn), -XEN_EINVAL);
    if ( victim )
        CHECK_RC(expand(victim), -XEN_EINVAL);
    CHECK_RC(set_priority(a, EVTCHN_FIFO_PRIORITY_MIN + 1), -XEN_EINVAL);
    CHECK_RC(set_priority(a, ~0U), -XEN_EINVAL);
    CHECK_RC(set_priority(EVTCHN_FIFO_NR_CHANNELS, 1), -XEN_EINVAL);
    CHECK_RC(set_priority(1024, 1), -XEN_EINVAL);
    CHECK_RC(set_priority(a, 0), 0);
}

/*
 * The guest owns the links: loops and garbage in them, or in the whole
 * array and control block, must cost the hypervisor nothing but this
 * guest's events.
 */
HOSTILE(fifo, looping_links_and_garbage)
{
    long a, b, c;

    SWITCH_OR_FAIL();
    CHECK((a = fifo_port()) > 0, "bind_ipi: %ld", a);
    CHECK((b = fifo_port()) > 0, "bind_ipi: %ld", b);
    CHECK((c = fifo_port()) > 0, "bind_ipi: %ld", c);
    CHECK_RC(send(a), 0);
    CHECK_RC(send(b), 0);
    /* b -> a: a loop, every word still linked. */
    words[b] = PENDING | LINKED | a;
    CHECK_RC(send(c), 0);
    CHECK((long)LINK(words[b]) == c, "b links to %u", LINK(words[b]));
    words[c] = PENDING | LINKED | a;
    for ( unsigned int i = 0; i < 100; i++ )
    {
        CHECK_RC(send(a), 0);
        CHECK_RC(send(b), 0);
        CHECK_RC(send(c), 0);
    }
    /* Everything set: masked, linked, busy, linking past the array. */
    for ( unsigned int i = 0; i < WORDS; i++ )
        words[i] = ~0U;
    memset(cb, 0xff, sizeof(*cb));
    CHECK_RC(send(a), 0);
    CHECK_RC(unmask(b), 0);
    words[a] = LINKED | EVTCHN_FIFO_LINK_MASK;
    words[b] = 0;
    CHECK_RC(send(b), 0);
    CHECK(HYPERVISOR_xen_version(XENVER_version, NULL) > 0, "no answer");
    CHECK_RC(reset_self(), 0);
}

/*
 * The array page goes back to Xen while registered: the hypervisor's type
 * reference keeps it from being freed and handed to anyone else, and it
 * still writes there (not ours any more, so harmless) until the reset.
 * Until then it still counts against our reservation, as in Xen.
 */
HOSTILE(fifo, array_page_given_back_while_registered)
{
    struct xen_memory_reservation r = { .nr_extents = 1,
                                        .domid = DOMID_SELF };
    xen_pfn_t frame;
    unsigned long mfn;
    long a, held;

    SWITCH_OR_FAIL();
    CHECK((a = fifo_port()) > 0, "bind_ipi: %ld", a);
    mfn = virt_to_mfn((void *)words);
    frame = mfn;
    set_xen_guest_handle(r.extent_start, &frame);
    CHECK_RC(set_pte((unsigned long)words, 0), 0);
    held = HYPERVISOR_memory_op(XENMEM_current_reservation, &r.domid);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r), 1);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, &r.domid),
             held);
    CHECK_RC(send(a), 0);
    CHECK((long)cb->head[DEFAULT_Q] == a, "head %u", cb->head[DEFAULT_Q]);
    /* No room for a new page while the old one is held. */
    frame = virt_to_pfn((void *)words);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 0);
    /* The reset lets it go; dom0 then checks every page came back. */
    CHECK_RC(reset_self(), 0);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, &r.domid),
             held - 1);
    frame = virt_to_pfn((void *)words);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 1);
}

/* EVTCHNOP_reset takes a domain back to 2-level, and FIFO can follow. */
HOSTILE(fifo, reset_returns_to_two_level)
{
    long a;

    SWITCH_OR_FAIL();
    CHECK((a = fifo_port()) > 0, "bind_ipi: %ld", a);
    CHECK_RC(reset_self(), 0);
    CHECK_RC(expand(virt_to_mfn((void *)words)), -XEN_EOPNOTSUPP);
    CHECK((a = new_ipi()) > 0, "bind_ipi: %ld", a);
    CHECK_RC(set_priority(a, 1), -XEN_ENOSYS);
    CHECK_RC(send(a), 0);
    CHECK(test_bit(a, shared_info->evtchn_pending), "not pending 2-level");
    CHECK_RC(init_control(virt_to_mfn(cb), 0, 0), 0);
    CHECK_RC(expand(virt_to_mfn((void *)words)), 0);
    CHECK_RC(set_priority(a, 1), 0);
}
