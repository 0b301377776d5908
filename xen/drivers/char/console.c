/* SPDX-License-Identifier: GPL-2.0-only */
/* printk, log levels, the log ring and serial input dispatch. */
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/sched.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/serial.h>
#include <xen/string.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/vga.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <xsm/xsm.h>

/*
 * Log levels: a message may start with XENLOG_* ("<0>".."<3>"); messages
 * without one count as info.  Those above console_loglevel are kept in the
 * ring but not printed.
 */
#define LOGLVL_ERR     0
#define LOGLVL_WARNING 1
#define LOGLVL_INFO    2
#define LOGLVL_DEBUG   3
static int console_loglevel = LOGLVL_INFO;

#define CONRING_SIZE (1u << 15)
static char conring[CONRING_SIZE];
static unsigned long conring_prod;

static struct console_sink *sinks;

/*
 * One lock keeps lines from different CPUs whole.  It is a plain
 * test-and-set so that panic and NMI paths can break it.
 */
static int console_lock_word;
static int console_lock_owner = -1;

static bool console_lock(void)
{
    int me = smp_processor_id();

    /* Re-entered from a fault while printing: don't deadlock. */
    if ( __atomic_load_n(&console_lock_owner, __ATOMIC_RELAXED) == me )
        return false;
    while ( __atomic_exchange_n(&console_lock_word, 1, __ATOMIC_ACQUIRE) )
        cpu_relax();
    console_lock_owner = me;
    return true;
}

static void console_unlock(bool taken)
{
    if ( !taken )
        return;
    console_lock_owner = -1;
    __atomic_store_n(&console_lock_word, 0, __ATOMIC_RELEASE);
}

void console_force_unlock(void)
{
    console_lock_owner = -1;
    __atomic_store_n(&console_lock_word, 0, __ATOMIC_RELEASE);
}

void console_register_sink(struct console_sink *sink)
{
    sink->next = sinks;
    sinks = sink;
}

static void emit(const char *s, size_t len, bool print)
{
    for ( size_t i = 0; i < len; i++ )
        conring[(conring_prod + i) & (CONRING_SIZE - 1)] = s[i];
    conring_prod += len;
    if ( print )
        for ( struct console_sink *k = sinks; k; k = k->next )
            k->puts(s, len);
}

/* True when the next character begins a new line. */
static bool at_line_start = true;

void vprintk(const char *fmt, va_list args)
{
    char buf[512];
    const char *p = buf, *nl;
    int level = LOGLVL_INFO;
    bool print, taken;
    int len;

    len = vsnprintf(buf, sizeof(buf), fmt, args);
    if ( len >= (int)sizeof(buf) )
        len = sizeof(buf) - 1;
    if ( p[0] == '<' && p[1] >= '0' && p[1] <= '3' && p[2] == '>' )
    {
        level = p[1] - '0';
        p += 3;
        len -= 3;
    }
    print = level <= console_loglevel;

    taken = console_lock();
    while ( len > 0 )
    {
        size_t n;

        if ( at_line_start )
            emit("(XEN) ", 6, print);
        nl = memchr(p, '\n', len);
        n = nl ? (size_t)(nl - p) + 1 : (size_t)len;
        emit(p, n, print);
        at_line_start = nl != NULL;
        p += n;
        len -= n;
    }
    console_unlock(taken);
}

void printk(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vprintk(fmt, args);
    va_end(args);
}

size_t console_read_ring(char *buf, size_t size)
{
    unsigned long start = conring_prod > CONRING_SIZE
                              ? conring_prod - CONRING_SIZE
                              : 0;
    size_t n = min((size_t)(conring_prod - start), size);

    for ( size_t i = 0; i < n; i++ )
        buf[i] = conring[(conring_prod - n + i) & (CONRING_SIZE - 1)];
    return n;
}

/* "loglvl=<level>[/<level>]", levels as Xen names them. */
static int parse_loglvl(const char *s)
{
    static const struct {
        const char *name;
        int lvl;
    } names[] = {
        { "none", -1 },
        { "error", LOGLVL_ERR },
        { "warning", LOGLVL_WARNING },
        { "info", LOGLVL_INFO },
        { "debug", LOGLVL_DEBUG },
        { "all", LOGLVL_DEBUG },
    };
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);

    for ( unsigned int i = 0; i < ARRAY_SIZE(names); i++ )
        if ( strlen(names[i].name) == n && !strncmp(s, names[i].name, n) )
        {
            console_loglevel = names[i].lvl;
            return 0;
        }
    return -EINVAL;
}

custom_param("loglvl", parse_loglvl);

/*
 * guest_loglvl= is Xen's threshold for guests' console output.  We show
 * all of it, as guest_loglvl=all would, so the value is only checked.
 */
