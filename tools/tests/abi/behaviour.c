/* SPDX-License-Identifier: MIT */
/* Exercises the ABI's statement-like macros; run against ours and Xen's. */

/*
 * Built twice, once with our headers and once with Xen's reachable as
 * <xen/...>; the two outputs must be identical.  Each line starts with
 * the group it belongs to so that a difference can be named.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define __XEN_INTERFACE_VERSION__ 0x00040e00
#define XEN_NETIF_DEFINE_TOEPLITZ 1
#define xen_mb()  __sync_synchronize()
#define xen_rmb() __sync_synchronize()
#define xen_wmb() __sync_synchronize()

#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/ring.h>
#include <xen/io/blkif.h>
#include <xen/io/netif.h>
#include <xen/io/console.h>
#include <xen/io/xs_wire.h>
#include <xen/io/fbif.h>
#include <xen/io/kbdif.h>
#include <xen/arch-x86/xen.h>
#include <xen/hvm/pvdrivers.h>
#include <xen/errno.h>

struct t_req { uint32_t id; uint32_t pad[3]; };
struct t_rsp { uint32_t id; int32_t status; };
DEFINE_RING_TYPES(t, struct t_req, struct t_rsp);
DEFINE_XEN_FLEX_RING(tflex);

static union {
    struct t_sring s;
    unsigned char page[4096];
} shared;

static void ring_trace(void)
{
    struct t_front_ring f;
    struct t_back_ring b;
    unsigned int round, i;
    int notify, work;

    memset(&shared, 0xaa, sizeof(shared));
    SHARED_RING_INIT(&shared.s);
    FRONT_RING_INIT(&f, &shared.s, sizeof(shared.page));
    BACK_RING_INIT(&b, &shared.s, sizeof(shared.page));
    printf("ring init size %u free %u full %d ev %u %u pad %u %u\n",
           RING_SIZE(&f), RING_FREE_REQUESTS(&f), RING_FULL(&f),
           shared.s.req_event, shared.s.rsp_event,
           shared.s.pvt.pvt_pad[0], shared.s.__pad[43]);
    printf("ring const %lu %lu %lu %lu\n",
           (unsigned long)__CONST_RING_SIZE(t, 4096),
           (unsigned long)__CONST_RING_SIZE(blkif, 4096),
           (unsigned long)__CONST_RING_SIZE(netif_tx, 4096),
           (unsigned long)__CONST_RING_SIZE(netif_rx, 8192));

    for ( round = 0; round < 40; round++ )
    {
        unsigned int n = (round * 7) % 13 + 1;

        for ( i = 0; i < n && !RING_FULL(&f); i++ )
        {
            struct t_req *r = RING_GET_REQUEST(&f, f.req_prod_pvt);

            r->id = round * 100 + i;
            f.req_prod_pvt++;
        }
        RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f, notify);
        printf("ring r%u front pushed %u notify %d prod %u free %u\n",
               round, i, notify, shared.s.req_prod,
               RING_FREE_REQUESTS(&f));

        /* The backend consumes some, answers, maybe goes idle. */
        n = (round * 5) % 9 + 1;
        for ( i = 0; i < n && RING_HAS_UNCONSUMED_REQUESTS(&b); i++ )
        {
            struct t_req req;
            struct t_rsp *rsp;

            RING_COPY_REQUEST(&b, b.req_cons, &req);
            b.req_cons++;
            rsp = RING_GET_RESPONSE(&b, b.rsp_prod_pvt);
            rsp->id = req.id;
            rsp->status = (int32_t)(req.id % 3) - 1;
            b.rsp_prod_pvt++;
        }
        printf("ring r%u back took %u overflow %d %d\n", round, i,
               RING_REQUEST_CONS_OVERFLOW(&b, b.req_cons),
               RING_REQUEST_PROD_OVERFLOW(&b, shared.s.req_prod));
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&b, notify);
        RING_FINAL_CHECK_FOR_REQUESTS(&b, work);
        printf("ring r%u back notify %d work %d req_event %u\n", round,
               notify, work, shared.s.req_event);

        n = (round * 3) % 11;
        for ( i = 0; i < n && RING_HAS_UNCONSUMED_RESPONSES(&f); i++ )
        {
            struct t_rsp rsp;

            RING_COPY_RESPONSE(&f, f.rsp_cons, &rsp);
            f.rsp_cons++;
            printf("ring r%u rsp %u %d\n", round, rsp.id, rsp.status);
        }
        RING_FINAL_CHECK_FOR_RESPONSES(&f, work);
        printf("ring r%u front work %d rsp_event %u overflow %d\n", round,
               work, shared.s.rsp_event,
               RING_RESPONSE_PROD_OVERFLOW(&f, shared.s.rsp_prod));
    }

    /* Attach at a non-zero index, as after a reconnect. */
    FRONT_RING_ATTACH(&f, &shared.s, 5, sizeof(shared.page));
    BACK_RING_ATTACH(&b, &shared.s, 5, sizeof(shared.page));
    printf("ring attach %u %u %u %u\n", f.req_prod_pvt, f.rsp_cons,
           b.rsp_prod_pvt, b.req_cons);
}

