/* SPDX-License-Identifier: GPL-2.0-only */
/* pv32: the first steps of a 32-bit PAE PV kernel, checked against Xen. */
#include <stdint.h>

#define REPORT_PREFIX "pv32: "
#include "../report.h"

/*
 * The public headers describe the 64-bit ABI only, so the few 32-bit
 * (compat) layouts and numbers used here are spelt out: a hypervisor
 * giving a 32-bit guest its 64-bit layouts is exactly what this catches.
 */
#define HYPERVISOR_mmu_update        1
#define HYPERVISOR_memory_op         12
#define HYPERVISOR_update_va_mapping 14
#define HYPERVISOR_xen_version       17
#define HYPERVISOR_console_io        18
#define HYPERVISOR_sched_op          29
#define HYPERVISOR_event_channel_op  32

#define CONSOLEIO_write              0
#define XENVER_capabilities          3
#define XENMEM_machphys_mapping      12
#define SCHEDOP_shutdown             2
#define SHUTDOWN_poweroff            0
#define EVTCHNOP_bind_interdomain    0
#define EVTCHNOP_close               3
#define EVTCHNOP_send                4
#define EVTCHNOP_alloc_unbound       6
#define MMU_NORMAL_PT_UPDATE         0
#define UVMF_INVLPG                  2
#define DOMID_SELF                   0x7ff0

/* Where Xen puts the hypervisor hole and the read-only M2P by default. */
#define COMPAT_M2P_START             0xf5800000u
#define VIRT_BASE                    0xc0000000u
#define PAGE                         4096u
#define PTE_ADDR                     0x000ffffffffff000ull
#define PTE_P                        0x1ull
#define PTE_RW                       0x2ull
#define PTE_A                        0x20ull
#define PTE_D                        0x40ull

/* struct start_info with 32-bit longs and frame numbers: 1112 bytes. */
struct start_info32 {
    char magic[32];
    uint32_t nr_pages;
    uint32_t shared_info;       /* machine address */
    uint32_t flags;
    uint32_t store_mfn;
    uint32_t store_evtchn;
    uint32_t console[2];
    uint32_t pt_base;           /* virtual address of the L3 */
    uint32_t nr_pt_frames;
    uint32_t mfn_list;
    uint32_t mod_start;
    uint32_t mod_len;
    char cmd_line[1024];
    uint32_t first_p2m_pfn;
    uint32_t nr_p2m_frames;
};
_Static_assert(sizeof(struct start_info32) == 1112, "start_info32");

/* vcpu_info: the pending selector and arch part shrink, 64 bytes still. */
struct vcpu_info32 {
    uint8_t upcall_pending;
    uint8_t upcall_mask;
    uint16_t pad0;
    uint32_t pending_sel;       /* one bit per 32-bit word of the bitmap */
    uint32_t cr2;
    uint32_t pad[5];
    uint8_t time[32];
};
_Static_assert(sizeof(struct vcpu_info32) == 64, "vcpu_info32");

/* shared_info: 1024 event channels, so both bitmaps are 128 bytes. */
struct shared_info32 {
    struct vcpu_info32 vcpu_info[32];
    uint32_t evtchn_pending[32];
    uint32_t evtchn_mask[32];
    uint32_t wc_version, wc_sec, wc_nsec;
};
_Static_assert(__builtin_offsetof(struct shared_info32, evtchn_mask) == 2176,
               "shared_info32");

struct mmu_update {
    uint64_t ptr;               /* machine address of the entry */
    uint64_t val;
};

struct machphys_mapping32 {
    uint32_t v_start, v_end, max_mfn;
};

struct evtchn_alloc_unbound {
    uint16_t dom, remote_dom;
    uint32_t port;
};

struct evtchn_bind_interdomain {
    uint16_t remote_dom;
    uint32_t remote_port;
    uint32_t local_port;
};

extern const uint8_t hypercall_page[];
extern char _start[], _end[];

static const struct start_info32 *si;
static const uint32_t *p2m;
/* A page with a known word, mapped a second time by mmu_update. */
static volatile uint32_t probe[PAGE / 4] __attribute__((aligned(4096))) = {
    0x32ae32ae
};

