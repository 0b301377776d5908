/* SPDX-License-Identifier: GPL-2.0-only */
/* Attacks through the LDT: the CPU's own one, and the guest's SET_LDT. */

#include <xenctl.h>
#include "hostile.h"
#include <hypercall.h>
#include <mm.h>
#include <time.h>
#include <traps.h>

#define GP  (1 + 13)
#define PF  (1 + 14)

/* LDT selectors (TI set) with RPL 3, by index. */
#define LDT_SEL(i)  ((uint16_t)((i) << 3 | 4 | 3))

/* Flat data, DPL 3 and DPL 0; 64-bit code, DPL 0. */
#define DESC_DATA_R3    0x00cff3000000ffffUL
#define DESC_DATA_R0    0x00cf93000000ffffUL
#define DESC_CODE64_R0  0x00af9b000000ffffUL
/* The same DPL 3 data segment based at 0x1000. */
#define DESC_DATA_R3_AT_1000 0x00cff3001000ffffUL
#define DESC_DPL(d)     (((d) >> 45) & 3)
/* Byte-granular DPL 3 data segments told apart by their limits. */
#define DESC_DATA_LIMIT(l) (0x0040f30000000000UL | (l))
#define DOM0_LIMIT      0x4321
#define ATTACKER_LIMIT  0x1234

/* The two halves of a DPL 3 64-bit call gate to sel:off. */
static void call_gate(uint64_t *d, uint16_t sel, unsigned long off)
{
    d[0] = (off & 0xffff) | (uint64_t)sel << 16 | 0xecUL << 40 |
           (off >> 16 & 0xffff) << 48;
    d[1] = off >> 32;
}

/*
 * Probes in the style of head.S's: 0, or 1 + the vector of the fault
 * (then in last_fixup_*).  ldt_lar() and ldt_lsl() give -1 when the
 * instruction finds nothing usable (ZF clear: no fault, as for a
 * selector beyond the table).
 */
int ldt_load_fs(uint16_t sel);
int ldt_lar(uint16_t sel, uint32_t *ar);
int ldt_lcall(const void *farptr);
int ldt_lsl(uint16_t sel, uint32_t *limit);
asm ( ".pushsection .text\n"
      "ldt_load_fs:\n"
      "    xor %eax, %eax\n"
      "1:  mov %di, %fs\n"
      "    ret\n"
      "ldt_lar:\n"
      "    xor %eax, %eax\n"
      "2:  lar %di, %ecx\n"
      "    jnz 4f\n"
      "    mov %ecx, (%rsi)\n"
      "    ret\n"
      "4:  mov $-1, %eax\n"
      "    ret\n"
      "ldt_lsl:\n"
      "    xor %eax, %eax\n"
      "5:  lsl %di, %ecx\n"
      "    jnz 6f\n"
      "    mov %ecx, (%rsi)\n"
      "    ret\n"
      "6:  mov $-1, %eax\n"
      "    ret\n"
      "ldt_lcall:\n"
      "    xor %eax, %eax\n"
      "3:  lcall *(%rdi)\n"
      "    ret\n"
      "    .popsection\n"
      "    .pushsection .ex_table, \"a\"\n"
      "    .quad 1b, probe_fixup, 2b, probe_fixup, 3b, probe_fixup\n"
      "    .quad 5b, probe_fixup\n"
      "    .popsection" );

/* Reads the 8 bytes at FS base + off. */
static uint64_t fs_read(unsigned long off)
{
    uint64_t v;

    asm volatile ( "mov %%fs:(%1), %0" : "=r" (v) : "r" (off) : "memory" );
    return v;
}

static uint16_t fs_selector(void)
{
    uint16_t v;

    asm volatile ( "mov %%fs, %0" : "=r" (v) );
    return v;
}

/* mini-os runs with a null FS and base 0. */
static void fs_reset(void)
{
    ldt_load_fs(0);
    HYPERVISOR_set_segment_base(SEGBASE_FS, 0);
}

