/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for platform_op: who may call it, XENPF_enter_acpi_sleep. */
#include <stdlib.h>
#include <asm/config.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/sched.h>
#include <asm/acpi.h>
#include <asm/cpufeature.h>
#include <asm/current.h>
#include <asm/smp.h>
#include <public/platform.h>
#include "check.h"

/* What platform_hypercall.c reads besides the op. */
struct domain *hardware_domain;
struct cpuinfo_x86 boot_cpu_data;
unsigned int x86_cpu_to_apicid[NR_CPUS];

/* The power-off wait: counted, and the PM1 values seen when it starts. */
static unsigned int nr_waits;
static uint32_t pm1a_at_wait;

/* The PM1 control blocks, as memory-space registers in host memory. */
#define PM1A    0x100
#define PM1B    0x200
#define SLP_EN  0x2000
#define SLP_S5  (5u << 10)

static uint32_t reg(paddr_t pa)
{
    return *(uint32_t *)(host_directmap + pa);
}

void mdelay(unsigned long msecs)
{
    nr_waits++;
    pm1a_at_wait = reg(PM1A);
}

static struct domain *make_domain(domid_t id)
{
    struct domain *d = calloc(1, sizeof(*d));
    struct vcpu *v = calloc(1, sizeof(*v));

    d->domain_id = id;
    d->max_vcpus = 1;
    d->vcpu = calloc(1, sizeof(*d->vcpu));
    d->vcpu[0] = v;
    v->domain = d;
    return d;
}

static void run_as(struct domain *d)
{
    get_cpu_info()->current_vcpu = d->vcpu[0];
}

/* A FADT with a PM1a control block, and a PM1b one if pm1b. */
static void fadt(bool pm1b)
{
    struct acpi_fadt_info *f = &acpi_info.fadt;

    memset(f, 0, sizeof(*f));
    memset(host_directmap, 0, 0x1000);
    f->present = true;
    f->pm1a_control = (struct acpi_gas){ .space_id = ACPI_SPACE_MEMORY,
                                         .bit_width = 16, .address = PM1A };
    if ( pm1b )
        f->pm1b_control = (struct acpi_gas){ .space_id = ACPI_SPACE_MEMORY,
                                             .bit_width = 16,
                                             .address = PM1B };
    nr_waits = 0;
}

static long enter_sleep(uint32_t state, uint32_t flags, uint16_t a,
                        uint16_t b)
{
    struct xen_platform_op op = {
        .cmd = XENPF_enter_acpi_sleep,
        .interface_version = XENPF_INTERFACE_VERSION,
        .u.enter_acpi_sleep = { .val_a = a, .val_b = b,
                                .sleep_state = state, .flags = flags },
    };

    return do_platform_op((XEN_GUEST_HANDLE_PARAM(xen_platform_op_t)){ &op });
}

/* Nothing reached the registers and nobody waited for power to go. */
static bool untouched(void)
{
    return !reg(PM1A) && !reg(PM1B) && !nr_waits;
}