static int parse_guest_loglvl(const char *s)
{
    int saved = console_loglevel, rc = parse_loglvl(s);

    console_loglevel = saved;
    return rc;
}
custom_param("guest_loglvl", parse_guest_loglvl);

/* Where output goes: a comma-separated list of com1, vga and none. */
static char opt_console[32] = "com1,vga";
string_param("console", opt_console);

static int parse_com1(const char *s)
{
    return ns16550_parse(0, s) ? -EINVAL : 0;
}
custom_param("com1", parse_com1);

void __init console_init_preirq(void)
{
    char list[sizeof(opt_console)];
    char *tok = list;
    static char replay[CONRING_SIZE];
    size_t n;

    strlcpy(list, opt_console, sizeof(list));
    while ( tok && *tok )
    {
        char *comma = strchr(tok, ',');

        if ( comma )
            *comma++ = '\0';
        if ( !strcmp(tok, "com1") )
            ns16550_init(0);
        else if ( !strcmp(tok, "vga") )
            vga_init();
        else if ( strcmp(tok, "none") )
            printk(XENLOG_WARNING "Unknown console \"%s\" ignored\n", tok);
        tok = comma;
    }

    /* What was logged before any sink existed (e.g. option warnings). */
    n = console_read_ring(replay, sizeof(replay));
    for ( struct console_sink *k = sinks; k; k = k->next )
        k->puts(replay, n);
}

/*
 * Serial input goes to the debug keys or to dom0, as on Xen: typing the
 * conswitch= character (Ctrl-A by default) three times in a row switches,
 * and once dom0 is built input goes to it unless the option ends in 'x'.
 * dom0 hears of input by VIRQ_CONSOLE and reads it with CONSOLEIO_read.
 */
static char opt_conswitch[3] = "a";
string_param("conswitch", opt_conswitch);

#define SERIAL_RX_SIZE 256
static char serial_rx[SERIAL_RX_SIZE];
static unsigned int serial_rx_cons, serial_rx_prod;
static DEFINE_SPINLOCK(serial_rx_lock, serial_rx);
static bool input_to_dom0;
static unsigned int switch_presses;

static char switch_char(void)
{
    return opt_conswitch[0] & 0x1f; /* 'a': Ctrl-A */
}

static void announce_input(void)
{
    printk("*** Serial input to %s (type 'CTRL-%c' three times to switch "
           "input)\n",
           input_to_dom0 ? "DOM0" : "Xen", opt_conswitch[0]);
}

static void deliver_input(char c)
{
    unsigned long flags;

    if ( !input_to_dom0 )
    {
        handle_keypress(c);
        return;
    }
    spin_lock_irqsave(&serial_rx_lock, flags);
    /* A full ring drops what dom0 has not read: it is only a terminal. */
    if ( serial_rx_prod - serial_rx_cons < SERIAL_RX_SIZE )
        serial_rx[serial_rx_prod++ % SERIAL_RX_SIZE] = c;
    spin_unlock_irqrestore(&serial_rx_lock, flags);
    send_guest_global_virq(hardware_domain, VIRQ_CONSOLE);
}

void console_input_char(char c)
{
    if ( c == switch_char() )
    {
        if ( ++switch_presses == 3 )
        {
            switch_presses = 0;
            input_to_dom0 = !input_to_dom0 && hardware_domain;
            announce_input();
        }
        return;
    }
    /* Fewer than three were meant for whoever has the input. */
    for ( ; switch_presses; switch_presses-- )
        deliver_input(switch_char());
    deliver_input(c);
}

void console_endboot(void)
{
    input_to_dom0 = hardware_domain && opt_conswitch[1] != 'x';
    announce_input();
}

/* CONSOLEIO_read: what was typed for dom0, up to count bytes. */
static long read_serial_input(XEN_GUEST_HANDLE_PARAM(char) buffer,
                              unsigned int count)
{
    char chunk[SERIAL_RX_SIZE];
    unsigned int n = 0;
    unsigned long flags;

    spin_lock_irqsave(&serial_rx_lock, flags);
    while ( n < count && n < sizeof(chunk) &&
            serial_rx_cons != serial_rx_prod )
        chunk[n++] = serial_rx[serial_rx_cons++ % SERIAL_RX_SIZE];
    spin_unlock_irqrestore(&serial_rx_lock, flags);
    if ( n && copy_to_guest(buffer, chunk, n) )
        return -EFAULT;
    return n;
}

/* The serial line is polled: cheap, and needs no interrupt routing. */
#define SERIAL_POLL_PERIOD MILLISECS(20)
static struct timer serial_poll_timer;

