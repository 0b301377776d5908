/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for the x86 emulator: native execution as the reference. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <asm/x86_emulate.h>
#include "check.h"

/* ---- the reference: the same bytes run by this CPU ---- */

/* rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8-r15, then rflags. */
struct state {
    uint64_t gpr[16];
    uint64_t rflags;
};

/*
 * Loads every register but rsp from *s, calls code (the instruction then
 * a ret), and stores them back.  The instruction may not touch rsp.
 */
void run_native(struct state *s, const void *code);
asm (
    ".pushsection .bss\n"
    ".balign 8\n"
    "native_state: .quad 0\n"
    "native_code: .quad 0\n"
    ".popsection\n"
    ".pushsection .text\n"
    ".globl run_native\n"
    "run_native:\n"
    "    push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
    "    mov %rdi, native_state(%rip)\n"
    "    mov %rsi, native_code(%rip)\n"
    "    pushq 128(%rdi)\n"
    "    popfq\n"
    "    mov 0(%rdi), %rax; mov 8(%rdi), %rcx; mov 16(%rdi), %rdx\n"
    "    mov 24(%rdi), %rbx; mov 40(%rdi), %rbp; mov 48(%rdi), %rsi\n"
    "    mov 64(%rdi), %r8; mov 72(%rdi), %r9; mov 80(%rdi), %r10\n"
    "    mov 88(%rdi), %r11; mov 96(%rdi), %r12; mov 104(%rdi), %r13\n"
    "    mov 112(%rdi), %r14; mov 120(%rdi), %r15\n"
    "    mov 56(%rdi), %rdi\n"
    "    call *native_code(%rip)\n"
    "    pushfq\n"
    "    push %rdi\n"
    "    mov native_state(%rip), %rdi\n"
    "    popq 56(%rdi)\n"
    "    popq 128(%rdi)\n"
    "    mov %rax, 0(%rdi); mov %rcx, 8(%rdi); mov %rdx, 16(%rdi)\n"
    "    mov %rbx, 24(%rdi); mov %rbp, 40(%rdi); mov %rsi, 48(%rdi)\n"
    "    mov %r8, 64(%rdi); mov %r9, 72(%rdi); mov %r10, 80(%rdi)\n"
    "    mov %r11, 88(%rdi); mov %r12, 96(%rdi); mov %r13, 104(%rdi)\n"
    "    mov %r14, 112(%rdi); mov %r15, 120(%rdi)\n"
    "    cld\n"
    "    pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
    "    ret\n"
    ".popsection\n"
);

#define BUF_SIZE    4096
#define STATES      16
#define F_CF 0x001u
#define F_PF 0x004u
#define F_AF 0x010u
#define F_ZF 0x040u
#define F_SF 0x080u
#define F_DF 0x400u
#define F_OF 0x800u
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

static uint8_t *code;                   /* one RWX page */
static uint8_t *buf;                    /* the memory instructions use */
static uint8_t mem0[BUF_SIZE], mem_native[BUF_SIZE];
static unsigned int compared;           /* instructions x states */

static uint64_t rnd(void)
{
    static uint64_t x = 0x9e3779b97f4a7c15ULL;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
}

static uint64_t *reg_of(struct cpu_user_regs *r, unsigned int n)
{
    uint64_t *const map[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi,
        &r->rdi, &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13,
        &r->r14, &r->r15,
    };

    return map[n];
}

/* ---- callbacks backed by the test buffer and the code page ---- */

static bool within(unsigned long addr, unsigned int bytes,
                   const uint8_t *base, size_t size)
{
    return addr >= (unsigned long)base &&
           addr + bytes <= (unsigned long)base + size;
}

static int h_fetch(unsigned long addr, void *p, unsigned int bytes,
                   struct x86_emulate_ctxt *ctxt)
{
    if ( !within(addr, bytes, code, 4096) )
        return X86EMUL_UNHANDLEABLE;
    memcpy(p, (void *)addr, bytes);
    return X86EMUL_OKAY;
}

static int page_fault(unsigned long addr, uint32_t ec,
                      struct x86_emulate_ctxt *ctxt)
{
    ctxt->event.cr2 = addr;
    return x86_emul_raise(ctxt, 14, ec);
}

static int h_read(unsigned long addr, void *p, unsigned int bytes,
                  struct x86_emulate_ctxt *ctxt)
{
    if ( !within(addr, bytes, buf, BUF_SIZE) )
        return page_fault(addr, 0, ctxt);
    memcpy(p, (void *)addr, bytes);
    return X86EMUL_OKAY;
}

static int h_write(unsigned long addr, const void *p, unsigned int bytes,
                   struct x86_emulate_ctxt *ctxt)
{
    if ( !within(addr, bytes, buf, BUF_SIZE) )
        return page_fault(addr, 2, ctxt);
    memcpy((void *)addr, p, bytes);
    return X86EMUL_OKAY;
}

static int h_cmpxchg(unsigned long addr, void *old, const void *new,
                     unsigned int bytes, struct x86_emulate_ctxt *ctxt)
{
    if ( !within(addr, bytes, buf, BUF_SIZE) )
        return page_fault(addr, 2, ctxt);
    if ( !memcmp((void *)addr, old, bytes) )
        memcpy((void *)addr, new, bytes);
    else
        memcpy(old, (void *)addr, bytes);
    return X86EMUL_OKAY;
}

static const struct x86_emulate_ops mem_ops = {
    .insn_fetch = h_fetch,
    .read = h_read,
    .write = h_write,
    .cmpxchg = h_cmpxchg,
};

/* ---- one instruction, natively and emulated, compared ---- */

struct insn {
    uint8_t b[16];
    unsigned int len;
    unsigned int undef;         /* flags the architecture leaves undefined */
    unsigned int prep;          /* P_* below */
};

