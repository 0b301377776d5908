/* SPDX-License-Identifier: GPL-2.0-only */
/* Port I/O against the virtual IOPL and the guest's own I/O bitmap. */

#include "hostile.h"
#include "port_io.h"
#include <hypercall.h>
#include <mm.h>
#include <traps.h>
#include <public/physdev.h>

#define GP      (1 + 13)
/* The POST code port: harmless to read and write. */
#define PORT    0x80

long set_iopl(unsigned int iopl)
{
    physdev_set_iopl_t op = { .iopl = iopl };

    return HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &op);
}

long set_iobitmap(const void *bitmap, uint32_t nr_ports)
{
    physdev_set_iobitmap_t op = { .nr_ports = nr_ports };

    set_xen_guest_handle(op.bitmap, (uint8_t *)bitmap);
    return HYPERVISOR_physdev_op(PHYSDEVOP_set_iobitmap, &op);
}

static int in_port(unsigned int port)
{
    unsigned int v;

    return io_probe_in(port, &v);
}

TEST(iobitmap, kernel_is_ring_1)
{
    CHECK_RC(set_iopl(0), 0);
    CHECK_RC(in_port(PORT), GP);
    CHECK_RC(io_probe_out(PORT, 0), GP);
    CHECK_RC(set_iopl(1), 0);
    CHECK_RC(in_port(PORT), 0);
    CHECK_RC(io_probe_out(PORT, 0), 0);
    CHECK_RC(set_iopl(0), 0);
}

/*
 * Ports the hypervisor keeps (both PICs) are not dom0's even with the
 * IOPL: reads give all-ones, writes go nowhere (a mask of everything
 * would be harmless if one did get through).  (Not the PIT: Xen 4.17
 * gives dom0 a virtual channel 2 at 0x42-0x43, we read all-ones there.)
 */
TEST(iobitmap, hypervisor_ports_hidden_from_dom0)
{
    unsigned int m = 0, s = 0;

    CHECK_RC(set_iopl(1), 0);
    CHECK_RC(io_probe_in(0x21, &m), 0);
    CHECK_RC(io_probe_in(0xa1, &s), 0);
    CHECK_RC(io_probe_out(0x21, 0xff), 0);
    CHECK_RC(set_iopl(0), 0);
    CHECK(m == 0xff && s == 0xff, "PIC mask ports read %x, %x", m, s);
}

/*
 * The address-size prefix on string I/O: 16-bit DI and CX in 32-bit code,
 * 32-bit EDI and ECX in 64-bit code.  A buffer of ours, named with its
 * address cut to that size, is somewhere unmapped: the #PF must be at the
 * cut address, which it is only if the prefix was decoded as the CPU
 * would.
 */
TEST(iobitmap, string_io_address_size_prefix)
{
    static uint8_t buf[4];
    unsigned long cut = sizeof(long) == 4 ? 0xffff : 0xffffffff;
    int rc;

    CHECK_RC(set_iopl(1), 0);
    rc = io_probe_insb_short(PORT, (unsigned long)buf);
    CHECK_RC(set_iopl(0), 0);
    CHECK_RC(rc, 1 + 14);
    CHECK(last_fixup_cr2 == ((unsigned long)buf & cut),
          "#PF at %lx for %p", last_fixup_cr2, buf);
}

TEST(iobitmap, bitmap_below_the_iopl)
{
    uint8_t *bm = alloc_page();

    CHECK(bm, "no page");
    CHECK_RC(set_iopl(0), 0);
    memset(bm, 0xff, PAGE_SIZE);
    bm[PORT / 8] &= ~(1u << (PORT & 7));
    CHECK_RC(set_iobitmap(bm, 0x100), 0);
    CHECK_RC(in_port(PORT), 0);
    CHECK_RC(io_probe_out(PORT, 0), 0);
    CHECK_RC(in_port(PORT + 1), GP);
    /* The port must lie under the limit. */
    CHECK_RC(set_iobitmap(bm, PORT), 0);
    CHECK_RC(in_port(PORT), GP);
    CHECK_RC(set_iobitmap(bm, PORT + 1), 0);
    CHECK_RC(in_port(PORT), 0);
    /* It is read at each access: set the bit again and the port is gone. */
    bm[PORT / 8] = 0xff;
    CHECK_RC(in_port(PORT), GP);
    CHECK_RC(set_iobitmap(NULL, 0), 0);
    free_page(bm);
}

