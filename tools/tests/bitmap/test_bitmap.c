/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for bit operations, bitmap helpers and cpumask wrappers. */
#include <stdlib.h>
#include <xen/bitmap.h>
#include <xen/cpumask.h>
#include "check.h"

/* A slow, obviously right model to compare against. */
static bool model_test(const unsigned long *m, unsigned int n)
{
    return (m[n / 64] >> (n % 64)) & 1;
}

static void test_single_bits(void)
{
    CASE("bitops: set/clear/change/test, atomic and not")
    {
        unsigned long m[3] = { 0 };
        unsigned int i;

        set_bit(0, m);
        set_bit(63, m);
        set_bit(64, m);
        __set_bit(130, m);
        CHECK_EQ(m[0], 0x8000000000000001UL);
        CHECK_EQ(m[1], 1);
        CHECK_EQ(m[2], 4);
        CHECK(test_bit(63, m) && test_bit(130, m) && !test_bit(129, m));
        clear_bit(63, m);
        __clear_bit(0, m);
        CHECK_EQ(m[0], 0);
        change_bit(5, m);
        __change_bit(6, m);
        CHECK_EQ(m[0], 0x60);
        for ( i = 0; i < 192; i++ )
            CHECK(test_bit(i, m) == model_test(m, i));
    }

    CASE("bitops: test_and_* return the old value")
    {
        unsigned long m[2] = { 0 };

        CHECK(!test_and_set_bit(70, m));
        CHECK(test_and_set_bit(70, m));
        CHECK(test_and_clear_bit(70, m));
        CHECK(!test_and_clear_bit(70, m));
        CHECK(!test_and_change_bit(3, m));
        CHECK(test_and_change_bit(3, m));
        CHECK(!__test_and_set_bit(100, m));
        CHECK(__test_and_set_bit(100, m));
        CHECK(__test_and_clear_bit(100, m));
        CHECK(!__test_and_clear_bit(100, m));
        CHECK_EQ(m[0] | m[1], 0);
    }

    CASE("bitops: ffs/fls/hweight")
    {
        CHECK_EQ(ffsl(0), 0);
        CHECK_EQ(flsl(0), 0);
        CHECK_EQ(ffsl(1), 1);
        CHECK_EQ(flsl(1UL << 63), 64);
        CHECK_EQ(__ffs(0x80), 7);
        CHECK_EQ(__fls(0x81), 7);
        CHECK_EQ(hweight64(0), 0);
        CHECK_EQ(hweight64(~0ULL), 64);
        CHECK_EQ(hweight64(0x8000000100000011ULL), 4);
    }
}

static void test_find(void)
{
    CASE("find_*_bit on empty, full and partial maps")
    {
        unsigned long m[3] = { 0 };

        CHECK_EQ(find_first_bit(m, 150), 150);
        CHECK_EQ(find_first_zero_bit(m, 150), 0);
        m[0] = m[1] = m[2] = ~0UL;
        CHECK_EQ(find_first_bit(m, 150), 0);
        CHECK_EQ(find_first_zero_bit(m, 150), 150);
        /* Set bits past size are not reported. */
        m[0] = m[1] = 0;
        m[2] = ~0UL << (150 - 128);
        CHECK_EQ(find_first_bit(m, 150), 150);
        CHECK_EQ(find_first_bit(m, 151), 150);
        CHECK_EQ(find_next_bit(m, 150, 150), 150);
        CHECK_EQ(find_next_bit(m, 150, 1000), 150);
        CHECK_EQ(find_first_bit(m, 0), 0);
    }

    CASE("find_next_bit/zero_bit agree with a model (random)")
    {
        unsigned long m[4];
        unsigned int round, n, off;

        srand(1);
        for ( round = 0; round < 2000; round++ )
        {
            unsigned long size = 1 + rand() % 256;

            for ( n = 0; n < 4; n++ )
                m[n] = ((unsigned long)rand() << 33) ^ rand() ^
                       ((unsigned long)rand() << 17);
            if ( round & 1 )
                m[rand() % 4] = 0;
            off = rand() % (size + 2);
            for ( n = off; n < size && !model_test(m, n); n++ )
                ;
            CHECK_EQ(find_next_bit(m, size, off), off >= size ? size : n);
            for ( n = off; n < size && model_test(m, n); n++ )
                ;
            CHECK_EQ(find_next_zero_bit(m, size, off), off >= size ? size : n);
        }
    }

    CASE("for_each_set_bit visits exactly the set bits")
    {
        unsigned long m[2] = { 0x8000000000000005UL, 0x3 };
        unsigned long b, seen[2] = { 0 };
        unsigned int count = 0;

        for_each_set_bit(b, m, 128)
        {
            __set_bit(b, seen);
            count++;
        }
        CHECK_EQ(count, 5);
        CHECK(bitmap_equal(seen, m, 128));
    }
}

