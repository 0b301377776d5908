/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for descriptor checks, set_gdt and update_descriptor. */
#include <stdlib.h>
#include <sys/mman.h>
#include <asm/config.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/mm.h>
#include <xen/page_owner.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/pv/descriptor-tables.h>
#include <asm/pv/mm.h>
#include <asm/uaccess.h>
#include <public/xen.h>
#include "check.h"
#include "stubs.h"

#define NR_FRAMES       1024UL
#define NR_UNMANAGED    16UL

#define CODE64_R3       0x00affa000000ffffUL
#define CODE64_R0       0x00af9a000000ffffUL
#define DATA_R1         0x00cfb2000000ffffUL
#define CODE32_R0       0x00cf9a000000ffffUL
#define CODE32_R3       0x00cffa000000ffffUL
#define TSS64           0x00008900000000ffUL
#define LDT_DESC        0x0000820000000000UL
#define INTR_GATE       0x00008e0000000000UL
#define NOT_PRESENT_TSS 0x00000900000000ffUL
/* A call gate to selector sel at offset 0x1000, with DPL dpl. */
#define CALL_GATE(sel, dpl) (0x00008c0000001000UL | ((uint64_t)(sel) << 16) | \
                             ((uint64_t)(dpl) << 45))
#define DPL(d)          (((d) >> 45) & 3)

/* Fails the case with a message when cond is false (first failure wins). */
#define CHECK_MSG(cond, ...) do {                                          \
    if ( !(cond) && !check_why[0] )                                        \
        snprintf(check_why, sizeof(check_why), __VA_ARGS__);               \
} while ( 0 )

static struct domain *dom, *other;

static struct domain *make_domain(domid_t id)
{
    struct domain *d = calloc(1, sizeof(*d));
    struct vcpu *v = calloc(1, sizeof(*v));

    d->domain_id = id;
    d->max_pages = NR_FRAMES;
    page_list_init(&d->page_list);
    memset(&d->arch, 0, sizeof(d->arch));
    d->max_vcpus = 1;
    d->vcpu = calloc(1, sizeof(*d->vcpu));
    d->vcpu[0] = v;
    v->domain = d;
    memset(&v->arch, 0, sizeof(v->arch));
    v->arch.pv.guest_table = INVALID_MFN;
    v->arch.pv.guest_table_user = INVALID_MFN;
    return d;
}

static unsigned long new_frame(struct domain *d)
{
    struct page_info *pg = alloc_domain_pages(d, 0, 0);

    if ( !pg )
    {
        printf("FAIL: setup: out of frames\n");
        exit(1);
    }
    memset(page_to_virt(pg), 0, PAGE_SIZE);
    return mfn_x(page_to_mfn(pg));
}

static uint64_t *frame_va(unsigned long mfn)
{
    return mfn_to_virt(_mfn(mfn));
}

static unsigned long type_of(unsigned long mfn)
{
    return frame_table[mfn].u.inuse.type_info & PGT_type_mask;
}

static unsigned long type_count(unsigned long mfn)
{
    return frame_table[mfn].u.inuse.type_info & PGT_count_mask;
}

static unsigned long refs(unsigned long mfn)
{
    return frame_table[mfn].count_info & PGC_count_mask;
}