static long set_ldt(const void *base, unsigned int ents)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };

    op.arg1.linear_addr = (unsigned long)base;
    op.arg2.nr_ents = ents;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static uint64_t table_entry(const void *page)
{
    return virt_to_mach(page) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
           _PAGE_ACCESSED;
}

/*
 * Maps a page of ours, writable, at linear address 0, where mini-os has
 * nothing (L4 slot 0): new L3, L2 and L1 tables under the kernel's L4.
 */
static bool map_page_at_0(void)
{
    uint64_t *l3 = alloc_page(), *l2 = alloc_page(), *l1 = alloc_page();
    uint64_t *page = alloc_page();
    mmu_update_t u;

    if ( !l3 || !l2 || !l1 || !page || (*pt_entry(0, 4) & _PAGE_PRESENT) )
        return false;
    l1[0] = table_entry(page) | _PAGE_DIRTY;
    l2[0] = table_entry(l1);
    l3[0] = table_entry(l2);
    if ( make_readonly(l1) || make_readonly(l2) || make_readonly(l3) )
        return false;
    u.ptr = pt_entry_maddr(0, 4) | MMU_NORMAL_PT_UPDATE;
    u.val = table_entry(l3);
    return !HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
}

/*
 * A CPU left with its reset LDTR (base 0, limit 0xffff) takes whatever
 * lies at linear 0-64 KiB as an LDT: the guest's own memory, call gates
 * to ring 0 included.  With no SET_LDT there must be no LDT at all, and
 * every LDT selector faults.
 */
HOSTILE(ldt, none_without_set_ldt)
{
    volatile uint64_t *desc;
    struct __attribute__((packed)) { uint32_t off; uint16_t sel; } far;
    uint32_t ar;

    CHECK(map_page_at_0(), "cannot map a page at linear 0");
    /* Linear 0, hidden from the compiler, which sees a null pointer. */
    asm ( "" : "=r" (desc) : "0" (0UL) );
    desc[1] = DESC_DATA_R3;
    call_gate((uint64_t *)&desc[2], 0xe008, (unsigned long)&ldt_lcall);
    desc[4] = DESC_CODE64_R0;
    CHECK(desc[1] == DESC_DATA_R3, "linear 0 reads %" PRI64 "x", desc[1]);

    CHECK_RC(ldt_lar(LDT_SEL(1), &ar), -1);
    CHECK_RC(ldt_lar(LDT_SEL(2), &ar), -1);
    CHECK_RC(ldt_lar(LDT_SEL(4), &ar), -1);
    CHECK_RC(ldt_load_fs(LDT_SEL(1)), GP);
    CHECK((last_fixup_error & ~3UL) == (LDT_SEL(1) & ~3),
          "#GP error code %lx", last_fixup_error);
    far.off = 0;
    far.sel = LDT_SEL(2);
    CHECK_RC(ldt_lcall(&far), GP);
    fs_reset();
}

/*
 * A page of LDT entries, read-only once filled: entries 1 and 2 flat
 * data segments (based at 0 and at 0x1000), 3 64-bit code with DPL 0,
 * 4 data with DPL 0, 5-6 a call gate to the flat ring-3 code segment.
 * Xen takes the DPL 0 ones as DPL 3 (the guest kernel's own ring) and
 * gives the gate DPL 0 so that every use traps.
 */
static uint64_t *ldt_page(bool readonly)
{
    uint64_t *ldt = alloc_page();

    if ( !ldt )
        return NULL;
    ldt[1] = DESC_DATA_R3;
    ldt[2] = DESC_DATA_R3_AT_1000;
    ldt[3] = DESC_CODE64_R0;
    ldt[4] = DESC_DATA_R0;
    call_gate(&ldt[5], FLAT_RING3_CS64, (unsigned long)&ldt_lcall);
    if ( readonly && make_readonly(ldt) )
        return NULL;
    return ldt;
}

