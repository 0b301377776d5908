/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for xen_version and console_io. */

#include "test.h"
#include <hypercall.h>

TEST(xen_version, version)
{
    long v = HYPERVISOR_xen_version(XENVER_version, NULL);

    CHECK(v > 0, "XENVER_version returned %ld", v);
    /* Guests (Linux dom0) insist on at least 3.x; we report 4.17. */
    CHECK((v >> 16) >= 4, "major version %ld", v >> 16);
    printk("INFO: xen_version %ld.%ld\n", v >> 16, v & 0xffff);
}

TEST(xen_version, extraversion)
{
    xen_extraversion_t extra;

    memset(extra, 0xff, sizeof(extra));
    CHECK_RC(HYPERVISOR_xen_version(XENVER_extraversion, extra), 0);
    CHECK(strnlen(extra, sizeof(extra)) < sizeof(extra), "not terminated");
}

TEST(xen_version, capabilities)
{
    static xen_capabilities_info_t caps;

    CHECK_RC(HYPERVISOR_xen_version(XENVER_capabilities, caps), 0);
    CHECK(strnlen(caps, sizeof(caps)) < sizeof(caps), "not terminated");
    /* The toolstack refuses a PV kernel unless this is listed. */
    CHECK(strstr(caps, "xen-3.0-x86_64"), "no xen-3.0-x86_64 in '%s'", caps);
}

TEST(console_io, write_ok)
{
    static const char msg[] = "console_io write test\n";

    CHECK_RC(HYPERVISOR_console_io(CONSOLEIO_write, sizeof(msg) - 1, msg), 0);
}

TEST(xen_version, compile_info)
{
    static struct xen_compile_info info;

    memset(&info, 0xff, sizeof(info));
    CHECK_RC(HYPERVISOR_xen_version(XENVER_compile_info, &info), 0);
    CHECK(strnlen(info.compiler, sizeof(info.compiler)) <
          sizeof(info.compiler), "compiler not terminated");
    CHECK(strnlen(info.compile_date, sizeof(info.compile_date)) <
          sizeof(info.compile_date), "date not terminated");
}

TEST(xen_version, changeset)
{
    xen_changeset_info_t cs;

    memset(cs, 0xff, sizeof(cs));
    CHECK_RC(HYPERVISOR_xen_version(XENVER_changeset, cs), 0);
    CHECK(strnlen(cs, sizeof(cs)) < sizeof(cs), "not terminated");
}

TEST(xen_version, platform_parameters)
{
    xen_platform_parameters_t p = { 0 };

    CHECK_RC(HYPERVISOR_xen_version(XENVER_platform_parameters, &p), 0);
    /* A 64-bit PV guest is told where the hypervisor's hole starts. */
    CHECK(p.virt_start == HYPERVISOR_VIRT_START, "virt_start %lx",
          p.virt_start);
}

static uint32_t features(void)
{
    xen_feature_info_t fi = { .submap_idx = 0 };

    return HYPERVISOR_xen_version(XENVER_get_features, &fi) ? 0 : fi.submap;
}

TEST(xen_version, get_features_dom0)
{
    uint32_t f = features();

    CHECK(f & (1U << XENFEAT_dom0), "submap 0 = %x, no dom0 bit", f);
}

TEST(xen_version, get_features_pv)
{
    uint32_t f = features();

    /* Linux PV panics without these two; PV never auto-translates. */
    CHECK(f & (1U << XENFEAT_mmu_pt_update_preserve_ad), "submap %x", f);
    CHECK(f & (1U << XENFEAT_gnttab_map_avail_bits), "submap %x", f);
    CHECK(!(f & (1U << XENFEAT_auto_translated_physmap)), "submap %x", f);
    CHECK(!(f & (1U << XENFEAT_hvm_callback_vector)), "submap %x", f);
}

TEST(xen_version, get_features_bad_submap)
{
    xen_feature_info_t fi = { .submap_idx = XENFEAT_NR_SUBMAPS };

    CHECK_RC(HYPERVISOR_xen_version(XENVER_get_features, &fi), -XEN_EINVAL);
}

TEST(xen_version, pagesize)
{
    CHECK_RC(HYPERVISOR_xen_version(XENVER_pagesize, NULL), 4096);
}

TEST(xen_version, guest_handle)
{
    xen_domain_handle_t h;
    unsigned int i;

    memset(h, 0xff, sizeof(h));
    CHECK_RC(HYPERVISOR_xen_version(XENVER_guest_handle, h), 0);
    /* dom0 is built by the hypervisor with an all-zero handle. */
    for ( i = 0; i < sizeof(h); i++ )
        CHECK(h[i] == 0, "byte %u = %x", i, h[i]);
}

TEST(xen_version, commandline)
{
    static xen_commandline_t cmd;

    CHECK_RC(HYPERVISOR_xen_version(XENVER_commandline, cmd), 0);
    CHECK(strstr(cmd, "dom0_mem="), "command line '%.80s'", cmd);
}

TEST(xen_version, build_id)
{
    static struct {
        struct xen_build_id id;
        unsigned char buf[256];
    } b;
    long rc;

    b.id.len = sizeof(b.buf);
    rc = HYPERVISOR_xen_version(XENVER_build_id, &b.id);
    /* Debian's Xen carries a GNU build id (20 bytes of SHA-1). */
    CHECK(rc > 0 && rc <= (long)sizeof(b.buf), "returned %ld", rc);
}

TEST(xen_version, build_id_short_buffer)
{
    struct {
        struct xen_build_id id;
        unsigned char buf[4];
    } b = { .id.len = 4 };

    CHECK_RC(HYPERVISOR_xen_version(XENVER_build_id, &b.id), -XEN_ENOBUFS);
}

TEST(xen_version, unknown_subop)
{
    CHECK_RC(HYPERVISOR_xen_version(99, NULL), -XEN_ENOSYS);
}

TEST(xen_version, bad_pointer)
{
    CHECK_RC(HYPERVISOR_xen_version(XENVER_extraversion, BAD_PTR),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_xen_version(XENVER_capabilities, XEN_PTR),
             -XEN_EFAULT);
}

TEST(console_io, write_empty)
{
    CHECK_RC(HYPERVISOR_console_io(CONSOLEIO_write, 0, ""), 0);
}

TEST(console_io, write_bad_pointer)
{
    CHECK_RC(HYPERVISOR_console_io(CONSOLEIO_write, 16, BAD_PTR),
             -XEN_EFAULT);
}

TEST(console_io, read)
{
    char buf[64];
    long rc = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf);

    /* Nobody types on the serial line during the run. */
    CHECK(rc == 0, "read returned %ld", rc);
}

TEST(console_io, unknown_cmd)
{
    CHECK_RC(HYPERVISOR_console_io(7, 0, NULL), -XEN_ENOSYS);
}
