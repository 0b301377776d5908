/* SPDX-License-Identifier: GPL-2.0-only */
/* Grant tables (v1 and v2): sharing, mapping and copying guest frames. */
#include <xen/errno.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/page_owner.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/xmalloc.h>
#include <asm/flushtlb.h>
#include <asm/grant_table.h>
#include <asm/mm.h>
#include <xsm/xsm.h>

#define V1_PER_FRAME     (PAGE_SIZE / sizeof(grant_entry_v1_t))
#define V2_PER_FRAME     (PAGE_SIZE / sizeof(grant_entry_v2_t))
#define STATUS_PER_FRAME (PAGE_SIZE / sizeof(grant_status_t))

/*
 * Active entries are indexed by reference whatever the version, in one
 * chunk per shared frame sized for v1's denser layout, so that changing
 * the version never moves an entry that is in use.
 */
#define ACTIVE_PER_FRAME V1_PER_FRAME

/* The status frames v2 needs beside n shared frames. */
#define STATUS_FRAMES(n)  DIV_ROUND_UP((n)*V2_PER_FRAME, STATUS_PER_FRAME)
#define MAX_STATUS_FRAMES STATUS_FRAMES(GNTTAB_DEFAULT_MAX_FRAMES)

/* Beyond this many uses of one entry a grantee is refused, not wrapped. */
#define PIN_MAX 0xffffffU

/*
 * How often we retry setting GTF_reading/GTF_writing when the granter's
 * header changes under us.  A granter may legitimately race us once or
 * twice (changing GTF_readonly, revoking); one rewriting its entry in a
 * loop would otherwise keep this CPU here for ever.
 */
#define CLAIM_TRIES 5

/*
 * The hypervisor's view of one grant entry while grantees use it.  The
 * frame and the granted range are captured at the first use and trusted
 * until the last one ends: the granter may not change them meanwhile (it
 * sees GTF_reading/GTF_writing), and if it does anyway only its own view
 * goes stale.
 */
struct active_entry {
    uint32_t pin_rw; /* writable uses: mappings, copies into */
    uint32_t pin_ro; /* read-only uses */
    domid_t domid;   /* the one grantee all current uses are by */
    uint16_t start;  /* granted part of the frame (v2 sub-page) */
    uint16_t length;
    bool sub_page;   /* copy only: mappings are refused */
    bool transitive; /* the frame is trans_gref of trans_domid */
    domid_t trans_domid;
    grant_ref_t trans_gref;
    mfn_t mfn; /* unused for a transitive entry */
};

/*
 * One mapping a domain made with map_grant_ref; its index is the handle.
 * A free entry links to the next free one.  MT_BUSY marks an entry being
 * set up or torn down, so a racing unmap of the same handle finds it
 * unusable rather than tearing it down twice.
 */
struct maptrack {
    uint64_t host_addr; /* as given: a VA, or a PTE's address */
    mfn_t mfn;
    uint64_t serial; /* the granter's table, see serial below */
    union {
        grant_ref_t ref;
        unsigned int next_free;
    };
    domid_t domid;  /* the granter */
    uint16_t flags; /* GNTMAP_* still mapped, MT_BUSY; 0 free */
};

#define MT_BUSY   (1U << 15)
#define MT_MAPPED (GNTMAP_device_map | GNTMAP_host_map)
#define MT_KEPT_FLAGS                                                         \
    (MT_MAPPED | GNTMAP_readonly | GNTMAP_application_map |                   \
     GNTMAP_contains_pte)
#define MT_NONE      (~0U)
#define MT_PER_FRAME (PAGE_SIZE / sizeof(struct maptrack))

struct grant_table {
    /*
     * Guards the version, the frames and the active entries.  Never held
     * together with another table's lock, nor across guest memory copies
     * or page-table updates.
     */
    spinlock_t lock;
    unsigned int version;
    unsigned int max_version;
    unsigned int nr_frames, max_frames;
    unsigned int nr_status_frames;
    void *shared[GNTTAB_DEFAULT_MAX_FRAMES];
    grant_status_t *status[MAX_STATUS_FRAMES];
    struct active_entry *active[GNTTAB_DEFAULT_MAX_FRAMES];

    /*
     * Unique for every table ever created.  A mapping records its
     * granter's, so that unmapping after the granter's table is gone (and
     * its domain id perhaps reused) never touches another table's pins.
     */
    uint64_t serial;

    /*
     * Guards the maptrack.  Taken inside this table's `lock` only by
     * grant_table_set_limits(); never held while taking any other lock.
     */
    spinlock_t maptrack_lock;
    unsigned int maptrack_limit; /* handles below it exist */
    unsigned int max_maptrack_frames;
    unsigned int maptrack_free; /* first free handle or MT_NONE */
    struct maptrack *maptrack[GNTTAB_DEFAULT_MAX_MAPTRACK];
};

static uint64_t next_serial;

/*
 * What a caller of pin_entry() gets.  Through a transitive grant it also
 * holds the pin of the entry that grant names in td's table (tref, under
 * td's table serial tserial) and a reference to td; else td is NULL.
 */
struct pinned {
    mfn_t mfn;
    unsigned int start, length;
    uint64_t serial;
    struct domain *td;
    grant_ref_t tref;
    uint64_t tserial;
};

/* Table geometry (callers hold gt->lock where it can change). */

static unsigned int nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * (gt->version == 1 ? V1_PER_FRAME : V2_PER_FRAME);
}

static grant_entry_v1_t *entry_v1(const struct grant_table *gt,
                                  grant_ref_t ref)
{
    return (grant_entry_v1_t *)gt->shared[ref / V1_PER_FRAME] +
           ref % V1_PER_FRAME;
}

static grant_entry_v2_t *entry_v2(const struct grant_table *gt,
                                  grant_ref_t ref)
{
    return (grant_entry_v2_t *)gt->shared[ref / V2_PER_FRAME] +
           ref % V2_PER_FRAME;
}

/*
 * An entry's first four bytes, flags then domid, in both versions.  When
 * checking a grant and marking it in use we access them only as this one
 * 32-bit word, atomically, so that the check of flags and domid and our
 * update of flags happen as one.
 */
static uint32_t *entry_hdr(const struct grant_table *gt, grant_ref_t ref)
{
    if ( gt->version == 1 )
        return (uint32_t *)entry_v1(gt, ref);
    return (uint32_t *)&entry_v2(gt, ref)->hdr;
}

static grant_status_t *entry_status(const struct grant_table *gt,
                                    grant_ref_t ref)
{
    return gt->status[ref / STATUS_PER_FRAME] + ref % STATUS_PER_FRAME;
}

static struct active_entry *active_of(const struct grant_table *gt,
                                      grant_ref_t ref)
{
    return &gt->active[ref / ACTIVE_PER_FRAME][ref % ACTIVE_PER_FRAME];
}

