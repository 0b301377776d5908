/* SPDX-License-Identifier: GPL-2.0-only */
/* Hostile-guest fuzzer: a domU issuing random and mutated hypercalls. */

#include <xenctl.h>
#include "test.h"
#include <builder.h>
#include <events.h>
#include <gnttab.h>
#include <hypercall.h>
#include <mm.h>
#include <time.h>
#include <traps.h>
#include <public/platform.h>

/*
 * The fuzzer ("role=fuzz seed=S calls=N ops=M [trace=I]") runs as an
 * unprivileged domU that dom0 builds (the case at the bottom of this
 * file).  Call i's arguments come from a generator seeded by (S, i) and
 * the fuzzer's state (its scratch frames, ports, grant handles), so a
 * seed and an index name a call.  Anything that could destroy the
 * fuzzer itself (its kernel, page tables, stack, shared_info, console
 * ring and ports) is kept out of the arguments: the dangerous operations
 * work on a scratch set of pages, ports and grant references.  A crash
 * of the fuzzer by the hypervisor is allowed; a hypervisor panic, hang,
 * leak or a change to another domain is what dom0 looks for.
 */

/* Operation categories, the bits of "ops=". */
enum {
    FZ_MMU,         /* mmu_update, mmuext_op, update_va_mapping */
    FZ_MEM,         /* memory_op */
    FZ_GNT,         /* grant_table_op */
    FZ_EVT,         /* event_channel_op */
    FZ_VCPU,        /* vcpu_op, set_timer_op */
    FZ_SCHED,       /* sched_op (never shutdown) */
    FZ_CPU,         /* traps, callbacks, debug registers, segment bases */
    FZ_DESC,        /* set_gdt, update_descriptor, SET_LDT */
    FZ_MISC,        /* version, console, physdev, the refused ones */
    FZ_MULTI,       /* batches of the above through multicall */
    FZ_PRIV,        /* privileged instructions, emulated or refused */
    FZ_PTLIFE,      /* page-table lifecycles: pin, hook, release */
    FZ_VCPUINFO,    /* moving vcpu_info, FIFO event channels */
    FZ_NR
};
#define FZ_ALL ((1UL << FZ_NR) - 1)

/* The hypervisor's continuation encodings, which a guest can forge. */
#define MMU_UPDATE_PREEMPTED (1U << 31)
#define MEMOP_EXTENT_SHIFT 6

struct fcall {
    unsigned long op, a[5];
};

/*
 * Each call builds its structures in a slot of its own (batches too): the
 * first SLOT_SIZE bytes of a page whose rest is a sink, and after that
 * page a fence, a page fuzz_setup() unmaps.  A pointer near the slot's
 * end (ptr()) lets the hypervisor write a structure past it: into the
 * sink, never into a later call's arguments (a grant status written over
 * the deadline of the next poll in the batch made it wait for years, seed
 * 296).  A mutated count (2^31 grant operations, an extent list of 2^32
 * frames) makes the hypervisor walk an array on past the slot, writing a
 * status or a frame number into each element: at the fence the walk
 * faults and the call fails, before the next slot or our own state (the
 * .bss after the slots, then the p2m), which walks used to overwrite.
 */
#define NSLOT 64
#define SLOT_SIZE 1024

/*
 * With vcpus=2 two vCPUs fuzz at once, on two host threads under QEMU:
 * the hypervisor's locking meets a guest racing itself (no faster on a
 * busy 2-core host: docs/misc/fuzzing.md).  Each runs a stream of its own: call i of stream p comes from (seed, p,
 * i) and from p's partition of the fuzzer's state (slots, scratch pages,
 * ports and grant mappings it learnt), so that a stream replayed alone
 * (vcpus=1 stream=p) makes the same calls as far as the other vCPU did
 * not change what they find; how the two interleaved is not reproduced.
 */
#define FZ_VCPUS 2
#define FZ_STR(x) #x
#define FZ_XSTR(x) FZ_STR(x)
static uint8_t slots[FZ_VCPUS][NSLOT][2 * PAGE_SIZE] __aligned(PAGE_SIZE);

#define NSCR 32                 /* scratch pages of each stream */
#define NSCR_ALL (FZ_VCPUS * NSCR)
#define NGREF 32                /* scratch grant references */
#define GREF0 256
#define NPORT 48                /* ports a stream made */
#define NMAP 32                 /* grant mappings a stream holds */

/* Stream p's scratch pages are p * NSCR to p * NSCR + NSCR - 1. */
static unsigned long scr_va[NSCR_ALL], scr_mfn[NSCR_ALL], scr_pte[NSCR_ALL];
static const volatile uint64_t *scr_l1e[NSCR_ALL];    /* scr_pte, mapped */
static unsigned long pt_mfns[8];
static unsigned int nr_pt_mfns;
static unsigned long max_mfn, own_lo, own_hi;
static unsigned long protected_ports[2];    /* bitmap over ports 0-127 */
static bool gnttab_ok;

/* What a stream has to itself. */
struct fz_vcpu {
    uint64_t rng;
    unsigned long cur_idx;
    unsigned long dirty;        /* state to put back after a call */
    unsigned long done;         /* calls made */
    unsigned int part;          /* the stream, and its partition */
    unsigned int vcpu;          /* the vCPU running it */
    bool vcpu_info_moving;      /* see gen_vcpu_op() */
    uint8_t (*slots)[2 * PAGE_SIZE];
    uint8_t *insn;              /* its copy of fuzz_insn */
    uint64_t regs[16];          /* what fuzz_run_insn() loads */
    vcpu_time_info_t time;      /* see fz_now() */
    evtchn_port_t ports[NPORT];
    unsigned int nr_ports;
    struct {
        grant_handle_t handle;
        uint64_t host_addr;
        uint32_t flags;
    } maps[NMAP];
    unsigned int nr_maps;
};
static struct fz_vcpu fzv[FZ_VCPUS];
/* The stream each vCPU runs (vcpus=1 stream=1: vCPU 0 runs stream 1). */
static struct fz_vcpu *fz_on[FZ_VCPUS];
static unsigned int fz_nr_vcpus = 1;
/* vCPU 1 runs on this stack: how me() tells the vCPUs apart. */
static uint8_t fz_stack1[4 * PAGE_SIZE] __aligned(PAGE_SIZE);

/*
 * The stream of the vCPU we are on, by the stack: the fuzzer's calls
 * change the segment bases a per-CPU pointer would live in.
 */
static inline struct fz_vcpu *me(void)
{
    /* A local's address: which stack we are on, at either width. */
    volatile unsigned long sp = 0;

    return fz_on[(unsigned long)&sp - (unsigned long)fz_stack1 <
                 sizeof(fz_stack1)];
}

/* In dirty: events stay masked up to the call (restore() unmasks). */
#define MASKED ((1UL << FZ_CPU) | (1UL << FZ_SCHED))
/*
 * Also in dirty: which of our settings restore() puts back (one multicall
 * entry each costs as much as a fuzzed call: only those a call changed).
 */
#define R_TRAPS (1UL << 16)     /* trap table */
#define R_CBS   (1UL << 17)     /* callbacks, NMI callback */
#define R_DR    (1UL << 18)     /* debug registers */
#define R_FPU   (1UL << 19)     /* CR0.TS */
#define R_SEG   (1UL << 20)     /* FS and user GS bases */
static unsigned long ops_mask = FZ_ALL;
static bool fuzz_on_ours;       /* our hypervisor, not Xen 4.17 */
static unsigned long seed, findings;

/* ---- randomness ------------------------------------------------------ */

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t rnd(void)
{
    struct fz_vcpu *v = me();
    uint64_t r = v->rng;

    r ^= r << 13;
    r ^= r >> 7;
    r ^= r << 17;
    return v->rng = r;
}

/* Below n: a multiply, not a division, which is slow under emulation. */
static unsigned int rn(unsigned int n)
{
    return ((rnd() >> 32) * n) >> 32;
}

static bool one_in(unsigned int n)
{
    return !rn(n);
}

/* Values at the edges of a field, which handlers tend to get wrong. */
static uint64_t boundary(void)
{
    static const uint64_t v[] = {
        0, 1, 2, 7, 8, 0xff, 0x100, 0xfff, 0x1000, 0x7fff, 0x8000, 0xffff,
        0x10000, 0x7fffffff, 0x80000000UL, 0xffffffffUL, 0x100000000UL,
        0x00007fffffffffffUL, 0x0000800000000000UL, 0xffff800000000000UL,
        0xffff82d080000000UL, 0xffff830000000000UL, 0xfffffffffffff000UL,
        0x7fffffffffffffffUL, 0x8000000000000000UL, ~0UL, ~1UL,
    };

    return v[rn(ARRAY_SIZE(v))];
}

/* v, or now and then v with a bit flipped or an edge value instead. */
static uint64_t mut(uint64_t v)
{
    switch ( rn(24) )
    {
    case 0:
        return v ^ (1UL << rn(64));
    case 1:
        return boundary();
    case 2:
        return v + rn(3) - 1;
    default:
        return v;
    }
}

/*
 * Our clock, for deadlines.  The time record moves with our vcpu_info into
 * a scratch page, where what we registered there before (a FIFO control
 * block, a runstate area, a grant entry for a copy) keeps being written:
 * a clock read from it jumped up to centuries ahead, and so did the
 * deadline of the next poll, which then slept for good (seeds 5054 and
 * 5056 from 5000; 12 domains of the 30-minute run of seed 9000).  So each
 * stream keeps a copy of the record, carried on by the TSC, and takes the
 * record where the hypervisor writes it only while the two agree within
 * FZ_CLOCK_SLACK; else the copy: stale, never wild.  The copy follows a
 * record of about the same scale stamped later (carried on alone it drifts
 * from the hypervisor's clock, and deadlines ahead of that make polls
 * sleep longer); a record of another scale is taken for the moment only,
 * for the one that put a poll 16 s ahead had a scale our calls wrote.
 */
#define FZ_CLOCK_SLACK 50000000ULL      /* ns */

/* A consistent copy of *t; false if it was being updated. */
static bool time_copy(const volatile vcpu_time_info_t *t,
                      vcpu_time_info_t *c)
{
    uint32_t version = t->version;

    rmb();
    *c = *(const vcpu_time_info_t *)t;
    rmb();
    return !(version & 1) && version == t->version;
}

static uint64_t time_at(const vcpu_time_info_t *t, uint64_t tsc)
{
    uint64_t delta = tsc - t->tsc_timestamp;

    if ( t->tsc_shift < 0 )
        delta >>= -t->tsc_shift;
    else
        delta <<= t->tsc_shift;
    return t->system_time + tsc_scale(delta, t->tsc_to_system_mul);
}

static uint64_t fz_now(void)
{
    struct fz_vcpu *v = me();
    vcpu_time_info_t live;
    bool ok = time_copy(&this_vcpu()->time, &live);
    uint64_t tsc = rdtsc(), ours = time_at(&v->time, tsc), now;

    if ( ok && (now = time_at(&live, tsc)) - ours + FZ_CLOCK_SLACK <=
               2 * FZ_CLOCK_SLACK )
    {
        uint32_t mul = v->time.tsc_to_system_mul;

        if ( live.tsc_to_system_mul - mul + mul / 64 <= mul / 32 &&
             live.tsc_shift == v->time.tsc_shift &&
             live.tsc_timestamp > v->time.tsc_timestamp )
            v->time = live;
        return now;
    }
    return ours;
}

/* ---- what the fuzzer may name ---------------------------------------- */

/*
 * Our kernel's frames, sorted: the p2m at the start, for a binary search.
 * Not the M2P: a guest may rewrite the M2P entries of any frame of its
 * own, and our calls do (an argument array read from the wrong offset,
 * a PTE naming our L2 with the present bit taken as MMU_MACHPHYS_UPDATE).
 */
#define FUZZ_MEM_KB 4096
static unsigned long own_sorted[FUZZ_MEM_KB / 4];