#define P_EQ_MEM    1   /* every other state: [rbx] holds rax (and rdx) */
#define P_ALIGN16   2   /* rbx 16-aligned */

static void make_state(struct state *s, const struct insn *in, unsigned int i)
{
    for ( unsigned int r = 0; r < 16; r++ )
        s->gpr[r] = rnd();
    /* Bases into the buffer, far enough from its ends for any form. */
    s->gpr[3] = (uint64_t)buf + 1024 + rnd() % 512;     /* rbx */
    s->gpr[11] = (uint64_t)buf + 1024 + rnd() % 512;    /* rbx with REX.B */
    s->gpr[6] = (uint64_t)buf + 1024 + rnd() % 512;     /* rsi */
    s->gpr[7] = (uint64_t)buf + 2048 + rnd() % 512;     /* rdi */
    /* Counts and bit offsets: rcx, and r9 (rcx under REX.R). */
    s->gpr[1] = rnd() % 32;
    s->gpr[9] = rnd() % 32;
    s->gpr[4] = 0;
    s->rflags = 0x2 | (rnd() & F_ARITH) | (rnd() & 1 ? F_DF : 0);
    if ( in->prep & P_ALIGN16 )
        s->gpr[3] &= ~15ULL;
    /* A crash in the native run names no instruction: this does. */
    if ( getenv("X86EMUL_TRACE") )
    {
        for ( unsigned int k = 0; k < in->len; k++ )
            fprintf(stderr, "%02x ", in->b[k]);
        fprintf(stderr, "\n");
    }
    if ( (in->prep & P_EQ_MEM) && (i & 1) )
    {
        memcpy((void *)s->gpr[3], &s->gpr[0], 8);
        memcpy((void *)(s->gpr[3] + 8), &s->gpr[2], 8);
    }
}

static void hex(char *out, size_t n, const struct insn *in)
{
    out[0] = '\0';
    for ( unsigned int i = 0; i < in->len; i++ )
        snprintf(out + strlen(out), n - strlen(out), "%02x ", in->b[i]);
}

/* Runs in both ways from STATES states; false (and a FAIL) on a mismatch. */
static bool compare(const struct insn *in)
{
    /*
     * Through the decode cache, as PV uses it: the same code address
     * holds each instruction in turn, and each runs from STATES states.
     */
    static struct x86_emulate_cache cache;

    for ( unsigned int i = 0; i < STATES; i++ )
    {
        struct state s, n;
        struct cpu_user_regs regs = {};
        struct x86_emulate_ctxt ctxt = {
            .regs = &regs, .mode = X86EMUL_MODE_64, .cache = &cache,
        };
        char m[256], h[64];
        int rc;

        for ( unsigned int k = 0; k < BUF_SIZE; k++ )
            buf[k] = rnd();
        make_state(&s, in, i);
        memcpy(mem0, buf, BUF_SIZE);
        memcpy(code, in->b, in->len);
        code[in->len] = 0xc3;                           /* ret */
        n = s;
        run_native(&n, code);
        memcpy(mem_native, buf, BUF_SIZE);
        memcpy(buf, mem0, BUF_SIZE);

        for ( unsigned int r = 0; r < 16; r++ )
            *reg_of(&regs, r) = s.gpr[r];
        regs.rflags = s.rflags;
        regs.rip = (unsigned long)code;
        /* A REP the emulator stops part-way is run again, as a guest would. */
        do
            rc = x86_emulate(&ctxt, &mem_ops);
        while ( rc == X86EMUL_OKAY && !ctxt.insn_len );
        compared++;
        hex(h, sizeof(h), in);
        if ( rc != X86EMUL_OKAY || ctxt.insn_len != in->len )
        {
            snprintf(m, sizeof(m), "%s: rc %d, length %u", h, rc,
                     ctxt.insn_len);
            check_fail(__FILE__, __LINE__, m);
            return false;
        }
        for ( unsigned int r = 0; r < 16; r++ )
            if ( *reg_of(&regs, r) != n.gpr[r] )
            {
                snprintf(m, sizeof(m), "%s: reg %u %#lx, native %#lx", h, r,
                         (unsigned long)*reg_of(&regs, r),
                         (unsigned long)n.gpr[r]);
                check_fail(__FILE__, __LINE__, m);
                return false;
            }
        if ( (regs.rflags ^ n.rflags) & (F_ARITH | F_DF) & ~in->undef )
        {
            snprintf(m, sizeof(m), "%s: flags %#lx, native %#lx (in %#lx)",
                     h, (unsigned long)regs.rflags, (unsigned long)n.rflags,
                     (unsigned long)s.rflags);
            check_fail(__FILE__, __LINE__, m);
            return false;
        }
        if ( memcmp(buf, mem_native, BUF_SIZE) )
        {
            snprintf(m, sizeof(m), "%s: memory differs", h);
            check_fail(__FILE__, __LINE__, m);
            return false;
        }
    }
    return true;
}

/* ---- generators: each adds instructions and compares them ---- */

/*
 * The r/m forms used with a reg field: registers (each of the 16 or, for
 * bytes without REX, AH-BH), [rbx+disp8], [rbx+rcx*4+disp32] and [rbx].
 */
enum { RM_REG, RM_DISP8, RM_SIB32, RM_BASE, RM_FORMS };

static void put(struct insn *in, uint8_t b)
{
    in->b[in->len++] = b;
}

static void put32(struct insn *in, uint32_t v)
{
    memcpy(&in->b[in->len], &v, 4);
    in->len += 4;
}

