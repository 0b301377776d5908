/* SPDX-License-Identifier: GPL-2.0-only */
/* Sets of CPUs, as fixed-size bitmaps over NR_CPUS. */
#ifndef XEN_CPUMASK_H
#define XEN_CPUMASK_H

#include <xen/bitmap.h>

typedef struct cpumask {
    DECLARE_BITMAP(bits, NR_CPUS);
} cpumask_t;

#define nr_cpumask_bits NR_CPUS

/* Maintained by the SMP boot code. */
extern cpumask_t cpu_online_map;
extern cpumask_t cpu_present_map;

static inline void cpumask_set_cpu(unsigned int cpu, cpumask_t *m)
{
    set_bit(cpu, m->bits);
}

static inline void cpumask_clear_cpu(unsigned int cpu, cpumask_t *m)
{
    clear_bit(cpu, m->bits);
}

static inline bool cpumask_test_cpu(unsigned int cpu, const cpumask_t *m)
{
    return test_bit(cpu, m->bits);
}

static inline bool cpumask_test_and_set_cpu(unsigned int cpu, cpumask_t *m)
{
    return test_and_set_bit(cpu, m->bits);
}

static inline bool cpumask_test_and_clear_cpu(unsigned int cpu, cpumask_t *m)
{
    return test_and_clear_bit(cpu, m->bits);
}

static inline void cpumask_clear(cpumask_t *m)
{
    bitmap_zero(m->bits, nr_cpumask_bits);
}

static inline void cpumask_setall(cpumask_t *m)
{
    bitmap_fill(m->bits, nr_cpumask_bits);
}

static inline void cpumask_copy(cpumask_t *dst, const cpumask_t *src)
{
    bitmap_copy(dst->bits, src->bits, nr_cpumask_bits);
}

static inline void cpumask_and(cpumask_t *dst, const cpumask_t *a,
                               const cpumask_t *b)
{
    bitmap_and(dst->bits, a->bits, b->bits, nr_cpumask_bits);
}

static inline void cpumask_or(cpumask_t *dst, const cpumask_t *a,
                              const cpumask_t *b)
{
    bitmap_or(dst->bits, a->bits, b->bits, nr_cpumask_bits);
}

static inline void cpumask_andnot(cpumask_t *dst, const cpumask_t *a,
                                  const cpumask_t *b)
{
    bitmap_andnot(dst->bits, a->bits, b->bits, nr_cpumask_bits);
}

static inline bool cpumask_equal(const cpumask_t *a, const cpumask_t *b)
{
    return bitmap_equal(a->bits, b->bits, nr_cpumask_bits);
}

static inline bool cpumask_intersects(const cpumask_t *a, const cpumask_t *b)
{
    return bitmap_intersects(a->bits, b->bits, nr_cpumask_bits);
}

static inline bool cpumask_empty(const cpumask_t *m)
{
    return bitmap_empty(m->bits, nr_cpumask_bits);
}

static inline unsigned int cpumask_weight(const cpumask_t *m)
{
    return bitmap_weight(m->bits, nr_cpumask_bits);
}

/* These return nr_cpumask_bits when there is no such CPU. */
static inline unsigned int cpumask_first(const cpumask_t *m)
{
    return find_first_bit(m->bits, nr_cpumask_bits);
}

static inline unsigned int cpumask_next(int n, const cpumask_t *m)
{
    return find_next_bit(m->bits, nr_cpumask_bits, n + 1);
}

#define for_each_cpu(cpu, mask)                                               \
    for ( (cpu) = cpumask_first(mask); (cpu) < nr_cpumask_bits;               \
          (cpu) = cpumask_next(cpu, mask) )

#define for_each_online_cpu(cpu)  for_each_cpu(cpu, &cpu_online_map)
#define for_each_present_cpu(cpu) for_each_cpu(cpu, &cpu_present_map)

#endif /* XEN_CPUMASK_H */