TEST(iobitmap, set_iobitmap_errnos)
{
    CHECK_RC(set_iobitmap(BAD_PTR, 65537), -XEN_EINVAL);
    CHECK_RC(set_iobitmap(XEN_PTR, 16), -XEN_EINVAL);
#ifdef __x86_64__
    /* Non-canonical: only a 64-bit guest can name such an address. */
    CHECK_RC(set_iobitmap((void *)0x0000800000000000UL, 16), -XEN_EINVAL);
#endif
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_set_iobitmap, BAD_PTR),
             -XEN_EFAULT);
    /* Only the start is checked: unmapped, it reads as "no access". */
    CHECK_RC(set_iopl(0), 0);
    CHECK_RC(set_iobitmap(BAD_PTR, 65536), 0);
    CHECK_RC(in_port(PORT), GP);
    CHECK_RC(set_iobitmap(NULL, 0), 0);
}

TEST(iobitmap, architectural_iopl_kernel_is_ring_0)
{
    CHECK_RC(set_iopl(0), 0);
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable,
                                  VMASST_TYPE_architectural_iopl), 0);
    CHECK_RC(in_port(PORT), 0);
    CHECK_RC(probe_cli(), 0);
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_disable,
                                  VMASST_TYPE_architectural_iopl), 0);
    CHECK_RC(in_port(PORT), GP);
    CHECK_RC(probe_cli(), GP);
}

/*
 * A bitmap in the hypervisor, or one that runs off the end of the lower
 * half: the first is refused, the second taken (only its start is
 * checked, as in Xen) and then reads as "no access" where it is not
 * mapped or not canonical.  What the bitmap allows a domU is still no
 * hardware: its reads are all ones.
 */
/* The first address of the hypervisor's range, and the page below it. */
#ifdef __x86_64__
#define FIRST_XEN_VA    0xffff800000000000UL
#define LAST_GUEST_PAGE 0x00007ffffffff000UL
#else
#define FIRST_XEN_VA    HYPERVISOR_VIRT_START
#define LAST_GUEST_PAGE (HYPERVISOR_VIRT_START - PAGE_SIZE)
#endif

HOSTILE(hostile_iobitmap, hypervisor_and_edge_bitmaps)
{
    uint8_t *bm = alloc_page();
    unsigned int v = 0;

    CHECK(bm, "no page");
    CHECK_RC(set_iopl(0), 0);
    CHECK_RC(set_iobitmap(XEN_PTR, 65536), -XEN_EINVAL);
    CHECK_RC(set_iobitmap((void *)FIRST_XEN_VA, 65536), -XEN_EINVAL);
    CHECK_RC(set_iobitmap((void *)LAST_GUEST_PAGE, 65536), 0);
    CHECK_RC(in_port(0xffff), GP);
    CHECK_RC(in_port(PORT), GP);
    memset(bm, 0, PAGE_SIZE);
    CHECK_RC(set_iobitmap(bm, 65536), 0);
    CHECK_RC(io_probe_in(PORT, &v), 0);
    CHECK(v == 0xff, "a domU read %x from the hardware", v);
    CHECK_RC(io_probe_out(PORT, 0x5a), 0);
    /* Unmapped under it, the bitmap denies again. */
    CHECK_RC(HYPERVISOR_update_va_mapping((unsigned long)bm, 0,
                                          UVMF_INVLPG | UVMF_LOCAL), 0);
    CHECK_RC(in_port(PORT), GP);
    CHECK_RC(set_iobitmap(NULL, 0), 0);
}