static void test_check_descriptor(void)
{
    uint64_t d;

    check_case_begin("descriptor/code_and_data_get_dpl3");
    d = CODE64_R3;
    CHECK_MSG(pv_check_descriptor(dom, &d) && d == CODE64_R3, "ring-3 code %lx", d);
    d = CODE64_R0;
    CHECK_MSG(pv_check_descriptor(dom, &d) && d == CODE64_R3, "ring-0 code %lx", d);
    d = DATA_R1;
    CHECK_MSG(pv_check_descriptor(dom, &d) && DPL(d) == 3, "ring-1 data %lx", d);
    check_case_end();

    check_case_begin("descriptor/32bit_guest_ring1_dpl_no_64bit_code");
    dom->arch.pv.is_32bit = true;
    d = CODE32_R0;
    CHECK_MSG(pv_check_descriptor(dom, &d) && DPL(d) == 1, "ring-0 code %lx",
              d);
    d = CODE32_R3;
    CHECK_MSG(pv_check_descriptor(dom, &d) && d == CODE32_R3, "ring-3 code %lx",
              d);
    d = DATA_R1;
    CHECK_MSG(pv_check_descriptor(dom, &d) && d == DATA_R1, "ring-1 data %lx",
              d);
    /* Long mode's code would reach the 64-bit entry paths. */
    d = CODE64_R3;
    CHECK_MSG(!pv_check_descriptor(dom, &d), "64-bit code accepted");
    d = CODE64_R0;
    CHECK_MSG(!pv_check_descriptor(dom, &d), "64-bit ring-0 code accepted");
    dom->arch.pv.is_32bit = false;
    check_case_end();

    check_case_begin("descriptor/32bit_guest_gates_and_limits");
    dom->arch.pv.is_32bit = true;
    dom->arch.pv.compat_virt_start = 0xf5800000;
    {
        /* What each becomes; 0 for refused. */
        static const uint64_t cases[][2] = {
            /* A 32-bit gate: two parameters, DPL 3 into the RPL. */
            { 0x1234ec0200105678UL, 0x12348c0200135678UL },
            /* Reserved bits above the parameter count. */
            { 0x1234ec2000105678UL, 0 },
            /* Of the hypervisor's selectors FLAT_RING1_CS, exactly. */
            { 0x0000ac00e0190000UL, 0x00008c00e0190000UL },
            { 0x0000ec00e02b0000UL, 0 },
            { 0x0000ac00e01a0000UL, 0 },
            /* A flat segment ending in the hole reaches 4 GiB... */
            { 0x00cfb300000067ffUL, 0x00cfb3000000ffffUL },
            /* ...one ending at it, or with a base, is kept. */
            { 0x00cfb300000057ffUL, 0x00cfb300000057ffUL },
            { 0x00cfb3001000ffffUL, 0x00cfb3001000ffffUL },
        };

        for ( unsigned int i = 0; i < ARRAY_SIZE(cases); i++ )
        {
            bool ok;

            d = cases[i][0];
            ok = pv_check_descriptor(dom, &d);
            CHECK_MSG(cases[i][1] ? ok && d == cases[i][1] : !ok,
                      "%lx: %s %lx", cases[i][0], ok ? "became" : "refused",
                      d);
        }
    }
    dom->arch.pv.is_32bit = false;
    check_case_end();

    check_case_begin("descriptor/system_segments_refused");
    d = TSS64;
    CHECK_MSG(!pv_check_descriptor(dom, &d), "TSS accepted");
    d = LDT_DESC;
    CHECK_MSG(!pv_check_descriptor(dom, &d), "LDT descriptor accepted");
    d = INTR_GATE;
    CHECK_MSG(!pv_check_descriptor(dom, &d), "interrupt gate accepted");
    /* Not even with a selector a call gate could use. */
    d = TSS64 | ((uint64_t)FLAT_RING3_CS64 << 16);
    CHECK_MSG(!pv_check_descriptor(dom, &d), "TSS with a selector accepted");
    d = INTR_GATE | ((uint64_t)FLAT_RING3_CS64 << 16);
    CHECK_MSG(!pv_check_descriptor(dom, &d), "interrupt gate to guest code");
    check_case_end();

    check_case_begin("descriptor/not_present_and_type0_pass");
    d = NOT_PRESENT_TSS;
    CHECK_MSG(pv_check_descriptor(dom, &d) && d == NOT_PRESENT_TSS, "not present");
    d = 0x0000800000000000UL;   /* present, system type 0 */
    CHECK_MSG(pv_check_descriptor(dom, &d), "upper half of a gate");
    d = 0;
    CHECK_MSG(pv_check_descriptor(dom, &d) && !d, "null descriptor");
    check_case_end();

    check_case_begin("descriptor/call_gates");
    d = CALL_GATE(FLAT_RING3_CS64, 3);
    CHECK_MSG(pv_check_descriptor(dom, &d), "gate to the flat code segment");
    CHECK_MSG(DPL(d) == 0 && ((d >> 16) & 3) == 3, "gate %lx: DPL %lu", d,
              DPL(d));
    d = CALL_GATE(0x0008, 0);
    CHECK_MSG(pv_check_descriptor(dom, &d) && ((d >> 16) & 0xffff) == 0x000b,
              "gate to a guest GDT entry %lx", d);
    d = CALL_GATE(0x000c, 3);
    CHECK_MSG(pv_check_descriptor(dom, &d), "gate to an LDT entry");
    d = CALL_GATE(0, 3);
    CHECK_MSG(!pv_check_descriptor(dom, &d), "gate to the null selector");
    d = CALL_GATE(0xe008, 3);
    CHECK_MSG(!pv_check_descriptor(dom, &d), "gate to the hypervisor's code");
    d = CALL_GATE(FLAT_RING3_CS64, 3) | (1UL << 32);
    CHECK_MSG(!pv_check_descriptor(dom, &d), "gate with a parameter count");
    check_case_end();
}