/* x86 is little-endian: flags are the low half of the header word. */
static uint16_t hdr_flags(uint32_t w)
{
    return w & 0xffff;
}

static domid_t hdr_domid(uint32_t w)
{
    return w >> 16;
}

/* Domains named in arguments. */

/* A domain with a grant table, referenced: put_domain() it when done. */
static struct domain *with_table(struct domain *d)
{
    if ( d && !d->grant_table )
    {
        put_domain(d);
        return NULL;
    }
    return d;
}

/* DOMID_SELF or an id; NULL if there is no such domain (with a table). */
static struct domain *find_any(domid_t dom)
{
    int rc;

    return with_table(domain_lookup(dom, DOMAIN_LOOKUP_SELF, &rc));
}

/* An explicit id only, as map_grant_ref takes (DOMID_SELF is no domain). */
static struct domain *find_by_id(domid_t dom)
{
    int rc;

    return with_table(domain_lookup(dom, 0, &rc));
}

/* The caller may act on d's table: its own, or any if privileged. */
static bool may_act_on(const struct domain *d)
{
    return !xsm_grant_control(current->domain, d);
}

/* Status frames up to nr for v2.  0 or -ENOMEM (then none added). */
static int add_status_frames(struct domain *d, struct grant_table *gt,
                             unsigned int nr)
{
    unsigned int i;

    for ( i = gt->nr_status_frames; i < nr; i++ )
        if ( !(gt->status[i] = alloc_shared_xenheap_page(d)) )
        {
            while ( i-- > gt->nr_status_frames )
            {
                free_shared_xenheap_page(gt->status[i]);
                gt->status[i] = NULL;
            }
            return -ENOMEM;
        }
    if ( nr > gt->nr_status_frames )
        gt->nr_status_frames = nr;
    return 0;
}

static void free_status_frames(struct grant_table *gt)
{
    unsigned int i;

    for ( i = 0; i < gt->nr_status_frames; i++ )
    {
        free_shared_xenheap_page(gt->status[i]);
        gt->status[i] = NULL;
    }
    gt->nr_status_frames = 0;
}

/*
 * Grows d's table to nr frames (no more than max_frames), with their
 * active entries and, for v2, status frames.  0 or -ENOMEM, in which case
 * the table is as it was.  Called with gt->lock held.
 */
static int grow_table(struct domain *d, struct grant_table *gt,
                      unsigned int nr)
{
    unsigned int i, old = gt->nr_frames;

    ASSERT(nr <= gt->max_frames);
    /* grant_table_release() has let go of a dying domain's frames. */
    if ( d->state == DOMSTATE_dying )
        return -ENOMEM;
    for ( i = old; i < nr; i++ )
    {
        gt->active[i] = xzalloc_array(struct active_entry, ACTIVE_PER_FRAME);
        gt->shared[i] = alloc_shared_xenheap_page(d);
        if ( !gt->active[i] || !gt->shared[i] )
            goto fail;
    }
    if ( gt->version == 2 && add_status_frames(d, gt, STATUS_FRAMES(nr)) )
        goto fail;
    gt->nr_frames = max(old, nr);
    return 0;

fail:
    /* Nobody has seen the new frames yet, so they can all go back. */
    for ( i = old; i < nr; i++ )
    {
        if ( gt->shared[i] )
            free_shared_xenheap_page(gt->shared[i]);
        gt->shared[i] = NULL;
        xfree(gt->active[i]);
        gt->active[i] = NULL;
    }
    return -ENOMEM;
}

/* Table set-up and teardown. */

int grant_table_init(struct domain *d)
{
    struct grant_table *gt = xzalloc(struct grant_table);

    if ( !gt )
        return -ENOMEM;
    spin_lock_init(&gt->lock, grant);
    spin_lock_init(&gt->maptrack_lock, maptrack);
    gt->version = 1;
    gt->max_version = 2;
    gt->max_frames = GNTTAB_DEFAULT_MAX_FRAMES;
    gt->max_maptrack_frames = GNTTAB_DEFAULT_MAX_MAPTRACK;
    gt->maptrack_free = MT_NONE;
    gt->serial = __atomic_add_fetch(&next_serial, 1, __ATOMIC_RELAXED);
    if ( grow_table(d, gt, GNTTAB_INITIAL_FRAMES) )
    {
        xfree(gt);
        return -ENOMEM;
    }
    d->grant_table = gt;
    return 0;
}

int grant_table_set_limits(struct domain *d, unsigned int max_frames,
                           unsigned int max_maptrack_frames,
                           unsigned int max_version)
{
    struct grant_table *gt = d->grant_table;
    int rc = -EINVAL;

    spin_lock(&gt->lock);
    spin_lock(&gt->maptrack_lock);
    if ( max_frames >= gt->nr_frames &&
         max_frames <= GNTTAB_DEFAULT_MAX_FRAMES &&
         max_maptrack_frames <= GNTTAB_DEFAULT_MAX_MAPTRACK &&
         max_maptrack_frames * MT_PER_FRAME >= gt->maptrack_limit &&
         max_version >= gt->version && max_version <= 2 )
    {
        gt->max_frames = max_frames;
        gt->max_maptrack_frames = max_maptrack_frames;
        gt->max_version = max_version;
        rc = 0;
    }
    spin_unlock(&gt->maptrack_lock);
    spin_unlock(&gt->lock);
    return rc;
}

int grant_table_frame_mfn(struct domain *d, unsigned int idx, bool status,
                          mfn_t *mfn)
{
    struct grant_table *gt = d->grant_table;
    int rc = -EINVAL;

    spin_lock(&gt->lock);
    if ( status )
    {
        /* The shared frames whose status frame idx is. */
        unsigned int need = DIV_ROUND_UP((idx + 1) * STATUS_PER_FRAME,
                                         V2_PER_FRAME);

        if ( gt->version == 2 && idx < MAX_STATUS_FRAMES &&
             (idx < gt->nr_status_frames ||
              (need <= gt->max_frames && !grow_table(d, gt, need))) )
        {
            *mfn = virt_to_mfn(gt->status[idx]);
            rc = 0;
        }
    }
    else if ( idx < gt->nr_frames ||
              (idx < gt->max_frames && !grow_table(d, gt, idx + 1)) )
    {
        *mfn = virt_to_mfn(gt->shared[idx]);
        rc = 0;
    }
    spin_unlock(&gt->lock);
    return rc;
}

/* Using grant entries: the protocol with the granter. */

/*
 * Whether the header word w lets ldom begin using the entry: it must be
 * an access grant to ldom; a mapping needs the whole frame.  A transitive
 * grant (v2 only) serves copies alone, and only where `trans` allows it:
 * the entry it names must be a plain grant, which bounds the chain at one
 * hop, as in Xen.
 */