static uint64_t ldt_magic = 0x6c64746d61676963UL;
#define MAGIC_AT ((unsigned long)&ldt_magic)

/*
 * SET_LDT with a valid table: its selectors load, with the bases they
 * describe, across a sleep (the hypervisor reloads them), and the table
 * cannot be mapped writable while it is in use.
 */
HOSTILE(ldt, valid_table_loads)
{
    uint64_t *ldt = ldt_page(true);
    uint32_t ar;
    uint16_t sel;

    CHECK(ldt, "no LDT page");
    CHECK_RC(set_ldt(ldt, 512), 0);
    CHECK_RC(ldt_lar(LDT_SEL(1), &ar), 0);
    CHECK_RC(ldt_load_fs(LDT_SEL(1)), 0);
    CHECK(fs_read(MAGIC_AT) == ldt_magic, "fs:%lx reads %" PRI64 "x", MAGIC_AT,
          fs_read(MAGIC_AT));
    CHECK_RC(ldt_load_fs(LDT_SEL(2)), 0);
    CHECK(fs_read(MAGIC_AT - 0x1000) == ldt_magic,
          "the base of LDT entry 2 is not 0x1000");
    msleep(20);
    sel = fs_selector();
    CHECK(sel == LDT_SEL(2), "fs %x after a sleep", sel);
    CHECK(fs_read(MAGIC_AT - 0x1000) == ldt_magic,
          "fs base lost over a sleep");
    fs_reset();

    /* DPL 0 code and data become the guest kernel's ring, 3. */
    CHECK_RC(ldt_lar(LDT_SEL(3), &ar), 0);
    CHECK(((ar >> 13) & 3) == 3, "code segment DPL %u", (ar >> 13) & 3);
    CHECK(DESC_DPL(ldt[3]) == 3, "code descriptor now %" PRI64 "x", ldt[3]);
    CHECK_RC(ldt_load_fs(LDT_SEL(4)), 0);
    fs_reset();
    /* The call gate is kept, at DPL 0: no direct use. */
    CHECK_RC(ldt_lar(LDT_SEL(5), &ar), -1);
    CHECK(DESC_DPL(ldt[5]) == 0, "call gate now %" PRI64 "x", ldt[5]);

    CHECK(make_writable(ldt) != 0, "LDT page mapped writable while in use");
    CHECK_RC(set_ldt(NULL, 0), 0);
    CHECK_RC(ldt_lar(LDT_SEL(1), &ar), -1);
    CHECK_RC(make_writable(ldt), 0);
    free_page(ldt);
}

/*
 * A page the guest can still write is no descriptor table: SET_LDT takes
 * it (Xen checks only the address), but the first use faults at the
 * descriptor, until the page is made read-only.
 */
HOSTILE(ldt, writable_page_refused)
{
    uint64_t *ldt = ldt_page(false);
    uint32_t ar;

    CHECK(ldt, "no LDT page");
    CHECK_RC(set_ldt(ldt, 16), 0);
    CHECK_RC(ldt_load_fs(LDT_SEL(1)), PF);
    CHECK(last_fixup_cr2 == (unsigned long)&ldt[1], "#PF at %lx, not %p",
          last_fixup_cr2, &ldt[1]);
    ldt[1] = DESC_DATA_R0;
    CHECK_RC(make_readonly(ldt), 0);
    CHECK_RC(ldt_load_fs(LDT_SEL(1)), 0);
    CHECK(fs_read(MAGIC_AT) == ldt_magic, "fs reads %" PRI64 "x",
          fs_read(MAGIC_AT));
    fs_reset();
    /* Validated on use, so the write above was checked too. */
    CHECK_RC(ldt_lar(LDT_SEL(1), &ar), 0);
    CHECK(DESC_DPL(ldt[1]) == 3, "descriptor now %" PRI64 "x", ldt[1]);
    CHECK_RC(set_ldt(NULL, 0), 0);
    CHECK_RC(make_writable(ldt), 0);
    free_page(ldt);
}