static void test_set_gdt(void)
{
    struct vcpu *v = dom->vcpu[0];
    unsigned long f0 = new_frame(dom), f1 = new_frame(dom);
    unsigned long foreign = new_frame(other);
    unsigned long frames[16] = { f0, f1 };

    get_cpu_info()->current_vcpu = v;

    check_case_begin("set_gdt/installs_and_types_frames");
    frame_va(f0)[1] = CODE64_R0;
    stub_gdt_loads = 0;
    CHECK_MSG(pv_set_gdt(v, frames, 513) == 0, "set_gdt failed");
    CHECK_MSG(type_of(f0) == PGT_seg_desc_page && type_count(f0) == 1 &&
              type_of(f1) == PGT_seg_desc_page, "types %lx %lx", type_of(f0),
              type_of(f1));
    CHECK_MSG(v->arch.pv.gdt_ents == 513 && v->arch.pv.gdt_frames[1] == f1,
              "ents %u", v->arch.pv.gdt_ents);
    CHECK_MSG(stub_gdt_loads == 1 && stub_gdt_nr == 2 &&
              stub_gdt_frames[0] == f0, "mapped %u frames", stub_gdt_nr);
    CHECK_MSG(frame_va(f0)[1] == CODE64_R3, "DPL not raised: %lx",
              frame_va(f0)[1]);
    check_case_end();

    check_case_begin("set_gdt/bad_frame_changes_nothing");
    frame_va(f0)[5] = TSS64;
    /* f0 is typed already: the checks run again, and fail. */
    CHECK_MSG(pv_set_gdt(v, frames, 10) == -EINVAL, "bad descriptor accepted");
    frame_va(f0)[5] = 0;
    frames[0] = foreign;
    CHECK_MSG(pv_set_gdt(v, frames, 10) == -EINVAL, "foreign frame accepted");
    frames[0] = f0;
    CHECK_MSG(v->arch.pv.gdt_ents == 513 && type_count(f0) == 1 &&
              type_count(f1) == 1 && type_count(foreign) == 0,
              "state changed: ents %u counts %lu %lu %lu", v->arch.pv.gdt_ents,
              type_count(f0), type_count(f1), type_count(foreign));
    CHECK_MSG(pv_set_gdt(v, frames, FIRST_RESERVED_GDT_ENTRY + 1) == -EINVAL,
              "hypervisor entries accepted");
    check_case_end();

    check_case_begin("set_gdt/writable_frame_refused");
    {
        unsigned long w = new_frame(dom);
        unsigned long fr[1] = { w };
        struct page_info *pg = mfn_to_page(_mfn(w));

        /* As if the guest mapped it writable. */
        CHECK_MSG(get_page_and_type(pg, dom, PGT_writable_page) == 0, "setup");
        CHECK_MSG(pv_set_gdt(v, fr, 1) == -EINVAL, "writable frame accepted");
        put_page_and_type(pg);
    }
    check_case_end();

    check_case_begin("set_gdt/empty_releases_frames");
    CHECK_MSG(pv_set_gdt(v, frames, 0) == 0, "empty GDT refused");
    CHECK_MSG(type_count(f0) == 0 && type_count(f1) == 0 &&
              v->arch.pv.gdt_ents == 0 && !v->arch.pv.gdt_frames[0],
              "counts %lu %lu", type_count(f0), type_count(f1));
    CHECK_MSG(stub_gdt_nr == 0, "still mapped %u", stub_gdt_nr);
    CHECK_MSG(refs(f0) == 1, "refs %lu", refs(f0));
    check_case_end();

    check_case_begin("set_gdt/hypercall_copies_frames");
    {
        xen_ulong_t list[1] = { f1 };
        XEN_GUEST_HANDLE(xen_ulong_t) h = { list };

        CHECK_MSG(do_set_gdt(h, 512) == 0, "do_set_gdt failed");
        CHECK_MSG(v->arch.pv.gdt_frames[0] == f1 && type_count(f1) == 1,
                  "frame %lx", v->arch.pv.gdt_frames[0]);
        pv_destroy_gdt(v);
        CHECK_MSG(type_count(f1) == 0 && stub_gdt_nr == 0, "not released");
        h.p = (xen_ulong_t *)harness_fault_lo;
        CHECK_MSG(do_set_gdt(h, 1) == -EFAULT, "bad list accepted");
    }
    check_case_end();

    check_case_begin("set_gdt/one_entry_past_the_guest_part_refused");
    {
        /* Exactly the frames the guest part needs: no more is read. */
        unsigned int nr = FIRST_RESERVED_GDT_ENTRY / 512;
        xen_ulong_t *list = calloc(nr, sizeof(*list));
        XEN_GUEST_HANDLE(xen_ulong_t) h = { list };

        CHECK_MSG(do_set_gdt(h, FIRST_RESERVED_GDT_ENTRY + 1) == -EINVAL,
                  "one entry too many accepted");
        CHECK_MSG(v->arch.pv.gdt_ents == 0, "gdt_ents %u", v->arch.pv.gdt_ents);
        free(list);
    }
    check_case_end();
}