/* A register for a reg field: never rsp (the harness's stack). */
static unsigned int any_reg(void)
{
    static const uint8_t ok[] = { 0, 1, 2, 3, 5, 6, 7 };

    return ok[rnd() % ARRAY_SIZE(ok)];
}

/*
 * [LOCK] prefix, the opcode bytes, then a ModRM in form rm with reg field
 * reg (and register regn for RM_REG).
 */
static void modrm_insn(struct insn *in, bool lock, uint8_t prefix,
                       const uint8_t *op, unsigned int oplen,
                       unsigned int reg, unsigned int rm, unsigned int regn)
{
    memset(in, 0, sizeof(*in));
    if ( lock )
        put(in, 0xf0);
    if ( prefix )
        put(in, prefix);
    for ( unsigned int i = 0; i < oplen; i++ )
        put(in, op[i]);
    switch ( rm )
    {
    case RM_REG:
        put(in, 0xc0 | (reg << 3) | regn);
        break;
    case RM_DISP8:
        put(in, 0x43 | (reg << 3));
        put(in, (uint8_t)(rnd() % 128 - 64));
        break;
    case RM_SIB32:
        put(in, 0x84 | (reg << 3));
        put(in, 0x8b);                      /* rbx + rcx*4 */
        put32(in, rnd() % 256 - 128);
        break;
    default:
        put(in, 0x03 | (reg << 3));
        break;
    }
}

/* None, 16-bit, REX.W, REX.WR (r8-r15 in reg), REX.B, and a bare REX. */
static const uint8_t prefixes[] = { 0, 0x66, 0x48, 0x4c, 0x41, 0x40 };

/*
 * Compares op with reg field reg (any register for ~0u) in every r/m
 * form and prefix, LOCKed too where lock, followed by imm bytes of
 * immediate (4: 16 or 32 bits by operand size).  Returns how many.
 */
static unsigned int each_form(const uint8_t *op, unsigned int oplen,
                              unsigned int reg, unsigned int imm,
                              unsigned int undef, unsigned int prep,
                              bool lock, bool reg_ok)
{
    unsigned int n = 0;

    for ( unsigned int p = 0; p < ARRAY_SIZE(prefixes); p++ )
        for ( unsigned int rm = reg_ok ? RM_REG : RM_DISP8; rm < RM_FORMS;
              rm++ )
            for ( unsigned int l = 0; l <= (lock && rm != RM_REG); l++ )
            {
                struct insn in;
                unsigned int nimm = imm == 4 && prefixes[p] == 0x66 ? 2 : imm;

                modrm_insn(&in, l, prefixes[p], op, oplen,
                           reg == ~0u ? any_reg() : reg, rm, any_reg());
                for ( unsigned int i = 0; i < nimm; i++ )
                    put(&in, rnd());
                in.undef = undef;
                in.prep = prep;
                n++;
                if ( !compare(&in) )
                    return n;
            }
    return n;
}

static unsigned int total;

static void test_alu(void)
{
    CASE("native: ADD OR ADC SBB AND SUB XOR CMP, r/m and accumulator forms")
    {
        for ( unsigned int op = 0; op < 8; op++ )
        {
            for ( unsigned int f = 0; f < 4; f++ )
            {
                uint8_t o = op * 8 + f;

                total += each_form(&o, 1, ~0u, 0,
                                   op == 1 || op == 4 || op == 6 ? F_AF : 0,
                                   0, f < 2 && op != 7, true);
            }
            for ( unsigned int f = 4; f < 6; f++ )
                for ( unsigned int p = 0; p < 3; p++ )
                {
                    struct insn in = {};

                    if ( prefixes[p] )
                        put(&in, prefixes[p]);
                    put(&in, op * 8 + f);
                    put(&in, rnd());
                    if ( f == 5 )
                    {
                        put(&in, rnd());
                        if ( prefixes[p] != 0x66 )
                        {
                            put(&in, rnd());
                            put(&in, rnd());
                        }
                    }
                    in.undef = op == 1 || op == 4 || op == 6 ? F_AF : 0;
                    total++;
                    compare(&in);
                }
        }
    }

    CASE("native: group 1 (80, 81, 83) with immediates, LOCKed to memory")
    {
        static const uint8_t ops[] = { 0x80, 0x81, 0x83 };

        for ( unsigned int o = 0; o < 3; o++ )
            for ( unsigned int r = 0; r < 8; r++ )
                total += each_form(&ops[o], 1, r, ops[o] == 0x81 ? 4 : 1,
                                   r == 1 || r == 4 || r == 6 ? F_AF : 0, 0,
                                   r != 7, true);
    }

    CASE("native: TEST, NOT, NEG, INC, DEC")
    {
        static const uint8_t t[] = { 0x84, 0x85 }, g3[] = { 0xf6, 0xf7 },
            g4[] = { 0xfe, 0xff };

        for ( unsigned int p = 0; p < 3; p++ )
            for ( unsigned int op = 0xa8; op <= 0xa9; op++ )
            {
                struct insn in = { .undef = F_AF };
                unsigned int imm = op == 0xa8 ? 1 : prefixes[p] == 0x66 ? 2
                                                                        : 4;

                if ( prefixes[p] )
                    put(&in, prefixes[p]);
                put(&in, op);
                for ( unsigned int i = 0; i < imm; i++ )
                    put(&in, rnd());
                total++;
                compare(&in);
            }

        for ( unsigned int i = 0; i < 2; i++ )
        {
            total += each_form(&t[i], 1, ~0u, 0, F_AF, 0, false, true);
            total += each_form(&g3[i], 1, 0, i ? 4 : 1, F_AF, 0, false, true);
            total += each_form(&g3[i], 1, 2, 0, 0, 0, true, true);
            total += each_form(&g3[i], 1, 3, 0, 0, 0, true, true);
            total += each_form(&g4[i], 1, 0, 0, 0, 0, true, true);
            total += each_form(&g4[i], 1, 1, 0, 0, 0, true, true);
        }
    }

    CASE("native: shifts and rotates (ROL ROR SHL SHR SAR) by 1, imm8, CL")
    {
        static const uint8_t ops[] = { 0xd0, 0xd1, 0xc0, 0xc1, 0xd2, 0xd3 };
        static const unsigned int kinds[] = { 0, 1, 4, 5, 7 };

        for ( unsigned int o = 0; o < ARRAY_SIZE(ops); o++ )
            for ( unsigned int k = 0; k < ARRAY_SIZE(kinds); k++ )
            {
                /*
                 * AF is undefined after any shift, OF after any count but
                 * 1, and CF for counts past a byte or word operand.
                 */
                unsigned int undef = F_AF | (ops[o] >= 0xd0 && ops[o] <= 0xd1
                                             ? 0 : F_OF | F_CF);

                total += each_form(&ops[o], 1, kinds[k],
                                   ops[o] == 0xc0 || ops[o] == 0xc1, undef,
                                   0, false, true);
            }
    }
}