static bool own_mfn(unsigned long m)
{
    unsigned int lo = 0, hi = start_info->nr_pages;

    if ( m < own_lo || m > own_hi )
        return false;
    while ( lo < hi )
    {
        unsigned int mid = (lo + hi) / 2;

        if ( own_sorted[mid] < m )
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < start_info->nr_pages && own_sorted[lo] == m;
}

/* Which scratch page of either stream m is, NSCR_ALL for none. */
static unsigned int scr_index(unsigned long m)
{
    for ( unsigned int i = 0; i < NSCR_ALL; i++ )
        if ( scr_mfn[i] == m )
            return i;
    return NSCR_ALL;
}

/*
 * Scratch pages we came to rely on (our vcpu_info moved into one): no
 * longer remapped, pinned or given back.
 */
static unsigned long scr_locked[(NSCR_ALL + 8 * sizeof(long) - 1) /
                                (8 * sizeof(long))];

/* In native words, which both vCPUs set atomically at either width. */
static bool scr_is_locked(unsigned int k)
{
    return (scr_locked[k / BITS_PER_LONG] >> (k % BITS_PER_LONG)) & 1;
}

/*
 * The frames the hypervisor writes a runstate or time area into, by vCPU
 * (the fuzzing ones and a few more) and kind, as they were mapped at the
 * registration (ours translates the address once; Xen 4.17 writes
 * through it at every update, which a later remapping of a scratch page
 * can redirect: not tracked).  An area must not overlap our event
 * state: its writes would land on a vcpu_info's pending flag and mask
 * (a time area's version count below 0x100 clears the mask) and the
 * hypervisor would deliver an upcall our callback cannot clear, for ever
 * (seed 31474 hung in a multicall that upcalls preempted again and again:
 * its time area was on the shared_info frame, mapped at a scratch page).
 */
#define AREA_VCPUS 4
static unsigned long area_mfn[AREA_VCPUS][2][2];

/* The frame scratch page i's address maps now; 0 for none. */
static unsigned long scr_frame_now(unsigned int i)
{
    uint64_t e = *scr_l1e[i];

    return (e & _PAGE_PRESENT) ? (e & PTE_ADDR_MASK) >> PAGE_SHIFT : 0;
}

/* Whether m holds event state of ours: shared_info, a vcpu_info page. */
static bool event_frame(unsigned long m)
{
    unsigned int k = scr_index(m);

    return m == start_info->shared_info >> PAGE_SHIFT ||
           (k < NSCR_ALL && scr_is_locked(k));
}

/*
 * An area of size bytes at *va for vcpu's area kind: kept off our event
 * state (moved to the sink instead), its frames noted.
 */
static void place_area(uint64_t *va, unsigned long sink, unsigned int vcpu,
                       unsigned int kind, unsigned long size)
{
    unsigned long m[2] = { 0, 0 };

    for ( unsigned int p = 0; p < 2; p++ )
    {
        unsigned long page = ((*va & PAGE_MASK) + p * PAGE_SIZE);

        if ( p && page > ((*va + size - 1) & PAGE_MASK) )
            break;
        for ( unsigned int i = 0; i < NSCR_ALL; i++ )
            if ( scr_va[i] == page )
                m[p] = scr_frame_now(i);
        if ( m[p] && event_frame(m[p]) )
        {
            *va = sink;
            m[0] = m[1] = 0;
            break;
        }
    }
    if ( vcpu < AREA_VCPUS )
        memcpy(area_mfn[vcpu][kind], m, sizeof(m));
}

/* Whether frame m holds some vCPU's runstate or time area. */
static bool area_frame(unsigned long m)
{
    for ( unsigned int v = 0; v < AREA_VCPUS; v++ )
        for ( unsigned int k = 0; k < 4; k++ )
            if ( area_mfn[v][k / 2][k % 2] == m )
                return true;
    return false;
}

/* One of our stream's scratch pages. */
static unsigned int scr_pick(void)
{
    unsigned int base = me()->part * NSCR, i = rn(NSCR);

    while ( scr_is_locked(base + i) )
        i = (i + 1) % NSCR;
    return base + i;
}

/* A frame nobody of ours depends on: scratch, foreign or no frame. */
static unsigned long mfn_mut(void)
{
    unsigned long m;
    unsigned int k;

    switch ( rn(16) )
    {
    case 0:
        m = rn(max_mfn + 16);
        break;
    case 1:
        m = boundary() >> rn(20);
        break;
    case 2:
        m = max_mfn + rn(4);
        break;
    default:
        return scr_mfn[scr_pick()];
    }
    /*
     * Our own kernel's frames are off limits for destructive calls, and
     * so are the other stream's scratch pages (its vcpu_info may be one).
     */
    k = scr_index(m);
    if ( k == NSCR_ALL ? own_mfn(m)
                       : k / NSCR != me()->part || scr_is_locked(k) )
        return scr_mfn[scr_pick()];
    return m;
}

/* Also frames the hypervisor must protect us from misusing. */
static unsigned long mfn_any(void)
{
    switch ( rn(12) )
    {
    case 0:
        return pt_mfns[rn(nr_pt_mfns)];
    case 1:
        return start_info->shared_info >> PAGE_SHIFT;
    case 2:
        return gnttab_nr_frames ? gnttab_frames[rn(gnttab_nr_frames)] : 0;
    default:
        return mfn_mut();
    }
}

static unsigned long scratch_va(void)
{
    return scr_va[scr_pick()];
}

/*
 * At 32 bits the random addresses below reach our own kernel too (the
 * 64-bit one is where none of them go): a mapping made there, or an area
 * the hypervisor writes, would overwrite our code and data (seed 5364's
 * output lost its newlines).  Such an address moves 1 GiB down, to user
 * space we never map.
 */
static unsigned long off_kernel(unsigned long va)
{
#ifdef __x86_64__
    return va;
#else
    return va - VIRT_BASE < start_info->nr_pages * PAGE_SIZE ? va - 0x40000000UL
                                                              : va;
#endif
}

/* A guest virtual address: scratch, unmapped, the hypervisor's, odd. */
static unsigned long any_va(void)
{
    switch ( rn(10) )
    {
    case 0:
        return boundary();
    case 1:
        return off_kernel(0x1000UL * rn(1 << 20));
    case 2:
        return off_kernel(0xffff800000000000UL + 0x1000UL * rn(1 << 24));
    case 3:
        return off_kernel(rnd());
    default:
        return scratch_va() + (one_in(4) ? rn(PAGE_SIZE) : 0);
    }
}

/* A pointer for the hypervisor to read or write: a slot, or garbage. */
static unsigned long ptr(uint8_t *buf)
{
    switch ( rn(24) )
    {
    case 0:
        return 0;
    case 1:
        return any_va();
    case 2:
        return (unsigned long)buf + SLOT_SIZE - rn(16);
    default:
        return (unsigned long)buf;
    }
}

/*
 * A request list for the hypervisor to walk (mmu_update, mmuext_op): as
 * ptr(), but never in a scratch page.  What the scratch pages hold names
 * our own page tables (entries of scratch tables hooked to them, PTEs
 * from pte_any()), and read as requests it rewrote them: {our L2's
 * address, 0} cleared the L2 entry mapping our kernel (seed 1 of the
 * make-test slice).
 */
static unsigned long list_ptr(uint8_t *buf)
{
    unsigned long p = ptr(buf);

    /* Most are in the slots: no scratch page to look for. */
    if ( p - (unsigned long)slots < sizeof(slots) )
        return p;
    for ( unsigned int i = 0; i < NSCR_ALL; i++ )
        if ( (p & PAGE_MASK) == scr_va[i] )
            return (unsigned long)buf;
    return p;
}

static uint64_t pte_flags(void)
{
    static const uint64_t common[] = {
        PTE_KERNEL_RW, PTE_KERNEL_RO, _PAGE_PRESENT,
        PTE_KERNEL_RW | _PAGE_DIRTY, _PAGE_PRESENT | _PAGE_RW,
        PTE_KERNEL_RO | _PAGE_PSE, PTE_KERNEL_RW | _PAGE_GLOBAL, 0,
    };
    uint64_t f = common[rn(ARRAY_SIZE(common))];

    if ( one_in(8) )
        f |= 1UL << rn(12);
    if ( one_in(16) )
        f |= 1UL << (52 + rn(12));      /* NX and the software bits */
    return f;
}

/* Our shared_info and grant frames: the hypervisor writes them too. */
static bool shared_frame(unsigned long m)
{
    for ( unsigned int i = 0; i < gnttab_nr_frames; i++ )
        if ( gnttab_frames[i] == m )
            return true;
    return m == start_info->shared_info >> PAGE_SHIFT;
}

static uint64_t pte_any(void)
{
    unsigned long m = mfn_any();
    uint64_t f = pte_flags();

    if ( one_in(16) )
        return rnd();
    /* A writable alias of those would let other calls scribble on them. */
    if ( shared_frame(m) )
        f &= ~_PAGE_RW;
    return ((uint64_t)m << PAGE_SHIFT) | f;
}

static evtchn_port_t port_any(void)
{
    const struct fz_vcpu *v = me();

    if ( v->nr_ports && !one_in(4) )
        return v->ports[rn(v->nr_ports)];
    switch ( rn(4) )
    {
    case 0:
        return boundary();
    case 1:
        return 1 + rn(8);       /* maybe ours, and protected: harmless ops */
    default:
        return rn(4200);
    }
}

static bool port_protected(evtchn_port_t p)
{
    return p < 128 && test_bit(p, protected_ports);
}

static domid_t dom_any(void)
{
    static const domid_t v[] = {
        DOMID_SELF, DOMID_SELF, 0, 1, 2, DOMID_IO, DOMID_XEN, DOMID_COW,
        DOMID_INVALID, 0x7fef,
    };

    return one_in(6) ? (domid_t)rnd() : v[rn(ARRAY_SIZE(v))];
}

static unsigned int vcpu_any(void)
{
    return one_in(4) ? (unsigned int)boundary() : rn(4) == 0 ? 1 : 0;
}

static unsigned int gnt_version = 1;    /* as set_version last said */
/* Our domain id: a grant entry names its grantee by id, never SELF. */
static domid_t self_domid = DOMID_SELF;

/*
 * Our scratch grant references, in the second half of our first grant
 * frame in either layout: v1 entries 256-287, v2 entries 128-159.
 */
static grant_ref_t gref_base(void)
{
    return gnt_version == 2 ? GREF0 / 2 : GREF0;
}

static grant_ref_t gref_any(void)
{
    return one_in(6) ? (grant_ref_t)boundary() : gref_base() + rn(NGREF);
}

static void fill_random(void *p, size_t n)
{
    uint64_t *q = p;

    for ( size_t i = 0; i < n / 8; i++ )
        q[i] = rnd();
}

/* ---- generators: one call each ---------------------------------------- */

static void set1(struct fcall *c, unsigned long op, unsigned long a0)
{
    c->op = op;
    c->a[0] = a0;
}

static void set2(struct fcall *c, unsigned long op, unsigned long a0,
                 unsigned long a1)
{
    set1(c, op, a0);
    c->a[1] = a1;
}

/*
 * A 64-bit argument (a PTE, a machine address, a descriptor) from index
 * i: at 32 bits two arguments, low half first, as the compat ABI splits
 * them.  The index of the next argument.
 */
static unsigned int arg64(struct fcall *c, unsigned int i, uint64_t v)
{
    c->a[i++] = v;
#ifndef __x86_64__
    c->a[i++] = v >> 32;
#endif
    return i;
}

static void gen_mmu_update(struct fcall *c, uint8_t *buf)
{
    mmu_update_t *u = (mmu_update_t *)buf;
    unsigned int n = 1 + rn(8);

    for ( unsigned int i = 0; i < n; i++ )
    {
        unsigned int kind = rn(10);
        uint64_t cmd = one_in(10) ? rn(8) : MMU_NORMAL_PT_UPDATE;

        if ( kind < 5 )         /* an entry of a scratch table */
            u[i].ptr = ((uint64_t)scr_mfn[scr_pick()] << PAGE_SHIFT) |
                       (rn(PT_ENTRIES) * 8);
        else if ( kind < 8 )    /* the L1 entry mapping a scratch page */
            u[i].ptr = scr_pte[scr_pick()];
        else if ( kind < 9 )    /* a frame we must not reach */
            u[i].ptr = ((uint64_t)mfn_mut() << PAGE_SHIFT) | rn(PAGE_SIZE);
        else                    /* the machine-to-phys table */
        {
            /* Not our tables' entries: our page walks go through it. */
            u[i].ptr = ((uint64_t)mfn_mut() << PAGE_SHIFT);
            cmd = MMU_MACHPHYS_UPDATE;
        }
        /* The M2P entries of our own tables are what our walks use. */
        if ( cmd == MMU_MACHPHYS_UPDATE )
            u[i].ptr = (uint64_t)mfn_mut() << PAGE_SHIFT;
        u[i].ptr = (u[i].ptr & ~7UL) | cmd;
        u[i].val = cmd == MMU_MACHPHYS_UPDATE ? mut(rn(start_info->nr_pages))
                                              : pte_any();
        if ( cmd == MMU_MACHPHYS_UPDATE && u[i].val < start_info->nr_pages )
            u[i].val = start_info->nr_pages + rn(64);
    }
    /*
     * A count mutated past n reads on, into what earlier calls left in
     * the slot (a grant's dev_bus_addr naming our L2, say): an update at
     * machine address 0, never ours, fails there and ends the walk.
     */
    u[n].ptr = u[n].val = 0;
    c->op = __HYPERVISOR_mmu_update;
    c->a[0] = list_ptr(buf);
    c->a[1] = one_in(16) ? mut(n) | (rn(2) ? MMU_UPDATE_PREEMPTED : 0) : n;
    c->a[2] = one_in(3) ? (unsigned long)(buf + 512) : ptr(buf + 512);
    c->a[3] = one_in(4) ? dom_any() | (rn(4) << 16) : DOMID_SELF;
}

static void gen_mmuext(struct fcall *c, uint8_t *buf)
{
    struct mmuext_op *op = (struct mmuext_op *)buf;
    unsigned int n = 1 + rn(4);

    for ( unsigned int i = 0; i < n; i++ )
    {
        op[i].cmd = one_in(16) ? rn(64) : rn(MMUEXT_UNMARK_SUPER + 1);
        op[i].arg1.mfn = mfn_any();
        op[i].arg2.nr_ents = rn(4) ? 0 : mut(rn(16));
        switch ( op[i].cmd )
        {
        case MMUEXT_NEW_BASEPTR:
            /* A scratch L4 would leave the kernel unmapped: never that. */
            op[i].arg1.mfn = one_in(2) ? pt_mfns[0] : max_mfn + rn(8);
            break;
        case MMUEXT_PIN_L1_TABLE ... MMUEXT_PIN_L4_TABLE:
        case MMUEXT_UNPIN_TABLE:
        case MMUEXT_NEW_USER_BASEPTR:
            if ( one_in(8) )
                op[i].arg1.mfn = pt_mfns[rn(nr_pt_mfns)];
            else if ( rn(4) )
                op[i].arg1.mfn = scr_mfn[scr_pick()];
            break;
        case MMUEXT_CLEAR_PAGE:
        case MMUEXT_COPY_PAGE:
            op[i].arg1.mfn = mfn_mut();
            op[i].arg2.src_mfn = mfn_any();
            break;
        case MMUEXT_INVLPG_LOCAL:
        case MMUEXT_INVLPG_ALL:
        case MMUEXT_INVLPG_MULTI:
        case MMUEXT_SET_LDT:
            op[i].arg1.linear_addr = rn(4) ? scratch_va() : any_va();
            if ( op[i].cmd == MMUEXT_SET_LDT )
                op[i].arg2.nr_ents = rn(3) ? rn(513) : mut(8192);
            if ( op[i].cmd != MMUEXT_INVLPG_MULTI )
                break;
            /* fall through */
        case MMUEXT_TLB_FLUSH_MULTI:
            *(unsigned long *)(buf + 768) = mut(1);
            op[i].arg2.vcpumask.p = (void *)(rn(4) ? (unsigned long)buf + 768
                                                   : any_va());
            break;
        }
    }
    /* As in gen_mmu_update(): a count past n stops at a bad command. */
    op[n].cmd = ~0U;
    c->op = __HYPERVISOR_mmuext_op;
    c->a[0] = list_ptr(buf);
    c->a[1] = one_in(16) ? mut(n) : n;
    c->a[2] = one_in(3) ? (unsigned long)(buf + 512) : ptr(buf + 512);
    c->a[3] = one_in(4) ? dom_any() : DOMID_SELF;
}

static unsigned long uvmf_flags(uint8_t *buf)
{
    static const unsigned long which[] = { UVMF_LOCAL, UVMF_ALL, 0 };
    unsigned long f = rn(4);

    if ( one_in(4) )
    {
        *(unsigned long *)(buf + 256) = mut(1);
        return f | (one_in(4) ? (any_va() & ~3UL) : (unsigned long)buf + 256);
    }
    return f | which[rn(3)];
}

static void gen_update_va_mapping(struct fcall *c, uint8_t *buf)
{
    unsigned int i;

    c->op = __HYPERVISOR_update_va_mapping;
    c->a[0] = rn(8) ? scratch_va() : any_va();
    i = arg64(c, 1, pte_any());
    c->a[i] = uvmf_flags(buf);
    if ( one_in(8) )
    {
        c->op = __HYPERVISOR_update_va_mapping_otherdomain;
        c->a[i + 1] = dom_any();
    }
}

static void gen_memory_op(struct fcall *c, uint8_t *buf)
{
    struct xen_memory_reservation *r = (void *)buf;
    xen_pfn_t *list = (xen_pfn_t *)(buf + 256);
    unsigned long cmd = rn(30);
    unsigned int n = 1 + rn(4);

    switch ( cmd )
    {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        for ( unsigned int i = 0; i < n; i++ )
            list[i] = cmd == XENMEM_decrease_reservation ? mfn_mut()
                      : cmd == XENMEM_populate_physmap
                      ? (rn(4) ? start_info->nr_pages + rn(64) : mut(rn(2048)))
                      : 0;
        set_xen_guest_handle(r->extent_start, list);
        if ( one_in(8) )
            set_xen_guest_handle(r->extent_start, (void *)ptr(buf + 256));
        r->nr_extents = one_in(8) ? mut(n) : n;
        r->extent_order = one_in(6) ? mut(rn(10)) : 0;
        r->mem_flags = one_in(8) ? rnd() : 0;
        r->domid = one_in(4) ? dom_any() : DOMID_SELF;
        /* Preempted calls carry the extent to resume from in cmd. */
        if ( one_in(8) )
            cmd |= (unsigned long)rn(8) << MEMOP_EXTENT_SHIFT;
        break;
    case XENMEM_exchange:
    {
        struct xen_memory_exchange *x = (void *)buf;
        xen_pfn_t *out = list + 8;

        /* Frames we can spare for fresh ones, maybe of another order. */
        for ( unsigned int i = 0; i < n; i++ )
        {
            list[i] = mfn_mut();
            out[i] = start_info->nr_pages + rn(64);
        }
        memset(x, 0, sizeof(*x));
        set_xen_guest_handle(x->in.extent_start, (void *)ptr(buf + 256));
        set_xen_guest_handle(x->out.extent_start, (void *)ptr(buf + 320));
        x->in.nr_extents = one_in(8) ? mut(n) : n;
        x->in.extent_order = one_in(6) ? mut(rn(10)) : 0;
        x->out.nr_extents = one_in(8) ? mut(n) : n;
        x->out.extent_order = one_in(6) ? mut(rn(10)) : 0;
        x->out.mem_flags = one_in(4) ? rn(40) : 0;
        x->in.domid = x->out.domid = one_in(4) ? dom_any() : DOMID_SELF;
        x->nr_exchanged = one_in(8) ? mut(n) : 0;
        break;
    }
    case XENMEM_maximum_ram_page:
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        *(domid_t *)buf = dom_any();
        break;
    case XENMEM_machphys_mfn_list:
    case XENMEM_machphys_compat_mfn_list:
    {
        struct xen_machphys_mfn_list *l = (void *)buf;

        l->max_extents = one_in(4) ? mut(8) : rn(32);
        set_xen_guest_handle(l->extent_start, (void *)ptr(buf + 256));
        break;
    }
    case XENMEM_memory_map:
    case XENMEM_machine_memory_map:
    {
        struct xen_memory_map *m = (void *)buf;

        m->nr_entries = one_in(4) ? mut(8) : rn(32);
        set_xen_guest_handle(m->buffer, (void *)ptr(buf + 256));
        break;
    }
    default:
        fill_random(buf, 64);
        break;
    }
    c->op = __HYPERVISOR_memory_op;
    c->a[0] = cmd;
    c->a[1] = ptr(buf);
}

static void gen_grant_table_op(struct fcall *c, uint8_t *buf)
{
    unsigned int cmd = rn(16), n = 1 + rn(3);

    /* Our scratch entries: grants to ourselves and dom0, odd flags. */
    if ( gnttab_ok && one_in(2) )
    {
        unsigned int ref = gref_any() - gref_base();
        domid_t domid = one_in(4) ? dom_any() : self_domid;
        unsigned long frame = mfn_mut();
        uint16_t flags = one_in(8) ? (uint16_t)rnd()
                         : GTF_permit_access | (rn(2) ? GTF_readonly : 0) |
                           (one_in(8) ? GTF_accept_transfer : 0);

        /* Our own special frames only read-only. */
        if ( flags & GTF_readonly && one_in(4) )
            frame = mfn_any();
        /* In the layout of the version in force, or nothing would map. */
        if ( ref < NGREF && gnt_version == 2 )
        {
            grant_entry_v2_t *e = (grant_entry_v2_t *)gnttab_table +
                                  GREF0 / 2 + ref;

            e->hdr.flags = 0;
            wmb();
            e->hdr.domid = domid;
            e->full_page.frame = frame;
            /* Transitive grants (naming another entry) and sub-pages. */
            if ( one_in(4) )
            {
                e->transitive.trans_domid = rn(2) ? self_domid : dom_any();
                e->transitive.gref = gref_any();
                flags = (flags & ~GTF_type_mask) | GTF_transitive;
            }
            else if ( one_in(4) )
            {
                e->sub_page.page_off = rn(PAGE_SIZE + 1);
                e->sub_page.length = rn(PAGE_SIZE + 1);
                e->sub_page.frame = frame;
                flags |= GTF_sub_page;
            }
            wmb();
            e->hdr.flags = flags;
        }
        else if ( ref < NGREF )
        {
            grant_entry_v1_t *e = &gnttab_table[GREF0 + ref];

            e->flags = 0;
            wmb();
            e->domid = domid;
            e->frame = frame;
            wmb();
            e->flags = flags;
        }
    }
    switch ( cmd )
    {
    case GNTTABOP_map_grant_ref:
    {
        struct gnttab_map_grant_ref *m = (void *)buf;

        for ( unsigned int i = 0; i < n; i++ )
        {
            m[i].ref = gref_any();
            m[i].dom = rn(4) ? DOMID_SELF : dom_any();
            m[i].flags = one_in(6) ? (uint32_t)rnd()
                         : GNTMAP_host_map | (rn(2) ? GNTMAP_readonly : 0) |
                           (one_in(8) ? GNTMAP_application_map : 0) |
                           (one_in(8) ? GNTMAP_device_map : 0);
            m[i].host_addr = scratch_va();
            if ( one_in(6) )
            {
                m[i].flags |= GNTMAP_contains_pte;
                /* A PTE of a scratch address or table, never ours. */
                m[i].host_addr = rn(2) ? scr_pte[scr_pick()]
                                       : ((uint64_t)mfn_mut() << PAGE_SHIFT) |
                                         (rn(PT_ENTRIES) * 8);
            }
            else if ( one_in(8) )
                m[i].host_addr = any_va();
        }
        break;
    }
    case GNTTABOP_unmap_grant_ref:
    case GNTTABOP_unmap_and_replace:
    {
        struct gnttab_unmap_grant_ref *u = (void *)buf;

        for ( unsigned int i = 0; i < n; i++ )
        {
            const struct fz_vcpu *v = me();
            unsigned int k = v->nr_maps ? rn(v->nr_maps) : 0;

            u[i].handle = v->nr_maps && rn(4) ? v->maps[k].handle
                                              : (uint32_t)mut(0);
            u[i].host_addr = v->nr_maps && rn(4) ? v->maps[k].host_addr
                                                 : any_va();
            u[i].dev_bus_addr = one_in(4) ? rnd() : 0;
            /* unmap_and_replace's new_addr: a scratch mapping to take. */
            if ( cmd == GNTTABOP_unmap_and_replace && rn(2) )
                u[i].dev_bus_addr = scratch_va();
        }
        break;
    }
    case GNTTABOP_setup_table:
    {
        struct gnttab_setup_table *s = (void *)buf;

        s->dom = rn(4) ? DOMID_SELF : dom_any();
        s->nr_frames = rn(4) ? 1 + rn(GNTTAB_MAX_FRAMES) : (uint32_t)mut(4);
        set_xen_guest_handle(s->frame_list, (void *)ptr(buf + 256));
        break;
    }
    case GNTTABOP_transfer:
    {
        struct gnttab_transfer *t = (void *)buf;

        t->mfn = mfn_mut();
        t->domid = dom_any();
        t->ref = gref_any();
        break;
    }
    case GNTTABOP_copy:
    {
        struct gnttab_copy *g = (void *)buf;

        for ( unsigned int i = 0; i < n; i++ )
        {
            fill_random(&g[i], sizeof(g[i]));
            g[i].source.u.ref = gref_any();
            g[i].dest.u.ref = gref_any();
            g[i].source.domid = rn(2) ? DOMID_SELF : dom_any();
            g[i].dest.domid = rn(2) ? DOMID_SELF : dom_any();
            if ( rn(2) )
                g[i].source.u.gmfn = mfn_any();
            if ( rn(2) )
                g[i].dest.u.gmfn = mfn_mut();
            g[i].source.offset = rn(3) ? rn(PAGE_SIZE) : mut(0);
            g[i].dest.offset = rn(3) ? rn(PAGE_SIZE) : mut(0);
            g[i].len = rn(3) ? rn(PAGE_SIZE + 1) : mut(PAGE_SIZE);
            g[i].flags = rn(4) ? rn(4) : (uint16_t)rnd();
        }
        break;
    }
    case GNTTABOP_query_size:
    case GNTTABOP_get_version:
    case GNTTABOP_get_status_frames:
        fill_random(buf, 64);
        *(domid_t *)buf = rn(4) ? DOMID_SELF : dom_any();
        if ( cmd == GNTTABOP_get_status_frames )
        {
            struct gnttab_get_status_frames *s = (void *)buf;

            /* Not at offset 0 in this one (nr_frames is). */
            s->dom = rn(4) ? DOMID_SELF : dom_any();
            s->nr_frames = rn(4);
            set_xen_guest_handle(s->frame_list, (void *)ptr(buf + 256));
        }
        break;
    case GNTTABOP_set_version:
        *(uint32_t *)buf = rn(4) ? 1 : (uint32_t)mut(2);
        break;
    case GNTTABOP_swap_grant_ref:
    {
        struct gnttab_swap_grant_ref *s = (void *)buf;

        s->ref_a = gref_any();
        s->ref_b = gref_any();
        break;
    }
    default:
        fill_random(buf, 128);
        break;
    }
    c->op = __HYPERVISOR_grant_table_op;
    c->a[0] = cmd;
    c->a[1] = ptr(buf);
    c->a[2] = one_in(16) ? mut(n) : n;
}

static void gen_event_channel_op(struct fcall *c, uint8_t *buf)
{
    unsigned int cmd = rn(16);

    fill_random(buf, 64);
    switch ( cmd )
    {
    case EVTCHNOP_alloc_unbound:
    {
        evtchn_alloc_unbound_t *a = (void *)buf;

        a->dom = rn(4) ? DOMID_SELF : dom_any();
        a->remote_dom = rn(2) ? DOMID_SELF : dom_any();
        break;
    }
    case EVTCHNOP_bind_interdomain:
    {
        evtchn_bind_interdomain_t *b = (void *)buf;

        b->remote_dom = rn(2) ? DOMID_SELF : dom_any();
        b->remote_port = port_any();
        break;
    }
    case EVTCHNOP_bind_virq:
    {
        evtchn_bind_virq_t *b = (void *)buf;

        b->virq = rn(4) ? rn(NR_VIRQS + 2) : (uint32_t)boundary();
        b->vcpu = vcpu_any();
        break;
    }
    case EVTCHNOP_bind_ipi:
        ((evtchn_bind_ipi_t *)buf)->vcpu = vcpu_any();
        break;
    case EVTCHNOP_close:
    case EVTCHNOP_unmask:
    case EVTCHNOP_send:
        *(evtchn_port_t *)buf = port_any();
        if ( cmd == EVTCHNOP_close && port_protected(*(evtchn_port_t *)buf) )
            *(evtchn_port_t *)buf = 4096 + rn(8);
        break;
    case EVTCHNOP_status:
    {
        evtchn_status_t *s = (void *)buf;

        s->dom = rn(2) ? DOMID_SELF : dom_any();
        s->port = port_any();
        break;
    }
    case EVTCHNOP_bind_vcpu:
    {
        evtchn_bind_vcpu_t *b = (void *)buf;

        b->port = port_any();
        b->vcpu = vcpu_any();
        break;
    }
    case EVTCHNOP_reset:
        /* Resetting ourselves would close the console: others only. */
        ((evtchn_reset_t *)buf)->dom = rn(2) ? 0 : 1 + rn(0x7ff0);
        break;
    case EVTCHNOP_init_control:
    {
        evtchn_init_control_t *i = (void *)buf;

        if ( !(ops_mask & (1UL << FZ_VCPUINFO)) )
        {
            cmd = EVTCHNOP_status;
            break;
        }

        i->control_gfn = mfn_any();
        i->offset = rn(2) ? rn(PAGE_SIZE / 64) * 64 : (uint32_t)mut(0);
        i->vcpu = vcpu_any();
        break;
    }
    case EVTCHNOP_expand_array:
        if ( !(ops_mask & (1UL << FZ_VCPUINFO)) )
            cmd = EVTCHNOP_status;
        ((evtchn_expand_array_t *)buf)->array_gfn = mfn_any();
        break;
    case EVTCHNOP_set_priority:
    {
        evtchn_set_priority_t *p = (void *)buf;

        p->port = port_any();
        p->priority = rn(4) ? rn(16) : (uint32_t)rnd();
        break;
    }
    }
    c->op = __HYPERVISOR_event_channel_op;
    c->a[0] = cmd;
    c->a[1] = ptr(buf);
}

/*
 * Set by a call that may move our vcpu_info: a batch ends with it, for
 * until learn() has locked the new page, a later entry could remap it or
 * give it back, and our event mask and clock would be read elsewhere
 * than the hypervisor writes them (upcalls for ever, polls for years).
 */
static void gen_vcpu_op(struct fcall *c, uint8_t *buf)
{
    struct fz_vcpu *v = me();
    unsigned int cmd = rn(16), vcpu = one_in(8) ? vcpu_any() : v->vcpu;
    /*
     * The other fuzzing vCPU: not for what would stop it or move its
     * state from where it reads it (down, its vcpu_info), nor an NMI,
     * whose callback it may have made garbage for a while.
     */
    bool other = vcpu < fz_nr_vcpus && vcpu != v->vcpu;

    fill_random(buf, 128);
    switch ( cmd )
    {
    case VCPUOP_down:
        /* Taking a fuzzing vCPU down would hang the run: others only. */
        if ( vcpu < fz_nr_vcpus )
            vcpu = fz_nr_vcpus + rn(4);
        break;
    case VCPUOP_send_nmi:
        if ( other )
            vcpu = v->vcpu;
        break;
    case VCPUOP_register_runstate_memory_area:
    case VCPUOP_register_vcpu_time_memory_area:
        *(uint64_t *)buf = rn(4) ? scratch_va() + 8 * rn(500) : any_va();
        /* Ours, in the sink: written at every switch from now on. */
        if ( one_in(3) )
            *(uint64_t *)buf = (unsigned long)buf + SLOT_SIZE + 64;
        place_area((uint64_t *)buf, (unsigned long)buf + SLOT_SIZE + 64, vcpu,
                   cmd == VCPUOP_register_runstate_memory_area,
                   cmd == VCPUOP_register_runstate_memory_area
                       ? sizeof(struct vcpu_runstate_info)
                       : sizeof(struct vcpu_time_info));
        break;
    case VCPUOP_register_vcpu_info:
    {
        struct vcpu_register_vcpu_info *i = (void *)buf;

        if ( !(ops_mask & (1UL << FZ_VCPUINFO)) )
        {
            cmd = VCPUOP_get_runstate_info;
            break;
        }

        i->mfn = mfn_mut();
        i->offset = rn(2) ? rn(PAGE_SIZE / 64) * 64 : (uint32_t)mut(0);
        /*
         * Ours moving: events stay masked (the mask moves along) until
         * learn() has pointed vcpu0_info at the new place.  An upcall
         * before that clears the old place's pending flag while the
         * new one stays set, and the hypervisor delivers it for ever.
         */
        if ( other )
            vcpu = v->vcpu;
        /*
         * Ours moves only where learn() can follow it (a scratch page)
         * or where the hypervisor must refuse it (a page table of
         * ours, no frame at all).  Any other frame may be one a
         * reservation or exchange gave us (seeds 5046+5047 at 32 bits:
         * mfn 0x100, the domain's by then): the move is then accepted,
         * we keep reading the old place, and each upcall leaves the new
         * one pending for ever.
         */
        if ( vcpu == v->vcpu && scr_index(i->mfn) == NSCR_ALL )
            i->mfn = rn(4) ? scr_mfn[scr_pick()]
                     : rn(2) ? pt_mfns[rn(nr_pt_mfns)]
                             : max_mfn + rn(4);
        /* Not into a page an area is written to (place_area()). */
        if ( vcpu == v->vcpu && area_frame(i->mfn) )
        {
            cmd = VCPUOP_get_runstate_info;
            break;
        }
        if ( vcpu == v->vcpu )
        {
            v->dirty |= MASKED;
            v->vcpu_info_moving = true;
        }
        break;
    }
    case VCPUOP_set_periodic_timer:
        /* Never a storm: at least 100 us apart. */
        *(uint64_t *)buf = 100000 + rn(10000000);
        break;
    case VCPUOP_set_singleshot_timer:
    {
        struct vcpu_set_singleshot_timer *t = (void *)buf;

        t->timeout_abs_ns = rn(2) ? fz_now() + rn(1000000) : mut(fz_now());
        t->flags = rn(4) ? 0 : (uint32_t)mut(VCPU_SSHOTTMR_future);
        break;
    }
    }
    c->op = __HYPERVISOR_vcpu_op;
    c->a[0] = cmd;
    c->a[1] = vcpu;
    c->a[2] = ptr(buf);
}

static void gen_set_timer_op(struct fcall *c, uint8_t *buf)
{
    (void)buf;
    set1(c, __HYPERVISOR_set_timer_op,
         rn(2) ? fz_now() + rn(2000000) : mut(0));
}

static bool events_moved;   /* FIFO or vcpu_info elsewhere */

static bool timer_event_sane(void)
{
    evtchn_status_t st = { .dom = DOMID_SELF, .port = timer_port };

    return !events_moved && timer_port > 0 &&
           !HYPERVISOR_event_channel_op(EVTCHNOP_status, &st) &&
           st.status == EVTCHNSTAT_virq && st.vcpu == 0 &&
           !test_bit(timer_port, shared_info->evtchn_mask);
}

static void gen_sched_op(struct fcall *c, uint8_t *buf)
{
    static const unsigned int cmds[] = {
        SCHEDOP_yield, SCHEDOP_poll, SCHEDOP_block, SCHEDOP_remote_shutdown,
        SCHEDOP_shutdown_code, SCHEDOP_watchdog, SCHEDOP_pin_override, 99,
    };
    unsigned int cmd = cmds[rn(ARRAY_SIZE(cmds))];

    /*
     * In a batch, a later entry could cancel the timer block waits for;
     * and the timer's event must still reach us the 2-level way.
     */
    if ( cmd == SCHEDOP_block &&
         (buf != me()->slots[0] || me()->vcpu || !timer_event_sane()) )
        cmd = SCHEDOP_yield;
    fill_random(buf, 64);
    switch ( cmd )
    {
    case SCHEDOP_block:
        /*
         * Blocking waits for an event: make sure the timer sends one,
         * and keep events masked until the call, so that one arriving
         * before it stays pending for block to see.
         */
        HYPERVISOR_set_timer_op(fz_now() + 1 + rn(20000));
        me()->dirty |= MASKED;
        break;
    case SCHEDOP_poll:
    {
        sched_poll_t *p = (void *)buf;
        evtchn_port_t *list = (evtchn_port_t *)(buf + 256);

        for ( unsigned int i = 0; i < 4; i++ )
            list[i] = port_any();
        set_xen_guest_handle(p->ports, list);
        if ( one_in(8) )
            set_xen_guest_handle(p->ports, (void *)ptr(buf + 256));
        p->nr_ports = rn(4) ? 1 + rn(4) : (unsigned int)mut(4);
        /* Always a deadline (0 would wait for ever), a short one. */
        p->timeout = fz_now() + 1 + rn(20000);
        break;
    }
    case SCHEDOP_remote_shutdown:
    {
        sched_remote_shutdown_t *r = (void *)buf;

        r->domain_id = rn(2) ? 0 : one_in(2) ? DOMID_IO : 1 + rn(16);
        r->reason = rn(5);
        break;
    }
    case SCHEDOP_watchdog:
    {
        sched_watchdog_t *w = (void *)buf;

        /* Long enough never to fire during a run. */
        w->id = rn(4);
        w->timeout = w->id && rn(2) ? 0 : 3600 + rn(100);
        break;
    }
    }
    c->op = __HYPERVISOR_sched_op;
    c->a[0] = cmd;
    /*
     * A watchdog read from garbage could fire, a poll read from garbage
     * could have no deadline and wait for ever: only the ones built here.
     */
    c->a[1] = cmd == SCHEDOP_watchdog || cmd == SCHEDOP_poll
              ? (unsigned long)buf : ptr(buf);
    if ( one_in(8) )
    {
        /* The old interface: yield only (1 blocks, 2 shuts down). */
        c->op = __HYPERVISOR_sched_op_compat;
        c->a[0] = SCHEDOP_yield;
        c->a[1] = rnd();
    }
}

/*
 * A handler of ours for vector v: the one our table names, else the
 * spurious-trap one.  Not an arbitrary kernel function (trap_init was
 * one): an exception that reached it before restore() returned into
 * whatever the bounce frame held, and ran on from there.
 */
static unsigned long our_handler(unsigned int v)
{
    const trap_info_t *t;

    for ( t = trap_table; t->address; t++ )
        if ( t->vector == v )
            return t->address;
    for ( t = trap_table; t->vector != 15; t++ )
        ;
    return t->address;
}

static void gen_set_trap_table(struct fcall *c, uint8_t *buf)
{
    trap_info_t *t = (void *)buf;
    unsigned int n = rn(8);

    for ( unsigned int i = 0; i < n; i++ )
    {
        t[i].vector = rn(256);
        t[i].flags = rn(8);
        t[i].cs = rn(4) ? FLAT_KERNEL_CS : (uint16_t)rnd();
        t[i].address = rn(2) ? our_handler(t[i].vector) : any_va();
    }
    memset(&t[n], 0, sizeof(t[n]));
    set1(c, __HYPERVISOR_set_trap_table, one_in(8) ? 0 : ptr(buf));
    me()->dirty |= 1UL << FZ_CPU | R_TRAPS;
}

/*
 * An event or failsafe callback: ours, or an address the hypervisor must
 * refuse (never canonical guest space).  Between the call that sets one
 * and the restore that puts ours back, the hypervisor may enter it: an
 * upcall when a preempted multicall returns to us part-way through the
 * batch (seen at seed 5006: rax still the multicall's number, the event
 * callback an earlier entry had set to ~1), a failsafe callback when the
 * same return cannot load a segment; a garbage one that it accepts would
 * crash us for nothing found.
 */
static unsigned long entered_cb(unsigned long ours)
{
    static const unsigned long refused[] = {
#ifdef __x86_64__
        0x0000800000000000UL, 0x7fffffffffffffffUL, 0xffff800000000000UL,
        0xffff82d080000000UL,
#else
        /* The hypervisor's hole (HYPERVISOR_VIRT_START up). */
        HYPERVISOR_VIRT_START, 0xfffff000UL,
#endif
    };

    return rn(2) ? ours : refused[rn(ARRAY_SIZE(refused))];
}

static void gen_callbacks(struct fcall *c, uint8_t *buf)
{
    callback_register_t *r = (void *)buf;
    unsigned int k = rn(4);

    me()->dirty |= 1UL << FZ_CPU | R_CBS;
    if ( k == 0 )
    {
        c->op = __HYPERVISOR_set_callbacks;
#ifdef __x86_64__
        c->a[0] = entered_cb((unsigned long)hypervisor_callback);
        c->a[1] = entered_cb((unsigned long)failsafe_callback);
        c->a[2] = rn(2) ? 0 : any_va();
#else
        /*
         * (event cs, eip, failsafe cs, eip) at 32 bits: the 64-bit order
         * made our failsafe code the event callback (a self-crash).
         */
        c->a[0] = rn(4) ? FLAT_KERNEL_CS : (uint16_t)rnd();
        c->a[1] = entered_cb((unsigned long)hypervisor_callback);
        c->a[2] = rn(4) ? FLAT_KERNEL_CS : (uint16_t)rnd();
        c->a[3] = entered_cb((unsigned long)failsafe_callback);
#endif
        return;
    }
    if ( k == 1 )
    {
        /* NMI callbacks: registered, then put back to none. */
        set2(c, __HYPERVISOR_nmi_op, rn(3),
             rn(2) ? (unsigned long)hypervisor_callback : any_va());
        return;
    }
    r->type = rn(8);
    r->flags = rn(4) ? rn(2) : (uint16_t)rnd();
    r->address = (xen_callback_t)CALLBACK_ADDR(
        r->type == CALLBACKTYPE_event
            ? entered_cb((unsigned long)hypervisor_callback)
        : r->type == CALLBACKTYPE_failsafe
            ? entered_cb((unsigned long)failsafe_callback)
        : rn(2) ? (unsigned long)hypervisor_callback
                : any_va());
    set2(c, __HYPERVISOR_callback_op, rn(4), ptr(buf));
}

/*
 * QEMU refuses (on its console) a breakpoint that wraps around the top of
 * the address space: keep debug-register values out of the last page.
 */
static uint64_t no_top_page(uint64_t v)
{
    return v >= 0xfffffffffffff000UL ? v & ~0x1000UL : v;
}

static void gen_cpu_state(struct fcall *c, uint8_t *buf)
{
    me()->dirty |= 1UL << FZ_CPU;
    switch ( rn(6) )
    {
    case 0:     /* the kernel stack of a user mode we never enter */
        set2(c, __HYPERVISOR_stack_switch, rn(2) ? FLAT_KERNEL_SS : mut(0),
             rn(2) ? (unsigned long)buf + SLOT_SIZE : any_va());
        break;
    case 1:
        set1(c, __HYPERVISOR_fpu_taskswitch, rn(3));
        me()->dirty |= R_FPU;
        break;
    case 2:
        me()->dirty |= R_DR;
        set2(c, __HYPERVISOR_set_debugreg, rn(10),
             no_top_page(rn(2) ? any_va() : mut(rn(2) ? 0x400 : 0xffff0ff0)));
        break;
    case 3:
        set1(c, __HYPERVISOR_get_debugreg, rn(4) ? rn(8) : mut(0));
        break;
    case 4:
        me()->dirty |= R_SEG;
        set2(c, __HYPERVISOR_set_segment_base, rn(6),
             rn(2) ? any_va() : mut(0));
        break;
    default:
        set2(c, __HYPERVISOR_vm_assist, rn(3), rn(4) ? rn(8) : mut(32));
        break;
    }
}

static void gen_desc(struct fcall *c, uint8_t *buf)
{
    static const uint64_t descs[] = {
        0x00af9b000000ffffUL,   /* 64-bit code, DPL 0 */
        0x00affb000000ffffUL,   /* 64-bit code, DPL 3 */
        0x00cff3000000ffffUL,   /* data, DPL 3 */
        0x00cf93000000ffffUL,   /* data, DPL 0 */
        0x0000ec0000080000UL,   /* call gate, DPL 3 */
        0x0000890000000067UL,   /* TSS */
        0x0000820000000fffUL,   /* LDT */
        0,
    };
    unsigned long *frames = (void *)buf;

    me()->dirty |= 1UL << FZ_DESC;
    if ( rn(2) )
    {
        uint64_t d = descs[rn(ARRAY_SIZE(descs))];

        if ( one_in(4) )
            d ^= 1ULL << rn(64);
        c->op = __HYPERVISOR_update_descriptor;
        arg64(c,
              arg64(c, 0,
                    ((uint64_t)(rn(4) ? mfn_mut() : pt_mfns[rn(nr_pt_mfns)])
                     << PAGE_SHIFT) +
                        (rn(4) ? rn(PAGE_SIZE / 8) * 8 : rn(PAGE_SIZE))),
              d);
        return;
    }
    for ( unsigned int i = 0; i < 16; i++ )
        frames[i] = rn(4) ? scr_mfn[scr_pick()] : mfn_any();
    set2(c, __HYPERVISOR_set_gdt, ptr(buf),
         rn(4) ? rn(14 * 512) : mut(14 * 512));
}

/*
 * The toolstack ops xl create asks first, with the arguments dom0 would
 * give them: buffers in our slot, counts that fit.  Were one of them to
 * skip the privilege check it would then succeed, which the oracle
 * catches; random handles would only fault.
 */
static void toolstack_sysctl(struct xen_sysctl *s, uint8_t *buf)
{
    static const uint32_t cmds[] = {
        XEN_SYSCTL_cpupool_op, XEN_SYSCTL_numainfo, XEN_SYSCTL_cputopoinfo,
        XEN_SYSCTL_get_cpu_policy, XEN_SYSCTL_get_cpu_featureset,
    };
    unsigned long out = ptr(buf + 512);

    s->cmd = cmds[rn(ARRAY_SIZE(cmds))];
    memset(&s->u, 0, sizeof(s->u));
    switch ( s->cmd )
    {
    case XEN_SYSCTL_cpupool_op:
        s->u.cpupool_op.op = rn(9);
        s->u.cpupool_op.cpupool_id = rn(4) ? 0 : mut(0);
        s->u.cpupool_op.domid = dom_any();
        s->u.cpupool_op.cpu = rn(4);
        set_xen_guest_handle(s->u.cpupool_op.cpumap.bitmap, (void *)out);
        s->u.cpupool_op.cpumap.nr_bits = rn(128);
        break;
    case XEN_SYSCTL_numainfo:
        s->u.numainfo.num_nodes = rn(4);
        set_xen_guest_handle(s->u.numainfo.meminfo, (void *)out);
        break;
    case XEN_SYSCTL_cputopoinfo:
        s->u.cputopoinfo.num_cpus = rn(16);
        set_xen_guest_handle(s->u.cputopoinfo.cputopo, (void *)out);
        break;
    case XEN_SYSCTL_get_cpu_policy:
        s->u.cpu_policy.index = rn(7);
        s->u.cpu_policy.nr_leaves = rn(16);
        if ( rn(2) )
            set_xen_guest_handle(s->u.cpu_policy.leaves, (void *)out);
        break;
    default:
        s->u.cpu_featureset.index = rn(7);
        s->u.cpu_featureset.nr_features = rn(32);
        if ( rn(2) )
            set_xen_guest_handle(s->u.cpu_featureset.features, (void *)out);
        break;
    }
}

static void toolstack_domctl(struct xen_domctl *d, uint8_t *buf)
{
    static const uint32_t cmds[] = {
        XEN_DOMCTL_gettscinfo, XEN_DOMCTL_settscinfo,
        XEN_DOMCTL_getnodeaffinity, XEN_DOMCTL_setnodeaffinity,
        XEN_DOMCTL_get_cpu_policy, XEN_DOMCTL_set_cpu_policy,
    };
    unsigned long io = ptr(buf + 512);

    d->cmd = cmds[rn(ARRAY_SIZE(cmds))];
    memset(&d->u, 0, sizeof(d->u));
    switch ( d->cmd )
    {
    case XEN_DOMCTL_gettscinfo:
    case XEN_DOMCTL_settscinfo:
        d->u.tsc_info.tsc_mode = rn(4);
        d->u.tsc_info.gtsc_khz = rn(2) ? 0 : mut(1000000);
        break;
    case XEN_DOMCTL_getnodeaffinity:
    case XEN_DOMCTL_setnodeaffinity:
        set_xen_guest_handle(d->u.nodeaffinity.nodemap.bitmap, (void *)io);
        d->u.nodeaffinity.nodemap.nr_bits = rn(128);
        break;
    default:
        d->u.cpu_policy.nr_leaves = rn(16);
        d->u.cpu_policy.nr_msrs = rn(3);
        set_xen_guest_handle(d->u.cpu_policy.leaves, (void *)io);
        set_xen_guest_handle(d->u.cpu_policy.msrs, (void *)(io + 384));
        break;
    }
}

static void gen_misc(struct fcall *c, uint8_t *buf)
{
    fill_random(buf, 256);
    switch ( rn(8) )
    {
    case 0:
    case 1:
        set2(c, __HYPERVISOR_xen_version, rn(4) ? rn(14) : mut(0),
             one_in(4) ? 0 : ptr(buf));
        break;
    case 2:
        /* Only writes nothing reaches the console from: no spam. */
        c->op = __HYPERVISOR_console_io;
        c->a[0] = rn(4) ? CONSOLEIO_write : mut(1);
        c->a[1] = rn(2) ? 0 : mut(16);
        c->a[2] = c->a[1] ? 0x8000000000000000UL + 8UL * rn(1 << 20)
                          : ptr(buf);     /* non-canonical: -EFAULT */
        break;
    case 3:
        set2(c, __HYPERVISOR_physdev_op, rn(4) ? rn(32) : mut(6), ptr(buf));
        if ( c->a[0] == PHYSDEVOP_set_iopl )
            *(uint32_t *)buf = rn(4);
        /* A bitmap in the slot, for the port I/O the priv category tries. */
        if ( c->a[0] == PHYSDEVOP_set_iobitmap &&
             c->a[1] == (unsigned long)buf && rn(2) )
        {
            physdev_set_iobitmap_t *b = (void *)buf;

            set_xen_guest_handle(b->bitmap, buf + 16);
            b->nr_ports = rn(2) ? rn(0x400) : rn(65537);
        }
        break;
    case 4:
    {
        struct xen_sysctl *s = (void *)buf;

        s->cmd = rn(32);
        if ( one_in(4) )
            toolstack_sysctl(s, buf);
        s->interface_version = rn(4) ? XEN_SYSCTL_INTERFACE_VERSION
                                     : (uint32_t)rnd();
        set1(c, __HYPERVISOR_sysctl, ptr(buf));
        break;
    }
    case 5:
    {
        struct xen_domctl *d = (void *)buf;

        d->cmd = rn(90);
        if ( one_in(4) )
            toolstack_domctl(d, buf);
        d->interface_version = rn(4) ? XEN_DOMCTL_INTERFACE_VERSION
                                     : (uint32_t)rnd();
        d->domain = dom_any();
        set1(c, __HYPERVISOR_domctl, ptr(buf));
        break;
    }
    case 6:
    {
        struct xen_platform_op *p = (void *)buf;

        p->cmd = rn(64);
        p->interface_version = rn(4) ? XENPF_INTERFACE_VERSION
                                     : (uint32_t)rnd();
        set1(c, __HYPERVISOR_platform_op, ptr(buf));
        break;
    }
    default:
        /* Numbers with no handler: -ENOSYS, nothing else. */
        c->op = 42 + rn(22);
        for ( unsigned int i = 0; i < 5; i++ )
            c->a[i] = rnd();
        break;
    }
}

/* ---- page-table lifecycles ------------------------------------------- */

/*
 * Runs a short scenario directly: make a scratch page read-only, pin it
 * as a table of some level, hook scratch tables into it, map, unmap,
 * unpin, give it back to the hypervisor and take a new one.  Each step
 * may fail; the point is the sequences.
 */
static long hc(const struct fcall *c);

/* Slot i's frame was given back and mfn populated in its place. */
static void set_scratch(unsigned int i, unsigned long mfn)
{
    scr_mfn[i] = mfn;
    phys_to_machine[virt_to_pfn(scr_va[i])] = mfn;
}

static void gen_ptlife(struct fcall *c, uint8_t *buf)
{
    unsigned int i = scr_pick(), j = scr_pick(), lvl = 1 + rn(4), nops = 1;
    struct mmuext_op *op = (void *)buf;
    mmu_update_t *u = (void *)(buf + 256);

    switch ( rn(6) )
    {
    case 0:     /* read-only (or writable again) at its own address */
        c->op = __HYPERVISOR_update_va_mapping;
        c->a[0] = scr_va[i];
        c->a[arg64(c, 1,
                   ((uint64_t)scr_mfn[i] << PAGE_SHIFT) |
                       (rn(3) ? PTE_KERNEL_RO : PTE_KERNEL_RW))] =
            UVMF_INVLPG | UVMF_LOCAL;
        return;
    case 1:     /* pin as a table */
    case 2:
        op->cmd = rn(3) ? MMUEXT_PIN_L1_TABLE + lvl - 1 : MMUEXT_UNPIN_TABLE;
        op->arg1.mfn = scr_mfn[i];
        /* A second behind it: a teardown left stopped goes first. */
        if ( one_in(4) )
        {
            op[1].cmd = rn(2) ? MMUEXT_UNPIN_TABLE
                              : MMUEXT_PIN_L1_TABLE + rn(4);
            op[1].arg1.mfn = scr_mfn[j];
            nops = 2;
        }
        break;
    case 3:     /* hook scratch table j into scratch table i */
        u->ptr = ((uint64_t)scr_mfn[i] << PAGE_SHIFT) | (rn(PT_ENTRIES) * 8);
        /* Read-only at a table of its level (or itself): a linear one. */
        u->val = ((uint64_t)(rn(8) ? scr_mfn[j] : pt_mfns[rn(nr_pt_mfns)])
                  << PAGE_SHIFT) |
                 (rn(4) ? (rn(3) ? PTE_KERNEL_RW : PTE_KERNEL_RO)
                        : pte_flags());
        set2(c, __HYPERVISOR_mmu_update, (unsigned long)u, 1);
        c->a[2] = 0;
        c->a[3] = DOMID_SELF;
        return;
    case 4:     /* give a scratch frame back, then populate a new one */
    {
        struct xen_memory_reservation *r = (void *)(buf + 512);
        xen_pfn_t *list = (xen_pfn_t *)(buf + 768);
        struct fcall f = { __HYPERVISOR_memory_op,
                           { XENMEM_decrease_reservation,
                             (unsigned long)r } };

        list[0] = scr_mfn[i];
        set_xen_guest_handle(r->extent_start, list);
        r->nr_extents = 1;
        r->extent_order = 0;
        r->mem_flags = 0;
        r->domid = DOMID_SELF;
        if ( rn(2) )
        {
            /* Or swap it in one exchange, unmapped (as it must be) first. */
            struct xen_memory_exchange *x = (void *)r;
            struct fcall unmap = { __HYPERVISOR_update_va_mapping,
                                   { scr_va[i] } };

            unmap.a[arg64(&unmap, 1, 0)] = UVMF_INVLPG | UVMF_LOCAL;
            memset(x, 0, sizeof(*x));
            set_xen_guest_handle(x->in.extent_start, list);
            set_xen_guest_handle(x->out.extent_start, list + 1);
            x->in.nr_extents = x->out.nr_extents = 1;
            x->in.domid = x->out.domid = DOMID_SELF;
            x->out.mem_flags = rn(2) ? XENMEMF_address_bits(20 + rn(16)) : 0;
            list[1] = virt_to_pfn(scr_va[i]);
            f.a[0] = XENMEM_exchange;
            hc(&unmap);
            if ( hc(&f) == 0 )
                set_scratch(i, list[1]);
        }
        else if ( hc(&f) == 1 )
        {
            list[0] = virt_to_pfn(scr_va[i]);
            f.a[0] = XENMEM_populate_physmap;
            if ( hc(&f) == 1 )
                set_scratch(i, list[0]);
        }
        /* The hypervisor's answer to a remap of the slot's address. */
        c->op = __HYPERVISOR_update_va_mapping;
        c->a[0] = scr_va[i];
        c->a[arg64(c, 1, ((uint64_t)scr_mfn[i] << PAGE_SHIFT) |
                             PTE_KERNEL_RW)] = UVMF_INVLPG | UVMF_LOCAL;
        return;
    }
    default:    /* map a scratch frame at another scratch address */
        c->op = __HYPERVISOR_update_va_mapping;
        c->a[0] = scr_va[j];
        c->a[arg64(c, 1, ((uint64_t)scr_mfn[i] << PAGE_SHIFT) |
                             pte_flags())] = uvmf_flags(buf);
        return;
    }
    c->op = __HYPERVISOR_mmuext_op;
    c->a[0] = (unsigned long)op;
    c->a[1] = nops;
    c->a[2] = 0;
    c->a[3] = DOMID_SELF;
}

static unsigned long trace_from = ~0UL;
static void trace(const struct fcall *c, unsigned int slot);

/*
 * The call or batch each stream is making, where dom0 reads it once we
 * crashed (FUZZ-LAST): n entries, 0 for an instruction, ~0 before either.
 */
#define RESTORE_MAX 13     /* what restore_entries() may add */
static struct {
    unsigned long idx;
    unsigned int n;
    multicall_entry_t mc[NSLOT - 1 + RESTORE_MAX];
} last[FZ_VCPUS];

/*
 * The instruction runner and vCPU 1's event callback are 64-bit assembly:
 * a 32-bit fuzzer (docs/misc/fuzzing.md) has neither FZ_PRIV nor vcpus=2.
 */
#ifdef __x86_64__
/* ---- privileged instructions ------------------------------------------ */

/*
 * One instruction, built in the stream's copy of fuzz_insn (in the RWX
 * image, a page each: a store into code makes QEMU drop what it
 * translated from that page) and followed by ret; a fault on it goes
 * through the ex_table to the ret below with 1 + vector in rax.
 * Registers are loaded from regs (rdi) first, so the memory operands
 * (never rsp-based) point at a slot or at the entry a store is for.
 * fuzz_insn_end is a page per stream whose last 32 bytes take an
 * instruction that ends at the page's end (or runs past it), followed by
 * a fence page that fuzz_setup() unmaps: the hypervisor then fetches only
 * what there is up to the end of the page.
 */
long fuzz_run_insn(const uint64_t *regs, const uint8_t *insn);
asm (
    "    .pushsection .data\n"
    "    .p2align 12\n"
    "fuzz_insn:\n"
    "    .rept " FZ_XSTR(FZ_VCPUS) "\n"
    "    .skip 32, 0xc3\n"
    "    .p2align 12, 0xcc\n"
    "    .endr\n"
    "fuzz_insn_end:\n"
    "    .rept " FZ_XSTR(FZ_VCPUS) "\n"
    "    .skip 4096 - 32, 0xcc\n"
    "    .skip 32, 0xc3\n"
    "    .skip 4096, 0xcc\n"
    "    .endr\n"
    "fuzz_insn_fixup:\n"
    "    ret\n"
    "    .popsection\n"
    /*
     * A trap (int n, a data breakpoint) comes back with rip after the
     * instruction: every offset is fixed up, not just the first.
     */
    "    .pushsection .ex_table, \"a\"\n"
    "    .set fuzz_off, 0\n"
    "    .rept " FZ_XSTR(FZ_VCPUS) "\n"
    "    .rept 32\n"
    "    .quad fuzz_insn + fuzz_off, fuzz_insn_fixup\n"
    "    .set fuzz_off, fuzz_off + 1\n"
    "    .endr\n"
    "    .set fuzz_off, fuzz_off + 4096 - 32\n"
    "    .endr\n"
    "    .set fuzz_off, 4096 - 32\n"
    "    .rept " FZ_XSTR(FZ_VCPUS) "\n"
    "    .rept 33\n"
    "    .quad fuzz_insn_end + fuzz_off, fuzz_insn_fixup\n"
    "    .set fuzz_off, fuzz_off + 1\n"
    "    .endr\n"
    "    .set fuzz_off, fuzz_off + 2 * 4096 - 33\n"
    "    .endr\n"
    "    .popsection\n"
    "    .text\n"
    "    .globl fuzz_run_insn\n"
    "fuzz_run_insn:\n"
    "    push %rbx\n    push %rbp\n    push %r12\n"
    "    push %r13\n    push %r14\n    push %r15\n"
    "    mov %ds, %eax\n    push %rax\n    mov %es, %eax\n    push %rax\n"
    "    push %rsi\n"
    "    mov %rdi, %r15\n"
    "    mov 0(%r15), %rax\n    mov 8(%r15), %rcx\n"
    "    mov 16(%r15), %rdx\n    mov 24(%r15), %rbx\n"
    "    mov 40(%r15), %rbp\n    mov 48(%r15), %rsi\n"
    "    mov 56(%r15), %rdi\n    mov 64(%r15), %r8\n"
    "    mov 72(%r15), %r9\n    mov 80(%r15), %r10\n"
    "    mov 88(%r15), %r11\n    mov 96(%r15), %r12\n"
    "    mov 104(%r15), %r13\n    mov 112(%r15), %r14\n"
    "    mov 120(%r15), %r15\n"
    "    call *(%rsp)\n"
    "    pop %rdx\n"
    "    pop %rdx\n    mov %edx, %es\n    pop %rdx\n    mov %edx, %ds\n"
    "    xor %edx, %edx\n    mov %edx, %fs\n    mov %edx, %gs\n"
    "    pop %r15\n    pop %r14\n    pop %r13\n"
    "    pop %r12\n    pop %rbp\n    pop %rbx\n"
    "    cld\n"
    "    ret\n"
);
extern uint8_t fuzz_insn[FZ_VCPUS][PAGE_SIZE];
extern uint8_t fuzz_insn_end[FZ_VCPUS][2][PAGE_SIZE];

/*
 * vCPU 1's event callback.  Its events stay masked, but our own calls can
 * unmask them: a grant copy or store into the page its vcpu_info moved
 * to, through a grant entry written before.  The kernel's callback would
 * then handle vCPU 0's events and return to a new upcall for ever: this
 * one returns with events masked (IF clear in the frame, for the iret
 * hypercall), the event left pending.
 */
void fz_vcpu1_event(void);
asm (
    "    .text\n"
    "fz_vcpu1_event:\n"
    "    andq $~0x200, 32(%rsp)\n"     /* rflags, after rcx r11 rip cs */
    "    pop %rcx\n"
    "    pop %r11\n"
    "    push $0\n"                    /* flags */
#ifdef CONFIG_HYPERCALL_PAGE
    "    jmp hypercall_page + " FZ_XSTR(__HYPERVISOR_iret) " * 32\n"
#else
    "    push %rcx\n    push %r11\n    push %rax\n"
    "    mov $" FZ_XSTR(__HYPERVISOR_iret) ", %eax\n"
    "    syscall\n"
#endif
);

struct insn_tmpl {
    uint8_t len, bytes[7];
    uint8_t modrm;      /* 0 none, 1 any register/memory, 2 register only */
    uint8_t imm;        /* immediate bytes */
    uint8_t reg_lo, reg_hi;    /* range of the modrm reg field */
};

static const struct insn_tmpl insns[] = {
    { 2, { 0x0f, 0x20 }, 2, 0, 0, 7 },      /* mov crN, reg */
    { 2, { 0x0f, 0x22 }, 2, 0, 0, 7 },      /* mov reg, crN */
    { 2, { 0x0f, 0x21 }, 2, 0, 0, 7 },      /* mov drN, reg */
    { 2, { 0x0f, 0x23 }, 2, 0, 0, 7 },      /* mov reg, drN */
    { 2, { 0x0f, 0x30 }, 0, 0, 0, 0 },      /* wrmsr */
    { 2, { 0x0f, 0x32 }, 0, 0, 0, 0 },      /* rdmsr */
    { 2, { 0x0f, 0x31 }, 0, 0, 0, 0 },      /* rdtsc */
    { 3, { 0x0f, 0x01, 0xf9 }, 0, 0, 0, 0 },/* rdtscp */
    { 2, { 0x0f, 0x33 }, 0, 0, 0, 0 },      /* rdpmc */
    { 2, { 0x0f, 0xa2 }, 0, 0, 0, 0 },      /* cpuid */
    { 2, { 0x0f, 0x06 }, 0, 0, 0, 0 },      /* clts */
    { 2, { 0x0f, 0x08 }, 0, 0, 0, 0 },      /* invd */
    { 2, { 0x0f, 0x09 }, 0, 0, 0, 0 },      /* wbinvd */
    { 3, { 0x0f, 0x01, 0xd1 }, 0, 0, 0, 0 },/* xsetbv */
    { 3, { 0x0f, 0x01, 0xd0 }, 0, 0, 0, 0 },/* xgetbv */
    { 3, { 0x0f, 0x01, 0xf8 }, 0, 0, 0, 0 },/* swapgs */
    { 2, { 0x0f, 0x01 }, 1, 0, 0, 7 },      /* sgdt ... invlpg */
    { 2, { 0x0f, 0x00 }, 1, 0, 0, 5 },      /* sldt ... verw */
    { 1, { 0x8e }, 1, 0, 0, 0 },            /* mov es */
    { 1, { 0x8e }, 1, 0, 3, 5 },            /* mov ds, fs, gs */
    { 1, { 0xe4 }, 0, 1, 0, 0 },            /* in al, imm8 */
    { 1, { 0xe5 }, 0, 1, 0, 0 },
    { 1, { 0xe6 }, 0, 1, 0, 0 },            /* out imm8, al */
    { 1, { 0xe7 }, 0, 1, 0, 0 },
    { 1, { 0xec }, 0, 0, 0, 0 },            /* in al, dx */
    { 1, { 0xed }, 0, 0, 0, 0 },
    { 1, { 0xee }, 0, 0, 0, 0 },            /* out dx, al */
    { 1, { 0xef }, 0, 0, 0, 0 },
    { 1, { 0x6c }, 0, 0, 0, 0 },            /* ins */
    { 1, { 0x6d }, 0, 0, 0, 0 },
    { 1, { 0x6e }, 0, 0, 0, 0 },            /* outs */
    { 1, { 0x6f }, 0, 0, 0, 0 },
    { 1, { 0xfa }, 0, 0, 0, 0 },            /* cli */
    { 1, { 0xfb }, 0, 0, 0, 0 },            /* sti */
    { 1, { 0xcd }, 0, 1, 0, 0 },            /* int imm8 */
    { 2, { 0x0f, 0x34 }, 0, 0, 0, 0 },      /* sysenter */
    { 2, { 0x0f, 0x0b }, 0, 0, 0, 0 },      /* ud2 */
    { 2, { 0x0f, 0xae }, 1, 0, 0, 1 },      /* fxsave, fxrstor */
    /* The forced-emulation prefix: ud2; "xen"; cpuid (the PV CPUID). */
    { 7, { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2 }, 0, 0, 0, 0 },
};

/* What the hypervisor emulates, for rdmsr and wrmsr to find. */
static const uint32_t msrs[] = {
    0x10, 0x1b, 0x8b, 0xe7, 0xe8, 0x179, 0x17a, 0x1a0, 0x277, 0xc0000080,
    0xc0000100, 0xc0000101, 0xc0000102, 0xc0010015, 0xc0011029,
};

/* CPUID leaves with something to filter, Xen's own leaves among them. */
static const uint32_t leaves[] = {
    0, 1, 7, 0xd, 0x80000000, 0x80000001, 0x40000000, 0x40000001,
    0x40000002, 0x40000003,
};

/* Our CR0 as the hypervisor shows it: a write may then flip only TS. */
static uint64_t guest_cr0;
#define CR0_TS (1UL << 3)

static const uint8_t prefixes[] = {
    0x66, 0x67, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65, 0xf0,
};

static void run_priv(uint8_t *buf)
{
    struct fz_vcpu *v = me();
    uint8_t *fuzz_insn = v->insn;
    uint64_t *fuzz_regs = v->regs;
    const struct insn_tmpl *t = &insns[rn(ARRAY_SIZE(insns))];
    uint8_t code[40], *at = fuzz_insn;
    unsigned int n = 0, np = rn(4) ? 0 : 1 + rn(3), keep;

    /* Now and then 10 to 15 prefixes: past 15 bytes, #GP as too long. */
    if ( one_in(32) )
        np = 10 + rn(6);

    for ( unsigned int i = 0; i < np; i++ )
        code[n++] = prefixes[rn(ARRAY_SIZE(prefixes))];
    if ( one_in(4) )
        code[n++] = 0x40 | rn(16);      /* REX, last before the opcode */
    for ( unsigned int i = 0; i < t->len; i++ )
        code[n++] = t->bytes[i];
    if ( t->modrm )
    {
        unsigned int reg = t->reg_lo + rn(t->reg_hi - t->reg_lo + 1);
        unsigned int rm = rn(8), mod = t->modrm == 2 && rn(8) ? 3 : rn(3);

        /*
         * Never rsp (as a destination, or SIB) or rbp/rip based: stay on
         * the slot and our own stack.
         */
        if ( mod == 2 )
            mod = 3;
        if ( rm == 4 || (mod != 3 && rm == 5) )
            rm = 3;
        code[n++] = (mod << 6) | (reg << 3) | rm;
        if ( mod == 1 )
            code[n++] = rn(128);
    }
    for ( unsigned int i = 0; i < t->imm; i++ )
    {
        uint8_t v = rn(256);

        /* int 3, 4, 5 reach our own handlers, which would stop us. */
        if ( t->bytes[0] == 0xcd && v >= 3 && v <= 5 )
            v = 0x80;
        code[n++] = v;
    }
    code[n++] = 0xc3;
    /*
     * One in four at the end of a page before an unmapped one: the ret
     * last on the page, or on the fence (the emulated instruction ends
     * at the page's end), or the instruction cut short by the fence.
     */
    keep = n;
    if ( one_in(4) )
    {
        switch ( rn(3) )
        {
        case 0: break;
        case 1: keep = n - 1; break;
        default: keep = 1 + rn(n - 1); break;
        }
        at = fuzz_insn_end[v->part][0] + PAGE_SIZE - keep;
    }
    memcpy(at, code, keep);
    if ( v->cur_idx >= trace_from )
    {
        struct fcall c = { .op = ~0UL };

        memcpy(c.a, code, sizeof(code) < sizeof(c.a) ? sizeof(code)
                                                     : sizeof(c.a));
        trace(&c, 0);
    }

    for ( unsigned int i = 0; i < 16; i++ )
        fuzz_regs[i] = rn(2) ? (unsigned long)buf
                             : no_top_page(mut(rn(2) ? rn(0x400) : rnd()));
    fuzz_regs[1] = rn(64);              /* rcx: ins/outs count, MSR */
    /*
     * A long rep ins (emulated once set_iopl allows it) would write past
     * the slot over our own state: string I/O keeps a count that fits.
     */
    if ( one_in(2) && (t->bytes[0] & ~3) != 0x6c )
        fuzz_regs[1] = rn(2) ? 0xc0000080 + rn(0x110) : boundary();
    fuzz_regs[7] = (unsigned long)buf;  /* rdi */
    fuzz_regs[6] = (unsigned long)buf;  /* rsi */
    /* Register values that get past the first checks now and then. */
    switch ( t->bytes[0] == 0x0f ? 0x100 | t->bytes[1] : t->bytes[0] )
    {
    case 0x130:     /* wrmsr, rdmsr: one the hypervisor emulates */
    case 0x132:
        if ( rn(2) )
            fuzz_regs[1] = msrs[rn(ARRAY_SIZE(msrs))];
        break;
    case 0x10b:     /* the forced CPUID, on a leaf it filters */
        if ( t->len > 2 )
        {
            fuzz_regs[0] = leaves[rn(ARRAY_SIZE(leaves))];
            fuzz_regs[1] = rn(3);
        }
        break;
    case 0x101:     /* xsetbv: XCR0 values that may pass */
        if ( t->len == 3 && t->bytes[2] == 0xd1 && rn(2) )
        {
            fuzz_regs[0] = rn(8);
            fuzz_regs[1] = fuzz_regs[2] = 0;
        }
        break;
    case 0x122:     /* mov to CR0: only TS changed, or nothing */
        if ( (code[n - 2] & 0x38) == 0 && rn(2) )
            fuzz_regs[(code[n - 2] & 7) |
                      (n > 4 && (code[n - 5] & 0xf1) == 0x41 ? 8 : 0)] =
                guest_cr0 ^ (rn(2) ? CR0_TS : 0);
        break;
    }
    /* Emulated moves to debug registers, CR0, segment registers. */
    v->dirty |= 1UL << FZ_CPU | 1UL << FZ_DESC | R_DR | R_FPU | R_SEG;
    fuzz_run_insn(fuzz_regs, at);
}

/*
 * A store into a scratch page, which ptlife may have made a page table of
 * ours, mapped read-only: the hypervisor's emulation of a PV kernel's
 * direct PTE writes (ptwr.c, through the instruction emulator) validates
 * and does it, or the fault comes back to the fixup.  Any instruction
 * form that writes its memory operand, with random prefixes, operand
 * sizes and addressing forms (ModRM, SIB, displacements, RIP-relative,
 * absolute), its registers set so that it addresses the chosen entry.
 */
enum {
    SF_BYTE = 1 << 0,       /* byte operand: 66 and REX.W change nothing */
    SF_IMM8 = 1 << 1,
    SF_IMMZ = 1 << 2,       /* imm16 with 66, else imm32 */
    SF_ALU = 1 << 3,        /* 00-31: the ALU row in bits 3-5, random */
    SF_CC = 1 << 4,         /* setcc: the condition in the low nibble */
    SF_BITREG = 1 << 5,     /* bts/btr/btc reg: the offset in reg */
    SF_CMPXCHG = 1 << 6,    /* compares with rax */
    SF_WIDE = 1 << 7,       /* cmpxchg8b/16b: rdx:rax, rcx:rbx */
    SF_MOFFS = 1 << 8,      /* mov moffs: the address is the immediate */
    SF_STR = 1 << 9,        /* stos, movs: rdi (and rsi), rep */
    SF_LOCK = 1 << 10,      /* may take LOCK */
    SF_WREG = 1 << 11,      /* writes its reg operand: never rsp (or spl) */
};
static const struct st_form {
    uint16_t op;            /* 0x1xx: 0f xx */
    uint8_t reg_lo, reg_hi; /* the ModRM reg field: /n or any register */
    uint16_t flags;
} st_forms[] = {
    { 0x00, 0, 7, SF_ALU | SF_BYTE | SF_LOCK },     /* add ... xor r/m, r */
    { 0x01, 0, 7, SF_ALU | SF_LOCK },
    { 0x80, 0, 6, SF_BYTE | SF_IMM8 | SF_LOCK },    /* group 1, not cmp */
    { 0x81, 0, 6, SF_IMMZ | SF_LOCK },
    { 0x83, 0, 6, SF_IMM8 | SF_LOCK },
    { 0x86, 0, 7, SF_BYTE | SF_LOCK | SF_WREG },    /* xchg */
    { 0x87, 0, 7, SF_LOCK | SF_WREG },
    { 0x88, 0, 7, SF_BYTE },                        /* mov */
    { 0x89, 0, 7, 0 },
    { 0xc6, 0, 0, SF_BYTE | SF_IMM8 },
    { 0xc7, 0, 0, SF_IMMZ },
    { 0xc0, 0, 7, SF_BYTE | SF_IMM8 },              /* rotates, shifts */
    { 0xc1, 0, 7, SF_IMM8 },
    { 0xd0, 0, 7, SF_BYTE },
    { 0xd1, 0, 7, 0 },
    { 0xd2, 0, 7, SF_BYTE },                        /* by cl */
    { 0xd3, 0, 7, 0 },
    { 0xf6, 2, 3, SF_BYTE | SF_LOCK },              /* not, neg */
    { 0xf7, 2, 3, SF_LOCK },
    { 0xfe, 0, 1, SF_BYTE | SF_LOCK },              /* inc, dec */
    { 0xff, 0, 1, SF_LOCK },
    { 0x190, 0, 7, SF_BYTE | SF_CC },               /* setcc */
    { 0x1ab, 0, 7, SF_BITREG | SF_LOCK },           /* bts, btr, btc */
    { 0x1b3, 0, 7, SF_BITREG | SF_LOCK },
    { 0x1bb, 0, 7, SF_BITREG | SF_LOCK },
    { 0x1ba, 5, 7, SF_IMM8 | SF_LOCK },
    { 0x1b0, 0, 7, SF_BYTE | SF_CMPXCHG | SF_LOCK },
    { 0x1b1, 0, 7, SF_CMPXCHG | SF_LOCK },
    { 0x1b1, 0, 7, SF_CMPXCHG | SF_LOCK },          /* (what kernels use) */
    { 0x1c0, 0, 7, SF_BYTE | SF_LOCK | SF_WREG },   /* xadd */
    { 0x1c1, 0, 7, SF_LOCK | SF_WREG },
    { 0x1c7, 1, 1, SF_WIDE | SF_LOCK },             /* cmpxchg8b, 16b */
    { 0xa2, 0, 0, SF_BYTE | SF_MOFFS },             /* mov moffs, al */
    { 0xa3, 0, 0, SF_MOFFS },
    { 0xaa, 0, 0, SF_BYTE | SF_STR },               /* stos */
    { 0xab, 0, 0, SF_STR },
    { 0xa4, 0, 0, SF_BYTE | SF_STR },               /* movs */
    { 0xa5, 0, 0, SF_STR },
};

/*
 * Legacy prefixes for stores (66 twice as likely): not GS, whose base may
 * be our kernel's; FS has base 0 (restore() puts it back).
 */
static const uint8_t st_prefixes[] = {
    0x66, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x66, 0xf0,
};

/*
 * A register for an address: not rsp (ours, not loaded), nor one in
 * avoid (a bit mask), which the form needs for a value of its own.
 */
static unsigned int addr_reg(unsigned int avoid)
{
    unsigned int r;

    do {
        r = rn(16);
    } while ( r == 4 || ((avoid >> r) & 1) );
    return r;
}

/*
 * The memory operand addressing va: ModRM with the reg field given, SIB
 * and displacement at code + *n, REX bits in *rex, the registers it uses
 * in regs.  Returns the offset of a RIP-relative displacement to fill in
 * once the instruction's length is known, else 0.
 */
static unsigned int st_modrm(uint8_t *code, unsigned int *n, unsigned int reg,
                             uint8_t *rex, uint64_t *regs, unsigned long va,
                             unsigned int avoid)
{
    unsigned int mod = rn(3), base = addr_reg(avoid), index, scale = rn(4);
    unsigned int form = rn(8), at;
    int64_t disp = mod == 1 ? (int8_t)rn(256)
                            : (int32_t)(one_in(2) ? rnd() : rn(512) - 256);
    uint64_t iv = one_in(4) ? rnd() : rn(64);

    if ( reg & 8 )
        *rex |= 4;
    if ( form == 0 )
    {
        /* RIP-relative: from the end of the instruction. */
        code[(*n)++] = ((reg & 7) << 3) | 5;
        at = *n;
        *n += 4;
        return at;
    }
    if ( form == 1 )
    {
        /* SIB without a base: index * scale + disp32. */
        index = addr_reg(avoid);
        iv = (va >> scale) - rn(16) + 8;
        regs[index] = iv;
        code[(*n)++] = ((reg & 7) << 3) | 4;
        code[(*n)++] = (scale << 6) | ((index & 7) << 3) | 5;
        *rex |= index & 8 ? 2 : 0;
        disp = va - (iv << scale);
        memcpy(&code[*n], &disp, 4);
        *n += 4;
        return 0;
    }
    if ( form <= 4 )
    {
        /* [base + index * scale + disp], the index r12 only with REX.X. */
        index = addr_reg(avoid);
        if ( one_in(4) )
            index = 4;                          /* no index */
        if ( mod == 0 && (base & 7) == 5 )
            mod = 2;                            /* else no base */
        if ( mod == 0 )
            disp = 0;
        if ( index == base )
        {
            /* One register twice: v * (1 + 2^scale) + disp == va. */
            if ( mod == 0 )
                mod = 2;
            disp = (int64_t)(va % ((1UL << scale) + 1));
            if ( mod == 1 && disp > 127 )
                mod = 2;
            regs[base] = (va - disp) / ((1UL << scale) + 1);
        }
        else
        {
            if ( index != 4 )
                regs[index] = iv;
            regs[base] = va - disp - (index != 4 ? iv << scale : 0);
        }
        code[(*n)++] = (mod << 6) | ((reg & 7) << 3) | 4;
        code[(*n)++] = (scale << 6) | ((index & 7) << 3) | (base & 7);
        *rex |= (index & 8 ? 2 : 0) | (base & 8 ? 1 : 0);
    }
    else
    {
        /* [base + disp]: not rsp (that is a SIB), rbp/r13 need a disp. */
        while ( (base & 7) == 4 )
            base = addr_reg(avoid);
        if ( mod == 0 && (base & 7) == 5 )
            mod = 1 + rn(2);
        if ( mod == 0 )
            disp = 0;
        else if ( mod == 1 )
            disp = (int8_t)disp;
        regs[base] = va - disp;
        code[(*n)++] = (mod << 6) | ((reg & 7) << 3) | (base & 7);
        *rex |= base & 8 ? 1 : 0;
    }
    if ( mod == 1 )
        code[(*n)++] = disp;
    else if ( mod == 2 )
    {
        memcpy(&code[*n], &disp, 4);
        *n += 4;
    }
    return 0;
}

static void run_pt_store(uint8_t *buf)
{
    struct fz_vcpu *v = me();
    uint8_t *fuzz_insn = v->insn;
    uint64_t *fuzz_regs = v->regs;
    const struct st_form *f = &st_forms[rn(ARRAY_SIZE(st_forms))];
    unsigned int i = scr_pick(), fr, n = 0, np, reg, bytes, span, count;
    unsigned int rip_disp = 0, op = f->op;
    uint64_t e;
    unsigned long off = 8 * rn(PT_ENTRIES) + (one_in(8) ? rn(8) : 0), va;
    uint8_t code[32], rex = 0;
    bool mapped, opsize = false, addr32 = false, rep = false, wide16;

    /*
     * Half the time first make the page what a PV kernel's page tables
     * are, an L1 table of ours mapped read-only: cleared while writable,
     * remapped read-only, pinned.  Set-up calls, not counted; each may
     * fail in the state earlier calls left (a table already, or typed
     * otherwise), and the store then meets that state.
     */
    if ( rn(2) )
    {
        struct mmuext_op pin = { .cmd = MMUEXT_PIN_L1_TABLE,
                                 .arg1.mfn = scr_mfn[i] };
        uint64_t pte = (uint64_t)scr_mfn[i] << PAGE_SHIFT;

        if ( !HYPERVISOR_update_va_mapping(scr_va[i], pte | PTE_KERNEL_RW,
                                           UVMF_INVLPG | UVMF_LOCAL) )
            memset((void *)scr_va[i], 0, PAGE_SIZE);
        HYPERVISOR_update_va_mapping(scr_va[i], pte | PTE_KERNEL_RO,
                                     UVMF_INVLPG | UVMF_LOCAL);
        HYPERVISOR_mmuext_op(&pin, 1, NULL, DOMID_SELF);
    }
    e = *scr_l1e[i];

    /* Prefixes: LOCK on what takes it (else #UD), the rest at random. */
    if ( (f->flags & SF_LOCK) && rn(2) )
        code[n++] = 0xf0;
    np = rn(3) ? rn(2) : rn(4);
    for ( unsigned int k = 0; k < np; k++ )
    {
        uint8_t p = st_prefixes[rn(ARRAY_SIZE(st_prefixes))];

        if ( p == 0xf0 && !(f->flags & SF_LOCK) )
            continue;
        code[n++] = p;
    }
    /* Now and then 32-bit addressing: the store lands elsewhere. */
    if ( one_in(32) )
        code[n++] = 0x67;
    /* A REX before a legacy prefix counts for nothing (with one after). */
    if ( n && one_in(16) )
    {
        memmove(code + 1, code, n++);
        code[0] = 0x40 | rn(16);
    }
    for ( unsigned int k = 0; k < n; k++ )
    {
        opsize |= code[k] == 0x66;
        addr32 |= code[k] == 0x67;
        rep |= code[k] == 0xf2 || code[k] == 0xf3;
    }
    if ( !(f->flags & SF_BYTE) && rn(2) )
        rex |= 8;                               /* REX.W */
    bytes = f->flags & SF_BYTE ? 1 : rex & 8 ? 8 : opsize ? 2 : 4;
    wide16 = (f->flags & SF_WIDE) && (rex & 8);
    count = rep ? 1 + rn(3) : 1;
    span = f->flags & SF_WIDE ? (wide16 ? 16 : 8) : bytes * count;
    /* Natively the access must stay in the page (the next is anyone's). */
    if ( f->flags & SF_BITREG )
        off = off < 8 ? 8 : off > PAGE_SIZE - 16 ? PAGE_SIZE - 16 : off;
    if ( wide16 && rn(4) )
        off &= ~15UL;
    if ( off + span > PAGE_SIZE )
        off = PAGE_SIZE - span;
    va = scr_va[i] + off;

    /*
     * Only where a scratch frame we do not rely on (or nothing) is
     * mapped: through an address that maps one of our own tables the
     * store would be done.
     */
    fr = scr_index((e & PTE_ADDR_MASK) >> PAGE_SHIFT);
    mapped = (e & _PAGE_PRESENT) && fr < NSCR_ALL;
    if ( (e & _PAGE_PRESENT) && (fr == NSCR_ALL || scr_is_locked(fr)) )
        va = (unsigned long)buf + (off & 7);

    for ( unsigned int r = 0; r < 16; r++ )
        fuzz_regs[r] = rn(2) ? pte_any() : rnd();
    if ( f->flags & SF_ALU )
        op |= rn(7) << 3;                       /* not cmp: it only reads */
    if ( f->flags & SF_CC )
        op |= rn(16);
    reg = f->reg_lo + rn(f->reg_hi - f->reg_lo + 1);
    if ( f->reg_hi == 7 && f->reg_lo == 0 && !(op >= 0xc0 && op <= 0xd3) &&
         (op & 0xff0) != 0x190 )
        reg |= rn(2) ? 8 : 0;                   /* a register: r8-r15 */
    /* rsp is ours (not loaded): never written, nor a bit offset. */
    if ( (f->flags & (SF_WREG | SF_BITREG)) && reg == 4 )
        reg = rn(2) ? 0 : 12;

    if ( op >= 0x100 )
    {
        code[n + 1] = 0x0f;                     /* after REX, below */
        code[n + 2] = op & 0xff;
    }
    else
        code[n + 1] = op;
    /* Room for REX at code[n]: its bits are known once the operand is. */
    {
        unsigned int at = n, len = op >= 0x100 ? 2 : 1, m = n + 1 + len;

        if ( f->flags & (SF_MOFFS | SF_STR) )
        {
            if ( f->flags & SF_MOFFS )
            {
                uint64_t a = va;

                memcpy(&code[m], &a, addr32 ? 4 : 8);
                m += addr32 ? 4 : 8;
            }
        }
        else
        {
            /* Registers the form sets below keep out of the address. */
            unsigned int avoid = f->flags & SF_BITREG ? 1u << reg
                                 : f->flags & SF_WIDE ? 0x5
                                 : f->flags & SF_CMPXCHG ? 0x1 : 0;

            rip_disp = st_modrm(code, &m, reg, &rex, fuzz_regs, va, avoid);
        }
        if ( f->flags & SF_IMM8 )
            code[m++] = rn(256);
        else if ( f->flags & SF_IMMZ )
        {
            uint32_t imm = rn(2) ? (uint32_t)pte_any() : (uint32_t)rnd();

            /* imm16 with 66, unless REX.W makes the operand 64-bit. */
            unsigned int z = opsize && !(rex & 8) ? 2 : 4;

            memcpy(&code[m], &imm, z);
            m += z;
        }
        /* REX (if any bit is set, or now and then an empty one). */
        if ( rex || one_in(8) )
            code[at] = 0x40 | rex;
        else
        {
            memmove(&code[at], &code[at + 1], m - at - 1);
            m--;
            if ( rip_disp )
                rip_disp--;
        }
        n = m;
    }
    if ( rip_disp )
    {
        int32_t d = va - ((unsigned long)fuzz_insn + n);

        memcpy(&code[rip_disp], &d, 4);
    }

    /* The other operands. */
    if ( f->flags & SF_BITREG )
    {
        /* A bit offset reaching the entries around, never off the page. */
        int64_t b = (int64_t)rn(128) - 64;

        fuzz_regs[reg] = b;
    }
    if ( f->flags & SF_STR )
    {
        fuzz_regs[7] = va;                      /* rdi */
        fuzz_regs[6] = rn(2) ? (unsigned long)buf : va;
        fuzz_regs[1] = count;
    }
    if ( (f->flags & (SF_CMPXCHG | SF_WIDE)) && mapped && rn(2) )
    {
        /* A compare that finds what it expects, now and then. */
        uint64_t cur = *(const volatile uint64_t *)(va & ~7UL);

        fuzz_regs[0] = cur >> ((va & 7) * 8);
        if ( (f->flags & SF_WIDE) && !wide16 )
        {
            fuzz_regs[0] = (uint32_t)cur;
            fuzz_regs[2] = cur >> 32;
        }
    }
    code[n++] = 0xc3;
    memcpy(fuzz_insn, code, n);
    if ( v->cur_idx >= trace_from )
    {
        struct fcall c = { .op = ~0UL, .a = { va } };

        memcpy(&c.a[1], fuzz_insn, 16);
        trace(&c, 0);
    }
    fuzz_run_insn(fuzz_regs, fuzz_insn);
}

#endif /* __x86_64__ */

/* ---- issuing, putting back ------------------------------------------- */

static long hc(const struct fcall *c)
{
    return hypercall_any(c->op, c->a[0], c->a[1], c->a[2], c->a[3],
                         c->a[4]);
}

/*
 * What a call may have changed, as the multicall entries at mc that put
 * it back: after a batch, in the same multicall (one trip instead of
 * two), else in one of their own (restore()).  At most RESTORE_MAX.
 */
static unsigned int restore_entries(multicall_entry_t *mc)
{
#define FZ_CBS(event) { \
        { .type = CALLBACKTYPE_event, .flags = CALLBACKF_mask_events, \
          .address = CALLBACK_ADDR(event) }, \
        { .type = CALLBACKTYPE_failsafe, .flags = CALLBACKF_mask_events, \
          .address = CALLBACK_ADDR(failsafe_callback) }, \
        /* We take no system calls: address 0 is "none". */ \
        { .type = CALLBACKTYPE_syscall }, \
        { .type = CALLBACKTYPE_syscall32 }, \
        { .type = CALLBACKTYPE_sysenter }, \
    }
    static const callback_register_t all_cbs[FZ_VCPUS][5] = {
#ifdef __x86_64__
        FZ_CBS(hypervisor_callback), FZ_CBS(fz_vcpu1_event),
#else
        FZ_CBS(hypervisor_callback), FZ_CBS(hypervisor_callback),
#endif
    };
#undef FZ_CBS
    static struct mmuext_op ldt = { .cmd = MMUEXT_SET_LDT };
    const callback_register_t *cbs = all_cbs[me()->vcpu];
    unsigned long dirty = me()->dirty;
    unsigned int n = 0;

#define RESTORE(o, a0, a1) \
    (mc[n].op = (o), mc[n].args[0] = (unsigned long)(a0), \
     mc[n].args[1] = (unsigned long)(a1), mc[n].args[2] = 0, \
     mc[n].args[3] = DOMID_SELF, n++)
    if ( dirty & R_TRAPS )
    {
        /* Vectors the fuzzer set that ours do not name go too. */
        RESTORE(__HYPERVISOR_set_trap_table, 0, 0);
        RESTORE(__HYPERVISOR_set_trap_table, trap_table, 0);
    }
    if ( dirty & R_CBS )
    {
        for ( unsigned int i = 0; i < ARRAY_SIZE(all_cbs[0]); i++ )
            RESTORE(__HYPERVISOR_callback_op, CALLBACKOP_register, &cbs[i]);
        RESTORE(__HYPERVISOR_nmi_op, XENNMI_unregister_callback, 0);
    }
    if ( dirty & R_DR )
        RESTORE(__HYPERVISOR_set_debugreg, 7, 0);
    if ( dirty & R_FPU )
        RESTORE(__HYPERVISOR_fpu_taskswitch, 0, 0);
#ifdef __x86_64__
    if ( dirty & R_SEG )
    {
        RESTORE(__HYPERVISOR_set_segment_base, SEGBASE_FS, 0);
        RESTORE(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER, 0);
    }
#endif
    /* The GDT and LDT are the hypervisor's again: our selectors are. */
    if ( dirty & (1UL << FZ_DESC) )
        RESTORE(__HYPERVISOR_mmuext_op, &ldt, 1);
#undef RESTORE
    return n;
}

