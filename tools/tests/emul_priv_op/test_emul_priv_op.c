/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for PV privileged-op emulation: I/O, MSRs, CRs, CPUID. */
#include <stdlib.h>
#include <sys/mman.h>
#include <asm/config.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/sched.h>
#include <asm/cpufeature.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <xen/pci.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/pv/compat.h>
#include <asm/pv/compat_mm.h>
#include <asm/pv/descriptor-tables.h>
#include <asm/pv/emulate.h>
#include <asm/pv/mm.h>
#include <asm/pv/traps.h>
#include <public/sched.h>
#include "check.h"

/* Guest memory window where copies fail (include/asm/uaccess.h). */
extern uintptr_t harness_fault_lo, harness_fault_hi;

/* ---- recorders for what the emulation asks of the CPU and the rest ---- */

struct cpuinfo_x86 boot_cpu_data;

static unsigned int io_calls, io_port, io_size;
static uint32_t io_val;
static bool io_out;

uint32_t port_in(uint16_t port, unsigned int size)
{
    io_calls++;
    io_port = port;
    io_size = size;
    io_out = false;
    return 0x12345678;
}

void port_out(uint32_t v, uint16_t port, unsigned int size)
{
    io_calls++;
    io_port = port;
    io_size = size;
    io_val = v;
    io_out = true;
}


/* pci.c's, which claims the configuration ports 0xCF8-0xCFF here. */
static unsigned int pci_calls, pci_port, pci_size;
static uint32_t pci_val;

bool pci_guest_port_read(struct domain *d, unsigned int port,
                         unsigned int size, uint32_t *val)
{
    if ( port < 0xcf8 || port > 0xcff )
        return false;
    pci_calls++;
    pci_port = port;
    pci_size = size;
    *val = 0xcafe0000 | port;
    return true;
}

bool pci_guest_port_write(struct domain *d, unsigned int port,
                          unsigned int size, uint32_t val)
{
    if ( port < 0xcf8 || port > 0xcff )
        return false;
    pci_calls++;
    pci_port = port;
    pci_size = size;
    pci_val = val;
    return true;
}

static unsigned int xsetbv_calls;
static uint64_t xsetbv_val;

unsigned long read_cr4(void)
{
    /* PAE and OSFXSR are the guest's to see; PGE and SMEP are not. */
    return X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_PGE | X86_CR4_SMEP;
}

uint64_t rdmsr(uint32_t msr)
{
    return 0xabcd000000000000ULL | msr;
}

uint64_t rdtsc(void)
{
    return 0x1122334455667788ULL;
}

void xsetbv(uint32_t index, uint64_t value)
{
    xsetbv_calls++;
    xsetbv_val = value;
}

/* The "host" CPU has every feature bit set. */
void cpuid_count(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    r->eax = r->ebx = r->ecx = r->edx = ~0u;
}

/* pv/compat_traps.c's CR2 at either width: these guests are 64-bit. */
unsigned long pv_get_cr2(const struct vcpu *v)
{
    return v->vcpu_info->arch.cr2;
}

void pv_set_cr2(struct vcpu *v, unsigned long cr2)
{
    v->vcpu_info->arch.cr2 = cr2;
}

static unsigned int fpu_calls, block_calls, bounce_calls, segbase_calls;
static int fpu_set;
static unsigned long new_table_mfn = ~0UL;
static int new_table_rc;
static unsigned long bounce_to;
static unsigned int segbase_which;
static unsigned long segbase_val;

long do_fpu_taskswitch(int set)
{
    fpu_calls++;
    fpu_set = set;
    current->arch.pv.fpu_ts = set;
    return 0;
}

long do_sched_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    if ( cmd == SCHEDOP_block )
        block_calls++;
    return 0;
}

/* pv/traps.c's; its refusal of a non-canonical rip is pv_entry's to test. */
bool pv_advance_rip(struct cpu_user_regs *regs, unsigned int len)
{
    regs->rip += len;
    return true;
}

int pv_new_guest_table(struct vcpu *v, unsigned long mfn, bool user,
                       bool preemptible)
{
    new_table_mfn = mfn;
    return new_table_rc;
}

bool pv_create_bounce_frame(struct vcpu *v, unsigned long handler,
                            const uint64_t *extra, unsigned int nr_extra,
                            bool mask_events)
{
    bounce_calls++;
    bounce_to = handler;
    return true;
}

long do_set_segment_base(unsigned int which, unsigned long base)
{
    segbase_calls++;
    segbase_which = which;
    segbase_val = base;
    /* Only canonical addresses, as on the real thing. */
    return (long)(base << 16) >> 16 == (long)base ? 0 : -EINVAL;
}

/* pv/debugreg.c's: DR0-3, DR6, DR7 (4 and 5 alias 6 and 7), else -ENODEV. */
static unsigned long drs[8];

long do_get_debugreg(int reg)
{
    return reg < 0 || reg > 7 ? -ENODEV : (long)drs[reg | (reg & 4 ? 2 : 0)];
}

long do_set_debugreg(int reg, unsigned long value)
{
    if ( reg < 0 || reg > 7 )
        return -ENODEV;
    if ( reg >= 4 && value != (uint32_t)value )
        return -EINVAL;
    drs[reg | (reg & 4 ? 2 : 0)] = value;
    return 0;
}

/* pv/traps.c's: what a string I/O access that faults injects. */
static unsigned int inject_calls, inject_vec;
static uint32_t inject_ec;

void pv_inject_exception(unsigned int vec, uint32_t ec)
{
    inject_calls++;
    inject_vec = vec;
    inject_ec = ec;
}

/* pv/traps.c's: here it only flips the mode, and counts. */
static unsigned int toggle_calls;

void pv_toggle_guest_mode(struct vcpu *tv)
{
    toggle_calls++;
    tv->arch.flags ^= VGCF_in_kernel;
}

/* pv/compat_traps.c's: a 32-bit guest's kernel is ring 1 of its CS. */
bool pv_guest_kernel_mode(const struct vcpu *tv,
                          const struct cpu_user_regs *r)
{
    return tv->domain->arch.pv.is_32bit ? (r->cs & 3) != 3
                                        : tv->arch.flags & VGCF_in_kernel;
}

/*
 * pv/descriptor-tables.c's, which reads the guest's tables: here the
 * reserved ring-1 and ring-3 flat code segments, and one guest GDT entry
 * (0x61, Linux's kernel CS) the case says is flat or not.
 */
static bool gdt_0x60_flat;

bool pv_flat_code32(const struct vcpu *tv, unsigned int sel)
{
    (void)tv;
    return (sel & ~3u) == 0xe018 || (sel & ~3u) == 0xe028 ||
           ((sel & ~3u) == 0x60 && gdt_0x60_flat);
}

/* ---- helpers ---- */

static struct domain *dom0, *domU;
static struct vcpu *v;
static uint8_t *code;                   /* two pages: guest text */
static struct cpu_user_regs regs;