/* A hypercall through the page's stub for nr: args in ebx, ecx, edx, esi. */
static long hcall(unsigned int nr, uint32_t a1, uint32_t a2, uint32_t a3,
                  uint32_t a4)
{
    const uint8_t *stub = hypercall_page + nr * 32;
    long ret;

    /* Xen may clobber the argument registers: all are outputs too. */
    asm volatile ( "call *%%edi"
                   : "=a" (ret), "+b" (a1), "+c" (a2), "+d" (a3), "+S" (a4),
                     "+D" (stub)
                   :
                   : "memory" );
    return ret;
}

static void out(const char *s, unsigned long len)
{
    hcall(HYPERVISOR_console_io, CONSOLEIO_write, len, (uint32_t)s, 0);
}

void pv32_main(const struct start_info32 *start);

/* Bootstrap-region addresses and pseudo-physical frames. */
static uint32_t pfn_of(uint32_t va)
{
    return (va - VIRT_BASE) / PAGE;
}

static uint32_t mfn_of(uint32_t va)
{
    return p2m[pfn_of(va)];
}

/* The va of a table a PAE entry points at, if it is one of the boot's. */
static const uint64_t *table_at(const uint32_t *m2p, uint64_t e)
{
    uint32_t va = m2p[(e & PTE_ADDR) / PAGE] * PAGE + VIRT_BASE;

    if ( va < si->pt_base || va >= si->pt_base + si->nr_pt_frames * PAGE )
    {
        CHECK(0, "table outside pt_base's frames: entry, its va", e, va);
        return 0;
    }
    return (const uint64_t *)va;
}

/*
 * va's L1 entry through the boot tables (0 if not mapped); *where gets
 * the entry's machine address.  pt_base is the L3: four entries, each
 * for 1 GiB; then L2 and L1 of 512 entries, as in long mode.
 */
static uint64_t l1e_of(const uint32_t *m2p, uint32_t va, uint64_t *where)
{
    const uint64_t *l3 = (const uint64_t *)si->pt_base;
    const uint64_t *l2, *l1;
    uint64_t e = l3[va >> 30];

    if ( !(e & PTE_P) || !(l2 = table_at(m2p, e)) )
        return 0;
    e = l2[(va >> 21) & 511];
    if ( !(e & PTE_P) || !(l1 = table_at(m2p, e)) )
        return 0;
    if ( where )
        *where = (uint64_t)mfn_of((uint32_t)l1) * PAGE +
                 ((va >> 12) & 511) * 8;
    return l1[(va >> 12) & 511];
}

static int contains(const char *s, const char *word)
{
    for ( ; *s; s++ )
    {
        unsigned int i = 0;

        while ( word[i] && s[i] == word[i] )
            i++;
        if ( !word[i] )
            return 1;
    }
    return 0;
}

static void check_entry_state(void)
{
    uint16_t cs, ss;
    static char caps[1024];
    long rc;

    asm ( "mov %%cs, %0; mov %%ss, %1" : "=r" (cs), "=r" (ss) );
    /* FLAT_RING1_CS and FLAT_RING1_DS, Xen's 32-bit kernel selectors. */
    CHECK(cs == 0xe019 && ss == 0xe021, "cs, ss", cs, ss);
    /* mov $nr, %eax; int $0x82; ret: the console_io stub. */
    CHECK(!__builtin_memcmp(hypercall_page + HYPERVISOR_console_io * 32,
                            "\xb8\x12\x00\x00\x00\xcd\x82\xc3", 8),
          "console_io's stub");
    rc = hcall(HYPERVISOR_xen_version, XENVER_capabilities, (uint32_t)caps,
               0, 0);
    CHECK(!rc && contains(caps, "xen-3.0-x86_32p"), "capabilities",
          (uint64_t)rc);
}