static void restore(void)
{
    multicall_entry_t mc[RESTORE_MAX];
    unsigned int n = restore_entries(mc);

    /* Each on its own where multicall is not there (32-bit, for now). */
    if ( n && HYPERVISOR_multicall(mc, n) == -XEN_ENOSYS )
        for ( unsigned int i = 0; i < n; i++ )
            hypercall_any(mc[i].op, mc[i].args[0], mc[i].args[1],
                          mc[i].args[2], mc[i].args[3], mc[i].args[4]);
    me()->dirty = 0;
}

/*
 * Whether an argument structure is one we can read back: in the slots.
 * One elsewhere (a scratch page, say) may be gone by the end of a batch.
 */
static bool in_slots(unsigned long p, size_t len)
{
    unsigned long off = p - (unsigned long)slots;

    return off < sizeof(slots) && off % sizeof(slots[0][0]) + len <= PAGE_SIZE;
}

/* What we learn from a result: new ports and grant mappings to reuse. */
static void learn(const struct fcall *c, long rc)
{
    struct fz_vcpu *v = me();

    if ( rc )
        return;
    if ( (c->op == __HYPERVISOR_vcpu_op &&
          c->a[0] == VCPUOP_register_vcpu_info && c->a[1] == 0) ||
         (c->op == __HYPERVISOR_event_channel_op &&
          c->a[0] == EVTCHNOP_init_control) )
        events_moved = true;
    if ( !in_slots(c->a[c->op == __HYPERVISOR_vcpu_op ? 2 : 1], 256) )
        return;
    if ( c->op == __HYPERVISOR_event_channel_op )
    {
        evtchn_port_t p = 0;
        const void *b = (const void *)c->a[1];

        switch ( c->a[0] )
        {
        case EVTCHNOP_alloc_unbound:
            p = ((const evtchn_alloc_unbound_t *)b)->port;
            break;
        case EVTCHNOP_bind_interdomain:
            p = ((const evtchn_bind_interdomain_t *)b)->local_port;
            break;
        case EVTCHNOP_bind_virq:
            p = ((const evtchn_bind_virq_t *)b)->port;
            break;
        case EVTCHNOP_bind_ipi:
            p = ((const evtchn_bind_ipi_t *)b)->port;
            break;
        }
        if ( p && !port_protected(p) )
            v->ports[v->nr_ports < NPORT ? v->nr_ports++ : rn(NPORT)] = p;
    }
    /*
     * Our vcpu_info moved: follow it, or events would never be seen (vCPU
     * 1 keeps events masked: its page is only locked).
     */
    if ( c->op == __HYPERVISOR_vcpu_op &&
         c->a[0] == VCPUOP_register_vcpu_info && c->a[1] == v->vcpu )
    {
        const struct vcpu_register_vcpu_info *i = (const void *)c->a[2];
        unsigned int k = scr_index(i->mfn);

        /*
         * Its page is ours to write from now on: mapped writable at its
         * own address again (an earlier call may have changed that), and
         * out of the fuzzer's reach.
         */
        if ( k < NSCR_ALL )
        {
            HYPERVISOR_update_va_mapping(scr_va[k],
                                         ((uint64_t)scr_mfn[k] << PAGE_SHIFT) |
                                         PTE_KERNEL_RW, UVMF_INVLPG);
            __atomic_or_fetch(&scr_locked[k / BITS_PER_LONG],
                              1UL << (k % BITS_PER_LONG), __ATOMIC_SEQ_CST);
            if ( !v->vcpu )
                vcpu0_info = (vcpu_info_t *)(scr_va[k] + i->offset);
        }
    }
    if ( c->op == __HYPERVISOR_grant_table_op &&
         c->a[0] == GNTTABOP_set_version )
        gnt_version = ((const struct gnttab_set_version *)c->a[1])->version;
    if ( c->op == __HYPERVISOR_grant_table_op &&
         c->a[0] == GNTTABOP_map_grant_ref )
    {
        const struct gnttab_map_grant_ref *m = (const void *)c->a[1];

        for ( unsigned int i = 0; i < c->a[2] && i < 3; i++ )
            if ( !m[i].status )
            {
                unsigned int k = v->nr_maps < NMAP ? v->nr_maps++ : rn(NMAP);

                v->maps[k].handle = m[i].handle;
                v->maps[k].host_addr = m[i].host_addr;
                v->maps[k].flags = m[i].flags;
            }
    }
}