static void flex_trace(void)
{
    unsigned char buf[64], in[40], out[40];
    RING_IDX prod = 0, cons = 0, size = sizeof(buf), i;
    unsigned int round;

    memset(buf, 0, sizeof(buf));
    for ( round = 0; round < 12; round++ )
    {
        size_t len = (round * 11) % 23 + 1;

        for ( i = 0; i < len; i++ )
            in[i] = (unsigned char)(round * 31 + i);
        tflex_write_packet(buf, in, len, &prod, cons, size);
        printf("flex w%u prod %u queued %u\n", round, prod,
               tflex_queued(prod, cons, size));
        memset(out, 0, sizeof(out));
        tflex_read_packet(out, buf, len, prod, &cons, size);
        printf("flex r%u cons %u same %d ptr %ld mask %u\n", round, cons,
               !memcmp(in, out, len),
               (long)(tflex_get_ring_ptr(buf, round * 9, size) - buf),
               tflex_mask(round * 17, size));
    }
    printf("flex size %lu %lu\n", (unsigned long)XEN_FLEX_RING_SIZE(0),
           (unsigned long)XEN_FLEX_RING_SIZE(3));
}

static void misc_trace(void)
{
    static const char *msgs[] = GNTTABOP_error_msgs;
    struct xencons_interface cons;
    struct xenstore_domain_interface xs;
    struct trap_info ti;
    struct mmuext_op op;
    xen_uuid_t u = XEN_DEFINE_UUID(0x12345678, 0x9abc, 0xdef0, 0x1357,
                                   1, 2, 3, 4, 5, 6);
    unsigned int i;
    int dummy;

    printf("misc gnttab messages %lu\n",
           (unsigned long)(sizeof(msgs) / sizeof(msgs[0])));
    printf("misc xsd_errors %lu\n",
           (unsigned long)(sizeof(xsd_errors) / sizeof(xsd_errors[0])));
    for ( i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++ )
        printf("misc xsd_error %u %d %s\n", i, xsd_errors[i].errnum,
               xsd_errors[i].errstring);
    printf("misc xs strings %s %s %s\n", XS_WRITE_NONE, XS_WRITE_CREATE,
           XS_WRITE_CREATE_EXCL);

    printf("misc uuid");
    for ( i = 0; i < 16; i++ )
        printf(" %02x", u.a[i]);
    printf("\n");

    memset(&ti, 0, sizeof(ti));
    TI_SET_DPL(&ti, 3);
    TI_SET_IF(&ti, 7);
    printf("misc trap_info %u %u %u\n", ti.flags, TI_GET_DPL(&ti),
           TI_GET_IF(&ti));

    set_xen_guest_handle(op.arg2.vcpumask, &dummy);
    printf("misc handle %d\n", op.arg2.vcpumask.p == (const void *)&dummy);

    printf("misc idx %u %u %u\n", (unsigned)MASK_XENCONS_IDX(5000, cons.out),
           (unsigned)MASK_XENCONS_IDX(5000, cons.in),
           (unsigned)MASK_XENSTORE_IDX(5000));
    (void)xs;
    printf("misc fb %ld %ld kbd %ld %ld\n",
           (long)((char *)&XENFB_IN_RING_REF(&cons, 30) - (char *)&cons),
           (long)((char *)&XENFB_OUT_RING_REF(&cons, 60) - (char *)&cons),
           (long)((char *)&XENKBD_IN_RING_REF(&cons, 55) - (char *)&cons),
           (long)((char *)&XENKBD_OUT_RING_REF(&cons, 28) - (char *)&cons));
    printf("misc cr3 %lx %lx\n", xen_pfn_to_cr3(0x12345UL),
           xen_cr3_to_pfn(0x12345678UL));
}

/* The X-macro lists: errno.h re-included with our own expansion. */
static void xmacro_trace(void)
{
#define EACH_(name, num) printf("xmacro pvdriver %s %#x\n", name, num);
    PVDRIVERS_PRODUCT_LIST(EACH_)
#undef EACH_
#define XEN_ERRNO(name, value) printf("xmacro errno %s %d\n", #name, value);
#include <xen/errno.h>
    printf("xmacro enum %d %d %d\n", XEN_EPERM, XEN_EAGAIN, XEN_ECONNREFUSED);
}

static void toeplitz_trace(void)
{
#ifdef XEN_NETIF_DEFINE_TOEPLITZ
    uint8_t key[40], data[36];
    unsigned int i, n;

    for ( i = 0; i < sizeof(key); i++ )
        key[i] = (uint8_t)(i * 37 + 11);
    for ( i = 0; i < sizeof(data); i++ )
        data[i] = (uint8_t)(i * 53 + 7);
    for ( n = 0; n <= sizeof(data); n += 4 )
        printf("toeplitz %u %08x %08x\n", n,
               xen_netif_toeplitz_hash(key, sizeof(key), data, n),
               xen_netif_toeplitz_hash(key, n % 9, data, n));
#endif
}

int main(void)
{
    ring_trace();
    flex_trace();
    misc_trace();
    xmacro_trace();
    toeplitz_trace();
    return 0;
}
