/* SPDX-License-Identifier: GPL-2.0-only */
/* String port I/O (INS, OUTS, REP) from a domU, emulated per port. */

#include "hostile.h"
#include "port_io.h"
#include <hypercall.h>
#include <mm.h>
#include <traps.h>

#define GP      (1 + 13)
#define PF      (1 + 14)
/* The POST code port: harmless; a domU reads all-ones from any port. */
#define PORT    0x80

/* The registers a string instruction uses, in and out. */
struct sio {
    unsigned long rcx, rsi, rdi, rdx;
};

/*
 * Each probe runs one string instruction with the registers from *s and
 * puts them back there, also when it faulted (then they say how far it
 * got): 0, or 1 + the vector (the trap handler puts it in rax and
 * resumes at 2:).  DF is set for the _std forms and cleared after.
 */
int sio_rep_insb(struct sio *s);
int sio_rep_insb_std(struct sio *s);
int sio_rep_insw(struct sio *s);
int sio_insl(struct sio *s);
int sio_rep_outsb(struct sio *s);
int sio_outsw(struct sio *s);
asm (
    ".pushsection .text\n"
    ".macro SIO_PROBE name, setup, insn\n"
    "    .globl \\name\n"
    "\\name:\n"
    "    mov %rdi, %r8\n"
    "    mov 0(%r8), %rcx\n"
    "    mov 8(%r8), %rsi\n"
    "    mov 24(%r8), %rdx\n"
    "    mov 16(%r8), %rdi\n"
    "    xor %eax, %eax\n"
    "    \\setup\n"
    "1:  \\insn\n"
    "2:  cld\n"
    "    mov %rcx, 0(%r8)\n"
    "    mov %rsi, 8(%r8)\n"
    "    mov %rdi, 16(%r8)\n"
    "    ret\n"
    "    .pushsection .ex_table, \"a\"\n"
    "    .quad 1b, 2b\n"
    "    .popsection\n"
    ".endm\n"
    "SIO_PROBE sio_rep_insb, nop, \"rep insb\"\n"
    "SIO_PROBE sio_rep_insb_std, std, \"rep insb\"\n"
    "SIO_PROBE sio_rep_insw, nop, \"rep insw\"\n"
    "SIO_PROBE sio_insl, nop, insl\n"
    "SIO_PROBE sio_rep_outsb, nop, \"rep outsb\"\n"
    "SIO_PROBE sio_outsw, nop, outsw\n"
    ".purgem SIO_PROBE\n"
    ".popsection\n"
);

/* Whether b[from, to) all hold v. */
static bool all(const uint8_t *b, unsigned int from, unsigned int to,
                uint8_t v)
{
    for ( unsigned int i = from; i < to; i++ )
        if ( b[i] != v )
            return false;
    return true;
}

/*
 * The kernel counts as ring 1 against the virtual IOPL: at IOPL 0 string
 * I/O is #GP with nothing done, at IOPL 1 it runs, each element going to
 * memory (all-ones: a domU reaches no hardware) with rcx and rdi stepped,
 * backwards under DF; a count past the hypervisor's batch (256) is run
 * to its end too.
 */
HOSTILE(hostile_string_io, rep_ins_outs_against_the_iopl)
{
    uint8_t *b = alloc_page();
    struct sio s;

    CHECK(b, "no page");
    memset(b, 0x5a, PAGE_SIZE);
    CHECK_RC(set_iopl(0), 0);
    s = (struct sio){ .rcx = 4, .rdi = (unsigned long)b, .rdx = PORT };
    CHECK_RC(sio_rep_insb(&s), GP);
    CHECK(s.rcx == 4 && s.rdi == (unsigned long)b, "rcx %lx rdi %lx",
          s.rcx, s.rdi);
    CHECK(all(b, 0, 8, 0x5a), "memory written at IOPL 0");

    CHECK_RC(set_iopl(1), 0);
    CHECK_RC(sio_rep_insb(&s), 0);
    CHECK(s.rcx == 0 && s.rdi == (unsigned long)b + 4, "rcx %lx rdi %lx",
          s.rcx, s.rdi);
    CHECK(all(b, 0, 4, 0xff) && b[4] == 0x5a, "bytes %02x %02x", b[3], b[4]);

    s = (struct sio){ .rcx = 3, .rdi = (unsigned long)b + 8, .rdx = PORT };
    CHECK_RC(sio_rep_insw(&s), 0);
    CHECK(s.rdi == (unsigned long)b + 14 && all(b, 8, 14, 0xff) &&
          b[14] == 0x5a, "insw: rdi %lx", s.rdi);

    /* Without REP one element, whatever rcx says. */
    s = (struct sio){ .rcx = 5, .rdi = (unsigned long)b + 16, .rdx = PORT };
    CHECK_RC(sio_insl(&s), 0);
    CHECK(s.rcx == 5 && s.rdi == (unsigned long)b + 20 &&
          all(b, 16, 20, 0xff) && b[20] == 0x5a, "insl: rdi %lx", s.rdi);

    s = (struct sio){ .rcx = 2, .rdi = (unsigned long)b + 31, .rdx = PORT };
    CHECK_RC(sio_rep_insb_std(&s), 0);
    CHECK(s.rdi == (unsigned long)b + 29 && all(b, 30, 32, 0xff) &&
          b[29] == 0x5a && b[32] == 0x5a, "std insb: rdi %lx", s.rdi);

    s = (struct sio){ .rcx = 3, .rsi = (unsigned long)b, .rdx = PORT };
    CHECK_RC(sio_rep_outsb(&s), 0);
    CHECK(s.rcx == 0 && s.rsi == (unsigned long)b + 3, "outsb: rsi %lx",
          s.rsi);

    s = (struct sio){ .rcx = 0, .rdi = (unsigned long)b + 40, .rdx = PORT };
    CHECK_RC(sio_rep_insb(&s), 0);
    CHECK(s.rdi == (unsigned long)b + 40 && b[40] == 0x5a, "rep with rcx 0");

    memset(b, 0x5a, PAGE_SIZE);
    s = (struct sio){ .rcx = 3000, .rdi = (unsigned long)b, .rdx = PORT };
    CHECK_RC(sio_rep_insb(&s), 0);
    CHECK(s.rcx == 0 && all(b, 0, 3000, 0xff) && b[3000] == 0x5a,
          "long rep: rcx %lx", s.rcx);
    CHECK_RC(set_iopl(0), 0);
    free_page(b);
}

