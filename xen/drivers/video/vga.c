/* SPDX-License-Identifier: GPL-2.0-only */
/* VGA text-mode console: 80x25 characters at 0xb8000, scrolling. */
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/string.h>
#include <xen/vga.h>
#include <asm/io.h>
#include <asm/page.h>

#define VGA_TEXT_BASE 0xb8000
#define VGA_COLS      80
#define VGA_ROWS      25
#define VGA_ATTR      0x07 /* light grey on black */

static volatile uint16_t *vga;
static unsigned int col, row;

static void vga_scroll(void)
{
    for ( unsigned int i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++ )
        vga[i] = vga[i + VGA_COLS];
    for ( unsigned int i = 0; i < VGA_COLS; i++ )
        vga[(VGA_ROWS - 1) * VGA_COLS + i] = (VGA_ATTR << 8) | ' ';
}

static void vga_putc(char c)
{
    if ( c == '\n' || col == VGA_COLS )
    {
        col = 0;
        if ( ++row == VGA_ROWS )
        {
            vga_scroll();
            row = VGA_ROWS - 1;
        }
        if ( c == '\n' )
            return;
    }
    vga[row * VGA_COLS + col++] = (VGA_ATTR << 8) | (uint8_t)c;
}

static void vga_puts(const char *s, size_t len)
{
    for ( size_t i = 0; i < len; i++ )
        vga_putc(s[i]);
}

static struct console_sink vga_sink = { .puts = vga_puts };

/*
 * The CRT controller answers at 0x3d4/0x3d5 on a colour adapter; a machine
 * without one (QEMU -vga none) reads back 0xff, and then we stay silent.
 */
void __init vga_init(void)
{
    outb(0x0f, 0x3d4);
    if ( inb(0x3d5) == 0xff && inb(0x3cc) == 0xff )
        return;
    vga = maddr_to_virt(VGA_TEXT_BASE);
    for ( unsigned int i = 0; i < VGA_ROWS * VGA_COLS; i++ )
        vga[i] = (VGA_ATTR << 8) | ' ';
    col = row = 0;
    console_register_sink(&vga_sink);
}
