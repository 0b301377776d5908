/* SPDX-License-Identifier: GPL-2.0-only */
/* CPU identification and per-CPU enabling of protections and state. */
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/string.h>
#include <asm/cpufeature.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/smap.h>

struct cpuinfo_x86 boot_cpu_data;
bool smap_enabled;

static bool opt_smep = true;
boolean_param("smep", opt_smep);
static bool opt_smap = true;
boolean_param("smap", opt_smap);

/* What the boot CPU turned on; each AP turns on exactly the same. */
static unsigned long cr4_features;
static uint64_t efer_features;

static void identify_cpu(struct cpuinfo_x86 *c)
{
    struct cpuid_regs r;
    uint32_t *brand;

    memset(c, 0, sizeof(*c));
    brand = (uint32_t *)c->model_id;

    cpuid(0, &r);
    c->max_leaf = r.eax;
    memcpy(&c->vendor_id[0], &r.ebx, 4);
    memcpy(&c->vendor_id[4], &r.edx, 4);
    memcpy(&c->vendor_id[8], &r.ecx, 4);
    if ( !strcmp(c->vendor_id, "GenuineIntel") )
        c->vendor = X86_VENDOR_INTEL;
    else if ( !strcmp(c->vendor_id, "AuthenticAMD") )
        c->vendor = X86_VENDOR_AMD;
    else if ( !strcmp(c->vendor_id, "HygonGenuine") )
        c->vendor = X86_VENDOR_HYGON;

    cpuid(1, &r);
    c->family = (r.eax >> 8) & 0xf;
    c->model = (r.eax >> 4) & 0xf;
    c->stepping = r.eax & 0xf;
    /* The extended fields only count for the families that use them. */
    if ( c->family == 0xf )
        c->family += (r.eax >> 20) & 0xff;
    if ( c->family >= 0xf ||
         (c->family == 6 && c->vendor == X86_VENDOR_INTEL) )
        c->model |= ((r.eax >> 16) & 0xf) << 4;
    c->features[FEATURE_WORD_1_EDX] = r.edx;
    c->features[FEATURE_WORD_1_ECX] = r.ecx;

    if ( c->max_leaf >= 7 )
    {
        cpuid_count(7, 0, &r);
        c->features[FEATURE_WORD_7_0_EBX] = r.ebx;
    }

    cpuid(0x80000000, &r);
    c->max_ext_leaf = r.eax;
    if ( c->max_ext_leaf >= 0x80000001 )
    {
        cpuid(0x80000001, &r);
        c->features[FEATURE_WORD_E1_EDX] = r.edx;
        c->features[FEATURE_WORD_E1_ECX] = r.ecx;
    }
    if ( c->max_ext_leaf >= 0x80000004 )
    {
        for ( unsigned int i = 0; i < 3; i++ )
        {
            cpuid(0x80000002 + i, &r);
            brand[i * 4 + 0] = r.eax;
            brand[i * 4 + 1] = r.ebx;
            brand[i * 4 + 2] = r.ecx;
            brand[i * 4 + 3] = r.edx;
        }
    }
    /* CPUs without the leaf have 36 address bits. */
    c->paddr_bits = 36;
    if ( c->max_ext_leaf >= 0x80000008 )
    {
        cpuid(0x80000008, &r);
        c->paddr_bits = r.eax & 0xff;
    }
    if ( c->max_ext_leaf >= 0x80000007 )
    {
        cpuid(0x80000007, &r);
        c->features[FEATURE_WORD_E7_EDX] = r.edx;
    }

    if ( cpu_has_feature(c, X86_FEATURE_XSAVE) && c->max_leaf >= 0xd )
    {
        uint64_t supported;

        cpuid_count(0xd, 0, &r);
        supported = ((uint64_t)r.edx << 32) | r.eax;
        /* x87 and SSE state always; AVX's upper halves when usable. */
        c->xcr0 = XSTATE_FP | XSTATE_SSE;
        if ( cpu_has_feature(c, X86_FEATURE_AVX) && (supported & XSTATE_YMM) )
            c->xcr0 |= XSTATE_YMM;
    }
}

/* Brings this CPU's control registers to what the boot CPU chose. */
static void apply_features(uint64_t xcr0)
{
    unsigned long cr0 = read_cr0();

    /* SSE and XSAVE need native FPU error reporting and no emulation. */
    cr0 |= X86_CR0_MP | X86_CR0_NE;
    cr0 &= ~(X86_CR0_EM | X86_CR0_TS);
    write_cr0(cr0);

    write_cr4(read_cr4() | cr4_features);
    if ( cr4_features & X86_CR4_OSXSAVE )
        xsetbv(0, xcr0);
    if ( efer_features )
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | efer_features);
}

