/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for kernel.c: every option kind, bad input, ordering, limits. */
#include <xen/errno.h>
#include <xen/param.h>
#include "check.h"

static bool opt_flag, opt_other = true;
static uint8_t opt_u8;
static int opt_int;
static unsigned long opt_ulong;
static int64_t opt_s64;
static unsigned long opt_size;
static uint32_t opt_size32;
static char opt_str[16];
static char opt_console[64];
static char custom_seen[64];
static unsigned int custom_calls;

static int parse_custom(const char *s)
{
    custom_calls++;
    snprintf(custom_seen, sizeof(custom_seen), "%s", s);
    return strcmp(s, "bad") ? 0 : -EINVAL;
}

/*
 * The hypervisor's table comes from the linker; here it is an array, and
 * __setup_end (used by cmdline_parse()) is defined just past its end.
 */
#define NR_PARAMS 12
const struct kernel_param __setup_start[NR_PARAMS] = {
    KPARAM_BOOL("flag", opt_flag),
    KPARAM_BOOL("other", opt_other),
    KPARAM_INT("u8", opt_u8),
    KPARAM_INT("int", opt_int),
    KPARAM_INT("ulong", opt_ulong),
    KPARAM_INT("s64", opt_s64),
    KPARAM_SIZE("size", opt_size),
    KPARAM_SIZE("size32", opt_size32),
    KPARAM_STR("str", opt_str),
    KPARAM_STR("console", opt_console),
    KPARAM_CUSTOM("custom", parse_custom),
    /* A second handler for the same name: both run. */
    KPARAM_INT("int", opt_ulong),
};
_Static_assert(sizeof(struct kernel_param) == 24, "table layout");
__asm__ ( ".globl __setup_end\n"
          ".set __setup_end, __setup_start + 24 * 12\n" );

/* The registration macros must compile where hypervisor code uses them. */
static bool opt_macro_bool;
boolean_param("macro-bool", opt_macro_bool);
static int opt_macro_int;
integer_param("macro-int", opt_macro_int);
static unsigned long opt_macro_size;
size_param("macro-size", opt_macro_size);
static char opt_macro_str[8];
string_param("macro-str", opt_macro_str);
custom_param("macro-custom", parse_custom);

static void reset(void)
{
    opt_flag = false;
    opt_other = true;
    opt_u8 = 0;
    opt_int = 0;
    opt_ulong = 0;
    opt_s64 = 0;
    opt_size = 0;
    opt_size32 = 0;
    opt_str[0] = '\0';
    opt_console[0] = '\0';
    custom_seen[0] = '\0';
    custom_calls = 0;
    harness_log_clear();
}

static int parse(const char *s)
{
    reset();
    return parse_params(s, __setup_start, __setup_start + NR_PARAMS);
}

static void test_booleans(void)
{
    CASE("bool: bare name sets, no- prefix clears")
    {
        CHECK_EQ(parse("flag no-other"), 0);
        CHECK(opt_flag && !opt_other);
        CHECK(!harness_log()[0]);
    }

    CASE("bool: every true and false word")
    {
        static const char *const t[] = { "1", "yes", "on", "true", "enable" };
        static const char *const f[] = { "0", "no", "off", "false",
                                          "disable" };
        unsigned int i;
        char buf[64];

        for ( i = 0; i < 5; i++ )
        {
            snprintf(buf, sizeof(buf), "flag=%s other=%s", t[i], f[i]);
            CHECK_EQ(parse(buf), 0);
            CHECK(opt_flag && !opt_other);
        }
    }

    CASE("bool: bad value reported and ignored")
    {
        CHECK(parse("flag=maybe") != 0);
        CHECK(!opt_flag);
        CHECK_LOG("parameter \"flag\" has invalid value \"maybe\"");
        CHECK(parse("no-flag=1 flag=") != 0);
        CHECK(!opt_flag);
    }
}

static void test_integers(void)
{
    CASE("int: decimal, hex, octal, negative")
    {
        CHECK_EQ(parse("int=-42 ulong=0x1F u8=010 s64=-9223372036854775808"),
                 0);
        /* The second "int" entry writes opt_ulong too; ulong= came later. */
        CHECK_EQ(opt_int, -42);
        CHECK_EQ(opt_ulong, 0x1f);
        CHECK_EQ(opt_u8, 8);
        CHECK(opt_s64 == INT64_MIN);
    }

    CASE("int: garbage, trailing junk, empty and missing values rejected")
    {
        CHECK(parse("int=abc") != 0);
        CHECK_LOG("parameter \"int\" has invalid value \"abc\"");
        CHECK_EQ(opt_int, 0);
        CHECK(parse("int=12abc") != 0);
        CHECK_EQ(opt_int, 0);
        CHECK(parse("int=") != 0);
        CHECK(parse("int") != 0);
        CHECK(parse("int=0x") != 0);
        CHECK(parse("int=-") != 0);
        CHECK_EQ(opt_int, 0);
    }

    CASE("int: out of range for the variable is rejected")
    {
        CHECK(parse("u8=256") != 0);
        CHECK_EQ(opt_u8, 0);
        CHECK_EQ(parse("u8=255"), 0);
        CHECK_EQ(opt_u8, 255);
        CHECK(parse("ulong=18446744073709551616") != 0);
        CHECK_EQ(parse("ulong=18446744073709551615"), 0);
        CHECK(opt_ulong == ~0UL);
        CHECK(parse("s64=-9223372036854775809") != 0);
        CHECK(opt_s64 == 0);
        CHECK(parse("u8=-129") != 0);
    }
}

