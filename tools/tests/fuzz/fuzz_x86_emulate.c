/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: the x86 emulator on random instructions and states. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <asm/x86_emulate.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input: the registers, rflags, a control byte (bit 0: 32-bit mode;
 * bits 1-2 CPL, 3-4 the I/O ring, 5-6 IOPL; bit 7: the system callbacks
 * refuse with #GP), a mask of registers made to point into the memory
 * window, the instruction bytes, then the window's contents.
 */
struct input {
    uint64_t gpr[16];
    uint64_t rflags;
    uint8_t ctl;
    uint16_t ptr_mask;
    uint8_t insn[16];
} __attribute__((packed));

#define CODE_BASE   0x400000UL
#define MEM_BASE    0x7f0000UL
#define MEM_MAX     4096

static struct input in;
static uint8_t *mem;                    /* exactly sized: ASan sees overruns */
static size_t mem_size;

static int fetch(unsigned long addr, void *p, unsigned int bytes,
                 struct x86_emulate_ctxt *ctxt)
{
    if ( addr < CODE_BASE || addr - CODE_BASE + bytes > sizeof(in.insn) )
        return X86EMUL_UNHANDLEABLE;
    memcpy(p, &in.insn[addr - CODE_BASE], bytes);
    return X86EMUL_OKAY;
}

/* The window, or a #PF at the address. */
static uint8_t *at(unsigned long addr, unsigned int bytes, bool write,
                   struct x86_emulate_ctxt *ctxt)
{
    if ( addr < MEM_BASE || addr - MEM_BASE > mem_size ||
         addr - MEM_BASE + bytes > mem_size )
    {
        ctxt->event.cr2 = addr;
        x86_emul_raise(ctxt, 14, write ? 2 : 0);
        return NULL;
    }
    return mem + (addr - MEM_BASE);
}

static int read(unsigned long addr, void *p, unsigned int bytes,
                struct x86_emulate_ctxt *ctxt)
{
    uint8_t *m = at(addr, bytes, false, ctxt);

    if ( !m )
        return X86EMUL_EXCEPTION;
    memcpy(p, m, bytes);
    return X86EMUL_OKAY;
}

static int write(unsigned long addr, const void *p, unsigned int bytes,
                 struct x86_emulate_ctxt *ctxt)
{
    uint8_t *m = at(addr, bytes, true, ctxt);

    if ( !m )
        return X86EMUL_EXCEPTION;
    memcpy(m, p, bytes);
    return X86EMUL_OKAY;
}

static int cmpxchg(unsigned long addr, void *old, const void *new,
                   unsigned int bytes, struct x86_emulate_ctxt *ctxt)
{
    uint8_t *m = at(addr, bytes, true, ctxt);

    if ( !m )
        return X86EMUL_EXCEPTION;
    if ( memcmp(m, old, bytes) )
        memcpy(old, m, bytes);
    else
        memcpy(m, new, bytes);
    return X86EMUL_OKAY;
}

/* Every system callback: a value from the input, or #GP when told. */
static int refuse(struct x86_emulate_ctxt *ctxt)
{
    return in.ctl & 0x80 ? x86_emul_raise(ctxt, 13, 0) : X86EMUL_OKAY;
}

static int io_bitmap(unsigned int port, unsigned int bytes,
                     struct x86_emulate_ctxt *ctxt)
{
    return (in.rflags >> (port & 63)) & 1 ? X86EMUL_OKAY
                                          : X86EMUL_UNHANDLEABLE;
}

static int read_io(unsigned int port, unsigned int bytes, uint32_t *val,
                   struct x86_emulate_ctxt *ctxt)
{
    *val = in.gpr[port & 15];
    return refuse(ctxt);
}

static int write_io(unsigned int port, unsigned int bytes, uint32_t val,
                    struct x86_emulate_ctxt *ctxt)
{
    return refuse(ctxt);
}

static int read_reg(unsigned int reg, unsigned long *val,
                    struct x86_emulate_ctxt *ctxt)
{
    *val = in.gpr[reg & 15];
    return refuse(ctxt);
}

static int write_reg(unsigned int reg, unsigned long val,
                     struct x86_emulate_ctxt *ctxt)
{
    return refuse(ctxt);
}

static int read_msr(uint32_t msr, uint64_t *val,
                    struct x86_emulate_ctxt *ctxt)
{
    *val = in.gpr[msr & 15];
    return refuse(ctxt);
}

static int write_64(uint32_t reg, uint64_t val,
                    struct x86_emulate_ctxt *ctxt)
{
    return refuse(ctxt);
}

static int cpuid(uint32_t leaf, uint32_t sub, uint32_t res[4],
                 struct x86_emulate_ctxt *ctxt)
{
    memcpy(res, &in.gpr[leaf & 7], 16);
    return refuse(ctxt);
}

static int segment_base(enum x86_segment seg, unsigned long *base,
                        struct x86_emulate_ctxt *ctxt)
{
    *base = seg == x86_seg_fs ? 0 : in.gpr[15] & 0xfff;
    return X86EMUL_OKAY;
}

static int cache_op(bool writeback, struct x86_emulate_ctxt *ctxt)
{
    return refuse(ctxt);
}

static const struct x86_emulate_ops ops = {
    .insn_fetch = fetch,
    .read = read,
    .write = write,
    .cmpxchg = cmpxchg,
    .io_bitmap = io_bitmap,
    .read_io = read_io,
    .write_io = write_io,
    .read_cr = read_reg,
    .write_cr = write_reg,
    .read_dr = read_reg,
    .write_dr = write_reg,
    .read_msr = read_msr,
    .write_msr = write_64,
    .write_xcr = write_64,
    .cpuid = cpuid,
    .read_segment_base = segment_base,
    .cache_op = cache_op,
};

static uint64_t *reg(struct cpu_user_regs *r, unsigned int n)
{
    uint64_t *const map[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi,
        &r->rdi, &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13,
        &r->r14, &r->r15,
    };

    return map[n];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cpu_user_regs regs = {};
    /* A REP run again decodes through the cache, with its registers moved. */
    struct x86_emulate_cache cache = {};
    struct x86_emulate_ctxt ctxt = { .regs = &regs, .cache = &cache };
    unsigned int calls = 0;
    int rc;

    memset(&in, 0, sizeof(in));
    memcpy(&in, data, size < sizeof(in) ? size : sizeof(in));
    mem_size = size > sizeof(in) ? size - sizeof(in) : 0;
    if ( mem_size > MEM_MAX )
        mem_size = MEM_MAX;
    mem = malloc(mem_size ? mem_size : 1);
    if ( mem_size )
        memcpy(mem, data + sizeof(in), mem_size);

    for ( unsigned int i = 0; i < 16; i++ )
        *reg(&regs, i) = (in.ptr_mask >> i) & 1 && mem_size
                         ? MEM_BASE + in.gpr[i] % mem_size : in.gpr[i];
    regs.rflags = in.rflags;
    regs.rip = CODE_BASE;
    ctxt.mode = in.ctl & 1 ? X86EMUL_MODE_32 : X86EMUL_MODE_64;
    ctxt.cpl = (in.ctl >> 1) & 3;
    ctxt.io_cpl = (in.ctl >> 3) & 3;
    ctxt.iopl = (in.ctl >> 5) & 3;

    /* A REP that stops part-way runs again, as a guest would, a while. */
    do
    {
        rc = x86_emulate(&ctxt, &ops);
        if ( rc == X86EMUL_OKAY && ctxt.insn_len > 15 )
            __builtin_trap();
        if ( rc == X86EMUL_EXCEPTION && ctxt.event.vector >= 32 )
            __builtin_trap();
        if ( rc != X86EMUL_OKAY && rc != X86EMUL_EXCEPTION &&
             rc != X86EMUL_UNHANDLEABLE )
            __builtin_trap();
    } while ( rc == X86EMUL_OKAY && !ctxt.insn_len && ++calls < 64 );
    free(mem);
    return 0;
}