static void test_mov(void)
{
    CASE("native: MOV, XCHG, LEA, MOVSXD, MOVZX, MOVSX, CBW, CWD")
    {
        static const uint8_t ops[] = { 0x88, 0x89, 0x8a, 0x8b, 0x86, 0x87,
                                       0x63 };
        static const uint8_t ext[][2] = { { 0x0f, 0xb6 }, { 0x0f, 0xb7 },
                                          { 0x0f, 0xbe }, { 0x0f, 0xbf } };
        static const uint8_t c6 = 0xc6, c7 = 0xc7, lea = 0x8d;

        for ( unsigned int o = 0; o < ARRAY_SIZE(ops); o++ )
            total += each_form(&ops[o], 1, ~0u, 0, 0, 0, o == 4 || o == 5,
                               true);
        for ( unsigned int o = 0; o < ARRAY_SIZE(ext); o++ )
            total += each_form(ext[o], 2, ~0u, 0, 0, 0, false, true);
        total += each_form(&c6, 1, 0, 1, 0, 0, false, true);
        total += each_form(&c7, 1, 0, 4, 0, 0, false, true);
        total += each_form(&lea, 1, ~0u, 0, 0, 0, false, false);
        for ( unsigned int p = 0; p < ARRAY_SIZE(prefixes); p++ )
            for ( unsigned int op = 0x90; op <= 0xbf; op++ )
            {
                struct insn in = {};
                unsigned int imm = op < 0xb0 ? 0 : op < 0xb8 ? 1
                                   : prefixes[p] == 0x66 ? 2
                                   : prefixes[p] & 8 ? 8 : 4;

                unsigned int r = (op & 7) | (prefixes[p] == 0x41 ? 8 : 0);
                bool rex = (prefixes[p] & 0xf0) == 0x40;

                /*
                 * Not far calls, flags or moffs, not rsp (spl with REX;
                 * without, 0xb4 is ah).
                 */
                if ( (op >= 0x9a && op < 0xb0) ||
                     (r == 4 && (op != 0xb4 || rex)) )
                    continue;
                if ( prefixes[p] )
                    put(&in, prefixes[p]);
                put(&in, op);
                for ( unsigned int i = 0; i < imm; i++ )
                    put(&in, rnd());
                total++;
                compare(&in);
            }
    }

    CASE("native: LEA RIP-relative and MOV to and from an absolute moffs")
    {
        for ( unsigned int op = 0xa0; op <= 0xa3; op++ )
        {
            struct insn in = {};
            uint64_t at = (uint64_t)buf + 1000 + rnd() % 1000;

            put(&in, 0x48);
            put(&in, op);
            memcpy(&in.b[in.len], &at, 8);
            in.len += 8;
            total++;
            compare(&in);
        }
        for ( unsigned int r = 0; r < 8; r++ )
        {
            struct insn in = {};

            if ( r == 4 )
                continue;
            put(&in, 0x48);
            put(&in, 0x8d);
            put(&in, 0x05 | (r << 3));
            put32(&in, rnd());
            total++;
            compare(&in);
        }
    }

    CASE("native: CMOVcc and SETcc, all 16 conditions")
    {
        for ( unsigned int cc = 0; cc < 16; cc++ )
        {
            uint8_t cmov[] = { 0x0f, 0x40 + cc }, set[] = { 0x0f, 0x90 + cc };

            total += each_form(cmov, 2, ~0u, 0, 0, 0, false, true);
            total += each_form(set, 2, 0, 0, 0, 0, false, true);
        }
    }
}

static void test_atomics(void)
{
    CASE("native: BT BTS BTR BTC, register and immediate offsets, LOCK")
    {
        static const uint8_t ops[][2] = { { 0x0f, 0xa3 }, { 0x0f, 0xab },
                                          { 0x0f, 0xb3 }, { 0x0f, 0xbb } };
        static const uint8_t ba[] = { 0x0f, 0xba };
        unsigned int undef = F_OF | F_SF | F_AF | F_PF;

        for ( unsigned int o = 0; o < ARRAY_SIZE(ops); o++ )
            total += each_form(ops[o], 2, 1, 0, undef, 0, o > 0, true);
        for ( unsigned int r = 4; r < 8; r++ )
            total += each_form(ba, 2, r, 1, undef, 0, r > 4, true);
    }

    CASE("native: CMPXCHG, XADD, CMPXCHG8B, CMPXCHG16B, equal and not")
    {
        static const uint8_t ops[][2] = { { 0x0f, 0xb0 }, { 0x0f, 0xb1 },
                                          { 0x0f, 0xc0 }, { 0x0f, 0xc1 } };
        for ( unsigned int o = 0; o < ARRAY_SIZE(ops); o++ )
            total += each_form(ops[o], 2, 2, 0, 0, P_EQ_MEM, true, true);
        for ( unsigned int p = 0; p < 2; p++ )
            for ( unsigned int l = 0; l < 2; l++ )
            {
                struct insn in = {};

                if ( l )
                    put(&in, 0xf0);
                if ( p )
                    put(&in, 0x48);
                put(&in, 0x0f);
                put(&in, 0xc7);
                put(&in, 0x0b);                     /* /1 [rbx] */
                in.prep = P_EQ_MEM | P_ALIGN16;
                total++;
                compare(&in);
            }
    }
}