static void test_sizes(void)
{
    CASE("size: suffixes T/G/M/K/B, default KiB")
    {
        CHECK_EQ(parse("size=2G size32=3m"), 0);
        CHECK_EQ(opt_size, 2UL << 30);
        CHECK_EQ(opt_size32, 3U << 20);
        CHECK_EQ(parse("size=1t"), 0);
        CHECK_EQ(opt_size, 1UL << 40);
        CHECK_EQ(parse("size=512"), 0);
        CHECK_EQ(opt_size, 512UL << 10);
        CHECK_EQ(parse("size=100B"), 0);
        CHECK_EQ(opt_size, 100);
        CHECK_EQ(parse("size=0x10k"), 0);
        CHECK_EQ(opt_size, 16UL << 10);
    }

    CASE("size: bad suffix, garbage and overflow rejected")
    {
        CHECK(parse("size=12X") != 0);
        CHECK_LOG("parameter \"size\" has invalid value \"12X\"");
        CHECK(parse("size=12MB") != 0);
        CHECK(parse("size=G") != 0);
        CHECK(parse("size=99999999999T") != 0);
        CHECK(parse("size32=4G") != 0);
        CHECK_EQ(opt_size, 0);
        CHECK_EQ(opt_size32, 0);
    }

    CASE("size: parse_size_and_unit and parse_bool helpers")
    {
        const char *end, *s = "4M,rest";

        CHECK_EQ(parse_size_and_unit(s, &end), 4UL << 20);
        CHECK(end == s + 2);
        CHECK_EQ(parse_size_and_unit("x", &end), 0);
        CHECK(*end == 'x');
        CHECK_EQ(parse_bool("on,off", NULL), -1);
        s = "on,off";
        CHECK_EQ(parse_bool(s, s + 2), 1);
        CHECK_EQ(parse_bool(s + 3, NULL), 0);
    }
}

static void test_strings(void)
{
    CASE("string: copied, quotes allow spaces, empty allowed")
    {
        CHECK_EQ(parse("str=hello console=com1,vga"), 0);
        CHECK_STR(opt_str, "hello");
        CHECK_STR(opt_console, "com1,vga");
        CHECK_EQ(parse("console=\"a b  c\" str="), 0);
        CHECK_STR(opt_console, "a b  c");
        CHECK_STR(opt_str, "");
    }

    CASE("string: overlong value truncated safely and reported")
    {
        CHECK(parse("str=0123456789abcdefghij") != 0);
        CHECK_STR(opt_str, "0123456789abcde");
        CHECK_LOG("parameter \"str\" has invalid value");
    }

    CASE("string: overlong word truncated to the parse buffer")
    {
        static char line[3000];

        memset(line, 'x', sizeof(line) - 1);
        memcpy(line, "console=", 8);
        CHECK(parse(line) != 0);
        CHECK_EQ(strlen(opt_console), sizeof(opt_console) - 1);
        CHECK_LOG("too long");
        /* Words after an overlong one are still seen. */
        memcpy(line + 2000, " flag ", 6);
        CHECK(parse(line) != 0);
        CHECK(opt_flag);
    }
}

static void test_custom_and_misc(void)
{
    CASE("custom: called with the value, error reported")
    {
        CHECK_EQ(parse("custom=x,y"), 0);
        CHECK_STR(custom_seen, "x,y");
        CHECK(parse("custom=bad") != 0);
        CHECK_LOG("parameter \"custom\" has invalid value \"bad\", rc=-22!");
        CHECK_EQ(parse("custom"), 0);
        CHECK_STR(custom_seen, "");
    }

    CASE("unknown options reported and ignored, others applied")
    {
        CHECK(parse("bogus=1 flag no-such") != 0);
        CHECK_LOG("parameter \"bogus\" unknown!");
        CHECK_LOG("parameter \"no-such\" unknown!");
        CHECK(opt_flag);
        /* no- only applies to booleans. */
        CHECK(parse("no-int") != 0);
        CHECK_LOG("parameter \"no-int\" unknown!");
    }

    CASE("later options win; whitespace of all kinds separates")
    {
        CHECK_EQ(parse("  int=1\tint=2 \n flag no-flag  str=a str=b  "), 0);
        CHECK_EQ(opt_int, 2);
        CHECK(!opt_flag);
        CHECK_STR(opt_str, "b");
        CHECK_EQ(parse(""), 0);
        CHECK_EQ(parse("   "), 0);
        CHECK_EQ(parse_params(NULL, __setup_start, __setup_start), 0);
    }

    CASE("cmdline_parse saves the raw line and uses the linked table")
    {
        static char line[2000];

        reset();
        cmdline_parse("flag int=7 console=\"x y\"");
        CHECK_STR(saved_cmdline, "flag int=7 console=\"x y\"");
        CHECK(opt_flag && opt_int == 7);
        CHECK_STR(opt_console, "x y");
        memset(line, 'a', sizeof(line) - 1);
        cmdline_parse(line);
        CHECK_EQ(strlen(saved_cmdline), CMDLINE_SIZE - 1);
        cmdline_parse(NULL);
        CHECK_EQ(strlen(saved_cmdline), CMDLINE_SIZE - 1);
    }
}

int main(void)
{
    test_booleans();
    test_integers();
    test_sizes();
    test_strings();
    test_custom_and_misc();
    return 0;
}