static bool hdr_grants(uint32_t w, domid_t ldom, bool for_map, bool trans)
{
    uint16_t flags = hdr_flags(w);

    if ( hdr_domid(w) != ldom )
        return false;
    if ( (flags & GTF_type_mask) == GTF_transitive )
        return trans && !for_map;
    if ( (flags & GTF_type_mask) != GTF_permit_access )
        return false;
    return !(for_map && (flags & GTF_sub_page));
}

/*
 * v1: sets GTF_reading (and GTF_writing unless readonly) in the granter's
 * flags.  The granter writes domid and frame, then (after a write barrier)
 * flags; to revoke, it clears flags with its own compare-and-swap that
 * fails while GTF_reading/GTF_writing are set.  So we check and set in one
 * compare-and-swap of the flags+domid word: if the granter changed
 * anything since we read it, ours fails and we check again.  Once ours
 * succeeds the granter can no longer revoke or retarget the entry, and
 * the acquire ordering makes its earlier frame write visible to our read
 * of the frame that follows.  `first`: no use is active yet, so the grant
 * itself must be checked; otherwise only a write upgrade is checked.
 */
static int claim_v1(uint32_t *hdr, domid_t ldom, bool readonly, bool for_map,
                    bool first)
{
    uint32_t bits = readonly ? GTF_reading : GTF_reading | GTF_writing;
    uint32_t w = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
    unsigned int tries;

    for ( tries = 0; tries < CLAIM_TRIES; tries++ )
    {
        if ( first && !hdr_grants(w, ldom, for_map, false) )
            return GNTST_general_error;
        if ( !readonly && (hdr_flags(w) & GTF_readonly) )
            return GNTST_general_error;
        if ( __atomic_compare_exchange_n(hdr, &w, w | bits, false,
                                         __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) )
            return GNTST_okay;
    }
    printk(XENLOG_WARNING "gnttab: a grant entry keeps changing under us\n");
    return GNTST_general_error;
}

/*
 * v2: the in-use bits live in the status array, which only we write, and
 * the granter revokes by clearing flags and then reading status.  So we
 * set status first and then re-read flags, each side with a full barrier
 * between its write and its read: at least one of us sees the other.  If
 * the grant went away meanwhile we take our bits back and fail.
 */
static int claim_v2(uint32_t *hdr, grant_status_t *st, domid_t ldom,
                    bool readonly, bool for_map, bool trans, bool first)
{
    grant_status_t bits = readonly ? GTF_reading : GTF_reading | GTF_writing;
    uint32_t w = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
    grant_status_t added;

    if ( (first && !hdr_grants(w, ldom, for_map, trans)) ||
         (!readonly && (hdr_flags(w) & GTF_readonly)) )
        return GNTST_general_error;
    added = bits & ~__atomic_fetch_or(st, bits, __ATOMIC_SEQ_CST);
    w = __atomic_load_n(hdr, __ATOMIC_SEQ_CST);
    if ( (first && !hdr_grants(w, ldom, for_map, trans)) ||
         (!readonly && (hdr_flags(w) & GTF_readonly)) )
    {
        __atomic_fetch_and(st, (grant_status_t)~added, __ATOMIC_RELEASE);
        return GNTST_general_error;
    }
    return GNTST_okay;
}

/*
 * Clears in-use bits once the uses they stood for are over.  Release
 * ordering: our reads and writes of the frame are done before the granter
 * can see the bit clear and reuse it.
 */
static void drop_use_bits(const struct grant_table *gt, grant_ref_t ref,
                          uint16_t bits)
{
    if ( !bits )
        return;
    if ( gt->version == 1 )
        __atomic_fetch_and(entry_hdr(gt, ref), ~(uint32_t)bits,
                           __ATOMIC_RELEASE);
    else
        __atomic_fetch_and(entry_status(gt, ref), (grant_status_t)~bits,
                           __ATOMIC_RELEASE);
}

/*
 * Reads the frame and range of a freshly claimed entry into act.  Plain
 * reads are enough: the claim's acquire ordered them after the granter's
 * writes, and the granter may not change them while our bits are set.
 */
static void capture_entry(const struct grant_table *gt, grant_ref_t ref,
                          struct active_entry *act)
{
    uint16_t flags;

    act->start = 0;
    act->length = PAGE_SIZE;
    act->sub_page = false;
    act->transitive = false;
    if ( gt->version == 1 )
    {
        act->mfn = _mfn(ACCESS_ONCE(entry_v1(gt, ref)->frame));
        return;
    }
    flags = hdr_flags(__atomic_load_n(entry_hdr(gt, ref), __ATOMIC_RELAXED));
    if ( (flags & GTF_type_mask) == GTF_transitive )
    {
        const grant_entry_v2_t *e = entry_v2(gt, ref);

        /* Never mapped, even while a copy has it active. */
        act->sub_page = true;
        act->transitive = true;
        act->trans_domid = ACCESS_ONCE(e->transitive.trans_domid);
        act->trans_gref = ACCESS_ONCE(e->transitive.gref);
        act->mfn = INVALID_MFN;
        return;
    }
    if ( flags & GTF_sub_page )
    {
        const grant_entry_v2_t *e = entry_v2(gt, ref);

        act->start = ACCESS_ONCE(e->sub_page.page_off);
        act->length = ACCESS_ONCE(e->sub_page.length);
        act->sub_page = true;
        act->mfn = _mfn(ACCESS_ONCE(e->sub_page.frame));
        return;
    }
    act->mfn = _mfn(ACCESS_ONCE(entry_v2(gt, ref)->full_page.frame));
}

/*
 * The references a user of a frame of `owner` holds: a general one so the
 * frame stays the owner's, and for writing a writable type one so it can't
 * become a page table (or descriptor table) meanwhile.
 */
static int take_frame(mfn_t mfn, struct domain *owner, bool readonly)
{
    struct page_info *pg;

    if ( !mfn_valid(mfn) )
        return GNTST_bad_page;
    pg = mfn_to_page(mfn);
    if ( !get_page(pg, owner) )
        return GNTST_bad_page;
    if ( !readonly && get_page_type(pg, PGT_writable_page) )
    {
        put_page(pg);
        return GNTST_general_error;
    }
    return GNTST_okay;
}

static void put_frame(mfn_t mfn, bool readonly)
{
    struct page_info *pg = mfn_to_page(mfn);

    if ( !readonly )
        put_page_type(pg);
    put_page(pg);
}

/*
 * Ends a use begun by pin_entry(), if rd's table is still the one pinned
 * (serial); rd may be NULL when the granter is gone.
 */