static void test_strings(void)
{
    CASE("native: MOVS STOS LODS CMPS SCAS, REP/REPE/REPNE, every size, DF")
    {
        static const uint8_t ops[] = { 0xa4, 0xa5, 0xa6, 0xa7, 0xaa, 0xab,
                                       0xac, 0xad, 0xae, 0xaf };
        static const uint8_t reps[] = { 0, 0xf3, 0xf2 };
        static const uint8_t sizes[] = { 0, 0x66, 0x48 };

        for ( unsigned int o = 0; o < ARRAY_SIZE(ops); o++ )
            for ( unsigned int r = 0; r < ARRAY_SIZE(reps); r++ )
                for ( unsigned int s = 0; s < ARRAY_SIZE(sizes); s++ )
                {
                    struct insn in = {};

                    if ( (ops[o] & 1) == 0 && s )
                        continue;
                    if ( reps[r] )
                        put(&in, reps[r]);
                    if ( sizes[s] )
                        put(&in, sizes[s]);
                    put(&in, ops[o]);
                    total++;
                    compare(&in);
                }
    }
}

/* ---- system instructions: the callbacks they make ---- */

static struct {
    unsigned int calls, reg, port, bytes;
    uint64_t val;
    bool writeback;
    int rc;                     /* what each callback returns */
    bool bitmap_ok;
} rec;

static int r_read_io(unsigned int port, unsigned int bytes, uint32_t *val,
                     struct x86_emulate_ctxt *ctxt)
{
    rec.calls++;
    rec.port = port;
    rec.bytes = bytes;
    *val = 0x89abcdef;
    return rec.rc;
}

static int r_write_io(unsigned int port, unsigned int bytes, uint32_t val,
                      struct x86_emulate_ctxt *ctxt)
{
    rec.calls++;
    rec.port = port;
    rec.bytes = bytes;
    rec.val = val;
    return rec.rc;
}

static int r_io_bitmap(unsigned int port, unsigned int bytes,
                       struct x86_emulate_ctxt *ctxt)
{
    return rec.bitmap_ok ? X86EMUL_OKAY : X86EMUL_UNHANDLEABLE;
}

static int r_read_reg(unsigned int reg, unsigned long *val,
                      struct x86_emulate_ctxt *ctxt)
{
    rec.calls++;
    rec.reg = reg;
    *val = 0x1000 + reg;
    return rec.rc;
}

static int r_write_reg(unsigned int reg, unsigned long val,
                       struct x86_emulate_ctxt *ctxt)
{
    rec.calls++;
    rec.reg = reg;
    rec.val = val;
    return rec.rc;
}

static int r_read_msr(uint32_t msr, uint64_t *val,
                      struct x86_emulate_ctxt *ctxt)
{
    rec.calls++;
    rec.reg = msr;
    *val = 0x1122334455667788ULL ^ msr;
    return rec.rc;
}

static int r_write_64(uint32_t reg, uint64_t val,
                      struct x86_emulate_ctxt *ctxt)
{
    rec.calls++;
    rec.reg = reg;
    rec.val = val;
    return rec.rc;
}

static int r_cpuid(uint32_t leaf, uint32_t sub, uint32_t res[4],
                   struct x86_emulate_ctxt *ctxt)
{
    rec.calls++;
    rec.reg = leaf;
    rec.val = sub;
    res[0] = 1, res[1] = 2, res[2] = 3, res[3] = 4;
    return rec.rc;
}

static int r_cache_op(bool writeback, struct x86_emulate_ctxt *ctxt)
{
    rec.calls++;
    rec.writeback = writeback;
    return rec.rc;
}

static int r_segment_base(enum x86_segment seg, unsigned long *base,
                          struct x86_emulate_ctxt *ctxt)
{
    *base = seg == x86_seg_fs ? 0x100 : 0x200;
    return X86EMUL_OKAY;
}

static const struct x86_emulate_ops sys_ops = {
    .insn_fetch = h_fetch,
    .read = h_read,
    .write = h_write,
    .cmpxchg = h_cmpxchg,
    .io_bitmap = r_io_bitmap,
    .read_io = r_read_io,
    .write_io = r_write_io,
    .read_cr = r_read_reg,
    .write_cr = r_write_reg,
    .read_dr = r_read_reg,
    .write_dr = r_write_reg,
    .read_msr = r_read_msr,
    .write_msr = r_write_64,
    .write_xcr = r_write_64,
    .cpuid = r_cpuid,
    .read_segment_base = r_segment_base,
    .cache_op = r_cache_op,
};

static struct cpu_user_regs sregs;
static struct x86_emulate_ctxt sctxt;