/* Two lines: what the CPU is, then what it has and what we turned on. */
static void print_cpu_summary(const struct cpuinfo_x86 *c)
{
    static const struct {
        unsigned int feature;
        const char *name;
    } shown[] = {
        { X86_FEATURE_NX, "nx" },
        { X86_FEATURE_SMEP, "smep" },
        { X86_FEATURE_SMAP, "smap" },
        { X86_FEATURE_XSAVE, "xsave" },
        { X86_FEATURE_FSGSBASE, "fsgsbase" },
        { X86_FEATURE_PGE, "pge" },
        { X86_FEATURE_PAGE1GB, "pdpe1gb" },
        { X86_FEATURE_X2APIC, "x2apic" },
        { X86_FEATURE_TSC_DEADLINE, "tsc-deadline" },
        { X86_FEATURE_ITSC, "invariant-tsc" },
        { X86_FEATURE_SVM, "svm" },
        { X86_FEATURE_VMX, "vmx" },
    };
    char buf[160];
    size_t len = 0;
    const char *brand = c->model_id;

    while ( *brand == ' ' )
        brand++;
    for ( unsigned int i = 0; i < ARRAY_SIZE(shown); i++ )
        if ( cpu_has_feature(c, shown[i].feature) )
            len += snprintf(buf + len, sizeof(buf) - len, " %s",
                            shown[i].name);
    buf[len] = '\0';

    printk("CPU0: %s family %#x model %#x stepping %u%s%s\n", c->vendor_id,
           c->family, c->model, c->stepping, *brand ? ": " : "", brand);
    printk("CPU0 features:%s; enabled:%s%s%s%s%s%s\n",
           len ? buf : " (none of interest)",
           efer_features & EFER_NXE ? " NX" : "",
           cr4_features & X86_CR4_SMEP ? " SMEP" : "",
           cr4_features & X86_CR4_SMAP ? " SMAP" : "",
           cr4_features & X86_CR4_OSXSAVE ? " XSAVE" : "",
           cr4_features & X86_CR4_FSGSBASE ? " FSGSBASE" : "",
           cr4_features & X86_CR4_PGE ? " PGE" : "");
}

/* The CR4 bits we would turn on, given what the CPU has and the options. */
static unsigned long wanted_cr4(const struct cpuinfo_x86 *c)
{
    unsigned long cr4 = 0;

    if ( cpu_has_feature(c, X86_FEATURE_PGE) )
        cr4 |= X86_CR4_PGE;
    if ( cpu_has_feature(c, X86_FEATURE_FXSR) )
        cr4 |= X86_CR4_OSFXSR;
    if ( cpu_has_feature(c, X86_FEATURE_SSE) )
        cr4 |= X86_CR4_OSXMMEXCPT;
    if ( cpu_has_feature(c, X86_FEATURE_FSGSBASE) )
        cr4 |= X86_CR4_FSGSBASE;
    if ( c->xcr0 )
        cr4 |= X86_CR4_OSXSAVE;
    if ( opt_smep && cpu_has_feature(c, X86_FEATURE_SMEP) )
        cr4 |= X86_CR4_SMEP;
    if ( opt_smap && cpu_has_feature(c, X86_FEATURE_SMAP) )
        cr4 |= X86_CR4_SMAP;
    return cr4;
}

/*
 * A 32-bit PV kernel runs in ring 1, a supervisor ring, on pages its
 * tables mark USER: with SMEP its every fetch and with SMAP its every
 * access would fault.  As Xen, they are off only while such a guest
 * runs: each exit to it clears them (pv32_cr4_exit()), each entry sets
 * them again (PV32_CR4_ON, asm-defns.h) while the CPU's vCPU is a
 * 32-bit one.  Switched in and out in the hypervisor, where they are on.
 */
unsigned long pv32_cr4_mask;

void cpu_pv32_running(bool pv32)
{
    get_cpu_info()->pv32_running = pv32;
}

void __init early_cpu_init(void)
{
    struct cpuinfo_x86 *c = &boot_cpu_data;

    identify_cpu(c);

    if ( !cpu_has_feature(c, X86_FEATURE_APIC) ||
         !cpu_has_feature(c, X86_FEATURE_TSC) ||
         !cpu_has_feature(c, X86_FEATURE_MSR) )
        panic("CPU0 lacks a local APIC, TSC or MSRs");

    cr4_features = wanted_cr4(c);
    if ( cpu_has_feature(c, X86_FEATURE_NX) )
        efer_features |= EFER_NXE;

    apply_features(c->xcr0);
    smap_enabled = cr4_features & X86_CR4_SMAP;
    pv32_cr4_mask = cr4_features & (X86_CR4_SMEP | X86_CR4_SMAP);

    print_cpu_summary(c);
}

void cpu_init_secondary(unsigned int cpu)
{
    struct cpuinfo_x86 c;

    identify_cpu(&c);

    /*
     * What the boot CPU enabled is global policy (smap_enabled, the size
     * of saved state), so an AP lacking any of it cannot be used.
     */
    if ( (cr4_features & ~wanted_cr4(&c)) ||
         ((efer_features & EFER_NXE) &&
          !cpu_has_feature(&c, X86_FEATURE_NX)) ||
         (c.xcr0 & boot_cpu_data.xcr0) != boot_cpu_data.xcr0 )
        panic("CPU%u lacks features that CPU0 enabled", cpu);

    apply_features(boot_cpu_data.xcr0);
}