static void unpin_entry(struct domain *rd, uint64_t serial, grant_ref_t ref,
                        bool readonly)
{
    struct grant_table *gt = rd ? rd->grant_table : NULL;
    struct active_entry *act;
    uint16_t bits = 0;

    if ( !gt || gt->serial != serial )
        return;
    spin_lock(&gt->lock);
    act = active_of(gt, ref);
    if ( readonly )
    {
        BUG_ON(!act->pin_ro);
        act->pin_ro--;
    }
    else
    {
        BUG_ON(!act->pin_rw);
        if ( !--act->pin_rw )
            bits |= GTF_writing;
    }
    if ( !act->pin_rw && !act->pin_ro )
        bits |= GTF_reading;
    drop_use_bits(gt, ref, bits);
    spin_unlock(&gt->lock);
}

/*
 * Begins one use of entry ref of rd's table by ldom, readonly or writable,
 * for a mapping or a copy (`trans`: a transitive grant may serve it).  On
 * GNTST_okay the granter sees the use in the entry's flags (or status) and
 * the caller holds take_frame()'s references on p->mfn; it ends the use
 * with release_pinned().
 */
static int pin_entry(struct domain *rd, grant_ref_t ref, domid_t ldom,
                     bool readonly, bool for_map, bool trans, struct pinned *p)
{
    struct grant_table *gt = rd->grant_table;
    struct active_entry *act;
    bool first, upgrade, transitive = false;
    domid_t tdom = DOMID_INVALID;
    grant_ref_t tref = 0;
    struct pinned inner;
    int rc;

    spin_lock(&gt->lock);
    if ( ref >= nr_entries(gt) )
    {
        spin_unlock(&gt->lock);
        return GNTST_bad_gntref;
    }
    act = active_of(gt, ref);
    first = !act->pin_rw && !act->pin_ro;
    upgrade = !first && !readonly && !act->pin_rw;
    /* Only one grantee at a time, and the frame was checked for it. */
    if ( !first && (act->domid != ldom || (for_map && act->sub_page) ||
                    (act->transitive && !trans) || act->pin_rw >= PIN_MAX ||
                    act->pin_ro >= PIN_MAX) )
        rc = GNTST_general_error;
    else if ( first || upgrade )
        rc = gt->version == 1
                 ? claim_v1(entry_hdr(gt, ref), ldom, readonly, for_map, first)
                 : claim_v2(entry_hdr(gt, ref), entry_status(gt, ref), ldom,
                            readonly, for_map, trans, first);
    else
        rc = GNTST_okay;
    if ( rc == GNTST_okay )
    {
        if ( first )
        {
            capture_entry(gt, ref, act);
            act->domid = ldom;
        }
        if ( readonly )
            act->pin_ro++;
        else
            act->pin_rw++;
        p->mfn = act->mfn;
        p->start = act->start;
        p->length = act->length;
        p->serial = gt->serial;
        p->td = NULL;
        transitive = act->transitive;
        tdom = act->trans_domid;
        tref = act->trans_gref;
    }
    spin_unlock(&gt->lock);
    if ( rc != GNTST_okay )
        return rc;

    if ( !transitive )
    {
        /*
         * Outside the lock, because taking a type may flush TLBs.  Until
         * then the pin keeps the entry as it is; another user of it checks
         * the frame for itself in the same way.
         */
        rc = take_frame(p->mfn, rd, readonly);
        if ( rc != GNTST_okay )
            unpin_entry(rd, p->serial, ref, readonly);
        return rc;
    }

    /*
     * Each use of a transitive grant pins the entry it names, as rd's own
     * use (rd is the grantee there), for as long as this pin lasts; so rd
     * can't revoke its grant under the copy.  Outside rd's lock: no two
     * tables' locks are held together.  A grant naming rd itself, or a
     * domain that isn't there, fails as in Xen.
     */
    rc = GNTST_general_error;
    if ( tdom != rd->domain_id && (p->td = find_by_id(tdom)) )
        rc = pin_entry(p->td, tref, rd->domain_id, readonly, false, false,
                       &inner);
    if ( rc != GNTST_okay )
    {
        if ( p->td )
            put_domain(p->td);
        p->td = NULL;
        unpin_entry(rd, p->serial, ref, readonly);
        return rc;
    }
    p->mfn = inner.mfn;
    p->start = inner.start;
    p->length = inner.length;
    p->tref = tref;
    p->tserial = inner.serial;
    return GNTST_okay;
}

/* Ends a use pin_entry() began (entry ref of rd's table, as p says). */
static void release_pinned(struct domain *rd, grant_ref_t ref, bool readonly,
                           struct pinned *p)
{
    unpin_entry(rd, p->serial, ref, readonly);
    if ( p->td )
    {
        unpin_entry(p->td, p->tserial, p->tref, readonly);
        put_domain(p->td);
        p->td = NULL;
    }
    put_frame(p->mfn, readonly);
}

/* Maptrack: handles for the mappings a domain made. */

static struct maptrack *mt_entry(const struct grant_table *gt, unsigned int h)
{
    return &gt->maptrack[h / MT_PER_FRAME][h % MT_PER_FRAME];
}

/* A free handle, marked busy; MT_NONE if the domain may have no more. */
static unsigned int mt_get(struct grant_table *gt)
{
    unsigned int h, i;

    spin_lock(&gt->maptrack_lock);
    if ( gt->maptrack_free == MT_NONE &&
         gt->maptrack_limit < gt->max_maptrack_frames * MT_PER_FRAME )
    {
        struct maptrack *chunk = xzalloc_array(struct maptrack, MT_PER_FRAME);

        if ( chunk )
        {
            for ( i = 0; i < MT_PER_FRAME; i++ )
                chunk[i].next_free = i + 1 < MT_PER_FRAME
                                         ? gt->maptrack_limit + i + 1
                                         : MT_NONE;
            gt->maptrack[gt->maptrack_limit / MT_PER_FRAME] = chunk;
            gt->maptrack_free = gt->maptrack_limit;
            gt->maptrack_limit += MT_PER_FRAME;
        }
    }
    h = gt->maptrack_free;
    if ( h != MT_NONE )
    {
        struct maptrack *mt = mt_entry(gt, h);

        gt->maptrack_free = mt->next_free;
        mt->flags = MT_BUSY;
    }
    spin_unlock(&gt->maptrack_lock);
    return h;
}

static void mt_put(struct grant_table *gt, unsigned int h)
{
    struct maptrack *mt;

    spin_lock(&gt->maptrack_lock);
    mt = mt_entry(gt, h);
    mt->flags = 0;
    mt->next_free = gt->maptrack_free;
    gt->maptrack_free = h;
    spin_unlock(&gt->maptrack_lock);
}