/*
 * One descriptor no guest may have (a call gate into the hypervisor's
 * code segment, or a TSS) makes the whole page unusable as an LDT: every
 * use of it faults, and it stays the guest's to write.
 */
HOSTILE(ldt, bad_descriptor_refused)
{
    static const uint64_t tss = 0x0000890000000067UL;
    uint64_t *ldt = ldt_page(false);

    CHECK(ldt, "no LDT page");
    call_gate(&ldt[8], 0xe008, (unsigned long)&ldt_lcall);
    CHECK_RC(make_readonly(ldt), 0);
    CHECK_RC(set_ldt(ldt, 512), 0);
    CHECK_RC(ldt_load_fs(LDT_SEL(1)), PF);
    CHECK((last_fixup_cr2 & PAGE_MASK) == (unsigned long)ldt,
          "#PF at %lx, not in %p", last_fixup_cr2, ldt);
    CHECK_RC(set_ldt(NULL, 0), 0);
    CHECK_RC(make_writable(ldt), 0);

    memset(&ldt[8], 0, 16);
    ldt[10] = tss;
    CHECK_RC(make_readonly(ldt), 0);
    CHECK_RC(set_ldt(ldt, 512), 0);
    CHECK_RC(ldt_load_fs(LDT_SEL(1)), PF);
    CHECK_RC(set_ldt(NULL, 0), 0);
    CHECK_RC(make_writable(ldt), 0);
    free_page(ldt);
}

/*
 * Xen's SET_LDT rules: at most 8192 entries, a page-aligned guest base
 * (any base with no entries).  A table running off the canonical range
 * is accepted, and an entry beyond it is #GP, not a page fault.
 */
HOSTILE(ldt, set_ldt_arguments)
{
    const unsigned long top = (1UL << 47) - PAGE_SIZE;
    uint64_t *ldt = ldt_page(true);

    CHECK(ldt, "no LDT page");
    CHECK_RC(set_ldt(ldt, 8193), -XEN_EINVAL);
    CHECK_RC(set_ldt((char *)ldt + 8, 1), -XEN_EINVAL);
    CHECK_RC(set_ldt(XEN_PTR, 1), -XEN_EINVAL);
    CHECK_RC(set_ldt((void *)(1UL << 47), 1), -XEN_EINVAL);
    CHECK_RC(set_ldt((char *)ldt + 8, 0), 0);
    CHECK_RC(set_ldt((void *)top, 8192), 0);
    /* Entry 1 is in an unmapped page, entry 512 past the canonical end. */
    CHECK_RC(ldt_load_fs(LDT_SEL(1)), PF);
    CHECK(last_fixup_cr2 == top + 8, "#PF at %lx", last_fixup_cr2);
    CHECK_RC(ldt_load_fs(LDT_SEL(512)), GP);
    CHECK_RC(set_ldt(NULL, 0), 0);
    CHECK_RC(make_writable(ldt), 0);
    free_page(ldt);
}

/*
 * Each vCPU sees its own LDT, or none, whoever ran on its CPU before: dom0
 * uses an LDT and shares its CPU with the attacker, which looks at LDT
 * entry 1 after every sleep, first with no LDT, then with its own.
 */
TEST(ldt, not_shared_between_vcpus)
{
    uint64_t *ldt = ldt_page(false);
    long cpu = vcpu_cpu(0, 0);
    uint32_t limit;

    CHECK(ldt, "no LDT page");
    CHECK(cpu >= 0, "no CPU for dom0's vCPU 0: %ld", cpu);
    ldt[1] = DESC_DATA_LIMIT(DOM0_LIMIT);
    CHECK_RC(make_readonly(ldt), 0);
    CHECK_RC(set_ldt(ldt, 512), 0);
    CHECK_RC(ldt_lsl(LDT_SEL(1), &limit), 0);
    CHECK(limit == DOM0_LIMIT, "limit %x", limit);
    CHECK_RC(vcpu_pin(0, 0, cpu), 0);
    run_hostile_on("ldt/not_shared_between_vcpus", cpu);
    vcpu_pin(0, 0, -1);
    CHECK_RC(ldt_lsl(LDT_SEL(1), &limit), 0);
    CHECK(limit == DOM0_LIMIT, "limit %x after the attacker ran", limit);
    CHECK_RC(set_ldt(NULL, 0), 0);
    CHECK_RC(make_writable(ldt), 0);
    free_page(ldt);
}