static const uint32_t *check_start_info(void)
{
    static struct machphys_mapping32 map;
    const uint32_t *m2p;
    uint32_t end = (uint32_t)_end;
    long rc;

    say("start_info, pt_base, nr_pt_frames, mfn_list, nr_pages", 5,
        (const uint64_t[]){ (uint32_t)si, si->pt_base, si->nr_pt_frames,
                            si->mfn_list, si->nr_pages });
    CHECK(!__builtin_memcmp(si->magic, "xen-3.0-x86_32p", 16), "magic");
    CHECK(si->nr_pages >= 256, "nr_pages", si->nr_pages);
    CHECK(!(si->shared_info & (PAGE - 1)), "shared_info unaligned",
          si->shared_info);
    /* The p2m list, start_info and the tables follow the image. */
    CHECK(si->mfn_list >= end && !(si->pt_base & (PAGE - 1)) &&
          si->pt_base > si->mfn_list && (uint32_t)si > si->mfn_list,
          "structures not after the kernel", end);

    rc = hcall(HYPERVISOR_memory_op, XENMEM_machphys_mapping, (uint32_t)&map,
               0, 0);
    CHECK(!rc && map.v_start == COMPAT_M2P_START && map.v_end > map.v_start,
          "compat M2P's place", (uint64_t)rc, map.v_start, map.v_end);
    if ( rc )
        return 0;
    m2p = (const uint32_t *)map.v_start;
    for ( uint32_t pfn = 0; pfn < si->nr_pages; pfn++ )
        if ( m2p[p2m[pfn]] != pfn )
        {
            CHECK(0, "m2p[p2m[pfn]] != pfn: pfn, mfn, m2p", pfn, p2m[pfn],
                  m2p[p2m[pfn]]);
            return 0;
        }
    return m2p;
}

/* Xen's end of the region for nr_pt table frames: a 4 MiB boundary. */
static uint32_t xen_v_end(uint32_t nr_pt)
{
    uint32_t stack_end = si->pt_base + (nr_pt + 1) * PAGE;
    uint32_t end = (stack_end + (4u << 20) - 1) & ~((4u << 20) - 1);

    return end - stack_end < (512u << 10) ? end + (4u << 20) : end;
}

/* A 32-bit region's tables: the L3, an L2 for each of its four slots. */
static uint32_t tables_for(uint32_t end)
{
    return 1 + 4 + (end - VIRT_BASE + (2u << 20) - 1) / (2u << 20);
}

static void check_tables(const uint32_t *m2p)
{
    const uint64_t *l3 = (const uint64_t *)si->pt_base;
    uint32_t nr_pt, v_end, pt_end = si->pt_base + si->nr_pt_frames * PAGE;
    uint64_t e;

    for ( nr_pt = 2; tables_for(xen_v_end(nr_pt)) > nr_pt; nr_pt++ )
        continue;
    CHECK(si->nr_pt_frames == nr_pt, "nr_pt_frames, Xen's", si->nr_pt_frames,
          nr_pt);
    /* All four L3 slots have an L2, so slot 3's (Xen's slots) exists. */
    for ( unsigned int i = 0; i < 4; i++ )
        CHECK(l3[i] & PTE_P, "L3 entry not present: slot, entry", i, l3[i]);
    /* [VIRT_BASE, v_end): each page its p2m frame, the tables read-only. */
    v_end = xen_v_end(si->nr_pt_frames);
    for ( uint32_t va = VIRT_BASE; va < v_end; va += PAGE )
    {
        int rw = va < si->pt_base || va >= pt_end;

        e = l1e_of(m2p, va, 0);
        if ( !(e & PTE_P) || (e & PTE_ADDR) / PAGE != mfn_of(va) ||
             !!(e & PTE_RW) != rw )
        {
            CHECK(0, "mapping: va, l1e, p2m", va, e, mfn_of(va));
            return;
        }
    }
    CHECK(!(l1e_of(m2p, v_end, 0) & PTE_P), "mapped past the region's end",
          v_end);
}

/*
 * Two spare pages past the boot stack (Xen leaves at least 512 KiB
 * mapped there): mmu_update maps probe[] at the first, update_va_mapping
 * shared_info at the second.  Returns the shared_info mapping.
 */
