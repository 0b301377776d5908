/* SPDX-License-Identifier: GPL-2.0-only */
/* The x86 instruction emulator: its context, callbacks and results. */
#ifndef ASM_X86_X86_EMULATE_H
#define ASM_X86_X86_EMULATE_H

#include <xen/types.h>
#include <public/xen.h>

/*
 * What the emulator and each callback return.  EXCEPTION: ctxt->event
 * holds the fault to raise in the guest (x86_emul_raise()); UNHANDLEABLE:
 * an instruction or access the emulator or its caller does not do; the
 * caller decides what the guest sees (PV: its original fault); RETRY: a
 * callback's work stopped partway to let others run, nothing retired, and
 * the guest's re-execution of the instruction carries the work on.
 */
#define X86EMUL_OKAY         0
#define X86EMUL_UNHANDLEABLE 1
#define X86EMUL_EXCEPTION    2
#define X86EMUL_RETRY        3

/* Segment registers, in their ModRM/override encoding order. */
enum x86_segment {
    x86_seg_es,
    x86_seg_cs,
    x86_seg_ss,
    x86_seg_ds,
    x86_seg_fs,
    x86_seg_gs,
};

#define X86EMUL_NO_ERROR_CODE (~0u)

struct x86_emulate_ctxt;

/*
 * Everything the emulator reaches outside the register frame goes through
 * these.  Addresses are linear (segment bases applied).  A NULL callback
 * makes the instructions needing it UNHANDLEABLE, so each user fills only
 * what it allows: PV privileged ops the I/O, CR and MSR ones; page-table
 * writes only read, write and cmpxchg.
 */
struct x86_emulate_ops {
    /* The instruction bytes; fewer than asked is a failure. */
    int (*insn_fetch)(unsigned long addr, void *buf, unsigned int bytes,
                      struct x86_emulate_ctxt *ctxt);
    int (*read)(unsigned long addr, void *buf, unsigned int bytes,
                struct x86_emulate_ctxt *ctxt);
    int (*write)(unsigned long addr, const void *buf, unsigned int bytes,
                 struct x86_emulate_ctxt *ctxt);
    /*
     * Atomic compare-exchange (LOCKed and implicitly locked read-modify-
     * writes): on OKAY, *old holds what memory held, and the store
     * happened if and only if that equals the old value passed in.
     */
    int (*cmpxchg)(unsigned long addr, void *old, const void *new,
                   unsigned int bytes, struct x86_emulate_ctxt *ctxt);
    /*
     * The I/O bitmap, asked when io_cpl > iopl: OKAY if every port of
     * port..port+bytes-1 is allowed.
     */
    int (*io_bitmap)(unsigned int port, unsigned int bytes,
                     struct x86_emulate_ctxt *ctxt);
    int (*read_io)(unsigned int port, unsigned int bytes, uint32_t *val,
                   struct x86_emulate_ctxt *ctxt);
    int (*write_io)(unsigned int port, unsigned int bytes, uint32_t val,
                    struct x86_emulate_ctxt *ctxt);
    int (*read_cr)(unsigned int reg, unsigned long *val,
                   struct x86_emulate_ctxt *ctxt);
    int (*write_cr)(unsigned int reg, unsigned long val,
                    struct x86_emulate_ctxt *ctxt);
    int (*read_dr)(unsigned int reg, unsigned long *val,
                   struct x86_emulate_ctxt *ctxt);
    int (*write_dr)(unsigned int reg, unsigned long val,
                    struct x86_emulate_ctxt *ctxt);
    int (*read_msr)(uint32_t msr, uint64_t *val,
                    struct x86_emulate_ctxt *ctxt);
    int (*write_msr)(uint32_t msr, uint64_t val,
                     struct x86_emulate_ctxt *ctxt);
    int (*write_xcr)(uint32_t reg, uint64_t val,
                     struct x86_emulate_ctxt *ctxt);
    /* res[] is eax, ebx, ecx, edx. */
    int (*cpuid)(uint32_t leaf, uint32_t subleaf, uint32_t res[4],
                 struct x86_emulate_ctxt *ctxt);
    /* The base of FS or GS (the others are 0 in 64-bit mode). */
    int (*read_segment_base)(enum x86_segment seg, unsigned long *base,
                             struct x86_emulate_ctxt *ctxt);
    /* INVD (writeback false) or WBINVD. */
    int (*cache_op)(bool writeback, struct x86_emulate_ctxt *ctxt);
    /*
     * Called once the instruction is decoded (ctxt->opcode, ctxt->modrm
     * set), before it runs: OKAY lets it run.  A caller that emulates
     * only some instructions (PV's #GP path) says which here.
     */
    int (*validate)(struct x86_emulate_ctxt *ctxt);
};

