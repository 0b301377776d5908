/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for the console: the log ring, console_io, input, re-entry. */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
/* The hypervisor's layout first, as its builds force-include it. */
#include <asm/config.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/hypercall.h>
#include <xen/keyhandler.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/serial.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/vga.h>
#include <asm/current.h>
#include <asm/uaccess.h>
#include <public/xen.h>
#include "check.h"

/* console.c's ring size and a domU's rate limit, as it defines them. */
#define RING_SIZE       (1u << 15)
#define LINES_BURST     100
#define LINE_PERIOD     MILLISECS(50)

/* What console.c reaches besides the console itself. */
struct domain *hardware_domain;
static s_time_t now;
static unsigned int virqs;

s_time_t get_s_time(void)
{
    return now;
}

void handle_keypress(unsigned char key)
{
}

void send_guest_global_virq(struct domain *d, unsigned int virq)
{
    virqs++;
}

long hypercall_create_continuation(unsigned int op, unsigned int nr,
                                   const unsigned long *args)
{
    abort();        /* hypercall_preempt_check() never asks for one */
}

bool hypercall_preempt_check(void)
{
    return false;
}

void init_timer(struct timer *t, void (*function)(void *data), void *data,
                unsigned int cpu)
{
}

void set_timer(struct timer *t, s_time_t expires)
{
}

int ns16550_parse(unsigned int idx, const char *opt)
{
    return 0;
}

static unsigned int serial_inits, vga_inits;

void ns16550_init(unsigned int idx)
{
    serial_inits++;
}

void ns16550_poll(void)
{
}

void vga_init(void)
{
    vga_inits++;
}

static struct domain dom0 = { .domain_id = 0, .is_privileged = true };
static struct vcpu dom0_vcpu = { .domain = &dom0 };
static char ring[2 * RING_SIZE];

static void run_as(struct domain *d)
{
    static struct vcpu v;

    if ( d == &dom0 )
        get_cpu_info()->current_vcpu = &dom0_vcpu;
    else
    {
        v.domain = d;
        get_cpu_info()->current_vcpu = &v;
    }
}

static long console_io(struct domain *d, int cmd, char *buf, unsigned int n)
{
    run_as(d);
    return do_console_io(cmd, n, (XEN_GUEST_HANDLE_PARAM(char)){ buf });
}

/* How many times s is in the last tail bytes of the log ring. */
static unsigned int ring_count(const char *s, size_t tail)
{
    size_t n = console_read_ring(ring, sizeof(ring) - 1);
    const char *p = ring + (n > tail ? n - tail : 0);
    unsigned int hits = 0;

    ring[n] = '\0';
    while ( (p = strstr(p, s)) )
    {
        hits++;
        p++;
    }
    return hits;
}

/* Runs first: the ring is empty when the process starts. */
static void test_ring(void)
{
    static char bytes[RING_SIZE + 1];

    for ( unsigned int i = 0; i < sizeof(bytes); i++ )
        bytes[i] = 'a' + i % 23;
    CASE("ring: a read gets what dom0 wrote, up to the ring's size")
    {
        CHECK_EQ(console_read_ring(ring, sizeof(ring)), 0);
        CHECK_EQ(console_io(&dom0, CONSOLEIO_write, bytes, 1000), 0);
        CHECK_EQ(console_read_ring(ring, sizeof(ring)), 1000);
        CHECK(!memcmp(ring, bytes, 1000));
        /* A short buffer gets the newest bytes. */
        CHECK_EQ(console_read_ring(ring, 10), 10);
        CHECK(!memcmp(ring, bytes + 990, 10));
    }

    CASE("ring: one byte past its size, a read gets the newest ring's worth")
    {
        CHECK_EQ(console_io(&dom0, CONSOLEIO_write, bytes + 1000,
                            RING_SIZE + 1 - 1000), 0);
        CHECK_EQ(console_read_ring(ring, sizeof(ring)), RING_SIZE);
        CHECK(!memcmp(ring, bytes + 1, RING_SIZE));
    }
}

/* A sink that prints while printing, as a fault inside a sink would. */
static bool nest_armed;

static void nesting_puts(const char *s, size_t len)
{
    if ( !nest_armed )
        return;
    nest_armed = false;
    printk("nested message\n");
}

static struct console_sink nesting_sink = { .puts = nesting_puts };

static void hung(int sig)
{
    static const char msg[] = "FAIL: re-entry: printk inside printk hung\n";

    if ( write(1, msg, sizeof(msg) - 1) < 0 )
        _exit(2);
    _exit(1);
}

static void test_reentry(void)
{
    CASE("re-entry: printk from inside printk goes out, without a deadlock")
    {
        signal(SIGALRM, hung);
        alarm(5);
        console_register_sink(&nesting_sink);
        nest_armed = true;
        printk("outer message\n");
        alarm(0);
        CHECK(!nest_armed);
        CHECK_EQ(ring_count("nested message\n", 200), 1);
        CHECK_EQ(ring_count("outer message\n", 200), 1);
        /* The lock was given back: the next message is no nested one. */
        printk("after\n");
        CHECK_EQ(ring_count("(XEN) after\n", 100), 1);
    }
}