/* Makes a busy handle live (flags with something mapped) or free. */
static void mt_set(struct grant_table *gt, unsigned int h,
                   const struct maptrack *val)
{
    if ( !(val->flags & MT_MAPPED) )
    {
        mt_put(gt, h);
        return;
    }
    spin_lock(&gt->maptrack_lock);
    *mt_entry(gt, h) = *val;
    spin_unlock(&gt->maptrack_lock);
}

/* Takes live handle h for tearing down: copies it out and marks it busy. */
static bool mt_claim(struct grant_table *gt, grant_handle_t h,
                     struct maptrack *copy)
{
    struct maptrack *mt;
    bool ok = false;

    spin_lock(&gt->maptrack_lock);
    if ( h < gt->maptrack_limit )
    {
        mt = mt_entry(gt, h);
        if ( (mt->flags & MT_MAPPED) && !(mt->flags & MT_BUSY) )
        {
            *copy = *mt;
            mt->flags |= MT_BUSY;
            ok = true;
        }
    }
    spin_unlock(&gt->maptrack_lock);
    return ok;
}

/* Ends what a mapping held: the granter's pin, then our frame refs. */
static void release_mapping(const struct maptrack *mt)
{
    bool readonly = mt->flags & GNTMAP_readonly;

    struct domain *rd = get_domain_by_id(mt->domid);

    unpin_entry(rd, mt->serial, mt->ref, readonly);
    if ( rd )
        put_domain(rd);
    put_frame(mt->mfn, readonly);
}

/* map_grant_ref and unmap_grant_ref. */

static int16_t map_one(const struct gnttab_map_grant_ref *op,
                       grant_handle_t *handle, uint64_t *bus_addr)
{
    struct domain *ld = current->domain, *rd;
    struct grant_table *lgt = ld->grant_table;
    bool readonly = op->flags & GNTMAP_readonly;
    struct maptrack mt;
    struct pinned p;
    unsigned int h;
    int rc;

    if ( !(op->flags & MT_MAPPED) )
        return GNTST_bad_gntref;
    if ( !(rd = find_by_id(op->dom)) )
        return GNTST_bad_domain;
    if ( (h = mt_get(lgt)) == MT_NONE )
    {
        put_domain(rd);
        return GNTST_no_device_space;
    }

    rc = pin_entry(rd, op->ref, ld->domain_id, readonly, true, false, &p);
    if ( rc == GNTST_okay && (op->flags & GNTMAP_host_map) &&
         create_grant_host_mapping(op->host_addr, p.mfn, op->flags, rd) )
    {
        unpin_entry(rd, p.serial, op->ref, readonly);
        put_frame(p.mfn, readonly);
        rc = GNTST_general_error;
    }
    put_domain(rd);
    if ( rc != GNTST_okay )
    {
        mt_put(lgt, h);
        return rc;
    }

    mt.host_addr = op->host_addr;
    mt.mfn = p.mfn;
    mt.serial = p.serial;
    mt.ref = op->ref;
    mt.domid = op->dom;
    mt.flags = op->flags & MT_KEPT_FLAGS;
    mt_set(lgt, h, &mt);
    *handle = h;
    *bus_addr = mfn_to_maddr(p.mfn);
    return GNTST_okay;
}

/*
 * unmap_grant_ref (new_addr 0, with the device side as dev_bus_addr says)
 * and unmap_and_replace (no device side).
 */
static int16_t unmap_one(const struct gnttab_unmap_grant_ref *op,
                         uint64_t new_addr)
{
    struct grant_table *lgt = current->domain->grant_table;
    struct maptrack mt;
    uint16_t left;
    int16_t rc = GNTST_okay;

    if ( !mt_claim(lgt, op->handle, &mt) )
        return GNTST_bad_handle;
    left = mt.flags;

    /* As Xen 4.17: the bus address counts only for a device mapping. */
    if ( op->dev_bus_addr && (left & GNTMAP_device_map) &&
         op->dev_bus_addr != mfn_to_maddr(mt.mfn) )
        rc = GNTST_bad_dev_addr;
    else if ( op->host_addr && (left & GNTMAP_host_map) )
    {
        /* We can only vouch for the mapping we made, where we made it. */
        if ( op->host_addr != mt.host_addr ||
             (new_addr ? replace_grant_host_mapping(mt.host_addr, mt.mfn,
                                                    new_addr, mt.flags)
                       : destroy_grant_host_mapping(mt.host_addr, mt.mfn,
                                                    mt.flags)) )
            rc = GNTST_general_error;
        else
        {
            left &= ~GNTMAP_host_map;
            /*
             * Until every CPU forgets the old translation the frame is
             * still reachable, so the granter must not learn it is free.
             * All of the TLB, not just host_addr's entry: the L1 may be
             * linked at other addresses too (several L2 slots, a linear
             * map), and each of them may have cached the translation.
             * Our tables only: the mapping was in no one else's.
             */
            flush_tlb_domain(current->domain);
        }
    }
    if ( rc == GNTST_okay && op->dev_bus_addr )
        left &= ~GNTMAP_device_map;

    if ( !(left & MT_MAPPED) )
        release_mapping(&mt);
    mt.flags = left;
    mt_set(lgt, op->handle, &mt);
    return rc;
}

/* copy. */

/* One side of a copy: where it resolved to and what it holds. */
struct copy_end {
    struct domain *d;
    bool by_ref, readonly;
    bool held; /* frame references (and pin if by_ref) held */
    grant_ref_t ref;
    struct pinned p;
};

static int16_t copy_end_domain(const struct gnttab_copy_ptr *ptr,
                               struct copy_end *e)
{
    /* A frame number names a frame of the caller's own only. */
    if ( !e->by_ref && ptr->domid != DOMID_SELF )
        return GNTST_permission_denied;
    if ( !(e->d = find_any(ptr->domid)) )
        return GNTST_bad_domain;
    return GNTST_okay;
}

static int16_t copy_end_claim(const struct gnttab_copy_ptr *ptr,
                              struct copy_end *e)
{
    int rc;

    if ( e->by_ref )
    {
        e->ref = ptr->u.ref;
        rc = pin_entry(e->d, e->ref, current->domain->domain_id, e->readonly,
                       false, true, &e->p);
    }
    else
    {
        e->p.mfn = _mfn(ptr->u.gmfn);
        e->p.start = 0;
        e->p.length = PAGE_SIZE;
        rc = take_frame(e->p.mfn, e->d, e->readonly);
    }
    e->held = rc == GNTST_okay;
    return rc;
}

static void copy_end_release(struct copy_end *e)
{
    if ( !e->held )
        return;
    if ( e->by_ref )
        release_pinned(e->d, e->ref, e->readonly, &e->p);
    else
        put_frame(e->p.mfn, e->readonly);
}