int main(void)
{
    struct domain *dom0 = make_domain(0), *domU = make_domain(1);

    hardware_domain = dom0;
    host_directmap = calloc(1, 0x1000);

    CASE("enter_acpi_sleep: a domU is refused -EPERM, nothing written")
    {
        fadt(false);
        run_as(domU);
        CHECK_EQ(enter_sleep(5, 0, SLP_S5 | SLP_EN, 0), -EPERM);
        CHECK(untouched());
    }

    CASE("enter_acpi_sleep: S3 is -EOPNOTSUPP, whatever else is wrong")
    {
        fadt(false);
        run_as(dom0);
        CHECK_EQ(enter_sleep(3, 0, SLP_EN, 0), -EOPNOTSUPP);
        CHECK_EQ(enter_sleep(3, 2, SLP_EN, 0), -EOPNOTSUPP);
        CHECK(untouched());
    }

    CASE("enter_acpi_sleep: unknown flags -EINVAL, EXTENDED -EPERM")
    {
        fadt(false);
        run_as(dom0);
        CHECK_EQ(enter_sleep(5, 2, SLP_S5 | SLP_EN, 0), -EINVAL);
        CHECK_EQ(enter_sleep(5, 0x80000001u, SLP_S5 | SLP_EN, 0), -EINVAL);
        CHECK_EQ(enter_sleep(5, XENPF_ACPI_SLEEP_EXTENDED, 5, 0), -EPERM);
        CHECK(untouched());
    }

    CASE("enter_acpi_sleep: no FADT or no PM1a control block is -EPERM")
    {
        fadt(false);
        run_as(dom0);
        acpi_info.fadt.present = false;
        CHECK_EQ(enter_sleep(5, 0, SLP_S5 | SLP_EN, 0), -EPERM);
        fadt(false);
        acpi_info.fadt.pm1a_control.address = 0;
        CHECK_EQ(enter_sleep(5, 0, SLP_S5 | SLP_EN, 0), -EPERM);
        CHECK(untouched());
    }

    CASE("enter_acpi_sleep: PM1a and PM1b disagreeing on SLP_EN is -EINVAL")
    {
        fadt(true);
        run_as(dom0);
        CHECK_EQ(enter_sleep(5, 0, SLP_S5 | SLP_EN, SLP_S5), -EINVAL);
        CHECK_EQ(enter_sleep(5, 0, SLP_S5, SLP_S5 | SLP_EN), -EINVAL);
        CHECK(untouched());
    }

    CASE("enter_acpi_sleep: without PM1b, val_b is not compared")
    {
        fadt(false);
        run_as(dom0);
        CHECK_EQ(enter_sleep(5, 0, SLP_S5 | SLP_EN, 0), -EIO);
        CHECK_EQ(reg(PM1A), SLP_S5 | SLP_EN);
        CHECK_EQ(reg(PM1B), 0);
    }

    CASE("enter_acpi_sleep: states 0 and above 5 are -EINVAL, as are 1, 2, 4")
    {
        static const uint32_t bad[] = { 0, 6, 0x100, ~0u, 1, 2, 4 };

        fadt(false);
        run_as(dom0);
        for ( unsigned int i = 0; i < ARRAY_SIZE(bad); i++ )
            CHECK_EQ(enter_sleep(bad[i], 0, SLP_EN, 0), -EINVAL);
        CHECK(untouched());
    }

    CASE("enter_acpi_sleep: S5 writes both values as given, then waits")
    {
        fadt(true);
        run_as(dom0);
        /* Still running after the wait: the machine did not go off. */
        CHECK_EQ(enter_sleep(5, 0, SLP_S5 | SLP_EN | 1, SLP_S5 | SLP_EN),
                 -EIO);
        CHECK_EQ(reg(PM1A), SLP_S5 | SLP_EN | 1);
        CHECK_EQ(reg(PM1B), SLP_S5 | SLP_EN);
        CHECK_EQ(nr_waits, 1);
        CHECK_EQ(pm1a_at_wait, SLP_S5 | SLP_EN | 1);
        CHECK_LOG("Preparing system for ACPI S5 state.");
        CHECK_LOG("Entering ACPI S5 state.");
        CHECK_LOG("ACPI S5 state not entered");
        /* The lock was let go: a second try gets as far. */
        CHECK_EQ(enter_sleep(5, 0, SLP_S5 | SLP_EN, SLP_S5 | SLP_EN), -EIO);
    }

    CASE("enter_acpi_sleep: a wrong interface version is -EACCES")
    {
        struct xen_platform_op op = {
            .cmd = XENPF_enter_acpi_sleep,
            .interface_version = XENPF_INTERFACE_VERSION - 1,
            .u.enter_acpi_sleep = { .val_a = SLP_S5 | SLP_EN,
                                    .sleep_state = 5 },
        };

        fadt(false);
        run_as(dom0);
        CHECK_EQ(do_platform_op(
                     (XEN_GUEST_HANDLE_PARAM(xen_platform_op_t)){ &op }),
                 -EACCES);
        CHECK(untouched());
    }

    return check_failures ? 1 : 0;
}