/* Both vCPUs print: a line at a time into the console ring. */
static bool fz_print_lock;
#define fz_printk(...) do {                                                 \
    while ( __atomic_test_and_set(&fz_print_lock, __ATOMIC_ACQUIRE) )      \
        asm volatile ( "pause" );                                         \
    printk(__VA_ARGS__);                                                  \
    __atomic_clear(&fz_print_lock, __ATOMIC_RELEASE);                     \
} while ( 0 )

/* Results no call from an unprivileged domain may ever get. */
static void oracle(const struct fcall *c, long rc)
{
    bool bad = false;

    switch ( c->op )
    {
    case __HYPERVISOR_sysctl:
    case __HYPERVISOR_domctl:
    case __HYPERVISOR_platform_op:
        bad = rc >= 0;
        break;
    case __HYPERVISOR_sched_op:
        bad = c->a[0] == SCHEDOP_remote_shutdown && rc >= 0;
        break;
    case __HYPERVISOR_mmu_update:
    case __HYPERVISOR_mmuext_op:
        /* Another domain's frames need privilege. */
        bad = rc >= 0 && c->a[1] && (c->a[3] & 0xffff) != DOMID_SELF &&
              (c->a[3] & 0xffff) < DOMID_FIRST_RESERVED &&
              (c->a[1] & ~MMU_UPDATE_PREEMPTED) &&
              (c->a[3] & 0xffff) != 0x7fff;
        break;
    default:
        /* Xen 4.17 has hypfs_op (42), x86's mca (48), paging (49). */
        bad = c->op >= 42 && c->op < 64 && rc != -XEN_ENOSYS &&
              (fuzz_on_ours || (c->op != 42 && c->op != 48 && c->op != 49));
        break;
    }
    if ( bad )
    {
        __atomic_add_fetch(&findings, 1, __ATOMIC_RELAXED);
        fz_printk("FUZZ-FINDING: seed=%lu stream=%u idx=%lu op=%lu args %lx "
                  "%lx %lx %lx %lx returned %ld\n", seed, me()->part,
                  me()->cur_idx, c->op, c->a[0], c->a[1], c->a[2], c->a[3],
                  c->a[4], rc);
    }
}