/* Emulates the bytes at ring cpl (and io_cpl) against IOPL iopl. */
static int sys_at(const struct x86_emulate_ops *ops, const void *b,
                  unsigned int n, unsigned int cpl, unsigned int io_cpl,
                  unsigned int iopl)
{
    memset(&rec, 0, sizeof(rec));
    memcpy(code, b, n);
    memset(code + n, 0xcc, 16);
    sregs.rip = (unsigned long)code;
    sctxt = (struct x86_emulate_ctxt){
        .regs = &sregs, .mode = X86EMUL_MODE_64, .cpl = cpl,
        .io_cpl = io_cpl, .iopl = iopl,
    };
    return x86_emulate(&sctxt, ops);
}

#define SYS(cpl, ...) ({                                                    \
    static const uint8_t sb_[] = { __VA_ARGS__ };                           \
    int rc_ = sys_at(&sys_ops, sb_, sizeof(sb_), cpl, cpl, 0);              \
    if ( rc_ == X86EMUL_OKAY )                                              \
        CHECK_EQ(sctxt.insn_len, sizeof(sb_));                              \
    rc_;                                                                    \
})

static bool gp0(int rc)
{
    return rc == X86EMUL_EXCEPTION && sctxt.event.vector == 13 &&
           sctxt.event.error_code == 0;
}

static void test_system(void)
{
    CASE("system: MOV CR/DR read and write through the callbacks, REX.R")
    {
        sregs.rax = 0x5555;
        CHECK_EQ(SYS(0, 0x0f, 0x22, 0xd8), X86EMUL_OKAY);   /* mov cr3, rax */
        CHECK_EQ(rec.reg, 3);
        CHECK_EQ(rec.val, 0x5555);
        CHECK_EQ(SYS(0, 0x44, 0x0f, 0x20, 0xc1), X86EMUL_OKAY); /* cr8 */
        CHECK_EQ(rec.reg, 8);
        CHECK_EQ(sregs.rcx, 0x1008);
        CHECK_EQ(SYS(0, 0x0f, 0x21, 0xfa), X86EMUL_OKAY);   /* mov rdx, dr7 */
        CHECK_EQ(sregs.rdx, 0x1007);
        CHECK_EQ(SYS(0, 0x0f, 0x23, 0xc0), X86EMUL_OKAY);   /* mov dr0, rax */
        CHECK_EQ(rec.val, 0x5555);
        /* A refusal is the callback's to raise; nothing is written. */
        sregs.rcx = 7;
        rec.rc = 0;
        CHECK(gp0(SYS(3, 0x0f, 0x20, 0xc1)));
        CHECK_EQ(rec.calls, 0);
        CHECK_EQ(sregs.rcx, 7);
    }

    CASE("system: RDMSR, WRMSR, XSETBV, RDTSC, RDTSCP, CPUID")
    {
        sregs.rcx = 0xffffffffc0000080ULL;
        CHECK_EQ(SYS(0, 0x0f, 0x32), X86EMUL_OKAY);
        CHECK_EQ(rec.reg, 0xc0000080);
        CHECK_EQ(sregs.rax, 0x55667788 ^ 0xc0000080);
        CHECK_EQ(sregs.rdx, 0x11223344);
        sregs.rax = 0xffffffff00000001ULL;
        sregs.rdx = 0xffffffff00000002ULL;
        CHECK_EQ(SYS(0, 0x0f, 0x30), X86EMUL_OKAY);
        CHECK_EQ(rec.val, 0x200000001ULL);
        sregs.rcx = 0;
        CHECK_EQ(SYS(0, 0x0f, 0x01, 0xd1), X86EMUL_OKAY);
        CHECK_EQ(rec.val, 0x200000001ULL);
        CHECK(gp0(SYS(3, 0x0f, 0x01, 0xd1)));
        CHECK(gp0(SYS(3, 0x0f, 0x30)));
        CHECK(gp0(SYS(1, 0x0f, 0x32)));
        CHECK_EQ(SYS(0, 0x0f, 0x31), X86EMUL_OKAY);         /* rdtsc */
        CHECK_EQ(sregs.rax, 0x55667788 ^ 0x10);
        CHECK_EQ(SYS(0, 0x0f, 0x01, 0xf9), X86EMUL_OKAY);   /* rdtscp */
        CHECK_EQ(sregs.rcx, 0x55667788 ^ 0xc0000103);
        sregs.rax = 7;
        sregs.rcx = 1;
        CHECK_EQ(SYS(3, 0x0f, 0xa2), X86EMUL_OKAY);         /* cpuid */
        CHECK_EQ(rec.reg, 7);
        CHECK_EQ(rec.val, 1);
        CHECK_EQ(sregs.rbx, 2);
        CHECK_EQ(sregs.rdx, 4);
    }

    CASE("system: RDTSC outside ring 0 with CR4.TSD is #GP, else not")
    {
        static const uint8_t b[] = { 0x0f, 0x31 };
        struct x86_emulate_ops o = sys_ops;

        /* CR4 reads as 0x1004 here: TSD set. */
        CHECK(gp0(sys_at(&o, b, 2, 3, 3, 0)));
        CHECK_EQ(sys_at(&o, b, 2, 0, 0, 0), X86EMUL_OKAY);
        o.read_cr = NULL;
        CHECK_EQ(sys_at(&o, b, 2, 3, 3, 0), X86EMUL_OKAY);
    }

    CASE("system: HLT, INVD, WBINVD, CLTS, LMSW at ring 0 only")
    {
        CHECK_EQ(SYS(0, 0xf4), X86EMUL_OKAY);
        CHECK(sctxt.retire.hlt);
        CHECK(gp0(SYS(1, 0xf4)));
        CHECK_EQ(SYS(0, 0x0f, 0x08), X86EMUL_OKAY);
        CHECK(!rec.writeback);
        CHECK_EQ(SYS(0, 0x0f, 0x09), X86EMUL_OKAY);
        CHECK(rec.writeback);
        /* CLTS: CR0 (read as 0x1000) rewritten without TS. */
        CHECK_EQ(SYS(0, 0x0f, 0x06), X86EMUL_OKAY);
        CHECK_EQ(rec.calls, 2);
        CHECK_EQ(rec.val, 0x1000);
        /* LMSW sets the low four bits but cannot clear PE. */
        sregs.rax = 0xffff;
        CHECK_EQ(SYS(0, 0x0f, 0x01, 0xf0), X86EMUL_OKAY);  /* lmsw ax */
        CHECK_EQ(rec.val, 0x100f);
        CHECK(gp0(SYS(3, 0x0f, 0x06)));
        CHECK(gp0(SYS(3, 0x0f, 0x09)));
    }

    CASE("system: IN and OUT against the IOPL, then the bitmap")
    {
        static const uint8_t in_dx[] = { 0x66, 0xed }, out_imm[] = {
            0xe6, 0x80 };

        sregs.rdx = 0x1f0;
        sregs.rax = ~0ULL;
        CHECK_EQ(sys_at(&sys_ops, in_dx, 2, 0, 1, 1), X86EMUL_OKAY);
        CHECK_EQ(rec.port, 0x1f0);
        CHECK_EQ(rec.bytes, 2);
        CHECK_EQ(sregs.rax, 0xffffffffffffcdefULL);
        CHECK(gp0(sys_at(&sys_ops, in_dx, 2, 0, 1, 0)));
        CHECK_EQ(rec.calls, 0);
        rec.bitmap_ok = true;
        memset(&rec, 0, sizeof(rec));
        sregs.rax = 0x1234;
        CHECK(gp0(sys_at(&sys_ops, out_imm, 2, 3, 3, 2)));
        CHECK_EQ(sys_at(&sys_ops, out_imm, 2, 3, 3, 3), X86EMUL_OKAY);
        CHECK_EQ(rec.port, 0x80);
        CHECK_EQ(rec.val, 0x34);
    }

    CASE("system: CLI, STI and INT n are the caller's to apply")
    {
        static const uint8_t cli[] = { 0xfa }, sti[] = { 0xfb },
            intn[] = { 0xcd, 0x80 };

        CHECK_EQ(sys_at(&sys_ops, cli, 1, 0, 1, 1), X86EMUL_OKAY);
        CHECK(sctxt.retire.cli && !sctxt.retire.sti);
        CHECK(gp0(sys_at(&sys_ops, sti, 1, 0, 1, 0)));
        CHECK(!sctxt.retire.sti);
        CHECK_EQ(sys_at(&sys_ops, sti, 1, 3, 3, 3), X86EMUL_OKAY);
        CHECK(sctxt.retire.sti);
        CHECK_EQ(sys_at(&sys_ops, intn, 2, 3, 3, 0), X86EMUL_OKAY);
        CHECK(sctxt.retire.swint);
        CHECK_EQ(sctxt.swint_vector, 0x80);
        CHECK_EQ(sctxt.insn_len, 2);
    }

    CASE("system: without a callback the instruction is unhandleable")
    {
        static const uint8_t b[][3] = { { 0x0f, 0x32 }, { 0x0f, 0x20, 0xc0 },
                                        { 0xec }, { 0x0f, 0xa2 } };
        static const uint8_t len[] = { 2, 3, 1, 2 };

        for ( unsigned int i = 0; i < ARRAY_SIZE(b); i++ )
            CHECK_EQ(sys_at(&mem_ops, b[i], len[i], 0, 0, 0),
                     X86EMUL_UNHANDLEABLE);
    }
}

