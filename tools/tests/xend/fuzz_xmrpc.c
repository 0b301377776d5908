/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: xm's reading of an HTTP answer and its XML-RPC body
 * (tools/xm/rpc.c), what a hostile or broken xend can send it. */
#include "rpc.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xv_doc doc;
    struct rpc_err e;
    char err[128];

    /* The whole answer: head, blank line, body. */
    if ( !rpc_answer((const char *)data, size, &doc, &e) )
        xv_doc_free(&doc);
    else if ( e.status == RPC_OK || !memchr(e.msg, '\0', sizeof(e.msg)) )
        __builtin_trap();
    /* The body alone, as if its head were fine. */
    if ( !xv_parse((const char *)data, size, &doc, err, sizeof(err)) )
        xv_doc_free(&doc);
    return 0;
}
