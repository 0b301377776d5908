/* SPDX-License-Identifier: GPL-2.0-only */
/* Which instrumented call sites ran: the fuzzer's coverage (coverage=y). */
#include <xen/bitops.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>

#ifdef CONFIG_COVERAGE

extern char _stext[], _etext[];

/*
 * -fsanitize-coverage=trace-pc puts a call here at the start of every
 * basic block of the instrumented files (the hypercall handlers): one bit
 * per byte of text records its return address.  The host maps the hit
 * addresses back to source lines (tools/tests/fuzz/coverage.py).
 */
#define COV_TEXT_MAX (1UL << 20)
static unsigned long cov_bits[COV_TEXT_MAX / BITS_PER_LONG];

void __sanitizer_cov_trace_pc(void);
void __sanitizer_cov_trace_pc(void)
{
    unsigned long off = (unsigned long)__builtin_return_address(0) -
                        (unsigned long)_stext;
    unsigned long *w = &cov_bits[off / BITS_PER_LONG];
    unsigned long m = 1UL << (off % BITS_PER_LONG);

    if ( off < COV_TEXT_MAX && !(__atomic_load_n(w, __ATOMIC_RELAXED) & m) )
        __atomic_fetch_or(w, m, __ATOMIC_RELAXED);
}

/* "COV: text <base>", then the hit offsets, ten a line, as deltas. */
static void dump_coverage(unsigned char key)
{
    unsigned long end = (unsigned long)(_etext - _stext), prev = 0, off;
    unsigned int n = 0, total = 0;
    char line[128];
    int len = 0;

    printk("COV: text %lx size %lx\n", (unsigned long)_stext, end);
    for ( off = 0; off < end && off < COV_TEXT_MAX; off++ )
    {
        if ( !(cov_bits[off / BITS_PER_LONG] &
               (1UL << (off % BITS_PER_LONG))) )
            continue;
        len += snprintf(line + len, sizeof(line) - len, " %lx", off - prev);
        prev = off;
        total++;
        if ( ++n == 10 )
        {
            printk("COV+%s\n", line);
            n = len = 0;
        }
    }
    if ( n )
        printk("COV+%s\n", line);
    printk("COV: end %u\n", total);
}
KEYHANDLER('C', dump_coverage, "dump hypercall-handler coverage");

#endif /* CONFIG_COVERAGE */