/* ---- decoding edges and faults ---- */

static int mem_at(const void *b, unsigned int n)
{
    return sys_at(&mem_ops, b, n, 0, 0, 0);
}

/* Another CPU changes the byte at addr before each of race_left stores. */
static unsigned int race_left;

static int h_cmpxchg_racy(unsigned long addr, void *old, const void *new,
                          unsigned int bytes, struct x86_emulate_ctxt *ctxt)
{
    if ( race_left )
    {
        race_left--;
        *(uint8_t *)addr ^= 0x10;
    }
    return h_cmpxchg(addr, old, new, bytes, ctxt);
}

static void test_faults(void)
{
    CASE("lock: a lost race reads again; 16 lost in a row, unhandleable")
    {
        static const uint8_t lock_or[] = { 0xf0, 0x09, 0x03 };
        struct x86_emulate_ops o = mem_ops;
        uint32_t *m = (uint32_t *)(buf + 128);

        o.cmpxchg = h_cmpxchg_racy;
        sregs.rbx = (unsigned long)m;
        sregs.rax = 1;
        sregs.rflags = 0x2;
        *m = 0;
        race_left = 1;
        CHECK_EQ(sys_at(&o, lock_or, 3, 0, 0, 0), X86EMUL_OKAY);
        CHECK_EQ(*m, 0x11);                 /* or-ed into what it found */
        CHECK_EQ(race_left, 0);
        race_left = 100;
        sregs.rflags = 0x2 | F_ZF;
        CHECK_EQ(sys_at(&o, lock_or, 3, 0, 0, 0), X86EMUL_UNHANDLEABLE);
        CHECK_EQ(race_left, 100 - 16);
        CHECK_EQ(sregs.rax, 1);
        CHECK_EQ(sregs.rflags, 0x2 | F_ZF);
    }

    CASE("faults: a callback's #PF comes back with its address, no effect")
    {
        /* mov [rbx], rax with rbx outside the buffer. */
        static const uint8_t st[] = { 0x48, 0x89, 0x03 };

        sregs.rbx = 0x1000;
        sregs.rax = 5;
        CHECK_EQ(mem_at(st, sizeof(st)), X86EMUL_EXCEPTION);
        CHECK_EQ(sctxt.event.vector, 14);
        CHECK_EQ(sctxt.event.error_code, 2);
        CHECK_EQ(sctxt.event.cr2, 0x1000);
        CHECK_EQ(sctxt.insn_len, 0);
    }

    CASE("faults: LOCK without a memory destination, or on MOV, is #UD")
    {
        static const uint8_t b[][4] = {
            { 0xf0, 0x01, 0xc0 },               /* lock add eax, eax */
            { 0xf0, 0x89, 0x03 },               /* lock mov [rbx], eax */
            { 0xf0, 0x39, 0x03 },               /* lock cmp */
            { 0xf0, 0x0f, 0xa3, 0x03 },         /* lock bt */
        };
        static const uint8_t len[] = { 3, 3, 3, 4 };

        sregs.rbx = (unsigned long)buf + 64;
        for ( unsigned int i = 0; i < ARRAY_SIZE(b); i++ )
        {
            CHECK_EQ(mem_at(b[i], len[i]), X86EMUL_EXCEPTION);
            CHECK_EQ(sctxt.event.vector, 6);
        }
    }

    CASE("faults: over 15 bytes is #GP; cut short or unknown, unhandleable")
    {
        static const uint8_t long_[] = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                         0x66, 0x66, 0x66, 0x48, 0x81, 0xc0,
                                         1, 2, 3, 4 };
        static const uint8_t unknown[][2] = { { 0x0f, 0x0b }, { 0xc3 },
                                              { 0xe8 }, { 0x0f, 0x05 } };

        memset(&rec, 0, sizeof(rec));
        memcpy(code, long_, 16);
        sregs.rip = (unsigned long)code;
        sctxt = (struct x86_emulate_ctxt){ .regs = &sregs,
                                           .mode = X86EMUL_MODE_64 };
        CHECK(gp0(x86_emulate(&sctxt, &mem_ops)));
        for ( unsigned int i = 0; i < ARRAY_SIZE(unknown); i++ )
            CHECK_EQ(mem_at(unknown[i], 2), X86EMUL_UNHANDLEABLE);
        /* Only prefixes before the end of the code page. */
        memset(code + 4096 - 3, 0x66, 3);
        sregs.rip = (unsigned long)code + 4096 - 3;
        CHECK_EQ(x86_emulate(&sctxt, &mem_ops), X86EMUL_UNHANDLEABLE);
    }

    CASE("decode: FS and GS overrides add their base; REX before a prefix")
    {
        /* mov eax, fs:[rbx]; rbx is the buffer less FS's base. */
        static const uint8_t fs[] = { 0x64, 0x8b, 0x03 },
            gs[] = { 0x65, 0x8b, 0x03 }, ds[] = { 0x3e, 0x8b, 0x03 },
            rex_lost[] = { 0x48, 0x66, 0x8b, 0x03 };

        memcpy(buf + 64, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
        sregs.rbx = (unsigned long)buf + 64 - 0x100;
        CHECK_EQ(sys_at(&sys_ops, fs, 3, 0, 0, 0), X86EMUL_OKAY);
        CHECK_EQ(sregs.rax, 0x44332211);
        sregs.rbx = (unsigned long)buf + 64 - 0x200;
        CHECK_EQ(sys_at(&sys_ops, gs, 3, 0, 0, 0), X86EMUL_OKAY);
        CHECK_EQ(sregs.rax, 0x44332211);
        /* DS in 64-bit mode has no base (the UP Linux lock patching). */
        sregs.rbx = (unsigned long)buf + 64;
        CHECK_EQ(sys_at(&sys_ops, ds, 3, 0, 0, 0), X86EMUL_OKAY);
        /* A REX followed by a legacy prefix counts for nothing. */
        sregs.rax = ~0ULL;
        CHECK_EQ(mem_at(rex_lost, 4), X86EMUL_OKAY);
        CHECK_EQ(sregs.rax, 0xffffffffffff2211ULL);
        /* Without a segment callback, FS is not emulated. */
        CHECK_EQ(mem_at(fs, 3), X86EMUL_UNHANDLEABLE);
    }

    CASE("decode: 32-bit mode: no REX, 0x40 is not a prefix, ARPL unknown")
    {
        static const uint8_t mov[] = { 0x8b, 0x03 }, inc[] = { 0x40 },
            arpl[] = { 0x63, 0xc0 };

        memcpy(code, mov, 2);
        sregs.rip = (unsigned long)code;
        sregs.rbx = (unsigned long)buf + 64;
        sctxt = (struct x86_emulate_ctxt){ .regs = &sregs,
                                           .mode = X86EMUL_MODE_32 };
        /* The buffer is above 4 GiB here: truncated, it is out of reach. */
        CHECK_EQ(x86_emulate(&sctxt, &mem_ops),
                 (unsigned long)buf >> 32 ? X86EMUL_EXCEPTION : X86EMUL_OKAY);
        memcpy(code, inc, 1);
        CHECK_EQ(x86_emulate(&sctxt, &mem_ops), X86EMUL_UNHANDLEABLE);
        memcpy(code, arpl, 2);
        CHECK_EQ(x86_emulate(&sctxt, &mem_ops), X86EMUL_UNHANDLEABLE);
    }
}

int main(void)
{
    code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    buf = aligned_alloc(4096, BUF_SIZE);
    if ( code == MAP_FAILED || !buf )
    {
        printf("FAIL: x86_emulator: no executable page for the reference\n");
        return 1;
    }
    test_alu();
    test_mov();
    test_atomics();
    test_strings();
    test_system();
    test_faults();
    printf("x86_emulator: %u instructions compared with the CPU, "
           "%u runs in all\n", total, compared);
    return check_failures ? 1 : 0;
}