static struct domain *make_domain(domid_t id, bool priv)
{
    struct domain *d = calloc(1, sizeof(*d));
    struct vcpu *nv = calloc(1, sizeof(*nv));

    d->domain_id = id;
    d->is_privileged = priv;
    d->max_vcpus = 1;
    d->vcpu = calloc(1, sizeof(*d->vcpu));
    d->vcpu[0] = nv;
    nv->domain = d;
    memset(&nv->arch, 0, sizeof(nv->arch));
    nv->vcpu_info = calloc(1, sizeof(*nv->vcpu_info));
    memset(&d->arch, 0, sizeof(d->arch));
    return d;
}

/* Runs as d's vCPU, in its kernel (ring 1) or user mode, with iopl. */
static void run_as(struct domain *d, bool kernel, unsigned int iopl)
{
    v = d->vcpu[0];
    get_cpu_info()->current_vcpu = v;
    v->arch.flags = kernel ? VGCF_in_kernel : 0;
    v->arch.pv.iopl = iopl;
    v->arch.pv.iobmp = 0;
    v->arch.pv.iobmp_limit = 0;
    d->arch.pv.vm_assist = 0;
    toggle_calls = 0;
    io_calls = fpu_calls = block_calls = bounce_calls = segbase_calls = 0;
    xsetbv_calls = inject_calls = 0;
}

/*
 * Emulates the n bytes of insn placed at offset at in the text; on
 * success rip must have moved past exactly the instruction's length
 * (adv), on failure not at all.
 */
static bool emul_at(unsigned int at, const void *insn, unsigned int n,
                    unsigned int adv)
{
    bool ok;

    memcpy(code + at, insn, n);
    regs.rip = (unsigned long)code + at;
    ok = pv_emulate_privileged_op(&regs);
    CHECK_EQ(regs.rip, (unsigned long)code + at + (ok ? adv : 0));
    return ok;
}

#define EMUL(...) ({                                                        \
    static const uint8_t i_[] = { __VA_ARGS__ };                            \
    emul_at(0, i_, sizeof(i_), sizeof(i_));                                 \
})

static bool rdmsr_of(uint64_t msr)
{
    regs.rcx = msr;
    regs.rax = regs.rdx = 0xdeadbeefdeadbeefULL;
    return EMUL(0x0f, 0x32);
}

static bool wrmsr_of(uint64_t msr, uint64_t val)
{
    regs.rcx = msr;
    regs.rax = (uint32_t)val | 0xffffffff00000000ULL;
    regs.rdx = (val >> 32) | 0xffffffff00000000ULL;
    return EMUL(0x0f, 0x30);
}

static uint64_t msr_result(void)
{
    return (regs.rdx << 32) | (uint32_t)regs.rax;
}

/* in al, dx (size 1), in ax, dx (2) or in eax, dx (4) at port. */
static bool in_dx(unsigned int port, unsigned int size)
{
    regs.rdx = port;
    regs.rax = 0x1111111111111111ULL;
    if ( size == 1 )
        return EMUL(0xec);
    if ( size == 2 )
        return EMUL(0x66, 0xed);
    return EMUL(0xed);
}

static bool out_dx(unsigned int port, unsigned int size)
{
    regs.rdx = port;
    regs.rax = 0xa1b2c3d4;
    if ( size == 1 )
        return EMUL(0xee);
    if ( size == 2 )
        return EMUL(0x66, 0xef);
    return EMUL(0xef);
}

static struct cpuid_regs forced_cpuid(uint32_t leaf, uint32_t sub)
{
    static const uint8_t sig[] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2 };
    struct cpuid_regs r;

    memcpy(code, sig, sizeof(sig));
    regs.rip = (unsigned long)code;
    regs.rax = leaf;
    regs.rcx = sub;
    CHECK(pv_emulate_forced_cpuid(&regs));
    CHECK_EQ(regs.rip, (unsigned long)code + sizeof(sig));
    r.eax = regs.rax;
    r.ebx = regs.rbx;
    r.ecx = regs.rcx;
    r.edx = regs.rdx;
    return r;
}