static void test_bitmap_ops(void)
{
    CASE("bitmap fill/zero/weight/empty/full respect nbits")
    {
        unsigned long m[3];

        bitmap_fill(m, 130);
        CHECK_EQ(m[2], 3);
        CHECK_EQ(bitmap_weight(m, 130), 130);
        CHECK(bitmap_full(m, 130));
        CHECK(!bitmap_empty(m, 130));
        /* Garbage beyond nbits is ignored. */
        m[2] = ~0UL;
        CHECK_EQ(bitmap_weight(m, 130), 130);
        CHECK(bitmap_full(m, 130));
        __clear_bit(129, m);
        CHECK(!bitmap_full(m, 130));
        bitmap_zero(m, 130);
        CHECK(bitmap_empty(m, 130));
        CHECK_EQ(bitmap_weight(m, 130), 0);
        m[2] = 8;
        CHECK(bitmap_empty(m, 130));
        CHECK(bitmap_full(m, 0) && bitmap_empty(m, 0));
    }

    CASE("bitmap and/or/xor/andnot/complement/copy")
    {
        unsigned long a[2] = { 0xf0f0UL, 0x1UL }, b[2] = { 0xff00UL, 0x3UL };
        unsigned long d[2];

        bitmap_and(d, a, b, 70);
        CHECK(d[0] == 0xf000 && d[1] == 1);
        bitmap_or(d, a, b, 70);
        CHECK(d[0] == 0xfff0 && d[1] == 3);
        bitmap_xor(d, a, b, 70);
        CHECK(d[0] == 0x0ff0 && d[1] == 2);
        bitmap_andnot(d, a, b, 70);
        CHECK(d[0] == 0x00f0 && d[1] == 0);
        bitmap_complement(d, a, 70);
        CHECK(d[0] == ~0xf0f0UL && d[1] == 0x3e);
        bitmap_copy(d, b, 70);
        CHECK(bitmap_equal(d, b, 70));
        CHECK(bitmap_intersects(a, b, 70));
        CHECK(!bitmap_subset(a, b, 70));
        bitmap_and(d, a, b, 70);
        CHECK(bitmap_subset(d, a, 70) && bitmap_subset(d, b, 70));
        d[0] = 0;
        d[1] = 0;
        CHECK(!bitmap_intersects(a, d, 70));
    }
}

static void test_cpumask(void)
{
    CASE("cpumask set/clear/first/next/weight/for_each_cpu")
    {
        cpumask_t m, n;
        unsigned int cpu, seen = 0, sum = 0;

        cpumask_clear(&m);
        CHECK(cpumask_empty(&m));
        CHECK_EQ(cpumask_first(&m), NR_CPUS);
        cpumask_set_cpu(3, &m);
        cpumask_set_cpu(NR_CPUS - 1, &m);
        cpumask_set_cpu(17, &m);
        CHECK(cpumask_test_cpu(17, &m) && !cpumask_test_cpu(16, &m));
        CHECK_EQ(cpumask_weight(&m), 3);
        CHECK_EQ(cpumask_first(&m), 3);
        CHECK_EQ(cpumask_next(3, &m), 17);
        CHECK_EQ(cpumask_next(NR_CPUS - 1, &m), NR_CPUS);
        for_each_cpu(cpu, &m)
        {
            seen++;
            sum += cpu;
        }
        CHECK_EQ(seen, 3);
        CHECK_EQ(sum, 3 + 17 + NR_CPUS - 1);
        CHECK(cpumask_test_and_clear_cpu(17, &m));
        CHECK(!cpumask_test_and_set_cpu(18, &m));
        cpumask_setall(&n);
        CHECK_EQ(cpumask_weight(&n), NR_CPUS);
        cpumask_andnot(&n, &n, &m);
        CHECK_EQ(cpumask_weight(&n), NR_CPUS - 3);
        CHECK(!cpumask_intersects(&n, &m));
        cpumask_or(&n, &n, &m);
        cpumask_and(&m, &m, &n);
        cpumask_copy(&n, &m);
        CHECK(cpumask_equal(&n, &m));
        cpumask_clear_cpu(3, &n);
        CHECK(!cpumask_equal(&n, &m));
    }

    CASE("cpumask: online map for_each_online_cpu")
    {
        unsigned int cpu, count = 0;

        cpumask_clear(&cpu_online_map);
        cpumask_set_cpu(0, &cpu_online_map);
        cpumask_set_cpu(1, &cpu_online_map);
        for_each_online_cpu(cpu)
            count++;
        CHECK_EQ(count, 2);
    }
}

int main(void)
{
    test_single_bits();
    test_find();
    test_bitmap_ops();
    test_cpumask();
    return 0;
}