/* Whether [off, off + len) lies inside the part of the frame e grants. */
static bool copy_end_covers(const struct copy_end *e, unsigned int off,
                            unsigned int len)
{
    return off >= e->p.start && off + len <= e->p.start + e->p.length;
}

/*
 * The checks come in Xen's order, which decides the status when several
 * fail: both domains, the source, the destination, then the ranges.
 */
int16_t gnttab_copy_one(const struct gnttab_copy *op)
{
    struct copy_end src = {
        .by_ref = op->flags & GNTCOPY_source_gref,
        .readonly = true,
    };
    struct copy_end dst = {
        .by_ref = op->flags & GNTCOPY_dest_gref,
        .readonly = false,
    };
    int16_t rc;

    if ( (rc = copy_end_domain(&op->source, &src)) ||
         (rc = copy_end_domain(&op->dest, &dst)) ||
         (rc = copy_end_claim(&op->source, &src)) ||
         (rc = copy_end_claim(&op->dest, &dst)) )
        goto out;
    if ( op->source.offset + op->len > PAGE_SIZE ||
         op->dest.offset + op->len > PAGE_SIZE )
        rc = GNTST_bad_copy_arg;
    else if ( !copy_end_covers(&src, op->source.offset, op->len) ||
              !copy_end_covers(&dst, op->dest.offset, op->len) )
        rc = GNTST_general_error;
    else
        /* Source and destination may be one frame, even overlapping. */
        memmove((char *)mfn_to_virt(dst.p.mfn) + op->dest.offset,
                (const char *)mfn_to_virt(src.p.mfn) + op->source.offset,
                op->len);
out:
    copy_end_release(&dst);
    copy_end_release(&src);
    if ( dst.d )
        put_domain(dst.d);
    if ( src.d )
        put_domain(src.d);
    return rc;
}

/* Version changes. */

/*
 * Switches d's table to version (1 or 2).  Entries beyond the reserved
 * ones must be unused; the reserved ones (the toolstack's console and
 * xenstore grants) are carried over, everything else is cleared, as Xen
 * does.  Called with gt->lock held.
 */
static long change_version(struct domain *d, struct grant_table *gt,
                           unsigned int version)
{
    grant_entry_v1_t keep[GNTTAB_NR_RESERVED_ENTRIES];
    grant_ref_t ref;
    unsigned int i;

    if ( version != 1 && version != 2 )
        return -EINVAL;
    if ( version > gt->max_version )
        return -ENOSYS;
    if ( version == gt->version )
        return 0;
    for ( ref = GNTTAB_NR_RESERVED_ENTRIES; ref < nr_entries(gt); ref++ )
        if ( active_of(gt, ref)->pin_rw || active_of(gt, ref)->pin_ro )
            return -EBUSY;

    if ( version == 2 )
    {
        if ( add_status_frames(d, gt, STATUS_FRAMES(gt->nr_frames)) )
            return -ENOMEM;
        memcpy(keep, entry_v1(gt, 0), sizeof(keep));
    }
    else
    {
        for ( ref = 0; ref < GNTTAB_NR_RESERVED_ENTRIES; ref++ )
        {
            const grant_entry_v2_t *e = entry_v2(gt, ref);
            uint16_t flags = e->hdr.flags;

            memset(&keep[ref], 0, sizeof(keep[ref]));
            if ( (flags & GTF_type_mask) == GTF_transitive ||
                 ((flags & GTF_type_mask) == GTF_permit_access &&
                  (e->full_page.frame >> 32)) )
                return -ERANGE; /* v1 cannot express it */
            if ( (flags & GTF_type_mask) != GTF_permit_access )
                continue;
            keep[ref].flags = flags | *entry_status(gt, ref);
            keep[ref].domid = e->hdr.domid;
            keep[ref].frame = e->full_page.frame;
        }
        /* A guest mapping of a status frame would outlive the frame. */
        for ( i = 0; i < gt->nr_status_frames; i++ )
            if ( (virt_to_page(gt->status[i])->count_info & PGC_count_mask) !=
                 1 )
                return -EBUSY;
        free_status_frames(gt);
    }

    for ( i = 0; i < gt->nr_frames; i++ )
        memset(gt->shared[i], 0, PAGE_SIZE);
    gt->version = version;
    for ( ref = 0; ref < GNTTAB_NR_RESERVED_ENTRIES; ref++ )
    {
        if ( version == 1 )
        {
            *entry_v1(gt, ref) = keep[ref];
            continue;
        }
        *entry_status(gt, ref) = keep[ref].flags & (GTF_reading | GTF_writing);
        entry_v2(gt, ref)->hdr.flags = keep[ref].flags &
                                       ~(GTF_reading | GTF_writing);
        entry_v2(gt, ref)->hdr.domid = keep[ref].domid;
        entry_v2(gt, ref)->full_page.frame = keep[ref].frame;
    }
    return 0;
}

static int16_t swap_one(grant_ref_t a, grant_ref_t b)
{
    struct grant_table *gt = current->domain->grant_table;
    int16_t rc = GNTST_okay;

    spin_lock(&gt->lock);
    if ( a >= nr_entries(gt) || b >= nr_entries(gt) )
        rc = GNTST_bad_gntref;
    else if ( a == b )
        ;
    else if ( active_of(gt, a)->pin_rw || active_of(gt, a)->pin_ro ||
              active_of(gt, b)->pin_rw || active_of(gt, b)->pin_ro )
        rc = GNTST_eagain; /* in use: the guest may retry later */
    else if ( gt->version == 1 )
    {
        grant_entry_v1_t t = *entry_v1(gt, a);

        *entry_v1(gt, a) = *entry_v1(gt, b);
        *entry_v1(gt, b) = t;
    }
    else
    {
        grant_entry_v2_t t = *entry_v2(gt, a);
        grant_status_t s = *entry_status(gt, a);

        *entry_v2(gt, a) = *entry_v2(gt, b);
        *entry_v2(gt, b) = t;
        *entry_status(gt, a) = *entry_status(gt, b);
        *entry_status(gt, b) = s;
    }
    spin_unlock(&gt->lock);
    return rc;
}

/* The sub-ops, each with its argument array in guest memory. */

/* The native frame list: xen_pfn_t entries. */
static int put_table_frame(const struct gnttab_setup_table *op, unsigned int i,
                           xen_pfn_t mfn)
{
    return copy_to_guest_offset(op->frame_list, i, &mfn, 1) ? -EFAULT : 0;
}