static void test_ports(void)
{
    CASE("ports: dom0 with IOPL 1 reaches the hardware, sizes 1, 2, 4")
    {
        run_as(dom0, true, 1);
        CHECK(in_dx(0x60, 1));
        CHECK_EQ(io_calls, 1);
        CHECK_EQ(io_port, 0x60);
        CHECK_EQ(regs.rax, 0x1111111111111178ULL);
        CHECK(in_dx(0x1f0, 2));
        CHECK_EQ(io_size, 2);
        CHECK_EQ(regs.rax, 0x1111111111115678ULL);
        CHECK(in_dx(0x400, 4));
        CHECK_EQ(io_size, 4);
        CHECK_EQ(regs.rax, 0x12345678);
        CHECK(out_dx(0x80, 1));
        CHECK(io_out);
        CHECK_EQ(io_val, 0xd4);
        CHECK(out_dx(0x404, 4));
        CHECK_EQ(io_val, 0xa1b2c3d4);
        CHECK_EQ(io_calls, 5);
    }

    CASE("ports: dom0's PCI config ports are pci.c's, not the hardware's")
    {
        run_as(dom0, true, 1);
        pci_calls = 0;
        CHECK(out_dx(0xcf8, 4));
        CHECK_EQ(pci_port, 0xcf8);
        CHECK_EQ(pci_val, 0xa1b2c3d4);
        CHECK(in_dx(0xcfe, 2));
        CHECK_EQ(pci_size, 2);
        CHECK_EQ(regs.rax, 0x1111111111110cfeULL);
        CHECK_EQ(pci_calls, 2);
        CHECK_EQ(io_calls, 0);
        /* A domU's too (pci.c keeps its latch); IOPL 0 gets the #GP. */
        run_as(domU, true, 1);
        pci_calls = 0;
        CHECK(out_dx(0xcf8, 4));
        CHECK_EQ(pci_calls, 1);
        pci_calls = 0;
        run_as(dom0, true, 0);
        CHECK(!out_dx(0xcf8, 4));
        CHECK(!in_dx(0xcfc, 4));
        run_as(domU, true, 0);
        CHECK(!in_dx(0xcfc, 4));
        CHECK_EQ(pci_calls, 0);
    }

    CASE("ports: imm8 forms, and one cut off by an unmapped page")
    {
        static const uint8_t in_imm[] = { 0xe4, 0x71 }, out_imm[] = {
            0xe7, 0x70 };

        run_as(dom0, true, 1);
        regs.rax = 0;
        CHECK(emul_at(0, in_imm, 2, 2));
        CHECK_EQ(io_port, 0x71);
        CHECK_EQ(regs.rax, 0x78);
        CHECK(emul_at(0, out_imm, 2, 2));
        CHECK_EQ(io_port, 0x70);
        CHECK_EQ(io_size, 4);
        /* The port byte would be on the next page, which faults. */
        harness_fault_lo = (uintptr_t)code + PAGE_SIZE;
        harness_fault_hi = harness_fault_lo + PAGE_SIZE;
        io_calls = 0;
        CHECK(!emul_at(PAGE_SIZE - 1, in_imm, 1, 0));
        CHECK(!emul_at(PAGE_SIZE - 1, out_imm, 1, 0));
        CHECK(emul_at(PAGE_SIZE - 2, in_imm, 2, 2));
        harness_fault_lo = harness_fault_hi = 0;
        CHECK_EQ(io_calls, 1);
    }

    CASE("ports: a domU reads all-ones and writes nowhere")
    {
        run_as(domU, true, 3);
        CHECK(in_dx(0x60, 1));
        CHECK_EQ(regs.rax, 0x11111111111111ffULL);
        CHECK(in_dx(0x60, 4));
        CHECK_EQ(regs.rax, 0xffffffff);
        CHECK(out_dx(0x80, 1));
        CHECK_EQ(io_calls, 0);
    }

    CASE("ports: a kernel (ring 1) at IOPL 0 without a bitmap gets #GP")
    {
        run_as(dom0, true, 0);
        CHECK(!in_dx(0x60, 1));
        CHECK(!out_dx(0x80, 1));
        CHECK(!EMUL(0xe4, 0x60));
        CHECK_EQ(io_calls, 0);
    }

    CASE("ports: architectural_iopl makes the kernel ring 0, not user mode")
    {
        run_as(dom0, true, 0);
        dom0->arch.pv.vm_assist = 1UL << VMASST_TYPE_architectural_iopl;
        CHECK(in_dx(0x60, 1));
        CHECK(EMUL(0xe6, 0x80));
        CHECK_EQ(io_calls, 2);
        v->arch.flags = 0;
        v->arch.pv.iopl = 2;
        CHECK(!in_dx(0x60, 1));
        v->arch.pv.iopl = 3;
        CHECK(in_dx(0x60, 1));
        CHECK_EQ(io_calls, 3);
    }

    CASE("ports: below the IOPL the guest's bitmap decides, clear bit each")
    {
        static uint8_t bm[8192];

        run_as(dom0, true, 0);
        memset(bm, 0xff, sizeof(bm));
        bm[0x60 / 8] &= ~(1u << (0x60 & 7));
        bm[0x67 / 8] &= ~(1u << 7);
        bm[0x68 / 8] &= ~1u;
        v->arch.pv.iobmp = (unsigned long)bm;
        v->arch.pv.iobmp_limit = 0x100;
        CHECK(in_dx(0x60, 1));
        CHECK_EQ(io_calls, 1);
        CHECK(!in_dx(0x60, 2));             /* 0x61's bit is set */
        CHECK(!in_dx(0x61, 1));
        CHECK(in_dx(0x67, 2));              /* across a byte of the map */
        CHECK(!in_dx(0x67, 4));
        CHECK(!EMUL(0xe4, 0x61));
        CHECK(EMUL(0xe4, 0x60));
        CHECK_EQ(io_calls, 3);
        /* The ports must lie wholly under the limit. */
        v->arch.pv.iobmp_limit = 0x68;
        CHECK(!in_dx(0x67, 2));
        CHECK(in_dx(0x67, 1));
        /* A domU may be allowed by its bitmap: still all-ones. */
        run_as(domU, true, 0);
        v->arch.pv.iobmp = (unsigned long)bm;
        v->arch.pv.iobmp_limit = 0x100;
        CHECK(in_dx(0x60, 1));
        CHECK_EQ(regs.rax, 0x11111111111111ffULL);
        CHECK_EQ(io_calls, 0);
    }

    CASE("ports: user mode reads the bitmap as its kernel; unreadable denies")
    {
        /* Two bytes are read at port / 8: 0xffff's second is one past. */
        static uint8_t bm[8192 + 1];

        run_as(dom0, false, 0);
        memset(bm, 0, sizeof(bm));
        v->arch.pv.iobmp = (unsigned long)bm;
        v->arch.pv.iobmp_limit = 65536;
        CHECK(in_dx(0x60, 1));
        CHECK_EQ(toggle_calls, 2);
        CHECK(!(v->arch.flags & VGCF_in_kernel));
        CHECK(out_dx(0xffff, 1));
        /* The second byte unreadable: only ports of the first one pass. */
        harness_fault_lo = (uintptr_t)&bm[0x61];
        harness_fault_hi = harness_fault_lo + 1;
        CHECK(in_dx(0x60, 1));
        CHECK(in_dx(0x307, 1));
        CHECK(!in_dx(0x307, 2));
        harness_fault_lo = (uintptr_t)&bm[0x60];
        CHECK(!in_dx(0x300, 1));
        harness_fault_lo = harness_fault_hi = 0;
        CHECK_EQ(io_calls, 4);
    }

    CASE("ports: ours (PIC, PIT, COM1) at their edges, and the top port")
    {
        static const struct { unsigned int port, size; bool ok; } t[] = {
            { 0x1f, 1, true }, { 0x1f, 2, false }, { 0x1e, 2, true },
            { 0x20, 1, false }, { 0x21, 1, false }, { 0x22, 1, true },
            { 0x3f, 1, true }, { 0x3e, 2, true }, { 0x3c, 4, true },
            { 0x3d, 4, false }, { 0x43, 1, false }, { 0x44, 1, true },
            { 0x9e, 2, true }, { 0x9f, 2, false }, { 0xa0, 1, false },
            { 0xa1, 2, false },
            { 0xa2, 1, true }, { 0x3f7, 1, true }, { 0x3f7, 2, false },
            { 0x3ff, 1, false }, { 0x400, 1, true }, { 0x3f4, 4, true },
            { 0xffff, 1, true }, { 0xffff, 2, false }, { 0xfffe, 2, true },
            { 0xfffc, 4, true }, { 0xfffd, 4, false },
        };

        for ( unsigned int i = 0; i < ARRAY_SIZE(t); i++ )
        {
            run_as(dom0, true, 1);
            CHECK(in_dx(t[i].port, t[i].size));
            if ( io_calls != t[i].ok )
            {
                char m[80];

                snprintf(m, sizeof(m), "port %#x size %u: %u calls",
                         t[i].port, t[i].size, io_calls);
                check_fail(__FILE__, __LINE__, m);
            }
            CHECK(out_dx(t[i].port, t[i].size));
            CHECK_EQ(io_calls, 2 * t[i].ok);
        }
    }

    CASE("ports: user mode needs IOPL 3, else #GP")
    {
        run_as(dom0, false, 2);
        CHECK(!in_dx(0x60, 1));
        CHECK(!out_dx(0x80, 1));
        CHECK(!EMUL(0xe4, 0x60));
        CHECK_EQ(io_calls, 0);
        run_as(dom0, false, 3);
        CHECK(in_dx(0x60, 1));
        CHECK(EMUL(0xe6, 0x80));
        CHECK_EQ(io_calls, 2);
    }
}