/*
 * trace=I: each call from I on, to the serial line before it is made
 * (op ~0 is an instruction: its bytes in the arguments).
 */
static void trace(const struct fcall *c, unsigned int slot)
{
    char line[200];
    const struct fz_vcpu *v = me();
    const uint64_t *b = (const uint64_t *)v->slots[slot];
    int n = snprintf(line, sizeof(line),
                     "FUZZ-CALL %lu s%u op=%lu %lx %lx %lx %lx %lx | %" PRI64 "x %" PRI64 "x "
                     "%lx %lx\n", v->cur_idx, v->part, c->op, c->a[0],
                     c->a[1], c->a[2], c->a[3], c->a[4], b[0], b[1],
                     (unsigned long)b[2], (unsigned long)b[3]);

    HYPERVISOR_console_io(CONSOLEIO_write, n, line);
    fz_printk("%s", line);
}

static void trace_rc(long rc)
{
    char line[40];
    int n = snprintf(line, sizeof(line), "FUZZ-RC %ld\n", rc);

    HYPERVISOR_console_io(CONSOLEIO_write, n, line);
}

typedef void gen_fn(struct fcall *c, uint8_t *buf);
static const struct {
    gen_fn *fn;
    unsigned int cat, weight;
} gens[] = {
    { gen_mmu_update, FZ_MMU, 6 },
    { gen_mmuext, FZ_MMU, 6 },
    { gen_update_va_mapping, FZ_MMU, 6 },
    { gen_memory_op, FZ_MEM, 4 },
    { gen_grant_table_op, FZ_GNT, 6 },
    { gen_event_channel_op, FZ_EVT, 6 },
    { gen_vcpu_op, FZ_VCPU, 3 },
    { gen_set_timer_op, FZ_VCPU, 1 },
    { gen_sched_op, FZ_SCHED, 2 },
    { gen_set_trap_table, FZ_CPU, 1 },
    { gen_callbacks, FZ_CPU, 2 },
    { gen_cpu_state, FZ_CPU, 3 },
    { gen_desc, FZ_DESC, 4 },
    { gen_misc, FZ_MISC, 4 },
    { gen_ptlife, FZ_PTLIFE, 6 },
};
static unsigned int total_weight;