static volatile struct shared_info32 *check_mmu(const uint32_t *m2p)
{
    uint32_t spare = si->pt_base + (si->nr_pt_frames + 2) * PAGE;
    uint32_t va_si = spare + PAGE;
    struct mmu_update req;
    uint32_t done = 0;
    uint64_t where = 0, e = l1e_of(m2p, spare, &where);
    long rc;

    CHECK(e & PTE_P, "spare page not mapped", spare, e);
    if ( !(e & PTE_P) )
        return 0;
    /* The page was never touched, so no TLB entry can be stale after. */
    req.ptr = where | MMU_NORMAL_PT_UPDATE;
    req.val = (uint64_t)mfn_of((uint32_t)probe) * PAGE | PTE_P | PTE_A;
    rc = hcall(HYPERVISOR_mmu_update, (uint32_t)&req, 1, (uint32_t)&done,
               DOMID_SELF);
    CHECK(!rc && done == 1, "mmu_update", (uint64_t)rc, done);
    if ( !rc )
        CHECK(*(volatile uint32_t *)spare == probe[0],
              "probe through its second mapping", *(volatile uint32_t *)spare);

    /* A PAE entry is 64 bits: low and high halves, then the flags. */
    rc = hcall(HYPERVISOR_update_va_mapping, va_si,
               si->shared_info | PTE_P | PTE_RW | PTE_A | PTE_D, 0,
               UVMF_INVLPG);
    CHECK(!rc, "update_va_mapping of shared_info", (uint64_t)rc);
    return rc ? 0 : (volatile struct shared_info32 *)va_si;
}

/* A port bound to another of ours: a send sets the other's pending bit. */
static void check_evtchn(volatile struct shared_info32 *s)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF,
                                      .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain b = { .remote_dom = DOMID_SELF };
    uint32_t p, word, bit;
    long rc;

    /* Every vCPU starts with events masked, so nothing is delivered. */
    CHECK(s->vcpu_info[0].upcall_mask == 1, "vcpu 0's upcall mask",
          s->vcpu_info[0].upcall_mask);
    rc = hcall(HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound,
               (uint32_t)&a, 0, 0);
    CHECK(!rc, "alloc_unbound", (uint64_t)rc);
    if ( rc )
        return;
    b.remote_port = a.port;
    rc = hcall(HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain,
               (uint32_t)&b, 0, 0);
    p = b.local_port;
    CHECK(!rc && p != a.port, "bind_interdomain", (uint64_t)rc, p);
    if ( rc )
        return;
    word = a.port / 32;
    bit = 1u << (a.port % 32);
    CHECK(!(s->evtchn_pending[word] & bit), "pending before the send");
    rc = hcall(HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint32_t)&p, 0,
               0);
    CHECK(!rc, "send", (uint64_t)rc);
    CHECK(s->evtchn_pending[word] & bit, "port's pending bit (32-bit words)",
          a.port, s->evtchn_pending[word]);
    CHECK(s->vcpu_info[0].pending_sel & (1u << word), "pending_sel",
          s->vcpu_info[0].pending_sel);
    CHECK(s->vcpu_info[0].upcall_pending, "upcall_pending");
    hcall(HYPERVISOR_event_channel_op, EVTCHNOP_close, (uint32_t)&p, 0, 0);
    hcall(HYPERVISOR_event_channel_op, EVTCHNOP_close, (uint32_t)&a.port, 0,
          0);
}

void pv32_main(const struct start_info32 *start)
{
    uint32_t down = SHUTDOWN_poweroff;
    volatile struct shared_info32 *s = 0;
    const uint32_t *m2p;

    si = start;
    p2m = (const uint32_t *)si->mfn_list;
    say("hello from a 32-bit PAE PV kernel", 0, 0);
    check_entry_state();
    m2p = check_start_info();
    if ( m2p )
    {
        check_tables(m2p);
        s = check_mmu(m2p);
    }
    if ( s )
        check_evtchn(s);
    if ( failures )
        say("FAILED", 1, (const uint64_t[]){ failures });
    else
        say("PASS", 0, 0);
    hcall(HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint32_t)&down, 0, 0);
    for ( ;; )
        continue;
}