static void serial_poll(void *unused)
{
    ns16550_poll();
    set_timer(&serial_poll_timer, NOW() + SERIAL_POLL_PERIOD);
}

void __init console_init_postirq(void)
{
    init_timer(&serial_poll_timer, serial_poll, NULL, 0);
    set_timer(&serial_poll_timer, NOW() + SERIAL_POLL_PERIOD);
}

/*
 * A domU may print a burst of this many lines, and then one line per
 * period: the serial line is slow and shared, and one guest must not keep
 * the hypervisor busy printing or bury everyone else's output.  Lines
 * beyond are dropped and counted, as Xen's printk rate limit does.
 */
#define GUEST_LINES_BURST 100
#define GUEST_LINE_PERIOD MILLISECS(50)

/* Whether d may print a line now (taking one credit).  With the lock. */
static bool guest_line_allowed(struct domain *d)
{
    s_time_t now = NOW();

    /* A domain's first line (the fields start zeroed): a full burst. */
    if ( !d->console_refilled )
        d->console_credit = GUEST_LINES_BURST;
    if ( d->console_credit >= GUEST_LINES_BURST )
        d->console_refilled = now;
    else
    {
        s_time_t earned = (now - d->console_refilled) / GUEST_LINE_PERIOD;

        if ( earned > 0 )
        {
            d->console_credit = min((s_time_t)GUEST_LINES_BURST,
                                    d->console_credit + earned);
            d->console_refilled += earned * GUEST_LINE_PERIOD;
        }
    }
    if ( !d->console_credit )
        return false;
    d->console_credit--;
    return true;
}

static void guest_line_out(struct domain *d, const char *s, size_t n)
{
    char prefix[16];

    snprintf(prefix, sizeof(prefix), "(d%u) ", d->domain_id);
    emit(prefix, strlen(prefix), true);
    emit(s, n, true);
    emit("\n", 1, true);
    at_line_start = true;
}

/*
 * A domU's output goes out a whole line at a time, prefixed "(dN) " as
 * Xen does, so that lines of different guests never mix; an overlong
 * line is split.  Only printable characters pass: a guest must not send
 * control sequences to the operator's terminal.  Called with the lock.
 */
static void guest_console_put(struct domain *d, const char *s, size_t n)
{
    char note[48];

    for ( size_t i = 0; i < n; i++ )
    {
        if ( (s[i] >= ' ' && s[i] < 0x7f) || s[i] == '\t' )
            d->console_line[d->console_len++] = s[i];
        if ( s[i] != '\n' && d->console_len < sizeof(d->console_line) )
            continue;
        if ( !guest_line_allowed(d) )
            d->console_dropped++;
        else
        {
            if ( d->console_dropped )
            {
                snprintf(note, sizeof(note), "... %lu lines suppressed",
                         d->console_dropped);
                guest_line_out(d, note, strlen(note));
                d->console_dropped = 0;
            }
            guest_line_out(d, d->console_line, d->console_len);
        }
        d->console_len = 0;
    }
}

/*
 * console_io: dom0 writes to and reads from the hypervisor console.  Its
 * output goes out as it is (no "(XEN) " prefix), which is also how Xen
 * shows dom0's early messages.  Domains the hypervisor started at boot
 * may write too (Xen's is_console), since no console backend serves them;
 * others get -EPERM, as from Xen's release builds.  Reading stays dom0's.
 * Serial input stays with the debug keys.
 */
long do_console_io(int cmd, unsigned int count,
                   XEN_GUEST_HANDLE_PARAM(char) buffer)
{
    struct domain *d = current->domain;
    char chunk[128];

    if ( xsm_console_io(d, cmd) )
        return -EPERM;
    switch ( cmd )
    {
    case CONSOLEIO_write:
        for ( unsigned int done = 0; done < count; )
        {
            unsigned int n = min(count - done, (unsigned int)sizeof(chunk));
            bool taken;

            /*
             * However large count is, the caller's own vCPU pays for it
             * and this CPU's timers and softirqs run: continue later with
             * what is left.
             */
            if ( done && hypercall_preempt_check() )
                return hypercall_continue(__HYPERVISOR_console_io,
                                          CONSOLEIO_write, count - done,
                                          guest_handle_addr(buffer) + done);
            if ( copy_from_guest_offset(chunk, buffer, done, n) )
                return -EFAULT;
            taken = console_lock();
            if ( is_hardware_domain(d) )
            {
                emit(chunk, n, true);
                at_line_start = chunk[n - 1] == '\n';
            }
            else
                guest_console_put(d, chunk, n);
            console_unlock(taken);
            done += n;
        }
        return 0;
    case CONSOLEIO_read:
        return read_serial_input(buffer, count);
    default:
        return -ENOSYS;
    }
}