static void test_update_descriptor(void)
{
    unsigned long gdt = new_frame(dom), plain = new_frame(dom);
    unsigned long foreign = new_frame(other);
    unsigned long frames[1] = { gdt };
    struct vcpu *v = dom->vcpu[0];

    get_cpu_info()->current_vcpu = v;

    check_case_begin("update_descriptor/gdt_frame");
    CHECK_MSG(pv_set_gdt(v, frames, 512) == 0, "set_gdt failed");
    CHECK_MSG(do_update_descriptor(mfn_to_maddr(_mfn(gdt)) + 8,
                                   CODE64_R0) == 0, "update refused");
    CHECK_MSG(frame_va(gdt)[1] == CODE64_R3, "entry %lx", frame_va(gdt)[1]);
    CHECK_MSG(type_count(gdt) == 1 && type_of(gdt) == PGT_seg_desc_page,
              "type count %lu", type_count(gdt));
    check_case_end();

    check_case_begin("update_descriptor/plain_frame");
    CHECK_MSG(do_update_descriptor(mfn_to_maddr(_mfn(plain)) + 16, CODE64_R3)
              == 0, "update refused");
    CHECK_MSG(frame_va(plain)[2] == CODE64_R3 && type_count(plain) == 0,
              "entry %lx count %lu", frame_va(plain)[2], type_count(plain));
    check_case_end();

    check_case_begin("update_descriptor/refused");
    CHECK_MSG(do_update_descriptor(mfn_to_maddr(_mfn(gdt)) + 16, TSS64) ==
              -EINVAL, "TSS accepted");
    CHECK_MSG(do_update_descriptor(mfn_to_maddr(_mfn(gdt)) + 4, CODE64_R3) ==
              -EINVAL, "unaligned accepted");
    CHECK_MSG(do_update_descriptor(mfn_to_maddr(_mfn(foreign)), CODE64_R3) ==
              -EINVAL, "foreign frame accepted");
    CHECK_MSG(do_update_descriptor((paddr_t)NR_FRAMES << PAGE_SHIFT, CODE64_R3)
              == -EINVAL, "frame past the end accepted");
    CHECK_MSG(!frame_va(gdt)[2] && !frame_va(foreign)[0], "memory changed");
    check_case_end();

    check_case_begin("update_descriptor/page_table_frame_refused");
    {
        unsigned long pt = new_frame(dom), before;
        struct page_info *pg = mfn_to_page(_mfn(pt));

        CHECK_MSG(!get_page_and_type(pg, dom, PGT_l1_page_table), "no L1");
        before = refs(pt);
        CHECK_MSG(do_update_descriptor(mfn_to_maddr(_mfn(pt)), CODE64_R3) ==
                  -EINVAL, "page table written");
        CHECK_MSG(refs(pt) == before && !frame_va(pt)[0], "refs %lu, were %lu",
                  refs(pt), before);
        put_page_and_type(pg);
    }
    check_case_end();

    pv_destroy_gdt(v);
}

int main(void)
{
    host_directmap = mmap(NULL, NR_FRAMES << PAGE_SHIFT,
                          PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    harness_fault_lo = (uintptr_t)aligned_alloc(PAGE_SIZE, PAGE_SIZE);
    if ( host_directmap == MAP_FAILED || !harness_fault_lo )
    {
        printf("FAIL: setup: out of memory\n");
        return 1;
    }
    harness_fault_hi = harness_fault_lo + PAGE_SIZE;
    frame_table = calloc(NR_FRAMES, sizeof(*frame_table));
    max_page = NR_FRAMES;
    init_heap_pages(_mfn(NR_UNMANAGED), NR_FRAMES - NR_UNMANAGED);
    dom = make_domain(1);
    other = make_domain(2);

    test_check_descriptor();
    test_set_gdt();
    test_update_descriptor();
    return 0;
}
