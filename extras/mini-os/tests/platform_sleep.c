/* SPDX-License-Identifier: GPL-2.0-only */
/* XENPF_enter_acpi_sleep: the argument checks dom0 meets, and a domU refused. */

#include "test.h"
#include "hostile.h"
#include <hypercall.h>
#include <public/errno.h>
#include <public/platform.h>

/*
 * Every call here must come back: each is refused before anything is
 * written, and carries PM1 values that would not power off (SLP_EN clear)
 * had the check it aims at been missing.  S3 is not tried: Xen 4.17 would
 * really suspend this QEMU.
 */
static long enter_sleep(uint32_t state, uint32_t flags, uint16_t val)
{
    struct xen_platform_op op = {
        .cmd = XENPF_enter_acpi_sleep,
        .interface_version = XENPF_INTERFACE_VERSION,
        .u.enter_acpi_sleep = { .val_a = val, .val_b = val,
                                .sleep_state = state, .flags = flags },
    };

    return _hypercall1(__HYPERVISOR_platform_op, &op);
}

/* PM1 control's SLP_TYP field (bits 10-12) holding QEMU's S5 type, 0. */
#define PM1_SLP_TYP_S5  0x0000
#define PM1_SLP_EN      0x2000

TEST(platform_sleep, unknown_flags)
{
    CHECK_RC(enter_sleep(5, 2, PM1_SLP_TYP_S5), -XEN_EINVAL);
    CHECK_RC(enter_sleep(5, 0x80000000, PM1_SLP_TYP_S5), -XEN_EINVAL);
}

/* Hardware-reduced sleep needs FADT registers QEMU's FADT lacks. */
TEST(platform_sleep, extended_without_registers)
{
    CHECK_RC(enter_sleep(5, XENPF_ACPI_SLEEP_EXTENDED, PM1_SLP_TYP_S5),
             -XEN_EPERM);
}

TEST(platform_sleep, no_such_state)
{
    CHECK_RC(enter_sleep(0, 0, PM1_SLP_TYP_S5), -XEN_EINVAL);
    CHECK_RC(enter_sleep(6, 0, PM1_SLP_TYP_S5), -XEN_EINVAL);
    CHECK_RC(enter_sleep(~0u, 0, PM1_SLP_TYP_S5), -XEN_EINVAL);
}

/* A domU asking for the real power-off values is refused outright. */
HOSTILE(platform_sleep, domu_power_off_refused)
{
    CHECK_RC(enter_sleep(5, 0, PM1_SLP_TYP_S5 | PM1_SLP_EN), -XEN_EPERM);
}