static void test_string_io(void)
{
    static uint8_t buf[64];

    CASE("string I/O: rep insb/insw into memory, rcx and rdi stepped")
    {
        run_as(dom0, true, 1);
        memset(buf, 0x5a, sizeof(buf));
        regs.rdx = 0x60;
        regs.rcx = 3;
        regs.rdi = (unsigned long)buf;
        regs.rflags = 0;
        CHECK(EMUL(0xf3, 0x6c));                    /* rep insb */
        CHECK_EQ(io_calls, 3);
        CHECK_EQ(io_size, 1);
        CHECK_EQ(buf[0], 0x78);
        CHECK_EQ(buf[2], 0x78);
        CHECK_EQ(buf[3], 0x5a);
        CHECK_EQ(regs.rcx, 0);
        CHECK_EQ(regs.rdi, (unsigned long)buf + 3);
        regs.rcx = 2;
        CHECK(EMUL(0xf3, 0x66, 0x6d));              /* rep insw */
        CHECK_EQ(io_size, 2);
        CHECK_EQ(buf[3], 0x78);
        CHECK_EQ(buf[4], 0x56);
        CHECK_EQ(regs.rdi, (unsigned long)buf + 7);
        /* Backwards, with DF. */
        regs.rflags = X86_EFLAGS_DF;
        regs.rcx = 2;
        regs.rdi = (unsigned long)buf + 20;
        CHECK(EMUL(0xf3, 0x6d));                    /* rep insl */
        CHECK_EQ(regs.rdi, (unsigned long)buf + 12);
        CHECK_EQ(buf[16], 0x78);
        CHECK_EQ(buf[23], 0x12);
        regs.rflags = 0;
    }

    CASE("string I/O: outsb/outsl from memory; PCI ports stay pci.c's")
    {
        run_as(dom0, true, 1);
        memcpy(buf, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
        regs.rdx = 0x80;
        regs.rcx = 2;
        regs.rsi = (unsigned long)buf;
        regs.rflags = 0;
        CHECK(EMUL(0xf3, 0x6e));                    /* rep outsb */
        CHECK_EQ(io_calls, 2);
        CHECK_EQ(io_val, 0x22);
        CHECK_EQ(regs.rsi, (unsigned long)buf + 2);
        pci_calls = 0;
        regs.rdx = 0xcf8;
        CHECK(EMUL(0x6f));                          /* outsl */
        CHECK_EQ(pci_val, 0x66554433);
        CHECK_EQ(pci_calls, 1);
        CHECK_EQ(io_calls, 2);
    }

    CASE("string I/O: the IOPL and the bitmap decide, for every port")
    {
        static uint8_t bm[8192];

        run_as(domU, true, 0);
        memset(bm, 0xff, sizeof(bm));
        bm[0x60 / 8] &= ~(1u << (0x60 & 7));
        v->arch.pv.iobmp = (unsigned long)bm;
        v->arch.pv.iobmp_limit = 0x100;
        memset(buf, 0x5a, sizeof(buf));
        regs.rdx = 0x60;
        regs.rcx = 2;
        regs.rdi = (unsigned long)buf;
        regs.rflags = 0;
        CHECK(EMUL(0xf3, 0x6c));
        CHECK_EQ(buf[1], 0xff);                     /* a domU's all-ones */
        CHECK(!EMUL(0xf3, 0x66, 0x6d));             /* 0x61 is not allowed */
        regs.rdx = 0x61;
        regs.rcx = 1;
        CHECK(!EMUL(0x6c));
        CHECK_EQ(regs.rcx, 1);
        CHECK_EQ(buf[2], 0x5a);
        /* User mode at IOPL 3 may, as on the hardware. */
        run_as(domU, false, 3);
        CHECK(EMUL(0x6c));
        CHECK_EQ(io_calls, 0);
    }

    CASE("string I/O: memory the guest cannot reach is its #PF")
    {
        run_as(domU, true, 1);
        harness_fault_lo = (uintptr_t)buf + 8;
        harness_fault_hi = harness_fault_lo + 8;
        regs.rdx = 0x60;
        regs.rcx = 16;
        regs.rdi = (unsigned long)buf;
        regs.rflags = 0;
        CHECK(emul_at(0, "\xf3\x6c", 2, 0));
        CHECK_EQ(inject_calls, 1);
        CHECK_EQ(inject_vec, 14);
        CHECK_EQ(inject_ec, 2);
        CHECK_EQ(v->vcpu_info->arch.cr2, (unsigned long)buf + 8);
        /* Up to there it was done: the guest's handler sees how far. */
        CHECK_EQ(regs.rcx, 8);
        CHECK_EQ(regs.rdi, (unsigned long)buf + 8);
        run_as(domU, false, 3);
        regs.rsi = (unsigned long)buf + 8;
        CHECK(emul_at(0, "\x6e", 1, 0));
        CHECK_EQ(inject_ec, 4);
        harness_fault_lo = harness_fault_hi = 0;
        /* The hypervisor's range is the guest's #GP, as in Xen. */
        regs.rsi = HYPERVISOR_VIRT_START;
        CHECK(!emul_at(0, "\x6e", 1, 0));
        CHECK_EQ(inject_calls, 1);
    }

    CASE("string I/O: a long rep stops every 256 and is run again")
    {
        static uint8_t big[600];

        run_as(domU, true, 1);
        regs.rdx = 0x60;
        regs.rcx = sizeof(big);
        regs.rdi = (unsigned long)big;
        regs.rflags = 0;
        CHECK(emul_at(0, "\xf3\x6c", 2, 0));
        CHECK_EQ(regs.rcx, sizeof(big) - 256);
        CHECK(emul_at(0, "\xf3\x6c", 2, 0));
        CHECK(emul_at(0, "\xf3\x6c", 2, 2));
        CHECK_EQ(regs.rcx, 0);
        CHECK_EQ(big[599], 0xff);
    }
}

static void test_msrs(void)
{
    CASE("rdmsr: the guest's bases, the TSC, real EFER and PAT")
    {
        run_as(domU, true, 0);
        v->arch.pv.fs_base = 0x00007f0012345678ULL;
        v->arch.pv.gs_base_kernel = 0xffff888000001000ULL;
        v->arch.pv.gs_base_user = 0x1234;
        CHECK(rdmsr_of(MSR_FS_BASE));
        CHECK_EQ(msr_result(), 0x00007f0012345678ULL);
        CHECK_EQ(regs.rdx, 0x7f00);
        CHECK(rdmsr_of(MSR_GS_BASE));
        CHECK_EQ(msr_result(), 0xffff888000001000ULL);
        CHECK(rdmsr_of(MSR_SHADOW_GS_BASE));
        CHECK_EQ(msr_result(), 0x1234);
        CHECK(rdmsr_of(MSR_EFER));
        CHECK_EQ(msr_result(), 0xabcd0000c0000080ULL);
        CHECK(rdmsr_of(0x277));
        CHECK_EQ(msr_result(), 0xabcd000000000277ULL);
        CHECK(rdmsr_of(0x10));
        CHECK_EQ(msr_result(), 0x1122334455667788ULL);
        CHECK(rdmsr_of(0x1a0));
        /* rcx's upper half is not part of the MSR number. */
        CHECK(rdmsr_of(0x1c0000100ULL));
        CHECK_EQ(msr_result(), 0x00007f0012345678ULL);
    }

    CASE("rdmsr: the numbers either side of each one we know are #GP")
    {
        static const uint32_t bad[] = {
            0x0f, 0x11, 0x19f, 0x1a1, 0x276, 0x278, MSR_EFER - 1,
            MSR_SFMASK + 1, MSR_FS_BASE - 1, MSR_SHADOW_GS_BASE + 1,
            MSR_TSC_DEADLINE, 0x40000000, 0xffffffff,
        };

        run_as(dom0, true, 1);
        for ( unsigned int i = 0; i < ARRAY_SIZE(bad); i++ )
        {
            CHECK(!rdmsr_of(bad[i]));
            CHECK_EQ(regs.rax, 0xdeadbeefdeadbeefULL);
        }
        CHECK(!wrmsr_of(MSR_EFER, 0));
        CHECK(!wrmsr_of(0x277, 0));
        CHECK(!wrmsr_of(0x10, 0));
        CHECK(!wrmsr_of(MSR_SFMASK + 1, 0));
        CHECK(!wrmsr_of(MSR_SHADOW_GS_BASE + 1, 0));
        CHECK_EQ(segbase_calls, 0);
    }

    CASE("wrmsr: bases through set_segment_base, refused bases #GP")
    {
        run_as(domU, true, 0);
        CHECK(wrmsr_of(MSR_FS_BASE, 0x00007f0011112222ULL));
        CHECK_EQ(segbase_which, SEGBASE_FS);
        CHECK_EQ(segbase_val, 0x00007f0011112222ULL);
        CHECK(wrmsr_of(MSR_GS_BASE, 0x5000));
        CHECK_EQ(segbase_which, SEGBASE_GS_KERNEL);
        CHECK(wrmsr_of(MSR_SHADOW_GS_BASE, 0x6000));
        CHECK_EQ(segbase_which, SEGBASE_GS_USER);
        CHECK_EQ(segbase_val, 0x6000);
        CHECK_EQ(segbase_calls, 3);
        /* A base set_segment_base refuses is #GP. */
        CHECK(!wrmsr_of(MSR_FS_BASE, 0x0000800000000000ULL));
        CHECK_EQ(segbase_calls, 4);
    }

    CASE("user mode: MSRs, CRs, HLT, XSETBV, WBINVD are all #GP")
    {
        run_as(dom0, false, 3);
        CHECK(!rdmsr_of(MSR_FS_BASE));
        CHECK(!wrmsr_of(MSR_FS_BASE, 0));
        CHECK(!EMUL(0x0f, 0x20, 0xc0));
        CHECK(!EMUL(0xf4));
        CHECK(!EMUL(0x0f, 0x09));
        CHECK(!EMUL(0x0f, 0x01, 0xd1));
        CHECK_EQ(block_calls, 0);
        CHECK_EQ(segbase_calls, 0);
    }
}

static void test_crs(void)
{
    CASE("mov from CR0, CR2, CR3, CR4; CR1 and CR8 are #GP")
    {
        run_as(domU, true, 0);
        v->arch.pv.fpu_ts = true;
        CHECK(EMUL(0x0f, 0x20, 0xc0));              /* mov rax, cr0 */
        CHECK(regs.rax & X86_CR0_PG);
        CHECK(regs.rax & X86_CR0_TS);
        v->arch.pv.fpu_ts = false;
        CHECK(EMUL(0x0f, 0x20, 0xc3));              /* mov rbx, cr0 */
        CHECK(!(regs.rbx & X86_CR0_TS));
        v->vcpu_info->arch.cr2 = 0xdead000;
        CHECK(EMUL(0x0f, 0x20, 0xd1));              /* mov rcx, cr2 */
        CHECK_EQ(regs.rcx, 0xdead000);
        v->arch.pv.guest_table = _mfn(0x345);
        CHECK(EMUL(0x41, 0x0f, 0x20, 0xd8));        /* mov r8, cr3 */
        CHECK_EQ(regs.r8, 0x345000);
        v->arch.cr4 = X86_CR4_OSXSAVE;
        CHECK(EMUL(0x0f, 0x20, 0xe2));              /* mov rdx, cr4 */
        CHECK_EQ(regs.rdx, X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXSAVE);
        regs.rax = 7;
        CHECK(!EMUL(0x0f, 0x20, 0xc8));             /* cr1 */
        CHECK(!EMUL(0x44, 0x0f, 0x20, 0xc0));       /* cr8 */
        CHECK(!EMUL(0x0f, 0x20, 0x00));             /* not a register */
        CHECK(!EMUL(0x0f, 0x20));                   /* no modrm at all */
        CHECK_EQ(regs.rax, 7);
    }

    CASE("mov to CR0: only TS may change; CR2 is the guest's")
    {
        run_as(domU, true, 0);
        v->arch.pv.fpu_ts = false;
        CHECK(EMUL(0x0f, 0x20, 0xc0));
        regs.rax |= X86_CR0_TS;
        CHECK(EMUL(0x0f, 0x22, 0xc0));              /* mov cr0, rax */
        CHECK_EQ(fpu_calls, 1);
        CHECK_EQ(fpu_set, 1);
        regs.rax &= ~X86_CR0_TS;
        CHECK(EMUL(0x0f, 0x22, 0xc0));
        CHECK_EQ(fpu_set, 0);
        regs.rax &= ~X86_CR0_WP;
        CHECK(!EMUL(0x0f, 0x22, 0xc0));
        regs.rax |= X86_CR0_WP | X86_CR0_EM;
        CHECK(!EMUL(0x0f, 0x22, 0xc0));
        CHECK_EQ(fpu_calls, 2);
        regs.rsi = 0x4000;
        CHECK(EMUL(0x0f, 0x22, 0xd6));              /* mov cr2, rsi */
        CHECK_EQ(v->vcpu_info->arch.cr2, 0x4000);
    }

    CASE("mov to CR3: a new base through the MMU, its refusal #GP")
    {
        run_as(domU, true, 0);
        regs.rdi = 0x777000;
        new_table_rc = 0;
        CHECK(EMUL(0x0f, 0x22, 0xdf));              /* mov cr3, rdi */
        CHECK_EQ(new_table_mfn, 0x777);
        new_table_rc = -EINVAL;
        CHECK(!EMUL(0x0f, 0x22, 0xdf));
        new_table_rc = 0;
    }

    CASE("mov to CR3 whose validation stopped: handled, RIP stays on it")
    {
        static const uint8_t mov_cr3[] = { 0x0f, 0x22, 0xdf };

        run_as(domU, true, 0);
        regs.rdi = 0x777000;
        new_table_rc = -ERESTART;
        CHECK(emul_at(0, mov_cr3, sizeof(mov_cr3), 0));
        CHECK_EQ(bounce_calls, 0);
        new_table_rc = 0;
    }

    CASE("mov to CR4: OSXSAVE only, and only where XSAVE is on")
    {
        run_as(domU, true, 0);
        boot_cpu_data.xcr0 = XSTATE_FP | XSTATE_SSE | XSTATE_YMM;
        regs.rax = X86_CR4_OSXSAVE | X86_CR4_PGE | X86_CR4_SMEP;
        CHECK(EMUL(0x0f, 0x22, 0xe0));
        CHECK_EQ(v->arch.cr4, X86_CR4_OSXSAVE);
        boot_cpu_data.xcr0 = 0;
        CHECK(EMUL(0x0f, 0x22, 0xe0));
        CHECK_EQ(v->arch.cr4, 0);
        CHECK(!EMUL(0x0f, 0x22, 0xe8));             /* cr5 */
    }

    CASE("xsetbv: XCR0 only, FP on, YMM with SSE, within the host's")
    {
        static const struct { uint32_t xcr; uint64_t val; bool ok; } t[] = {
            { 0, XSTATE_FP, true },
            { 0, XSTATE_FP | XSTATE_SSE | XSTATE_YMM, true },
            { 1, XSTATE_FP, false },
            { 0, XSTATE_SSE, false },
            { 0, XSTATE_FP | XSTATE_YMM, false },
            { 0, XSTATE_FP | XSTATE_SSE | (1UL << 3), false },
            { 0, XSTATE_FP | (1ULL << 32), false },
        };

        run_as(domU, true, 0);
        boot_cpu_data.xcr0 = XSTATE_FP | XSTATE_SSE | XSTATE_YMM;
        for ( unsigned int i = 0; i < ARRAY_SIZE(t); i++ )
        {
            v->arch.cr4 = X86_CR4_OSXSAVE;
            v->arch.xcr0 = XSTATE_FP;
            xsetbv_calls = 0;
            regs.rcx = t[i].xcr | 0xffffffff00000000ULL * (i & 1);
            regs.rax = (uint32_t)t[i].val;
            regs.rdx = t[i].val >> 32;
            CHECK_EQ(EMUL(0x0f, 0x01, 0xd1), t[i].ok);
            CHECK_EQ(xsetbv_calls, t[i].ok);
            CHECK_EQ(v->arch.xcr0, t[i].ok ? t[i].val : XSTATE_FP);
        }
        /* Not before the guest sets CR4.OSXSAVE. */
        v->arch.cr4 = 0;
        regs.rcx = 0;
        regs.rax = XSTATE_FP;
        regs.rdx = 0;
        CHECK(!EMUL(0x0f, 0x01, 0xd1));
        CHECK(!EMUL(0x0f, 0x01, 0xd0));             /* xgetbv */
        boot_cpu_data.xcr0 = 0;
    }
}

static void test_drs_clts(void)
{
    CASE("mov to and from DRn: set_debugreg and get_debugreg's, else #GP")
    {
        run_as(domU, true, 0);
        regs.rax = 0x401000;
        CHECK(EMUL(0x0f, 0x23, 0xc0));              /* mov dr0, rax */
        CHECK_EQ(drs[0], 0x401000);
        regs.rbx = 0;
        CHECK(EMUL(0x0f, 0x21, 0xc3));              /* mov rbx, dr0 */
        CHECK_EQ(regs.rbx, 0x401000);
        regs.rdx = 0x400;
        CHECK(EMUL(0x0f, 0x23, 0xfa));              /* mov dr7, rdx */
        CHECK_EQ(drs[7], 0x400);
        CHECK(EMUL(0x41, 0x0f, 0x21, 0xe8));        /* mov r8, dr5 */
        CHECK_EQ(regs.r8, 0x400);
        regs.rdx = 1UL << 32;
        CHECK(!EMUL(0x0f, 0x23, 0xf2));             /* refused: #GP */
        inject_calls = 0;
        /* DR8: #UD injected at the instruction, rip left on it. */
        CHECK(emul_at(0, "\x44\x0f\x21\xc0", 4, 0));
        CHECK_EQ(inject_calls, 1);
        CHECK_EQ(inject_vec, 6);
        CHECK(!EMUL(0x0f, 0x21, 0x00));             /* not a register */
        run_as(domU, false, 3);
        CHECK(!EMUL(0x0f, 0x21, 0xc3));             /* user mode: #GP */
        CHECK(!EMUL(0x44, 0x0f, 0x21, 0xc0));
        CHECK_EQ(inject_calls, 0);
    }

    CASE("clts clears TS; rdtsc and cpuid on the #GP path; lmsw, invd #GP")
    {
        run_as(domU, true, 0);
        v->arch.pv.fpu_ts = true;
        CHECK(EMUL(0x0f, 0x06));
        CHECK_EQ(fpu_calls, 1);
        CHECK_EQ(fpu_set, 0);
        regs.rax = regs.rdx = ~0UL;
        CHECK(EMUL(0x0f, 0x31));
        CHECK_EQ(regs.rax >> 32, 0);
        CHECK_EQ(regs.rdx >> 32, 0);
        regs.rax = 0x40000000;
        regs.rcx = 0;
        CHECK(EMUL(0x0f, 0xa2));
        CHECK_EQ(regs.rax, 0x40000005);
        CHECK(!EMUL(0x0f, 0x01, 0xf0));             /* lmsw ax */
        CHECK(!EMUL(0x0f, 0x08));                   /* invd */
        CHECK(!EMUL(0x0f, 0x01, 0xf9));             /* rdtscp */
        run_as(domU, false, 3);
        CHECK(!EMUL(0x0f, 0x06));
        CHECK_EQ(fpu_calls, 0);
    }
}

static void test_misc(void)
{
    CASE("hlt blocks the vCPU; cli and sti need the kernel's virtual IOPL")
    {
        run_as(domU, true, 0);
        CHECK(EMUL(0xf4));
        CHECK_EQ(block_calls, 1);
        CHECK(!EMUL(0xfa));
        CHECK(!EMUL(0xfb));
        run_as(domU, true, 1);
        CHECK(EMUL(0xfa));
        CHECK(EMUL(0xfb));
        /* User mode is ring 3: IOPL 3 lets it too, as in Xen. */
        run_as(domU, false, 2);
        CHECK(!EMUL(0xfa));
        CHECK(!EMUL(0xfb));
        run_as(domU, false, 3);
        CHECK(EMUL(0xfa));
        CHECK(EMUL(0xfb));
        /* With architectural_iopl the kernel is ring 0: IOPL 0 will do. */
        run_as(domU, true, 0);
        domU->arch.pv.vm_assist = 1UL << VMASST_TYPE_architectural_iopl;
        CHECK(EMUL(0xfa));
        run_as(domU, false, 2);
        domU->arch.pv.vm_assist = 1UL << VMASST_TYPE_architectural_iopl;
        CHECK(!EMUL(0xfa));
    }

    CASE("int n: the handler's DPL says who may raise it")
    {
        run_as(domU, true, 0);
        v->arch.pv.trap_ctxt[0x80] = (struct trap_info){ 0x80, 3, 0xe033,
                                                      0x401000 };
        v->arch.pv.trap_ctxt[0x81] = (struct trap_info){ 0x81, 1, 0xe033,
                                                      0x402000 };
        v->arch.pv.trap_ctxt[0x82] = (struct trap_info){ 0x82, 0, 0xe033,
                                                      0x403000 };
        v->arch.pv.trap_ctxt[0x83] = (struct trap_info){ 0x83, 3, 0xe033, 0 };
        CHECK(EMUL(0xcd, 0x81));
        CHECK_EQ(bounce_to, 0x402000);
        CHECK(!EMUL(0xcd, 0x82));
        CHECK(!EMUL(0xcd, 0x83));
        run_as(domU, false, 0);
        CHECK(EMUL(0xcd, 0x80));
        CHECK_EQ(bounce_to, 0x401000);
        CHECK(!EMUL(0xcd, 0x81));
        CHECK_EQ(bounce_calls, 1);
    }

    CASE("int n: cut off by an unmapped page, #GP")
    {
        static const uint8_t i[] = { 0xcd, 0x80 };

        run_as(domU, false, 0);
        harness_fault_lo = (uintptr_t)code + PAGE_SIZE;
        harness_fault_hi = harness_fault_lo + PAGE_SIZE;
        CHECK(!emul_at(PAGE_SIZE - 1, i, 1, 0));
        harness_fault_lo = harness_fault_hi = 0;
        CHECK_EQ(bounce_calls, 0);
    }

    CASE("wbinvd: a no-op for a domU; other opcodes #GP")
    {
        run_as(domU, true, 3);
        CHECK(EMUL(0x0f, 0x09));
        CHECK(!EMUL(0x90));
        CHECK(!EMUL(0x0f, 0x05));
        CHECK(!EMUL(0x0f));
        CHECK(!EMUL(0x0f, 0x01, 0xd8));
        /* Only prefixes, then an unmapped page. */
        harness_fault_lo = (uintptr_t)code + PAGE_SIZE;
        harness_fault_hi = harness_fault_lo + PAGE_SIZE;
        CHECK(!emul_at(PAGE_SIZE - 1, "\x66", 1, 0));
        harness_fault_lo = harness_fault_hi = 0;
    }
}

static void test_cpuid(void)
{
    CASE("cpuid: Xen's leaves at 0x40000000")
    {
        struct cpuid_regs r = forced_cpuid(0x40000000, 0);

        CHECK_EQ(r.eax, 0x40000005);
        CHECK(!memcmp(&r.ebx, "XenV", 4));
        CHECK(!memcmp(&r.ecx, "MMXe", 4));
        CHECK(!memcmp(&r.edx, "nVMM", 4));
        r = forced_cpuid(0x40000001, 0);
        CHECK_EQ(r.eax, (4 << 16) | 17);
        r = forced_cpuid(0x40000002, 0);
        CHECK_EQ(r.eax, 1);
        CHECK_EQ(r.ebx, 0x40000000);
        r = forced_cpuid(0x40000003, 0);
        CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
        r = forced_cpuid(0x4000ffff, 0);
        CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
        /* Outside the range: the host's. */
        r = forced_cpuid(0x40010000, 0);
        CHECK_EQ(r.eax, ~0u);
        r = forced_cpuid(0x3fffffff, 0);
        CHECK_EQ(r.eax, ~0u);
    }

    CASE("cpuid leaf 1: virtualisation, x2APIC, PGE, MTRR, MCA hidden")
    {
        struct cpuid_regs r = forced_cpuid(1, 0);

        CHECK_EQ(r.ecx, ~((1u << 3) | (1u << 5) | (1u << 17) | (1u << 21)));
        CHECK_EQ(r.edx, ~((1u << 3) | (1u << 7) | (1u << 12) | (1u << 13) |
                          (1u << 14) | (1u << 17)));
        CHECK_EQ(r.eax, ~0u);
    }

    CASE("cpuid leaf 7: SMEP, SMAP, INVPCID, UMIP, PKU, LA57 hidden")
    {
        struct cpuid_regs r = forced_cpuid(7, 0);

        CHECK_EQ(r.ebx, ~((1u << 7) | (1u << 10) | (1u << 20)));
        CHECK_EQ(r.ecx, ~((1u << 2) | (1u << 3) | (1u << 4) | (1u << 16)));
        r = forced_cpuid(7, 1);
        CHECK_EQ(r.ebx, ~0u);
    }

    CASE("cpuid leaf 0xd: only the host's XCR0, no XSAVES; leaf 0x80000001")
    {
        struct cpuid_regs r;

        boot_cpu_data.xcr0 = XSTATE_FP | XSTATE_SSE | (1ULL << 33);
        r = forced_cpuid(0xd, 0);
        CHECK_EQ(r.eax, 3);
        CHECK_EQ(r.edx, 2);
        CHECK_EQ(r.ebx, ~0u);
        r = forced_cpuid(0xd, 1);
        CHECK_EQ(r.eax, ~(1u << 3));
        r = forced_cpuid(0xd, 2);
        CHECK_EQ(r.eax, ~0u);
        boot_cpu_data.xcr0 = 0;
        r = forced_cpuid(0x80000001, 0);
        CHECK_EQ(r.ecx, ~(1u << 2));
        CHECK_EQ(r.edx, ~(1u << 26));
    }

    CASE("cpuid: anything but the exact signature is not emulated")
    {
        static const uint8_t bad[] = { 0x0f, 0x0b, 'x', 'e', 'm', 0x0f, 0xa2 };

        memcpy(code, bad, sizeof(bad));
        regs.rip = (unsigned long)code;
        regs.rax = 1;
        CHECK(!pv_emulate_forced_cpuid(&regs));
        CHECK_EQ(regs.rip, (unsigned long)code);
        CHECK_EQ(regs.rax, 1);
        /* The signature's end on an unmapped page. */
        memcpy(code + PAGE_SIZE - 4, bad, 4);
        regs.rip = (unsigned long)code + PAGE_SIZE - 4;
        harness_fault_lo = (uintptr_t)code + PAGE_SIZE;
        harness_fault_hi = harness_fault_lo + PAGE_SIZE;
        CHECK(!pv_emulate_forced_cpuid(&regs));
        harness_fault_lo = harness_fault_hi = 0;
    }
}

/*
 * A 32-bit guest (pv=32): the same rules, its code decoded as 32-bit
 * (X86EMUL_MODE_32), kernel and user told apart by its CS's ring, which
 * must be flat 32-bit code.  Its text is placed below 4 GiB.
 */
#define RING1_CS 0xe019
#define RING3_CS 0xe02b

static struct domain *dom32;

static void run_as32(unsigned int cs, unsigned int iopl)
{
    run_as(dom32, true, iopl);
    regs.cs = cs;
}

static void test_pv32(void)
{
    uint8_t *code64 = code;
    uint8_t *low = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

    CHECK(low != MAP_FAILED);
    if ( low == MAP_FAILED )
        return;
    code = low;

    CASE("pv32: ring-1 port I/O at IOPL 1, 16-bit by 0x66, CF8 pci.c's")
    {
        run_as32(RING1_CS, 1);
        CHECK(in_dx(0x60, 1));
        CHECK_EQ(io_port, 0x60);
        CHECK(in_dx(0x1f0, 2));
        CHECK_EQ(io_size, 2);
        CHECK(in_dx(0x400, 4));
        CHECK_EQ(io_size, 4);
        CHECK_EQ(regs.rax, 0x12345678);
        pci_calls = 0;
        CHECK(out_dx(0xcf8, 4));
        CHECK_EQ(pci_port, 0xcf8);
        CHECK_EQ(pci_calls, 1);
        CHECK_EQ(io_calls, 3);
    }

    CASE("pv32: 0x40-0x4f are INC/DEC, not REX: 48 ed is not an IN")
    {
        run_as32(RING1_CS, 1);
        regs.rdx = 0x60;
        CHECK(!EMUL(0x48, 0xed));
        CHECK_EQ(io_calls, 0);
        /* The same bytes in a 64-bit guest are in eax, dx. */
        code = code64;
        run_as(dom0, true, 1);
        regs.rdx = 0x60;
        CHECK(EMUL(0x48, 0xed));
        CHECK_EQ(io_calls, 1);
        code = low;
    }

    CASE("pv32: ring 3 is user mode whatever VGCF_in_kernel says")
    {
        run_as32(RING3_CS, 1);
        CHECK(!in_dx(0x60, 1));
        CHECK(!EMUL(0xfa));
        run_as32(RING3_CS, 3);
        CHECK(in_dx(0x60, 1));
        CHECK(EMUL(0xfa));
        /* Privileged instructions are the kernel's: MOV from CR0. */
        CHECK(!EMUL(0x0f, 0x20, 0xc0));
        CHECK_EQ(io_calls, 1);
        run_as32(RING1_CS, 0);
        CHECK(!in_dx(0x60, 1));
        CHECK(!EMUL(0xfa));
        CHECK(EMUL(0x0f, 0x20, 0xc0));
    }

    CASE("pv32: user mode's I/O bitmap is read without a page-table switch")
    {
        static uint8_t bm[8] = { 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff,
                                 0xff };

        run_as32(RING3_CS, 0);
        v->arch.pv.iobmp = (unsigned long)bm;
        v->arch.pv.iobmp_limit = 64;
        CHECK(in_dx(8, 1));
        CHECK(!in_dx(9, 1));
        CHECK_EQ(toggle_calls, 0);
        CHECK_EQ(io_calls, 1);
    }

    CASE("pv32: a CS that is not flat 32-bit code keeps its #GP")
    {
        run_as32(0x61, 1);
        gdt_0x60_flat = false;
        CHECK(!in_dx(0x60, 1));
        gdt_0x60_flat = true;
        CHECK(in_dx(0x60, 1));
        gdt_0x60_flat = false;
        CHECK_EQ(io_calls, 1);
    }

    CASE("pv32: 0x67 string I/O steps DI and CX, not EDI and ECX")
    {
        static uint8_t buf[8];

        run_as32(RING1_CS, 1);
        regs.rdx = 0x60;
        regs.rcx = 0xabcd0000 | 2;
        regs.rdi = (uint32_t)(uintptr_t)buf;
        regs.rflags = 0;
        /* DI alone names a page below 64 KiB: the store faults there. */
        harness_fault_lo = 0;
        harness_fault_hi = 0x10000;
        /* rep insb, a16: handled (the #PF), the rip stays. */
        CHECK(emul_at(0, (const uint8_t[]){ 0x67, 0xf3, 0x6c }, 3, 0));
        harness_fault_lo = harness_fault_hi = 0;
        CHECK_EQ(inject_vec, 14); /* #PF */
        CHECK_EQ(v->vcpu_info->arch.cr2, (uint16_t)(uintptr_t)buf);
        CHECK_EQ(regs.rcx, 0xabcd0002);
        /* A ModRM form with 16-bit addressing is not decoded. */
        CHECK(!EMUL(0x67, 0x0f, 0x01, 0x37));
    }

    CASE("pv32: MOV from CR3 is the folded 32-bit form, in EAX")
    {
        run_as32(RING1_CS, 0);
        v->arch.pv.guest_table = _mfn(0x123456789UL);
        regs.rax = ~0UL;
        CHECK(EMUL(0x0f, 0x20, 0xd8));             /* mov eax, cr3 */
        CHECK_EQ(regs.rax, pv32_pfn_to_cr3(0x123456789UL));
    }

    CASE("pv32: no segment-base MSRs; CPUID hides long mode")
    {
        run_as32(RING1_CS, 0);
        CHECK(!rdmsr_of(MSR_FS_BASE));
        CHECK(!rdmsr_of(MSR_GS_BASE));
        CHECK(!wrmsr_of(MSR_SHADOW_GS_BASE, 0));
        CHECK_EQ(segbase_calls, 0);
        CHECK(rdmsr_of(MSR_EFER));
        CHECK(!(forced_cpuid(0x80000001, 0).edx & (1u << 29)));
        run_as(dom0, true, 0);
        CHECK(forced_cpuid(0x80000001, 0).edx & (1u << 29));
    }

    code = code64;
    munmap(low, 2 * PAGE_SIZE);
}

int main(void)
{
    code = aligned_alloc(PAGE_SIZE, 2 * PAGE_SIZE);
    dom0 = make_domain(0, true);
    domU = make_domain(1, false);
    dom32 = make_domain(2, true);
    dom32->arch.pv.is_32bit = true;
    test_ports();
    test_string_io();
    test_msrs();
    test_crs();
    test_drs_clts();
    test_misc();
    test_cpuid();
    test_pv32();
    return check_failures ? 1 : 0;
}
