/* SPDX-License-Identifier: GPL-2.0-only */
/* xm's XML-RPC client for xend's legacy unix socket: requests, HTTP
 * answers and a bounded methodResponse parser (fuzzed by
 * tools/tests/xend/fuzz_xmrpc.c). */
#ifndef XM_RPC_H
#define XM_RPC_H

#include <stddef.h>

/* An answer bigger than this is not xend's (as xen/xm/rpc.py). */
#define RPC_MAX_REPLY (64UL * 1024 * 1024)
#define RPC_MAX_HEAD  65536
#define RPC_MAX_DEPTH 64

enum xv_kind {
    XV_NIL,
    XV_BOOL,
    XV_INT,
    XV_DOUBLE,
    XV_STRING,
    /* base64 and dateTime.iso8601: xm's commands never use them. */
    XV_OTHER,
    XV_ARRAY,
    XV_STRUCT,
};

/* A value of an answer; an array's or struct's values are its kids. */
struct xv {
    enum xv_kind kind;
    long long i;
    double d;
    const char *s;    /* XV_STRING's text (UTF-8, no NUL inside) */
    const char *name; /* a struct member's name */
    struct xv *kid, *next;
    size_t n; /* how many kids */
};

/* A parsed answer: its one value, and whether it was a <fault>. */
struct xv_doc {
    struct xv *value;
    int fault;
    struct xv *nodes;
    char *text;
};

/* What went wrong with a call, as xen/xm/main.py reports it. */
enum rpc_status {
    RPC_OK,
    RPC_OS,    /* errno: cannot connect, or the socket failed */
    RPC_PROTO, /* an HTTP or XML-RPC problem: code and msg */
    RPC_FAULT, /* xend's fault: code and msg (faultString) */
};

struct rpc_err {
    enum rpc_status status;
    int err;        /* RPC_OS */
    char code[24];  /* RPC_PROTO: the HTTP status as Python's int prints */
    int fault_is_3; /* faultCode == 3: no such domain */
    char msg[512];
};

/* A request's parameters. */
enum rpc_arg_kind {
    ARG_STR,
    ARG_INT,
    ARG_BOOL,
    ARG_ARRAY, /* kids[0..i): an SXP goes as nested arrays */
};

struct rpc_arg {
    enum rpc_arg_kind kind;
    const char *s;
    long long i;
    struct rpc_arg *kids;
};

/* Parses an XML-RPC methodResponse of len bytes (no NUL needed); 0, or
 * -1 with a message in err[errlen].  xv_doc_free frees what it made. */
int xv_parse(const char *buf, size_t len, struct xv_doc *doc, char *err,
             size_t errlen);
void xv_doc_free(struct xv_doc *doc);

/* Splits an HTTP answer's header block (up to and without the blank
 * line) as xen/xm/rpc.py does: 0 with the status (as text), the reason
 * and the Content-Length (-1 if none is usable), or -1 with e set. */
struct http_head {
    char code[24];
    int code_is_200;
    char reason[256];
    long long length;
};
int http_head_parse(const char *head, size_t len, struct http_head *h,
                    struct rpc_err *e);

/* Checks a complete HTTP answer (head, blank line, body) and parses its
 * XML-RPC body: RPC_OK with doc set, else e.  Shared by rpc_call and the
 * fuzz target. */
int rpc_answer(const char *buf, size_t len, struct xv_doc *doc,
               struct rpc_err *e);

/* The methodCall body of method(args), as wire.py's call() writes it:
 * malloc'd, NUL-terminated, its length in *len; NULL when out of memory. */
char *rpc_request(const char *method, const struct rpc_arg *args, int nargs,
                  size_t *len);

/* method(args) on the unix socket at path: 0 with doc set (free it with
 * xv_doc_free), or -1 with e set (faults included). */
int rpc_call(const char *path, const char *method, const struct rpc_arg *args,
             int nargs, struct xv_doc *doc, struct rpc_err *e);

#endif