static bool pick(struct fcall *c, uint8_t *buf)
{
    unsigned int w = rn(total_weight);

    for ( unsigned int i = 0; i < ARRAY_SIZE(gens); i++ )
    {
        if ( !(ops_mask & (1UL << gens[i].cat)) )
            continue;
        if ( w < gens[i].weight )
        {
            memset(c, 0, sizeof(*c));
            gens[i].fn(c, buf);
            return true;
        }
        w -= gens[i].weight;
    }
    return false;
}

/*
 * Events stay masked while our callbacks or traps may be someone else's:
 * on vCPU 0, until restore() has put them back.  vCPU 1 keeps them masked
 * for good (the kernel's event handling is vCPU 0's).
 */
static unsigned long fz_irq_save(void)
{
    return me()->vcpu ? 1 : irq_save();
}

static void fz_irq_restore(unsigned long flags)
{
    if ( !me()->vcpu )
        irq_restore(flags);
}

/* Call idx of our stream: one call, a multicall batch, or one instruction. */
static unsigned int one_step(unsigned long idx)
{
    struct fz_vcpu *v = me();
    uint8_t (*slots)[2 * PAGE_SIZE] = v->slots;
    typeof(last[0]) *lp = &last[v->part];
    struct fcall c;
    unsigned long flags;
    long rc;

    v->cur_idx = lp->idx = idx;
    lp->n = ~0U;
    /* Stream 0 as before streams: (seed, idx). */
    v->rng = mix64(seed * 0x100000001b3ULL ^
                   mix64(idx + ((uint64_t)v->part << 48))) | 1;
    flags = fz_irq_save();
#ifdef __x86_64__
    if ( (ops_mask & (1UL << FZ_PRIV)) && one_in(16) )
    {
        lp->n = 0;
        if ( rn(2) )
            run_pt_store(slots[0]);
        else
            run_priv(slots[0]);
        restore();
        fz_irq_restore(flags);
        return 1;
    }
#endif
    /*
     * Batches are most of the calls: one trip into the hypervisor, the
     * restore in it, for up to 63 handler runs.  One step in eight is a
     * call on its own: the direct path into each handler.
     */
    if ( (ops_mask & (1UL << FZ_MULTI)) && rn(8) )
    {
        multicall_entry_t *mc = lp->mc;
        unsigned int n = 2 + rn(NSLOT - 2), k;

        v->vcpu_info_moving = false;
        for ( unsigned int i = 0; i < n; i++ )
        {
            pick(&c, slots[i + 1]);
            if ( v->vcpu_info_moving )
                n = i + 1;
            /* A nested multicall and iret are refused in a batch. */
            /*
             * Xen 4.17 runs an iret in a batch, from whatever our stack
             * holds: only ours is asked (and must refuse it).
             */
            if ( one_in(32) )
                c.op = rn(2) || !fuzz_on_ours ? __HYPERVISOR_multicall
                                              : __HYPERVISOR_iret;
            mc[i].op = c.op;
            memcpy(mc[i].args, c.a, sizeof(c.a));
            mc[i].args[5] = 0;
        }
        if ( idx >= trace_from )
            for ( unsigned int i = 0; i < n; i++ )
            {
                c.op = mc[i].op;
                memcpy(c.a, mc[i].args, sizeof(c.a));
                trace(&c, i + 1);
            }
        lp->n = n;
        if ( !(v->dirty & MASKED) )
            fz_irq_restore(flags);
        k = restore_entries(mc + n);
        rc = HYPERVISOR_multicall(mc, n + k);
        /* First where our vcpu_info is, for irq_restore() to find it. */
        if ( !rc )
            for ( unsigned int i = 0; i < n; i++ )
            {
                struct fcall e;

                e.op = mc[i].op;
                memcpy(e.a, mc[i].args, sizeof(e.a));
                learn(&e, mc[i].result);
                oracle(&e, mc[i].result);
            }
        /* The restore entries did not run if the batch was refused. */
        if ( !rc )
            v->dirty = 0;
        restore();
        fz_irq_restore(flags);
        return n;
    }
    if ( !pick(&c, slots[0]) )
        return 1;
    if ( idx >= trace_from )
        trace(&c, 0);
    lp->n = 1;
    lp->mc[0].op = c.op;
    memcpy(lp->mc[0].args, c.a, sizeof(c.a));
    if ( !(v->dirty & MASKED) )
        fz_irq_restore(flags);
    rc = hc(&c);
    learn(&c, rc);
    restore();
    fz_irq_restore(flags);
    if ( idx >= trace_from )
        trace_rc(rc);
    oracle(&c, rc);
    return 1;
}

static unsigned long arg_ul(const char *cmdline, const char *key,
                            unsigned long dflt)
{
    const char *p = strstr(cmdline, key);

    return p ? simple_strtoul(p + strlen(key), NULL, 0) : dflt;
}