/* The address and operand size the code runs with. */
enum x86_emul_mode {
    X86EMUL_MODE_64, /* long mode, 64-bit code */
    X86EMUL_MODE_32, /* 32-bit code, flat segments */
};

/* A decoded instruction (the emulator's own; here for the cache below). */
struct x86emul_insn {
    uint8_t n;        /* how many bytes were fetched */
    uint8_t len;      /* consumed so far */
    uint8_t op_bytes; /* operand size: 1, 2, 4 or 8 */
    uint8_t ad_bytes; /* address size: 4 or 8 */
    uint16_t opcode;  /* as ctxt->opcode */
    uint16_t attr;    /* OP_* */
    uint8_t rex;
    bool lock, rep, repne, opsize;
    enum x86_segment seg;        /* of the memory operand */
    uint8_t modrm, mod, reg, rm; /* reg and rm with REX applied */
    bool mem;                    /* rm names memory, at ea */
    /* Its parts: base and index registers (or none), scale, displacement. */
    uint8_t base, index, scale;
    uint64_t disp;
    unsigned long ea; /* its offset (no segment base) */
    uint64_t imm;     /* sign-extended immediate or moffs */
    /* Last: decode sets what comes before, the fetch fills these. */
    uint8_t b[16]; /* the bytes fetched */
};

/*
 * The last instruction decoded at rip, kept by a caller that emulates the
 * same few instructions again and again (PV: one per vCPU).  It is used
 * only when the bytes now at rip are the same, so changed code is decoded
 * afresh; what depends on the registers (the address) always is.  Zeroed:
 * empty.
 */
struct x86_emulate_cache {
    unsigned long rip;
    enum x86_emul_mode mode;
    struct x86emul_insn insn; /* insn.len 0: empty */
};

struct x86_emulate_ctxt {
    /* In: the registers (updated in place, except rip) and the mode. */
    struct cpu_user_regs *regs;
    enum x86_emul_mode mode;
    /* In: the decode cache, or NULL. */
    struct x86_emulate_cache *cache;
    /*
     * In: the ring for privileged instructions (CPL 0 only), the ring
     * checked against the IOPL for I/O, CLI and STI (a PV kernel is ring
     * 1 there, ring 0 for the rest), and the IOPL (PV: the virtual one).
     */
    unsigned int cpl, io_cpl, iopl;
    /* In: the caller's own. */
    void *data;

    /*
     * Out: the instruction's length, by which the caller advances rip
     * on OKAY; 0 when a REP string instruction stopped part-way (its
     * registers say how far) and is to be run again.
     */
    unsigned int insn_len;
    /* Out, set by decode: 0x00-0xff, 0x1xx for 0f xx; the ModRM byte. */
    unsigned int opcode;
    uint8_t modrm;
    /* Out: effects the caller applies (they are not the frame's to hold). */
    struct {
        bool hlt;      /* HLT: block until an event */
        bool cli, sti; /* clear or set the interrupt flag */
        bool swint;    /* INT n: vector in swint_vector */
    } retire;
    uint8_t swint_vector;
    /*
     * Out, on EXCEPTION: the vector and error code (or NO_ERROR_CODE);
     * for #PF the address, which the callback raising it sets.
     */
    struct {
        uint8_t vector;
        uint32_t error_code;
        unsigned long cr2;
    } event;
};

/*
 * Decodes and executes the instruction at ctxt->regs->rip.  Does not move
 * rip: on OKAY the caller adds ctxt->insn_len.
 */
int x86_emulate(struct x86_emulate_ctxt *ctxt,
                const struct x86_emulate_ops *ops);

/* For callbacks: raise vector (with error code ec) and return EXCEPTION. */
int x86_emul_raise(struct x86_emulate_ctxt *ctxt, uint8_t vector, uint32_t ec);

#endif /* ASM_X86_X86_EMULATE_H */