long gnttab_do_setup_table(struct gnttab_setup_table *op,
                           int (*put)(const struct gnttab_setup_table *op,
                                      unsigned int i, xen_pfn_t mfn))
{
    struct grant_table *gt;
    struct domain *d;
    unsigned int i;

    if ( !(d = find_any(op->dom)) )
        op->status = GNTST_bad_domain;
    else if ( !may_act_on(d) )
        op->status = GNTST_permission_denied;
    else
    {
        gt = d->grant_table;
        spin_lock(&gt->lock);
        if ( op->nr_frames > gt->max_frames ||
             (op->nr_frames > gt->nr_frames &&
              grow_table(d, gt, op->nr_frames)) )
            op->status = GNTST_general_error;
        else
            op->status = GNTST_okay;
        spin_unlock(&gt->lock);
        /* Frames below nr_frames never go away while d lives. */
        for ( i = 0; op->status == GNTST_okay && i < op->nr_frames; i++ )
            if ( put(op, i, mfn_x(virt_to_mfn(gt->shared[i]))) )
                op->status = GNTST_bad_virt_addr;
    }
    if ( d )
        put_domain(d);
    return 0;
}

/*
 * Reads setup_table's or get_status_frames' one structure, whose frame
 * list must be the guest's own before anything (Xen checks the handle
 * first): 0 or the errno.
 */
#define read_frame_list_op(op, g, count)                                      \
    ((count) != 1 ? -EINVAL                                                   \
     : copy_from_guest(&(op), g, 1) ||                                        \
             !guest_handle_okay((op).frame_list, (op).nr_frames)              \
         ? -EFAULT                                                            \
         : 0)

static long gnttab_setup_table(XEN_GUEST_HANDLE_PARAM(gnttab_setup_table_t) g,
                               unsigned int count)
{
    struct gnttab_setup_table op;
    long rc = read_frame_list_op(op, g, count);

    if ( rc )
        return rc;
    gnttab_do_setup_table(&op, put_table_frame);
    return copy_field_to_guest(g, &op, status) ? -EFAULT : 0;
}

static long gnttab_query_size(XEN_GUEST_HANDLE_PARAM(gnttab_query_size_t) g,
                              unsigned int count)
{
    struct gnttab_query_size op;
    struct domain *d;

    if ( count != 1 )
        return -EINVAL;
    if ( copy_from_guest(&op, g, 1) )
        return -EFAULT;
    if ( !(d = find_any(op.dom)) )
        op.status = GNTST_bad_domain;
    else if ( !may_act_on(d) )
        op.status = GNTST_permission_denied;
    else
    {
        spin_lock(&d->grant_table->lock);
        op.nr_frames = d->grant_table->nr_frames;
        op.max_nr_frames = d->grant_table->max_frames;
        spin_unlock(&d->grant_table->lock);
        op.status = GNTST_okay;
    }
    if ( d )
        put_domain(d);
    return copy_to_guest(g, &op, 1) ? -EFAULT : 0;
}

/*
 * The batched sub-ops, one element each: read it from guest address g, do
 * it, write its results back; -EFAULT if either copy fails.
 */
static int map_elem(XEN_GUEST_HANDLE_PARAM(void) h)
{
    XEN_GUEST_HANDLE_PARAM(gnttab_map_grant_ref_t)
    g = guest_handle_cast(h, gnttab_map_grant_ref_t);
    struct gnttab_map_grant_ref op;

    if ( copy_from_guest(&op, g, 1) )
        return -EFAULT;
    op.status = map_one(&op, &op.handle, &op.dev_bus_addr);
    return copy_to_guest(g, &op, 1) ? -EFAULT : 0;
}

static int unmap_elem(XEN_GUEST_HANDLE_PARAM(void) h)
{
    XEN_GUEST_HANDLE_PARAM(gnttab_unmap_grant_ref_t)
    g = guest_handle_cast(h, gnttab_unmap_grant_ref_t);
    struct gnttab_unmap_grant_ref op;

    if ( copy_from_guest(&op, g, 1) )
        return -EFAULT;
    op.status = unmap_one(&op, 0);
    return copy_field_to_guest(g, &op, status) ? -EFAULT : 0;
}

static int unmap_replace_elem(XEN_GUEST_HANDLE_PARAM(void) h)
{
    XEN_GUEST_HANDLE_PARAM(gnttab_unmap_and_replace_t)
    g = guest_handle_cast(h, gnttab_unmap_and_replace_t);
    struct gnttab_unmap_and_replace op;
    struct gnttab_unmap_grant_ref u = { .dev_bus_addr = 0 };

    if ( copy_from_guest(&op, g, 1) )
        return -EFAULT;
    u.host_addr = op.host_addr;
    u.handle = op.handle;
    op.status = unmap_one(&u, op.new_addr);
    return copy_field_to_guest(g, &op, status) ? -EFAULT : 0;
}

static int copy_elem(XEN_GUEST_HANDLE_PARAM(void) h)
{
    XEN_GUEST_HANDLE_PARAM(gnttab_copy_t)
    g = guest_handle_cast(h, gnttab_copy_t);
    struct gnttab_copy op;

    if ( copy_from_guest(&op, g, 1) )
        return -EFAULT;
    op.status = gnttab_copy_one(&op);
    return copy_field_to_guest(g, &op, status) ? -EFAULT : 0;
}

static long gnttab_set_version(XEN_GUEST_HANDLE_PARAM(gnttab_set_version_t) g)
{
    struct domain *d = current->domain;
    struct gnttab_set_version op;
    long rc;

    if ( copy_from_guest(&op, g, 1) )
        return -EFAULT;
    spin_lock(&d->grant_table->lock);
    rc = change_version(d, d->grant_table, op.version);
    op.version = d->grant_table->version;
    spin_unlock(&d->grant_table->lock);
    /* Whatever happened, the guest learns the version in force. */
    return copy_to_guest(g, &op, 1) ? -EFAULT : rc;
}

/*
 * get_status_frames on a structure already read (the 32-bit entry reads
 * its own layout; the list is of 64-bit frames at both widths): sets
 * op->status.
 */
void gnttab_do_get_status_frames(struct gnttab_get_status_frames *op)
{
    uint64_t mfns[MAX_STATUS_FRAMES];
    struct grant_table *gt;
    struct domain *d;
    unsigned int i;

    if ( !(d = find_any(op->dom)) )
        op->status = GNTST_bad_domain;
    else if ( !may_act_on(d) )
        op->status = GNTST_permission_denied;
    else
    {
        gt = d->grant_table;
        spin_lock(&gt->lock);
        /* Status frames go away with a switch to v1: note them locked. */
        op->status = op->nr_frames > gt->nr_status_frames ? GNTST_general_error
                                                          : GNTST_okay;
        for ( i = 0; op->status == GNTST_okay && i < op->nr_frames; i++ )
            mfns[i] = mfn_x(virt_to_mfn(gt->status[i]));
        spin_unlock(&gt->lock);
        for ( i = 0; op->status == GNTST_okay && i < op->nr_frames; i++ )
            if ( copy_to_guest_offset(op->frame_list, i, &mfns[i], 1) )
                op->status = GNTST_bad_virt_addr;
    }
    if ( d )
        put_domain(d);
}