static void fuzz_setup(void)
{
    uint64_t *l4 = (uint64_t *)start_info->pt_base;
    long rc;

    while ( !time_copy(&this_vcpu()->time, &fzv[0].time) )
        ;
    fzv[1].time = fzv[0].time;
    fuzz_on_ours = on_our_hypervisor();
    for ( unsigned int p = 0; p < FZ_VCPUS; p++ )
        for ( unsigned int i = 0; i < NSLOT; i++ )
        {
            rc = HYPERVISOR_update_va_mapping((unsigned long)slots[p][i] +
                                              PAGE_SIZE, 0,
                                              UVMF_INVLPG | UVMF_LOCAL);
            if ( rc )
                panic("fuzz: no fence after slot %u: %ld", i, rc);
        }
#ifdef __x86_64__
    for ( unsigned int p = 0; p < FZ_VCPUS; p++ )
    {
        rc = HYPERVISOR_update_va_mapping((unsigned long)fuzz_insn_end[p][1],
                                          0, UVMF_INVLPG | UVMF_LOCAL);
        if ( rc )
            panic("fuzz: no fence after the instruction page: %ld", rc);
    }
#endif
    /* Our page tables: the kernel's levels of the first mapping. */
    pt_mfns[nr_pt_mfns++] = virt_to_mfn(l4);
    for ( unsigned int lvl = PT_LEVELS - 1; lvl >= 1; lvl-- )
    {
        uint64_t *e = pt_entry(VIRT_BASE, lvl + 1);

        if ( e && (*e & _PAGE_PRESENT) )
            pt_mfns[nr_pt_mfns++] = (*e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    }
    if ( start_info->nr_pages > ARRAY_SIZE(own_sorted) )
        panic("fuzz: more than %lu pages",
              (unsigned long)ARRAY_SIZE(own_sorted));
    for ( unsigned long p = 0; p < start_info->nr_pages; p++ )
    {
        unsigned long m = phys_to_machine[p], i = p;

        for ( ; i && own_sorted[i - 1] > m; i-- )
            own_sorted[i] = own_sorted[i - 1];
        own_sorted[i] = m;
    }
    own_lo = own_sorted[0];
    own_hi = own_sorted[start_info->nr_pages - 1];
    rc = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    max_mfn = rc > 0 ? (unsigned long)rc : own_hi + 1;
    /*
     * The L1 entries of the scratch pages, found once: a walk through our
     * tables needs their M2P entries, which our calls may rewrite.
     */
    for ( unsigned int i = 0; i < NSCR_ALL; i++ )
    {
        void *p = alloc_page();
        uint64_t *l1e;

        if ( !p )
            panic("fuzz: no scratch page");
        scr_va[i] = (unsigned long)p;
        scr_mfn[i] = virt_to_mfn(p);
        l1e = pt_entry(scr_va[i], 1);
        scr_l1e[i] = l1e;
        scr_pte[i] = virt_to_mach(l1e);
    }
    /* An unbound port of ours for ourselves tells our id. */
    {
        evtchn_alloc_unbound_t a = { .dom = DOMID_SELF,
                                     .remote_dom = DOMID_SELF };
        evtchn_status_t st = { .dom = DOMID_SELF };
        evtchn_close_t cl;

        if ( !HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a) )
        {
            st.port = cl.port = a.port;
            if ( !HYPERVISOR_event_channel_op(EVTCHNOP_status, &st) &&
                 st.status == EVTCHNSTAT_unbound )
                self_domid = st.u.unbound.dom;
            HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
        }
    }
    /* Ports bound before we start are the kernel's: never closed. */
    for ( evtchn_port_t p = 0; p < 128; p++ )
    {
        evtchn_status_t st = { .dom = DOMID_SELF, .port = p };

        if ( HYPERVISOR_event_channel_op(EVTCHNOP_status, &st) ||
             st.status != EVTCHNSTAT_closed || p == 0 )
            set_bit(p, protected_ports);
    }
#ifdef __x86_64__
    /* mov %cr0, %rax; ret (emulated: we are not in ring 0). */
    memcpy(fuzz_insn[0], "\x0f\x20\xc0\xc3", 4);
    guest_cr0 = fuzz_run_insn(fzv[0].regs, fuzz_insn[0]);
#endif
    gnttab_ok = gnttab_table && gnttab_nr_frames * PAGE_SIZE /
                                sizeof(grant_entry_v1_t) >= GREF0 + NGREF;
    for ( unsigned int i = 0; i < ARRAY_SIZE(gens); i++ )
        if ( ops_mask & (1UL << gens[i].cat) )
            total_weight += gens[i].weight;
}

/* A stream's calls: a progress line every 2^14 steps. */
static void fz_run(struct fz_vcpu *v, unsigned long calls)
{
    unsigned long idx, next_log = 0;
    struct vcpu_runstate_info rs;

    for ( idx = 0; v->done < calls; idx++ )
    {
        if ( idx >= next_log )
        {
            fz_printk("FUZZ: seed=%lu stream=%u idx=%lu done=%lu\n", seed,
                      v->part, idx, v->done);
            next_log = idx + 16384;
        }
        v->done += one_step(idx);
    }
    /* Time on a CPU and waiting for one: whether the vCPUs ran at once. */
    if ( HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, v->vcpu, &rs) )
        memset(&rs, 0, sizeof(rs));
    fz_printk("FUZZ: seed=%lu stream=%u idx=%lu done=%lu end (running %lu "
              "ms, runnable %lu ms)\n", seed, v->part, idx, v->done,
              (unsigned long)(rs.time[RUNSTATE_running] / 1000000),
              (unsigned long)(rs.time[RUNSTATE_runnable] / 1000000));
}

static unsigned long fz_calls1;     /* vCPU 1's share */
/* Each vCPU's stream is done (dom0 reads fz_done[0] of a hung fuzzer). */
static bool fz_done[FZ_VCPUS];

#ifdef __x86_64__
static void __noreturn fz_vcpu1_main(void)
{
    fz_run(fz_on[1], fz_calls1);
    __atomic_store_n(&fz_done[1], true, __ATOMIC_RELEASE);
    for ( ;; )
        HYPERVISOR_vcpu_op(VCPUOP_down, 1, NULL);
}

/*
 * vCPU 1, on fz_stack1 with our traps and callbacks and its events
 * masked for good (fz_irq_save()).
 */
static long fz_start_vcpu1(void)
{
    static vcpu_guest_context_t ctx;
    long rc;

    vcpu_kernel_context(&ctx, fz_vcpu1_main, fz_stack1 + sizeof(fz_stack1));
    ctx.event_callback_eip = (unsigned long)fz_vcpu1_event;
    for ( const trap_info_t *t = trap_table; t->address; t++ )
        ctx.trap_ctxt[t->vector] = *t;
    rc = HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx);
    shared_info->vcpu_info[1].evtchn_upcall_mask = 1;
    return rc ? rc : HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL);
}
#else
static long fz_start_vcpu1(void)
{
    return -XEN_EOPNOTSUPP;
}
#endif

/*
 * The "fuzz" role ("role=fuzz seed=S calls=N ops=M [vcpus=2 | vcpus=1
 * stream=P] [trace=I]"): N calls in all, shared between the vCPUs, and a
 * verdict.
 */
#ifdef __x86_64__
static void witness(unsigned int n);
#endif

void fuzz_main(void)
{
    const char *cmdline = (const char *)start_info->cmd_line;
    unsigned long calls = arg_ul(cmdline, "calls=", 100000);
    unsigned long stream = arg_ul(cmdline, "stream=", 0), done = 0;
    uint64_t t0, ns;

    /*
     * The witness domain beside the fuzzers sleeps; as the 32-bit
     * fuzzer's dom0 it first checks what the 64-bit dom0 checks after
     * each fuzzer domain (witness()).
     */
    if ( strstr(cmdline, "witness") )
    {
#ifdef __x86_64__
        witness(arg_ul(cmdline, "domus=", 0));
#endif
        for ( ;; )
            HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    }
    seed = arg_ul(cmdline, "seed=", 1);
    ops_mask = arg_ul(cmdline, "ops=", FZ_ALL) & FZ_ALL;
    trace_from = arg_ul(cmdline, "trace=", ~0UL);
    /* A 32-bit fuzzer runs one stream (no second vCPU's entry yet). */
    fz_nr_vcpus = arg_ul(cmdline, "vcpus=", 1) >= 2 && sizeof(long) == 8 ? 2
                                                                         : 1;
    for ( unsigned int p = 0; p < FZ_VCPUS; p++ )
    {
        fzv[p].part = p;
        fzv[p].vcpu = p;
        fzv[p].slots = slots[p];
#ifdef __x86_64__
        fzv[p].insn = fuzz_insn[p];
#endif
        fz_on[p] = &fzv[p];
    }
    /* One stream replayed alone runs on vCPU 0. */
    if ( fz_nr_vcpus == 1 && stream < FZ_VCPUS )
    {
        fz_on[0] = &fzv[stream];
        fz_on[0]->vcpu = 0;
    }
    fuzz_setup();
    if ( !total_weight )
        ops_mask |= 1UL << FZ_MISC, total_weight = 4;
    printk("FUZZ: seed=%lu calls=%lu ops=0x%lx vcpus=%u start\n", seed,
           calls, ops_mask, fz_nr_vcpus);
    t0 = fz_now();
    if ( fz_nr_vcpus == 2 )
    {
        long rc;

        fz_calls1 = calls / 2;
        if ( (rc = fz_start_vcpu1()) )
            panic("fuzz: vCPU 1 did not start: %ld", rc);
    }
    fz_run(fz_on[0], calls - fz_calls1);
    done = fz_on[0]->done;
    __atomic_store_n(&fz_done[0], true, __ATOMIC_RELEASE);
    if ( fz_nr_vcpus == 2 )
    {
        while ( !__atomic_load_n(&fz_done[1], __ATOMIC_ACQUIRE) )
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        done += fz_on[1]->done;
    }
    ns = fz_now() - t0;
    if ( findings )
        printk("VERDICT: FAIL: %lu findings calls=%lu ns=%lu\n", findings,
               done, (unsigned long)ns);
    else
        printk("VERDICT: PASS calls=%lu ns=%lu\n", done, (unsigned long)ns);
}

/*
 * ---- dom0's side ------------------------------------------------------
 * 64-bit only: mini-os builds no 32-bit domains yet, so a 32-bit fuzzer
 * runs as a boot domU beside a 64-bit dom0 (tools/tests/fuzz/qemu-fuzz.py).
 */
#ifdef __x86_64__

#define FUZZ_FREE_SLACK 64
/* A fuzzer domain does 2^18 calls in about a second under TCG. */
#define FUZZ_TIMEOUT_MS 20000
/* The witness's state that no other domain may change (not run/blocked). */
#define PEER_FLAGS (XEN_DOMINF_dying | XEN_DOMINF_shutdown | \
                    XEN_DOMINF_paused | (0xffU << 16))
/*
 * Categories the bounded run in `make test` uses: all of them, since the
 * fuzzer stopped crashing itself (docs/misc/fuzzing.md).
 */
#define FUZZ_OPS_TEST 0x1fffUL

static unsigned long free_pages(void)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo };

    return sysctl(&op) ? 0 : op.u.physinfo.free_pages;
}

/*
 * Our hypervisor's debug keys, pressed through sysctl: 'A' audits frame
 * types and page tables (debug builds; it panics on a violation), 'C'
 * dumps coverage (coverage builds).  Keys a build lacks do nothing.
 */
static void press_keys(const char *keys)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_debug_keys };

    set_xen_guest_handle(op.u.debug_keys.keys, keys);
    op.u.debug_keys.nr_keys = strlen(keys);
    sysctl(&op);
}

/*
 * Where a hung fuzzer is: its vCPU's state, then rip sampled a few times
 * with the domain let run in between.  Each sample's rip is at or just
 * after a SYSCALL (a hypercall the hypervisor keeps re-issuing or never
 * returns from: suspect the hypervisor) or elsewhere: the hypervisor
 * keeps returning to the fuzzer's own code (its event callback, a loop
 * of its own), which is the fuzzer's doing.  A blocked vCPU in a poll
 * whose deadline is ahead or absent (read from the fuzzer's memory) waits
 * as it asked, the fuzzer's doing too; past its deadline it is the
 * hypervisor's.  True for the fuzzer's doing.  The fuzzer is the same
 * binary as dom0: its code is ours to read.
 */
/* Whether our code has the SYSCALL instruction (0f 05) at p. */
static bool at_syscall(unsigned long p)
{
    extern char _text[], __start_ex_table[];

    return p >= (unsigned long)_text &&
           p + 2 <= (unsigned long)__start_ex_table &&
           *(const uint16_t *)p == 0x050f;
}

/* A page of ours through which a hung fuzzer's memory is read. */
static uint8_t peek_window[PAGE_SIZE] __aligned(PAGE_SIZE);

/*
 * Copies len bytes at the fuzzer's virtual address va, walking its page
 * tables from cr3 through read-only mappings (its tables are typed: a
 * writable mapping would be refused).  False if something on the way is
 * missing.
 */
static bool peek_map(domid_t dom, unsigned long mfn)
{
    return !HYPERVISOR_update_va_mapping_otherdomain(
               (unsigned long)peek_window,
               ((uint64_t)mfn << PAGE_SHIFT) | PTE_KERNEL_RO,
               UVMF_INVLPG | UVMF_LOCAL, dom);
}

static bool peek(domid_t dom, unsigned long cr3, unsigned long va, void *buf,
                 size_t len)
{
    uint8_t *out = buf;

    while ( len )
    {
        unsigned long mfn = xen_cr3_to_pfn(cr3);
        size_t off = va & ~PAGE_MASK, n = PAGE_SIZE - off;
        bool ok = true;

        for ( unsigned int lvl = 4; ok && lvl; lvl-- )
        {
            uint64_t e;

            if ( !(ok = peek_map(dom, mfn)) )
                break;
            e = ((const uint64_t *)peek_window)
                [(va >> (PAGE_SHIFT + 9 * (lvl - 1))) & (PT_ENTRIES - 1)];
            ok = (e & _PAGE_PRESENT) && (lvl == 1 || !(e & _PAGE_PSE));
            mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
        }
        if ( ok )
            ok = peek_map(dom, mfn);
        if ( n > len )
            n = len;
        if ( ok )
            memcpy(out, peek_window + off, n);
        unmap_foreign_frame(peek_window);
        if ( !ok )
            return false;
        out += n;
        va += n;
        len -= n;
    }
    return true;
}

/*
 * Copies the fuzzer's copy of our own object p (it is the same binary) by
 * pfn, not through its page tables, which a crash may have left without
 * its kernel: the frame is the one the M2P gives pfn that is the
 * fuzzer's (the M2P entries of its image's frames, which none of its
 * calls name, stay as they were).
 */
static bool peek_image(domid_t dom, const void *p, void *buf, size_t len)
{
    unsigned long pfn = virt_to_pfn(p), off = (unsigned long)p & ~PAGE_MASK;
    long max = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    unsigned long m;

    if ( off + len > PAGE_SIZE || max <= 0 )
        return false;
    for ( m = 0; m < (unsigned long)max; m++ )
        if ( mfn_to_pfn(m) == pfn && peek_map(dom, m) )
            break;
    if ( m < (unsigned long)max )
        memcpy(buf, peek_window + off, len);
    unmap_foreign_frame(peek_window);
    return m < (unsigned long)max;
}

/* A crashed fuzzer's last call or batch of stream p (FUZZ-LAST lines). */
static void describe_crash(domid_t dom, unsigned long s, unsigned int p)
{
    unsigned long idx;
    unsigned int n;
    multicall_entry_t e;

    if ( !peek_image(dom, &last[p].idx, &idx, sizeof(idx)) ||
         !peek_image(dom, &last[p].n, &n, sizeof(n)) )
        return;
    if ( n > NSLOT - 1 )
    {
        printk("FUZZ-LAST: seed=%lu stream=%u idx=%lu: before its call\n", s,
               p, idx);
        return;
    }
    printk("FUZZ-LAST: seed=%lu stream=%u idx=%lu: %u entries%s\n", s, p,
           idx, n, n ? "" : " (an instruction)");
    for ( unsigned int i = 0; i < n; i++ )
        if ( peek_image(dom, &last[p].mc[i], &e, sizeof(e)) )
            printk("FUZZ-LAST: %u op=%lu %lx %lx %lx %lx %lx -> %ld\n", i,
                   (unsigned long)e.op, (unsigned long)e.args[0],
                   (unsigned long)e.args[1], (unsigned long)e.args[2],
                   (unsigned long)e.args[3], (unsigned long)e.args[4],
                   (long)e.result);
}

/*
 * The hypercall a vCPU sits in: the number in rax when rip is back at the
 * SYSCALL (a continuation), else the stub rip is in (32 bytes each in the
 * hypercall page), or ~0.
 */
static unsigned long hung_op(const struct cpu_user_regs *r)
{
#ifdef CONFIG_HYPERCALL_PAGE
    unsigned long off = r->rip - (unsigned long)hypercall_page;

    if ( off < PAGE_SIZE )
        return off / 32;
#endif
    return at_syscall(r->rip) ? r->rax : ~0UL;
}

/*
 * The poll a blocked fuzzer sleeps in, read from its memory: the call it
 * sits in, or in a batch the entry before the one the multicall continues
 * from (rip back at the SYSCALL: the batch broke off after the blocking
 * entry) or the batch's last entry (rip past it: the batch had ended).
 * Its deadline in system time, 0 for none, in *timeout; false if the vCPU
 * is not in a poll or its arguments cannot be read.
 */
static bool hung_poll(domid_t dom, const vcpu_guest_context_t *c,
                      uint64_t *timeout)
{
    const struct cpu_user_regs *r = &c->user_regs;
    unsigned long cr3 = c->ctrlreg[3], cmd = r->rdi, arg = r->rsi;
    unsigned long op = hung_op(r);
    sched_poll_t poll;

    if ( op == __HYPERVISOR_multicall )
    {
        multicall_entry_t e;
        unsigned long at = at_syscall(r->rip)
                           ? r->rdi - sizeof(e)
                           : r->rdi + (r->rsi - 1) * sizeof(e);

        if ( !peek(dom, cr3, at, &e, sizeof(e)) ||
             e.op != __HYPERVISOR_sched_op )
            return false;
        cmd = e.args[0];
        arg = e.args[1];
    }
    else if ( op != __HYPERVISOR_sched_op )
        return false;
    if ( cmd != SCHEDOP_poll || !peek(dom, cr3, arg, &poll, sizeof(poll)) )
        return false;
    *timeout = poll.timeout;
    return true;
}

/* One vCPU's part of describe_hang(), added to buf; it ends paused. */
static bool describe_vcpu_hang(domid_t dom, unsigned int vcpu,
                               unsigned int vcpus, char *buf, size_t len)
{
    static vcpu_guest_context_t ctxt;
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getvcpuinfo, .domain = dom,
                             .u.getvcpuinfo.vcpu = vcpu };
    bool self = false, waits = false, blocked, done;
    size_t n = strlen(buf);

    if ( domctl(&op) )
    {
        snprintf(buf + n, len - n, "vcpu%u state unknown", vcpu);
        return false;
    }
    blocked = op.u.getvcpuinfo.blocked;
    snprintf(buf + n, len - n, "vcpu%u %s%s%s", vcpu,
             op.u.getvcpuinfo.online ? "online" : "down",
             blocked ? " blocked" : "",
             op.u.getvcpuinfo.running ? " running" : "");
    /*
     * A vCPU that is down (vCPU 1 once its stream is done) waits for none;
     * vCPU 0 done waits for vCPU 1, in its own loop of yields.
     */
    if ( !op.u.getvcpuinfo.online ||
         (vcpus > 1 && peek_image(dom, &fz_done[vcpu], &done, sizeof(done)) &&
          done) )
    {
        n = strlen(buf);
        snprintf(buf + n, len - n, ": done");
        return true;
    }
    memset(&ctxt, 0, sizeof(ctxt));
    for ( unsigned int i = 0, same = 0; i < 8; i++ )
    {
        unsigned long rip, last = ctxt.user_regs.rip;

        if ( i )
        {
            op.cmd = XEN_DOMCTL_unpausedomain;
            if ( domctl(&op) )
                break;
            msleep(3);
        }
        op.cmd = XEN_DOMCTL_pausedomain;
        if ( domctl(&op) )
            break;
        memset(&op.u, 0, sizeof(op.u));
        op.cmd = XEN_DOMCTL_getvcpucontext;
        op.u.vcpucontext.vcpu = vcpu;
        set_xen_guest_handle(op.u.vcpucontext.ctxt, &ctxt);
        if ( domctl(&op) )
            break;
        rip = ctxt.user_regs.rip;
        n = strlen(buf);
        /* A sample like the last is a '=', to keep the line short. */
        if ( i && rip == last )
        {
            snprintf(buf + n, len - n, same++ ? "=" : " =");
            continue;
        }
        same = 0;
        if ( at_syscall(rip) || at_syscall(rip - 2) )
            snprintf(buf + n, len - n, " hypercall %lx", rip);
        else
        {
            self = true;
            snprintf(buf + n, len - n, " rip %lx", rip);
        }
        if ( !i )
        {
            uint64_t timeout, now = monotonic_clock();

            n = strlen(buf);
            snprintf(buf + n, len - n, " (rsp %lx upcall mask %u)",
                     (unsigned long)ctxt.user_regs.rsp,
                     ctxt.user_regs.saved_upcall_mask);
            /*
             * Asleep in a poll it gave no deadline, or one still ahead:
             * it waits as it asked (its arguments overwritten by its own
             * earlier calls, say).  Asleep past its deadline is the
             * hypervisor's: a wake-up lost.
             */
            if ( blocked && hung_poll(dom, &ctxt, &timeout) )
            {
                n = strlen(buf);
                if ( timeout && timeout <= now )
                    snprintf(buf + n, len - n, " poll deadline passed %lu "
                             "ms ago", (unsigned long)((now - timeout) /
                                                       1000000));
                else
                {
                    waits = true;
                    snprintf(buf + n, len - n, timeout ? " poll until %lu "
                             "s from now" : " poll with no deadline",
                             (unsigned long)((timeout - now) / 1000000000));
                }
            }
        }
    }
    n = strlen(buf);
    snprintf(buf + n, len - n, self ? ": in its own code" :
             waits ? ": waiting as it asked" : ": in the hypervisor");
    return self || waits;
}