HOSTILE_BODY(ldt, not_shared_between_vcpus)
{
    uint64_t *ldt = ldt_page(false);
    uint32_t limit;
    int rc;

    CHECK(ldt, "no LDT page");
    for ( unsigned int n = 0; n < 50; n++ )
    {
        msleep(2);              /* dom0 runs on our CPU meanwhile */
        rc = ldt_lsl(LDT_SEL(1), &limit);
        CHECK(rc == -1, "after %u sleeps, no LDT of ours, yet entry 1 "
              "gives %d (limit %x)", n, rc, limit);
    }
    ldt[1] = DESC_DATA_LIMIT(ATTACKER_LIMIT);
    CHECK_RC(make_readonly(ldt), 0);
    CHECK_RC(set_ldt(ldt, 2), 0);
    for ( unsigned int n = 0; n < 50; n++ )
    {
        msleep(2);
        CHECK_RC(ldt_lsl(LDT_SEL(1), &limit), 0);
        CHECK(limit == ATTACKER_LIMIT, "after %u sleeps, limit %x", n,
              limit);
        /* Beyond our two entries, whatever dom0's table has there. */
        CHECK_RC(ldt_lsl(LDT_SEL(5), &limit), -1);
    }
    CHECK_RC(set_ldt(NULL, 0), 0);
}

/*
 * SEGBASE_GS_USER_SEL loads the user's %gs for the kernel: with an LDT
 * selector whose page nothing has used yet, too, as on Xen.
 */
HOSTILE(ldt, gs_user_sel_loads)
{
    uint64_t *ldt = ldt_page(true);
    uint16_t gs;

    CHECK(ldt, "no LDT page");
    CHECK_RC(set_ldt(ldt, 512), 0);
    CHECK_RC(HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, LDT_SEL(2)),
             0);
    asm volatile ( "mov %%gs, %0" : "=r" (gs) );
    CHECK_RC(HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0), 0);
    CHECK_RC(HYPERVISOR_set_segment_base(SEGBASE_GS_USER, 0), 0);
    CHECK(gs == LDT_SEL(2), "gs %x after loading %x", gs, LDT_SEL(2));
    CHECK_RC(set_ldt(NULL, 0), 0);
    CHECK_RC(make_writable(ldt), 0);
    free_page(ldt);
}

/*
 * A selector that stays loaded while its table is set anew (which
 * unmaps its pages): the hypervisor reloads it after a sleep, mapping
 * the page again, and the guest carries on (no failsafe callback).
 */
HOSTILE(ldt, reload_after_set_ldt)
{
    uint64_t *ldt = ldt_page(true);
    uint16_t sel;

    CHECK(ldt, "no LDT page");
    CHECK_RC(set_ldt(ldt, 512), 0);
    CHECK_RC(ldt_load_fs(LDT_SEL(2)), 0);
    CHECK_RC(set_ldt(NULL, 0), 0);
    CHECK_RC(set_ldt(ldt, 512), 0);
    msleep(20);
    sel = fs_selector();
    CHECK(sel == LDT_SEL(2), "fs %x after a sleep", sel);
    CHECK(fs_read(MAGIC_AT - 0x1000) == ldt_magic,
          "fs base lost over a sleep");
    fs_reset();
    CHECK_RC(set_ldt(NULL, 0), 0);
    CHECK_RC(make_writable(ldt), 0);
    free_page(ldt);
}
