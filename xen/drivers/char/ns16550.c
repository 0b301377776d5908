/* SPDX-License-Identifier: GPL-2.0-only */
/* 16550-compatible UART: polled output, polled input, com1= option. */
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/string.h>
#include <asm/io.h>
#include <xen/serial.h>

#define UART_RBR      0 /* receive buffer (DLAB=0) */
#define UART_THR      0 /* transmit holding (DLAB=0) */
#define UART_DLL      0 /* divisor latch low (DLAB=1) */
#define UART_IER      1
#define UART_DLM      1 /* divisor latch high (DLAB=1) */
#define UART_FCR      2
#define UART_LCR      3
#define UART_MCR      4
#define UART_LSR      5
#define UART_LCR_DLAB 0x80
#define UART_LSR_DR   0x01
#define UART_LSR_THRE 0x20
#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT2 0x08
#define UART_CLOCK_HZ 1843200

struct ns16550 {
    uint16_t io_base;
    unsigned int irq; /* Xen's: the line it owns; 0 none */
    unsigned int baud;
    uint8_t lcr;
    bool present;
};

static struct ns16550 com[2] = {
    { .io_base = 0x3f8, .irq = 4, .baud = 115200, .lcr = 0x03 },
    { .io_base = 0x2f8, .irq = 3, .baud = 115200, .lcr = 0x03 },
};

/*
 * Parses Xen's "<baud>[,DPS[,<io-base>[,<irq>]]]" (e.g. "115200,8n1").
 * Returns 0, or -1 with nothing changed if any part is malformed.
 */
int ns16550_parse(unsigned int idx, const char *s)
{
    struct ns16550 new = com[idx];
    const char *end;

    if ( strncmp(s, "auto", 4) == 0 )
        s += 4;
    else if ( *s >= '0' && *s <= '9' )
    {
        new.baud = simple_strtoul(s, &end, 10);
        if ( new.baud < 50 || new.baud > UART_CLOCK_HZ / 16 )
            return -1;
        s = end;
    }
    if ( *s == ',' )
    {
        unsigned int bits, stop;
        uint8_t parity;

        s++;
        if ( s[0] < '5' || s[0] > '8' )
            return -1;
        bits = s[0] - '5';
        switch ( s[1] )
        {
        case 'n':
            parity = 0x00;
            break;
        case 'o':
            parity = 0x08;
            break;
        case 'e':
            parity = 0x18;
            break;
        case 'm':
            parity = 0x28;
            break;
        case 's':
            parity = 0x38;
            break;
        default:
            return -1;
        }
        if ( s[2] != '1' && s[2] != '2' )
            return -1;
        stop = s[2] == '2' ? 0x04 : 0;
        new.lcr = bits | stop | parity;
        s += 3;
    }
    if ( *s == ',' )
    {
        new.io_base = simple_strtoul(s + 1, &end, 0);
        if ( end == s + 1 || !new.io_base )
            return -1;
        s = end;
    }
    /*
     * An IRQ may follow (0: none, Xen's polled mode).  Input is polled
     * here all the same; the line is only kept from dom0, as Xen's is.
     */
    if ( *s == ',' )
    {
        new.irq = simple_strtoul(s + 1, &end, 0);
        s = end;
    }
    if ( *s )
        return -1;
    com[idx] = new;
    return 0;
}

int ns16550_console_irq(void)
{
    return com[0].present && com[0].irq ? (int)com[0].irq : -1;
}

static void ns16550_putc(const struct ns16550 *uart, char c)
{
    unsigned int spins = 0;

    /* Bounded wait so that a missing UART cannot hang the console. */
    while ( !(inb(uart->io_base + UART_LSR) & UART_LSR_THRE) &&
            ++spins < 100000 )
        ;
    outb(c, uart->io_base + UART_THR);
}

static void com1_puts(const char *s, size_t len)
{
    for ( size_t i = 0; i < len; i++ )
    {
        if ( s[i] == '\n' )
            ns16550_putc(&com[0], '\r');
        ns16550_putc(&com[0], s[i]);
    }
}

static struct console_sink com1_sink = { .puts = com1_puts };

void ns16550_init(unsigned int idx)
{
    struct ns16550 *uart = &com[idx];
    unsigned int div = UART_CLOCK_HZ / 16 / uart->baud;

    outb(0, uart->io_base + UART_IER); /* polled: no interrupts */
    outb(UART_LCR_DLAB, uart->io_base + UART_LCR);
    outb(div & 0xff, uart->io_base + UART_DLL);
    outb(div >> 8, uart->io_base + UART_DLM);
    outb(uart->lcr, uart->io_base + UART_LCR);
    outb(0x07, uart->io_base + UART_FCR); /* enable and clear FIFOs */
    outb(UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2,
         uart->io_base + UART_MCR);
    /* A floating bus reads all ones: treat that as no UART at all. */
    uart->present = inb(uart->io_base + UART_LSR) != 0xff;
    if ( uart->present && idx == 0 )
        console_register_sink(&com1_sink);
}

/* Feeds received bytes to the console; called from a periodic poll. */
void ns16550_poll(void)
{
    const struct ns16550 *uart = &com[0];

    if ( !uart->present )
        return;
    while ( inb(uart->io_base + UART_LSR) & UART_LSR_DR )
        console_input_char(inb(uart->io_base + UART_RBR));
}