/*
 * Each fuzzing vCPU in turn: the fuzzer's doing unless one of them is in
 * the hypervisor (vCPU 0 waiting for vCPU 1 runs its own code).
 */
static bool describe_hang(domid_t dom, unsigned int vcpus, char *buf,
                          size_t len)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_unpausedomain, .domain = dom };
    bool self = true;

    buf[0] = 0;
    for ( unsigned int v = 0; v < vcpus; v++ )
    {
        if ( v )
        {
            /* The last vCPU's sampling left the domain paused. */
            domctl(&op);
            snprintf(buf + strlen(buf), len - strlen(buf), "; ");
        }
        self &= describe_vcpu_hang(dom, v, vcpus, buf, len);
    }
    return self;
}

/* Dom0's own memory, to see that no fuzzer call reached it. */
static uint64_t canary[512] __aligned(PAGE_SIZE);

static uint64_t checksum(const void *p, size_t n)
{
    const uint64_t *q = p;
    uint64_t s = 0;

    for ( size_t i = 0; i < n / 8; i++ )
        s = mix64(s ^ q[i]);
    return s;
}

/*
 * dom0 of the 32-bit fuzzer (FUZZ_ARCH=x86_32: the fuzzers are boot
 * domUs 1..n, as mini-os builds no 32-bit domain): as each shuts down,
 * destroy it and see every page it held come back, then that our own
 * code and a canary are as they were and the hypervisor still answers.
 * One "FUZZ-WITNESS:" line per domain and a verdict line at the end.
 */
static void witness(unsigned int n)
{
    extern char _text[], __start_ex_table[];
    uint64_t canary[64], text_sum, canary_sum;
    unsigned int left = n, bad = 0;
    bool done[8] = { false };

    if ( !n || n >= ARRAY_SIZE(done) )
        return;
    for ( unsigned int i = 0; i < ARRAY_SIZE(canary); i++ )
        canary[i] = mix64(0x5eed + i);
    canary_sum = checksum(canary, sizeof(canary));
    text_sum = checksum(_text, (__start_ex_table - _text) & ~7UL);
    while ( left )
    {
        msleep(20);
        for ( domid_t d = 1; d <= n; d++ )
        {
            struct xen_domctl_getdomaininfo info;
            struct domu u;
            unsigned long before, after;

            if ( done[d] || domain_getinfo(d, &info) || info.domain != d ||
                 !(info.flags & XEN_DOMINF_shutdown) )
                continue;
            done[d] = true;
            left--;
            before = host_free_pages();
            if ( domu_adopt(d, &u) || domu_destroy(&u) )
            {
                printk("FUZZ-WITNESS: d%u could not be destroyed\n", d);
                bad++;
                continue;
            }
            after = host_free_pages_settled(before + info.tot_pages);
            after = after > before ? after - before : 0;
            printk("FUZZ-WITNESS: d%u gave back %lu of the %lu pages it "
                   "held\n", d, after, (unsigned long)info.tot_pages);
            if ( after + destroy_slack_pages() < info.tot_pages )
                bad++;
        }
    }
    if ( checksum(canary, sizeof(canary)) != canary_sum ||
         checksum(_text, (__start_ex_table - _text) & ~7UL) != text_sum )
    {
        printk("FUZZ-WITNESS: dom0's memory changed\n");
        bad++;
    }
    if ( HYPERVISOR_xen_version(XENVER_version, NULL) <= 0 )
        bad++;
    printk("FUZZ-WITNESS: %s\n", bad ? "FAIL" : "PASS");
}

static unsigned long verdict_ul(const char *v, const char *key)
{
    const char *p = strstr(v, key);

    return p ? simple_strtoul(p + strlen(key), NULL, 10) : 0;
}

/*
 * Fuzzer domains run up to FUZZ_PAR at a time: the machine has two CPUs
 * and one fuzzer keeps one busy, while dom0 mostly sleeps.  As soon as
 * one ends dom0 checks it and builds the next in its place, so that no
 * CPU idles while the other's domain finishes.  The checks see a quiet
 * machine all the same: dom0 pauses the fuzzers still running while it
 * destroys the one that ended, counts the pages that came back and runs
 * the audit and the coverage dump.  The free-page count against its
 * value with no fuzzer domain at all (pages a fuzzer gave back during its
 * run and that never came free) waits for a drain: every FUZZ_DRAIN
 * domains dom0 builds no more until all are gone.  Two at a time on ours
 * unless asked otherwise (fuzz_par=1; FUZZ_PAR=1 for make fuzz): its TLB
 * flushes reach only the CPUs that may hold the translation, so the two
 * fuzzers do not wait for each other's CPU on every retype
 * (docs/misc/fuzzing.md, eighth round).
 */
#define FUZZ_PAR 2
/*
 * Domains between two drains: a drain idles one CPU while the last domain
 * runs alone, and a leak found then names every seed since the last one.
 */
#define FUZZ_DRAIN 16

/* One fuzzer domain slot. */
struct fz_dom {
    struct domu d;
    unsigned long seed;
    uint64_t built, ran;        /* build end, and from there to shutdown */
    unsigned int reason;
    long rc;                    /* 0: shut down; else -XEN_ETIMEDOUT */
    bool live;                  /* built, not yet destroyed */
    bool self;                  /* a hang of its own making */
    char hang_where[400];
};
static struct fz_dom fzd[FUZZ_PAR];

/*
 * Drains each live domain's console until one of them shuts down or
 * spends FUZZ_TIMEOUT_MS from its build: returns it, with rc 0 and its
 * reason, or rc -XEN_ETIMEDOUT.
 */
static struct fz_dom *fz_wait_one(unsigned int par)
{
    struct xen_domctl_getdomaininfo info;

    for ( ; ; )
    {
        for ( unsigned int i = 0; i < par; i++ )
        {
            struct fz_dom *f = &fzd[i];
            uint64_t now;
            long rc;

            if ( !f->live )
                continue;
            domu_console_drain(&f->d);
            now = monotonic_clock();
            if ( (rc = domain_getinfo(f->d.domid, &info)) )
                ;
            else if ( info.flags & XEN_DOMINF_shutdown )
            {
                f->reason = (info.flags >> XEN_DOMINF_shutdownshift) &
                            XEN_DOMINF_shutdownmask;
                domu_console_drain(&f->d);
            }
            else if ( now - f->built >= MILLISECS(FUZZ_TIMEOUT_MS) )
                rc = -XEN_ETIMEDOUT;
            else
                continue;
            f->rc = rc;
            f->ran = now - f->built;
            return f;
        }
        msleep(5);
    }
}

/* Pauses (or unpauses) the fuzzer domains still running; 0 or an error. */
static long fz_pause_live(unsigned int par, bool pause)
{
    struct xen_domctl op = { .cmd = pause ? XEN_DOMCTL_pausedomain
                                          : XEN_DOMCTL_unpausedomain };
    long rc = 0;

    for ( unsigned int i = 0; i < par; i++ )
        if ( fzd[i].live )
        {
            op.domain = fzd[i].d.domid;
            rc = rc ?: domctl(&op);
        }
    return rc;
}

/* ", seeds beside it N M" for the domains still running, or "". */
static void fz_beside(unsigned int par, char *buf, size_t len)
{
    size_t n = 0;

    buf[0] = 0;
    for ( unsigned int i = 0; i < par; i++ )
        if ( fzd[i].live && n < len )
            n += snprintf(buf + n, len - n, "%s %lu",
                          n ? "" : ", seeds beside it", fzd[i].seed);
}

/* How long at least one of the n spans [start, end) lasted. */
static uint64_t fz_union(uint64_t (*sp)[2], unsigned int n)
{
    uint64_t sum = 0, end = 0;

    for ( unsigned int i = 1; i < n; i++ )
        for ( unsigned int j = i; j && sp[j][0] < sp[j - 1][0]; j-- )
        {
            uint64_t t0 = sp[j][0], t1 = sp[j][1];

            sp[j][0] = sp[j - 1][0];
            sp[j][1] = sp[j - 1][1];
            sp[j - 1][0] = t0;
            sp[j - 1][1] = t1;
        }
    for ( unsigned int i = 0; i < n; i++ )
        if ( sp[i][1] > end )
        {
            sum += sp[i][1] - (sp[i][0] > end ? sp[i][0] : end);
            end = sp[i][1];
        }
    return sum;
}

/*
 * dom0: runs fuzzer domains, each with the next seed, up to fuzz_par= at
 * once, until the budget is spent; after each domain, checks that the
 * hypervisor answers, that dom0's memory and the peer domain are as they
 * were, and (on ours) that the domain's pages came back and the audit
 * passes; at each drain, that every page came back.  Command line
 * (dom0's): fuzz_seed=, fuzz_calls= (per domain), fuzz_total= (calls),
 * fuzz_seconds=, fuzz_ops=, fuzz_par= (domains at once: 2, the default
 * on ours, or 1, Xen 4.17's default), fuzz_vcpus= (1, the default, with
 * fuzz_stream=: that stream alone; or 2: both streams at once, one
 * domain at a time), fuzz_trace= (fuzz_trace_seed=: in that seed's
 * domain only).
 */
TEST(fuzz, hostile_domu)
{
    const char *cl = (const char *)start_info->cmd_line;
    bool ours = on_our_hypervisor();
    unsigned long seed0 = arg_ul(cl, "fuzz_seed=", 1);
    unsigned long per = arg_ul(cl, "fuzz_calls=", ours ? 262144 : 32768);
    unsigned long total = arg_ul(cl, "fuzz_total=", ours ? 1048576 : 65536);
    unsigned long secs = arg_ul(cl, "fuzz_seconds=", 0);
    unsigned long ops = arg_ul(cl, "fuzz_ops=", FUZZ_OPS_TEST);
    unsigned long trace_at = arg_ul(cl, "fuzz_trace=", ~0UL);
    unsigned long trace_seed = arg_ul(cl, "fuzz_trace_seed=", ~0UL);
    unsigned int vcpus = arg_ul(cl, "fuzz_vcpus=", 1) > 1 ? 2 : 1;
    unsigned int stream = vcpus == 1 ? arg_ul(cl, "fuzz_stream=", 0) % 2 : 0;
    /* Two 2-vCPU domains would only wait for each other's CPUs. */
    /*
     * Xen 4.17 gives back a destroyed domain's pages a little later than
     * its destruction returns: two domains at once there leave more pages
     * out than the leak check's slack (104 of them in the make-test slice).
     */
    unsigned int par = vcpus > 1 ? 1
                                 : arg_ul(cl, "fuzz_par=", ours ? FUZZ_PAR : 1);
    unsigned long calls = 0, crashes = 0, hangs = 0, selfhangs = 0;
    unsigned long domains = 0, s = seed0, drain_s = seed0;
    unsigned long before, text_sum, canary_sum, ns = 0;
    unsigned int live = 0, since = 0, nspans = 0;
    /* The spans counted domains ran since the last drain. */
    uint64_t spans[FUZZ_DRAIN][2];
    struct xen_domctl_getdomaininfo peer0, peer1, info;
    struct domu witness;
    uint64_t t0 = monotonic_clock();
    char cmdline[160], beside[64];
    /* Grant table v2 allowed: its status frames and conversions too. */
    struct domu_spec spec = { .mem_kb = FUZZ_MEM_KB, .cmdline = cmdline,
                              .max_grant_version = 2 };
    extern char _text[], __start_ex_table[];

    if ( !(spec.image = boot_module(&spec.image_len)) )
        SKIP("no kernel for the fuzzer: give mini-os as dom0's boot module");
    if ( par < 1 || par > FUZZ_PAR )
        par = 1;
    for ( unsigned int i = 0; i < ARRAY_SIZE(canary); i++ )
        canary[i] = mix64(seed0 + i);
    canary_sum = checksum(canary, sizeof(canary));
    text_sum = checksum(_text, (__start_ex_table - _text) & ~7UL);
    /* A domain beside the fuzzers that none of them may touch. */
    snprintf(cmdline, sizeof(cmdline), "role=fuzz witness");
    CHECK_RC(domu_build(&spec, &witness), 0);
    CHECK_RC(domain_getinfo(witness.domid, &peer0), 0);
    spec.max_vcpus = vcpus;

    before = free_pages();
    for ( ; ; )
    {
        /* Fuzzers that crash themselves add no calls: bound them too. */
        bool out = secs ? monotonic_clock() - t0 >= secs * 1000000000ULL
                        : calls + live * per >= total ||
                          domains >= 4 * (total / per + 1);
        unsigned long held = 0, freed;
        struct fz_dom *f;

        /* No fuzzer domain left: every page is back, on a quiet machine. */
        if ( !live && since )
        {
            CHECK(free_pages() + FUZZ_FREE_SLACK >= before,
                  "seeds %lu-%lu: free pages %lu, were %lu: a leak", drain_s,
                  s - 1, free_pages(), before);
            ns += fz_union(spans, nspans);
            since = nspans = 0;
            drain_s = s;
            before = free_pages();
        }
        /* The next domain in a free slot, unless a drain is due. */
        if ( !out && live < par && since < FUZZ_DRAIN )
        {
            int k = snprintf(cmdline, sizeof(cmdline),
                             "role=fuzz seed=%lu calls=%lu ops=0x%lx "
                             "vcpus=%u stream=%u", s, per, ops, vcpus,
                             stream);

            for ( f = fzd; f->live; f++ )
                ;
            if ( trace_at != ~0UL && (trace_seed == ~0UL || trace_seed == s) )
                snprintf(cmdline + k, sizeof(cmdline) - k, " trace=%lu",
                         trace_at);
            f->seed = s++;
            CHECK_RC(domu_build(&spec, &f->d), 0);
            f->live = true;
            live++;
            since++;
            domains++;
            f->built = monotonic_clock();
            continue;
        }
        if ( !live )
            break;

        f = fz_wait_one(par);
        if ( f->rc )
            f->self = describe_hang(f->d.domid, vcpus, f->hang_where,
                                    sizeof(f->hang_where));
        else if ( f->reason == SHUTDOWN_crash )
            for ( unsigned int p = 0; p < vcpus; p++ )
                describe_crash(f->d.domid, f->seed, vcpus == 1 ? stream : p);
        f->live = false;
        live--;
        fz_beside(par, beside, sizeof(beside));
        /*
         * On ours the others wait while this one goes: the pages it held
         * come back at once, and the audit needs tables nobody changes.
         * Coverage too, so a later hang of the machine loses none.
         */
        if ( ours )
        {
            CHECK_RC(fz_pause_live(par, true), 0);
            CHECK_RC(domain_getinfo(f->d.domid, &info), 0);
            held = info.tot_pages;
        }
        freed = free_pages();
        CHECK_RC(domu_destroy(&f->d), 0);
        freed = free_pages() - freed;
        CHECK(freed + FUZZ_FREE_SLACK >= held, "seed %lu: %lu pages came "
              "back of the %lu it held: a leak", f->seed, freed, held);
        if ( ours )
        {
            press_keys("AC");
            CHECK_RC(fz_pause_live(par, false), 0);
        }

        /* The hypervisor answers, and nobody else was touched. */
        CHECK(HYPERVISOR_xen_version(XENVER_version, NULL) > 0,
              "xen_version failed after seed %lu%s", f->seed, beside);
        CHECK(checksum(canary, sizeof(canary)) == canary_sum,
              "seed %lu%s: dom0's memory changed", f->seed, beside);
        CHECK(checksum(_text, (__start_ex_table - _text) & ~7UL) == text_sum,
              "seed %lu%s: dom0's code changed", f->seed, beside);
        domu_console_drain(&witness);
        CHECK_RC(domain_getinfo(witness.domid, &peer1), 0);
        CHECK(peer1.tot_pages == peer0.tot_pages &&
              !((peer1.flags ^ peer0.flags) & PEER_FLAGS),
              "seed %lu%s: witness d%u changed: pages %lu->%lu flags "
              "%x->%x", f->seed, beside, witness.domid,
              (unsigned long)peer0.tot_pages, (unsigned long)peer1.tot_pages,
              peer0.flags, peer1.flags);

        if ( f->rc && f->self )
        {
            /* Running its own code: the fuzzer's doing, like a crash. */
            selfhangs++;
            printk("FUZZ-SELFHANG: seed=%lu calls=%lu ops=0x%lx: no "
                   "shutdown in %u ms (%s)\n", f->seed, per, ops,
                   FUZZ_TIMEOUT_MS, f->hang_where);
        }
        else if ( f->rc )
        {
            /*
             * A fuzzer stuck in the hypervisor is a finding: one asleep
             * past its poll's deadline, or in a hypercall that never ends.
             */
            hangs++;
            printk("FUZZ-HANG: seed=%lu calls=%lu ops=0x%lx: no "
                   "shutdown in %u ms (%s)\n", f->seed, per, ops,
                   FUZZ_TIMEOUT_MS, f->hang_where);
        }
        /*
         * A verdict printed means it ran to its end: the reason may be a
         * code one of its calls set (SCHEDOP_shutdown_code), which Xen
         * 4.17 reports for its final poweroff.
         */
        else if ( f->reason != SHUTDOWN_poweroff && !f->d.verdict[0] )
        {
            crashes++;
            printk("FUZZ-SELFCRASH: seed=%lu (reason %u, last '%s')\n",
                   f->seed, f->reason, f->d.verdict);
        }
        else
        {
            CHECK(!strncmp(f->d.verdict, "PASS", 4), "seed %lu calls %lu "
                  "ops 0x%lx: %s", f->seed, per, ops, f->d.verdict);
            calls += verdict_ul(f->d.verdict, "calls=");
            /*
             * Its time by our clock: a fuzzer's own clock may be one it
             * moved (vcpu_info, time areas) and has wrapped.  The counted
             * time is when at least one counted domain ran.
             */
            spans[nspans][0] = f->built;
            spans[nspans][1] = f->built + f->ran;
            nspans++;
            printk("FUZZ-RATE: seed=%lu calls=%lu us=%lu\n", f->seed,
                   verdict_ul(f->d.verdict, "calls="),
                   (unsigned long)(f->ran / 1000));
        }
    }
    printk("FUZZ-SUMMARY: seeds %lu-%lu domains %lu calls %lu in %lu ms "
           "(%lu calls/s in the fuzzers), self-crashes %lu, self-hangs "
           "%lu, hangs %lu\n",
           seed0, s - 1, domains, calls,
           (unsigned long)((monotonic_clock() - t0) / 1000000),
           ns ? (unsigned long)(calls * 1000000000ULL / ns) : 0, crashes,
           selfhangs, hangs);
    CHECK_RC(domu_destroy(&witness), 0);
    CHECK(!hangs, "%lu fuzzer domains hung", hangs);
}
#endif /* __x86_64__ */
