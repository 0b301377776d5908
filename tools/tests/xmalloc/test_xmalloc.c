/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for xmalloc.c: size classes, alignment, large blocks, misuse. */
#include <stdlib.h>
#include <sys/mman.h>
#include <xen/mm.h>
#include <xen/xmalloc.h>
#include "check.h"

#define NR_FRAMES 8192UL

static unsigned long initial_free;

static void setup(void)
{
    host_directmap = mmap(NULL, NR_FRAMES << PAGE_SHIFT,
                          PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    frame_table = calloc(NR_FRAMES, sizeof(*frame_table));
    max_page = NR_FRAMES;
    init_heap_pages(_mfn(16), NR_FRAMES - 16);
    initial_free = total_free_pages();
}

struct odd {
    char c;
    uint64_t x;
    char tail[3];
};

struct big_aligned {
    char buf[100];
} __attribute__((aligned(256)));

static void test_basic(void)
{
    CASE("small sizes: distinct, aligned, writable, not page-aligned")
    {
        void *p[64];
        size_t i;

        for ( i = 0; i < 64; i++ )
        {
            size_t size = 1 + i * 16;

            p[i] = xmalloc_bytes(size);
            CHECK(p[i] != NULL);
            CHECK(!((unsigned long)p[i] & 7));
            CHECK((unsigned long)p[i] & ~PAGE_MASK);
            memset(p[i], (int)i, size);
        }
        for ( i = 0; i < 64; i++ )
        {
            size_t j, size = 1 + i * 16;

            for ( j = 0; j < size; j++ )
                CHECK(((unsigned char *)p[i])[j] == i);
            xfree(p[i]);
        }
        CHECK_EQ(total_free_pages(), initial_free);
    }

    CASE("typed macros honour the type's alignment")
    {
        struct odd *o = xmalloc(struct odd);
        struct big_aligned *b = xzalloc(struct big_aligned);
        uint64_t *arr = xmalloc_array(uint64_t, 100);
        size_t i;
        bool zero = true;

        CHECK(o && !((unsigned long)o % __alignof__(struct odd)));
        CHECK(b && !((unsigned long)b % 256));
        for ( i = 0; i < sizeof(b->buf); i++ )
            zero &= !b->buf[i];
        CHECK(zero);
        CHECK(arr && !((unsigned long)arr & 7));
        for ( i = 0; i < 100; i++ )
            arr[i] = i;
        xfree(o);
        xfree(b);
        xfree(arr);
        CHECK_EQ(total_free_pages(), initial_free);
    }

    CASE("xzalloc/xzalloc_array return zeroed memory after reuse")
    {
        unsigned char *p = xmalloc_bytes(200), *q;
        unsigned int *a;
        size_t i;
        bool zero = true;

        memset(p, 0xff, 200);
        xfree(p);
        q = xzalloc_bytes(200);
        for ( i = 0; i < 200; i++ )
            zero &= !q[i];
        a = xzalloc_array(unsigned int, 3000);
        for ( i = 0; i < 3000; i++ )
            zero &= !a[i];
        CHECK(zero);
        xfree(q);
        xfree(a);
        CHECK_EQ(total_free_pages(), initial_free);
    }

    CASE("large blocks come from whole pages and go back")
    {
        void *p = xmalloc_bytes(5000);
        void *q = _xmalloc(100, 8192);
        void *r = xmalloc_bytes(PAGE_SIZE);

        CHECK(p && !((unsigned long)p & ~PAGE_MASK));
        CHECK(q && !((unsigned long)q & 8191));
        CHECK(r && !((unsigned long)r & ~PAGE_MASK));
        CHECK_EQ(total_free_pages(), initial_free - 2 - 2 - 1);
        memset(p, 1, 5000);
        xfree(p);
        xfree(q);
        xfree(r);
        CHECK_EQ(total_free_pages(), initial_free);
    }

    CASE("zero size, NULL, bad alignment, overflow")
    {
        CHECK(xmalloc_bytes(0) == ZERO_BLOCK_PTR);
        CHECK(xmalloc_array(uint32_t, 0) == ZERO_BLOCK_PTR);
        xfree(ZERO_BLOCK_PTR);
        xfree(NULL);
        CHECK(_xmalloc(16, 3) == NULL);
        CHECK(_xmalloc(16, 0) == NULL);
        CHECK(xmalloc_array(uint64_t, SIZE_MAX / 4) == NULL);
        CHECK(xzalloc_array(uint64_t, (SIZE_MAX / 8) + 2) == NULL);
        CHECK(xmalloc_bytes(SIZE_MAX) == NULL);
        CHECK(xmalloc_bytes(NR_FRAMES << PAGE_SHIFT) == NULL);
        CHECK_EQ(total_free_pages(), initial_free);
    }
}

static void test_misuse(void)
{
    CASE("double free of a small object panics")
    {
        void *p = xmalloc_bytes(24), *keep = xmalloc_bytes(24);

        xfree(p);
        CHECK(EXPECT_PANIC(xfree(p)));
        CHECK(strstr(harness_panic_msg, "double free") != NULL);
        xfree(keep);
        CHECK_EQ(total_free_pages(), initial_free);
    }

    CASE("double free of a large block panics")
    {
        void *p = xmalloc_bytes(3 * PAGE_SIZE);

        xfree(p);
        CHECK(EXPECT_PANIC(xfree(p)));
        CHECK_EQ(total_free_pages(), initial_free);
    }

    CASE("xfree of a pointer xmalloc never returned panics")
    {
        char *p = xmalloc_bytes(64), *big = xmalloc_bytes(2 * PAGE_SIZE);

        CHECK(EXPECT_PANIC(xfree(p + 8)));
        CHECK(EXPECT_PANIC(xfree(big + PAGE_SIZE)));
        CHECK(EXPECT_PANIC(
                  xfree((char *)p - ((unsigned long)p & ~PAGE_MASK))));
        xfree(p);
        xfree(big);
        CHECK_EQ(total_free_pages(), initial_free);
    }
}

static void test_stress(void)
{
    CASE("stress: random sizes, contents survive, everything returns")
    {
        enum { SLOTS = 1000 };
        static struct {
            unsigned char *p;
            size_t n;
            unsigned char v;
        } s[SLOTS];
        unsigned int iter, k;
        size_t i;

        srand(4242);
        for ( iter = 0; iter < 60000; iter++ )
        {
            k = rand() % SLOTS;
            if ( s[k].p )
            {
                for ( i = 0; i < s[k].n; i++ )
                    if ( s[k].p[i] != s[k].v )
                        break;
                CHECK(i == s[k].n);
                xfree(s[k].p);
                s[k].p = NULL;
                continue;
            }
            s[k].n = rand() % 8 ? 1 + rand() % 1024 : 1 + rand() % 20000;
            s[k].v = rand();
            s[k].p = xmalloc_bytes(s[k].n);
            CHECK(s[k].p != NULL);
            if ( s[k].p )
                memset(s[k].p, s[k].v, s[k].n);
        }
        for ( k = 0; k < SLOTS; k++ )
            xfree(s[k].p);
        CHECK_EQ(total_free_pages(), initial_free);
    }

    CASE("exhaustion: xmalloc returns NULL, then recovers")
    {
        void **list = NULL;
        void **p;
        unsigned long n = 0;

        while ( (p = xmalloc_bytes(1000)) != NULL )
        {
            *p = list;
            list = p;
            n++;
        }
        CHECK(n > 3 * (initial_free - 1));
        CHECK(xmalloc_bytes(16) == NULL || total_free_pages() == 0);
        while ( list )
        {
            p = *list;
            xfree(list);
            list = p;
        }
        CHECK_EQ(total_free_pages(), initial_free);
    }
}

int main(void)
{
    setup();
    test_basic();
    test_misuse();
    test_stress();
    return 0;
}