static void test_input(void)
{
    char buf[8] = { 0 };

    CASE("input: typed characters reach dom0 through CONSOLEIO_read")
    {
        hardware_domain = &dom0;
        console_endboot();
        virqs = 0;
        console_input_char('q');
        CHECK_EQ(virqs, 1);
        CHECK_EQ(console_io(&dom0, CONSOLEIO_read, buf, sizeof(buf)), 1);
        CHECK_EQ(buf[0], 'q');
        CHECK_EQ(console_io(&dom0, CONSOLEIO_read, buf, sizeof(buf)), 0);
    }

    CASE("input: a read into an unwritable buffer is -EFAULT")
    {
        console_input_char('r');
        harness_fault_lo = (uintptr_t)buf;
        harness_fault_hi = (uintptr_t)buf + sizeof(buf);
        CHECK_EQ(console_io(&dom0, CONSOLEIO_read, buf, sizeof(buf)),
                 -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
    }
}

static void test_domu(void)
{
    static struct domain d1 = { .domain_id = 1, .is_console = true };
    static struct domain d2 = { .domain_id = 2, .is_console = true };
    static struct domain d3 = { .domain_id = 3 };
    char line[16];

    CASE("domU: each line goes out whole, with its prefix, as it ends")
    {
        now = SECONDS(1);
        CHECK_EQ(console_io(&d1, CONSOLEIO_write, "hel", 3), 0);
        CHECK_EQ(ring_count("hel", 100), 0);
        CHECK_EQ(console_io(&d1, CONSOLEIO_write, "lo\nbye\n", 7), 0);
        CHECK_EQ(ring_count("(d1) hello\n(d1) bye\n", 100), 1);
    }

    CASE("domU: only domains started at boot may write; none may read")
    {
        CHECK_EQ(console_io(&d3, CONSOLEIO_write, "x\n", 2), -EPERM);
        CHECK_EQ(console_io(&d1, CONSOLEIO_read, line, sizeof(line)),
                 -EPERM);
    }

    /*
     * A new domain gets a burst of lines, then one per period counted
     * from its first line: not sooner, however the clock stood then.
     */
    CASE("domU: a burst of lines, then one per period from the first")
    {
        now = SECONDS(2) + LINE_PERIOD / 2;
        for ( unsigned int i = 0; i <= LINES_BURST; i++ )
        {
            snprintf(line, sizeof(line), "L%03u\n", i);
            CHECK_EQ(console_io(&d2, CONSOLEIO_write, line, 5), 0);
        }
        CHECK_EQ(ring_count("(d2) L099\n", 2000), 1);
        CHECK_EQ(ring_count("(d2) L100\n", 2000), 0);
        now += LINE_PERIOD * 3 / 5;
        CHECK_EQ(console_io(&d2, CONSOLEIO_write, "early\n", 6), 0);
        CHECK_EQ(ring_count("(d2) early\n", 2000), 0);
        now += LINE_PERIOD * 2 / 5;
        CHECK_EQ(console_io(&d2, CONSOLEIO_write, "later\n", 6), 0);
        CHECK_EQ(ring_count("(d2) ... 2 lines suppressed\n(d2) later\n",
                            2000), 1);
    }
}

/* The options console.c registers (see the Makefile). */
extern const struct kernel_param __start_init_setup[], __stop_init_setup[];
static unsigned int sink_lines;

/* Applies name=val as the command-line parser would. */
static int set_option(const char *name, const char *val)
{
    for ( const struct kernel_param *p = __start_init_setup;
          p < __stop_init_setup; p++ )
    {
        if ( strcmp(p->name, name) )
            continue;
        if ( p->type == OPT_CUSTOM )
            return p->par.func(val);
        if ( p->type != OPT_STR )
            return -ENOSYS;
        snprintf(p->par.var, p->len, "%s", val);
        return 0;
    }
    return -ENOENT;
}

static void counting_puts(const char *s, size_t len)
{
    for ( size_t i = 0; i < len; i++ )
        sink_lines += s[i] == '\n';
}

static struct console_sink counting_sink = { .puts = counting_puts };

static void test_options(void)
{
    CASE("options: console=com1,vga starts both, once each")
    {
        serial_inits = vga_inits = 0;
        console_init_preirq();
        CHECK_EQ(serial_inits, 1);
        CHECK_EQ(vga_inits, 1);
        CHECK_EQ(ring_count("Unknown console", RING_SIZE), 0);
    }

    CASE("options: an empty console= entry names no unknown console")
    {
        CHECK_EQ(set_option("console", "com1,"), 0);
        serial_inits = vga_inits = 0;
        console_init_preirq();
        CHECK_EQ(serial_inits, 1);
        CHECK_EQ(vga_inits, 0);
        CHECK_EQ(ring_count("Unknown console", RING_SIZE), 0);
        CHECK_EQ(set_option("console", "none,bogus"), 0);
        console_init_preirq();
        CHECK_EQ(serial_inits, 1);
        CHECK_EQ(ring_count("Unknown console \"bogus\" ignored", 200), 1);
    }

    CASE("options: loglvl= takes Xen's level names and refuses others")
    {
        console_register_sink(&counting_sink);
        CHECK_EQ(set_option("loglvl", "bogus"), -EINVAL);
        CHECK_EQ(set_option("guest_loglvl", "bogus"), -EINVAL);
        CHECK_EQ(set_option("guest_loglvl", "none"), 0);
        CHECK_EQ(set_option("loglvl", "warning/all"), 0);
        sink_lines = 0;
        printk("an info line\n");
        printk(XENLOG_WARNING "a warning line\n");
        CHECK_EQ(sink_lines, 1);
        CHECK_EQ(ring_count("(XEN) an info line\n", 200), 1);
        CHECK_EQ(set_option("loglvl", "info"), 0);
        printk("another info line\n");
        CHECK_EQ(sink_lines, 2);
    }
}

int main(void)
{
    test_ring();
    test_reentry();
    test_input();
    test_domu();
    test_options();
    return check_failures ? 1 : 0;
}