/*
 * Below the IOPL the guest's I/O bitmap decides for each port an access
 * covers: a word at the one allowed port reaches the next, which is not.
 */
HOSTILE(hostile_string_io, bitmap_for_each_port)
{
    uint8_t *bm = alloc_page(), *b = alloc_page();
    struct sio s;

    CHECK(bm && b, "no page");
    CHECK_RC(set_iopl(0), 0);
    memset(bm, 0xff, PAGE_SIZE);
    memset(b, 0x5a, PAGE_SIZE);
    bm[PORT / 8] &= ~(1u << (PORT & 7));
    CHECK_RC(set_iobitmap(bm, 0x100), 0);
    s = (struct sio){ .rcx = 2, .rdi = (unsigned long)b, .rdx = PORT };
    CHECK_RC(sio_rep_insb(&s), 0);
    CHECK(s.rcx == 0 && all(b, 0, 2, 0xff), "insb at an allowed port");
    s = (struct sio){ .rcx = 2, .rdi = (unsigned long)b + 8, .rdx = PORT };
    CHECK_RC(sio_rep_insw(&s), GP);
    CHECK(s.rcx == 2 && b[8] == 0x5a, "insw reached port %x", PORT + 1);
    s = (struct sio){ .rsi = (unsigned long)b, .rdx = PORT };
    CHECK_RC(sio_outsw(&s), GP);
    s = (struct sio){ .rcx = 1, .rdi = (unsigned long)b + 8,
                      .rdx = PORT + 1 };
    CHECK_RC(sio_rep_insb(&s), GP);
    s = (struct sio){ .rcx = 1, .rsi = (unsigned long)b, .rdx = PORT };
    CHECK_RC(sio_rep_outsb(&s), 0);
    CHECK_RC(set_iobitmap(NULL, 0), 0);
    free_page(bm);
    free_page(b);
}

/*
 * INS into, and OUTS from, memory the guest may not touch: unmapped, its
 * own #PF at that address; the hypervisor's, #GP (as Xen 4.17 does).
 * Nothing is written, rcx and rdi stay as they were.
 */
HOSTILE(hostile_string_io, memory_out_of_reach)
{
    static const struct { void *p; int rc; } bad[] = {
        { BAD_PTR, PF }, { XEN_PTR, GP },
    };
    struct sio s;

    CHECK_RC(set_iopl(1), 0);
    for ( unsigned int i = 0; i < ARRAY_SIZE(bad) && !test_failed(); i++ )
    {
        unsigned long p = (unsigned long)bad[i].p;

        s = (struct sio){ .rcx = 4, .rdi = p, .rdx = PORT };
        CHECK_RC(sio_rep_insb(&s), bad[i].rc);
        CHECK(bad[i].rc != PF ||
              (last_fixup_cr2 == p && (last_fixup_error & 2)),
              "ins: cr2 %lx error %lx", last_fixup_cr2, last_fixup_error);
        CHECK(s.rcx == 4 && s.rdi == p, "ins: rcx %lx rdi %lx", s.rcx,
              s.rdi);
        s = (struct sio){ .rcx = 4, .rsi = p, .rdx = PORT };
        CHECK_RC(sio_rep_outsb(&s), bad[i].rc);
        CHECK(bad[i].rc != PF ||
              (last_fixup_cr2 == p && !(last_fixup_error & 2)),
              "outs: cr2 %lx error %lx", last_fixup_cr2, last_fixup_error);
        CHECK(s.rcx == 4, "outs: rcx %lx", s.rcx);
    }
    CHECK_RC(set_iopl(0), 0);
}