static long
gnttab_get_status_frames(XEN_GUEST_HANDLE_PARAM(gnttab_get_status_frames_t) g,
                         unsigned int count)
{
    struct gnttab_get_status_frames op;
    long rc = read_frame_list_op(op, g, count);

    if ( rc )
        return rc;
    gnttab_do_get_status_frames(&op);
    return copy_field_to_guest(g, &op, status) ? -EFAULT : 0;
}

static long gnttab_get_version(XEN_GUEST_HANDLE_PARAM(gnttab_get_version_t) g)
{
    struct gnttab_get_version op;
    struct domain *d;
    bool allowed;

    if ( copy_from_guest(&op, g, 1) )
        return -EFAULT;
    if ( !(d = find_any(op.dom)) )
        return -ESRCH;
    allowed = may_act_on(d);
    op.version = d->grant_table->version;
    put_domain(d);
    if ( !allowed )
        return -EPERM;
    return copy_field_to_guest(g, &op, version) ? -EFAULT : 0;
}

static int swap_elem(XEN_GUEST_HANDLE_PARAM(void) h)
{
    XEN_GUEST_HANDLE_PARAM(gnttab_swap_grant_ref_t)
    g = guest_handle_cast(h, gnttab_swap_grant_ref_t);
    struct gnttab_swap_grant_ref op;

    if ( copy_from_guest(&op, g, 1) )
        return -EFAULT;
    op.status = swap_one(op.ref_a, op.ref_b);
    return copy_field_to_guest(g, &op, status) ? -EFAULT : 0;
}

/*
 * Runs count elements of `size` bytes from g: 0 when all are done,
 * -EFAULT at the first that can't be read or written back (those before
 * it done), or, preempted, how many were done (at least one).
 */
static long run_batch(XEN_GUEST_HANDLE_PARAM(void) g, size_t size,
                      unsigned int count,
                      int (*elem)(XEN_GUEST_HANDLE_PARAM(void) g))
{
    XEN_GUEST_HANDLE_PARAM(char) next = guest_handle_cast(g, char);

    for ( unsigned int i = 0; i < count; i++ )
    {
        int rc;

        if ( i && hypercall_preempt_check() )
            return i;
        if ( (rc = elem(guest_handle_cast(next, void))) )
            return rc;
        guest_handle_add_offset(next, size);
    }
    return 0;
}

/*
 * Per-element failures are in their status.  A preempted batch continues
 * as Xen's does: cmd unchanged, the array advanced past the elements done
 * and count reduced by them.
 */
long do_grant_table_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) uop,
                       unsigned int count)
{
    int (*elem)(XEN_GUEST_HANDLE_PARAM(void) g);
    size_t size;
    long rc;

    if ( (int)count < 0 )
        return -EINVAL;
    if ( !current->domain->grant_table )
        return -ENOSYS;

    switch ( cmd )
    {
    case GNTTABOP_map_grant_ref:
        elem = map_elem;
        size = sizeof(struct gnttab_map_grant_ref);
        break;
    case GNTTABOP_unmap_grant_ref:
        elem = unmap_elem;
        size = sizeof(struct gnttab_unmap_grant_ref);
        break;
    case GNTTABOP_unmap_and_replace:
        elem = unmap_replace_elem;
        size = sizeof(struct gnttab_unmap_and_replace);
        break;
    case GNTTABOP_copy:
        elem = copy_elem;
        size = sizeof(struct gnttab_copy);
        break;
    case GNTTABOP_swap_grant_ref:
        elem = swap_elem;
        size = sizeof(struct gnttab_swap_grant_ref);
        break;
    case GNTTABOP_setup_table:
        return gnttab_setup_table(guest_handle_cast(uop, gnttab_setup_table_t),
                                  count);
    case GNTTABOP_query_size:
        return gnttab_query_size(guest_handle_cast(uop, gnttab_query_size_t),
                                 count);
    case GNTTABOP_set_version:
        return gnttab_set_version(
            guest_handle_cast(uop, gnttab_set_version_t));
    case GNTTABOP_get_status_frames:
        return gnttab_get_status_frames(
            guest_handle_cast(uop, gnttab_get_status_frames_t), count);
    case GNTTABOP_get_version:
        return gnttab_get_version(
            guest_handle_cast(uop, gnttab_get_version_t));
    default:
        return -ENOSYS;
    }

    rc = run_batch(uop, size, count, elem);
    if ( rc > 0 )
        return hypercall_continue(__HYPERVISOR_grant_table_op, cmd,
                                  guest_handle_addr(uop) + rc * size,
                                  count - rc);
    return rc;
}

/* Teardown. */

/*
 * Releases the mappings d made of other domains' grants.  Their PTEs went
 * with d's page tables; what is left is the granters' pins and our frame
 * references.
 */
static void release_all_mappings(struct grant_table *gt)
{
    unsigned int h;

    for ( h = 0; h < gt->maptrack_limit; h++ )
    {
        struct maptrack *mt = mt_entry(gt, h);

        if ( mt->flags & MT_MAPPED )
            release_mapping(mt);
        mt->flags = 0;
    }
}

/*
 * At destruction: d's mappings of others go, and d's own frames lose the
 * allocation reference, so that each returns as soon as nobody maps it.
 * The table itself stays while d does, since other domains may still be
 * using it (mapping, copying, unmapping d's grants) under a reference to
 * d.  Under the table's lock, so no frame can be added afterwards
 * (grow_table() refuses a dying domain).
 */
void grant_table_release(struct domain *d)
{
    struct grant_table *gt = d->grant_table;
    unsigned int i;

    if ( !gt )
        return;
    release_all_mappings(gt);
    spin_lock(&gt->lock);
    for ( i = 0; i < gt->nr_frames; i++ )
        put_page_alloc_ref(virt_to_page(gt->shared[i]));
    for ( i = 0; i < gt->nr_status_frames; i++ )
        put_page_alloc_ref(virt_to_page(gt->status[i]));
    spin_unlock(&gt->lock);
}

void grant_table_destroy(struct domain *d)
{
    struct grant_table *gt = d->grant_table;
    unsigned int i;

    if ( !gt )
        return;
    release_all_mappings(gt);
    d->grant_table = NULL;
    free_status_frames(gt);
    for ( i = 0; i < gt->nr_frames; i++ )
    {
        free_shared_xenheap_page(gt->shared[i]);
        xfree(gt->active[i]);
    }
    for ( i = 0; i < gt->maptrack_limit / MT_PER_FRAME; i++ )
        xfree(gt->maptrack[i]);
    xfree(gt);
}
