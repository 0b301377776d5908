/* SPDX-License-Identifier: GPL-2.0-only */
/* The XenAPI client: requests written as text, replies read with libxml2
 * under the 1.0 wire rules (ints as strings or <int>, the two-member
 * {Status, Value|ErrorDescription} envelope, Status first). */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "xenapi.h"

struct buf {
    char *p;
    size_t len, cap;
    bool oom;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if ( b->oom )
        return;
    if ( b->len + n + 1 > b->cap )
    {
        size_t cap = (b->cap ? b->cap * 2 : 512) + n;
        char *p = realloc(b->p, cap);

        if ( !p )
        {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void put_escaped(struct buf *b, const char *s)
{
    for ( ; *s; s++ )
    {
        switch ( *s )
        {
        case '<': puts_(b, "&lt;"); break;
        case '>': puts_(b, "&gt;"); break;
        case '&': puts_(b, "&amp;"); break;
        default: put(b, s, 1); break;
        }
    }
}

static void put_string(struct buf *b, const char *s)
{
    puts_(b, "<value><string>");
    put_escaped(b, s ? s : "");
    puts_(b, "</string></value>");
}

static void set_error(xenapi_session *s, const char *msg)
{
    xenapi_strings_free(&s->error);
    s->error.items = calloc(1, sizeof(char *));
    if ( s->error.items && (s->error.items[0] = strdup(msg)) )
        s->error.n = 1;
}

/* Parameter kinds for call(): 's' string, 'i' int64 (sent as a string,
 * as libxen did), 'b' bool, 'm' a NULL-ended key, value, ... list as a
 * struct. */
static char *request(const char *method, const char *session,
                     const char *kinds, va_list ap)
{
    struct buf b = { 0 };
    char num[32];

    puts_(&b, "<?xml version='1.0'?>\n<methodCall><methodName>");
    put_escaped(&b, method);
    puts_(&b, "</methodName><params>");
    if ( session )
    {
        puts_(&b, "<param>");
        put_string(&b, session);
        puts_(&b, "</param>");
    }
    for ( ; *kinds; kinds++ )
    {
        puts_(&b, "<param>");
        switch ( *kinds )
        {
        case 's':
            put_string(&b, va_arg(ap, const char *));
            break;
        case 'i':
            snprintf(num, sizeof(num), "%" PRId64, va_arg(ap, int64_t));
            put_string(&b, num);
            break;
        case 'b':
            puts_(&b, va_arg(ap, int) ? "<value><boolean>1</boolean></value>"
                                      : "<value><boolean>0</boolean></value>");
            break;
        case 'm':
        {
            const char *const *kv = va_arg(ap, const char *const *);

            puts_(&b, "<value><struct>");
            for ( ; kv[0]; kv += 2 )
            {
                puts_(&b, "<member><name>");
                put_escaped(&b, kv[0]);
                puts_(&b, "</name>");
                put_string(&b, kv[1]);
                puts_(&b, "</member>");
            }
            puts_(&b, "</struct></value>");
            break;
        }
        }
        puts_(&b, "</param>");
    }
    puts_(&b, "</params></methodCall>\n");
    if ( b.oom )
    {
        free(b.p);
        return NULL;
    }
    return b.p;
}

static bool is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE &&
           !strcmp((const char *)n->name, name);
}

static xmlNode *first_element(xmlNode *n)
{
    for ( ; n; n = n->next )
        if ( n->type == XML_ELEMENT_NODE )
            return n;
    return NULL;
}

static xmlNode *next_element(xmlNode *n)
{
    return n ? first_element(n->next) : NULL;
}

/* The text of a <value>: <string>, a bare text, or any single child
 * element such as <int> (libxen's lenient reading). */
static char *value_text(xmlNode *value)
{
    xmlNode *c = first_element(value ? value->children : NULL);
    xmlChar *t = xmlNodeGetContent(c ? c : value);
    char *out;

    if ( !t )
        return strdup("");
    out = strdup((const char *)t);
    xmlFree(t);
    return out;
}

static xmlNode *member(xmlNode *value, const char *name)
{
    xmlNode *st = first_element(value ? value->children : NULL);
    xmlNode *m;

    if ( !is(st, "struct") )
        return NULL;
    for ( m = first_element(st->children); m; m = next_element(m) )
    {
        xmlNode *n = first_element(m->children);
        xmlChar *t;
        bool match;

        if ( !is(m, "member") || !is(n, "name") )
            continue;
        t = xmlNodeGetContent(n);
        match = t && !strcmp((const char *)t, name);
        xmlFree(t);
        if ( match )
        {
            xmlNode *v = next_element(n);

            return is(v, "value") ? v : NULL;
        }
    }
    return NULL;
}

static int strings_of(xmlNode *value, xenapi_strings *out)
{
    xmlNode *arr = first_element(value ? value->children : NULL);
    xmlNode *data = first_element(arr ? arr->children : NULL);
    xmlNode *v;
    size_t n = 0;

    out->items = NULL;
    out->n = 0;
    if ( !is(arr, "array") || !is(data, "data") )
        return -1;
    for ( v = first_element(data->children); v; v = next_element(v) )
        n++;
    out->items = calloc(n ? n : 1, sizeof(char *));
    if ( !out->items )
        return -1;
    for ( v = first_element(data->children); v; v = next_element(v) )
        if ( !(out->items[out->n++] = value_text(v)) )
            return -1;
    return 0;
}

/* One call: 0 with *doc and *value (the Value) set, or -1. */
static int vcall(xenapi_session *s, const char *method, bool with_session,
                 xmlDoc **doc, xmlNode **value, const char *kinds,
                 va_list ap)
{
    char *req = request(method, with_session ? s->ref : NULL, kinds, ap);
    char *reply = NULL;
    size_t reply_len = 0;
    xmlNode *root, *params, *param, *v, *status, *st;
    char *text;

    *doc = NULL;
    if ( !req )
    {
        set_error(s, "out of memory");
        return -1;
    }
    if ( s->send(req, strlen(req), s->user, &reply, &reply_len) )
    {
        free(req);
        set_error(s, "transport failed");
        return -1;
    }
    free(req);
    *doc = xmlReadMemory(reply, reply_len, "reply.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    free(reply);
    root = *doc ? xmlDocGetRootElement(*doc) : NULL;
    params = first_element(root ? root->children : NULL);
    param = first_element(params ? params->children : NULL);
    v = first_element(param ? param->children : NULL);
    if ( !is(root, "methodResponse") || !is(params, "params") ||
         !is(param, "param") || !is(v, "value") )
    {
        set_error(s, is(params, "fault") ? "XML-RPC fault"
                                         : "malformed reply");
        return -1;
    }
    /* Exactly two members, Status first. */
    st = first_element(v->children);
    status = first_element(st ? st->children : NULL);
    if ( !is(st, "struct") || !status || !next_element(status) ||
         next_element(next_element(status)) || !member(v, "Status") ||
         first_element(status->children) == NULL )
    {
        set_error(s, "malformed envelope");
        return -1;
    }
    text = value_text(member(v, "Status"));
    if ( text && !strcmp(text, "Success") && member(v, "Value") )
    {
        free(text);
        *value = member(v, "Value");
        xenapi_strings_free(&s->error);
        return 0;
    }
    free(text);
    xenapi_strings_free(&s->error);
    if ( strings_of(member(v, "ErrorDescription"), &s->error) ||
         !s->error.n )
        set_error(s, "malformed failure");
    return -1;
}

static int call(xenapi_session *s, const char *method, xmlDoc **doc,
                xmlNode **value, const char *kinds, ...)
{
    va_list ap;
    int rc;

    va_start(ap, kinds);
    rc = vcall(s, method, true, doc, value, kinds, ap);
    va_end(ap);
    return rc;
}

/* A call whose Value is a string (a ref) or void. */
static int call_text(xenapi_session *s, const char *method, char **out,
                     const char *kinds, ...)
{
    xmlDoc *doc;
    xmlNode *value;
    va_list ap;
    int rc;

    va_start(ap, kinds);
    rc = vcall(s, method, true, &doc, &value, kinds, ap);
    va_end(ap);
    if ( !rc && out && !(*out = value_text(value)) )
        rc = -1;
    xmlFreeDoc(doc);
    return rc;
}

xenapi_session *xenapi_login(xenapi_transport *send, void *user,
                             const char *uname, const char *password)
{
    xenapi_session *s = calloc(1, sizeof(*s));
    xmlDoc *doc;
    xmlNode *value;

    if ( !s )
        return NULL;
    s->send = send;
    s->user = user;
    if ( !call(s, "session.login_with_password", &doc, &value, "ss", uname,
               password) )
        s->ref = value_text(value);
    xmlFreeDoc(doc);
    return s;
}

static int with_login(xenapi_session *s, xmlDoc **doc, xmlNode **value,
                      const char *method, const char *kinds, ...)
{
    va_list ap;
    int rc;

    va_start(ap, kinds);
    rc = vcall(s, method, false, doc, value, kinds, ap);
    va_end(ap);
    return rc;
}

int xenapi_logout(xenapi_session *s)
{
    xmlDoc *doc;
    xmlNode *value;
    int rc = with_login(s, &doc, &value, "session.logout", "s", s->ref);

    xmlFreeDoc(doc);
    free(s->ref);
    s->ref = NULL;
    return rc;
}

void xenapi_strings_free(xenapi_strings *l)
{
    size_t i;

    for ( i = 0; i < l->n; i++ )
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void xenapi_session_free(xenapi_session *s)
{
    if ( !s )
        return;
    free(s->ref);
    xenapi_strings_free(&s->error);
    free(s);
}

static char *field_s(xmlNode *rec, const char *name)
{
    return value_text(member(rec, name));
}

static int64_t field_i(xmlNode *rec, const char *name)
{
    char *t = value_text(member(rec, name));
    int64_t v = t ? strtoll(t, NULL, 10) : 0;

    free(t);
    return v;
}

static bool field_b(xmlNode *rec, const char *name)
{
    xmlNode *v = member(rec, name);
    xmlNode *c = first_element(v ? v->children : NULL);
    char *t;
    bool on;

    /* Bools must come as <boolean>, as libxen wanted. */
    if ( !is(c, "boolean") )
        return false;
    t = value_text(v);
    on = t && !strcmp(t, "1");
    free(t);
    return on;
}

/* A record type: which wire fields land where in its struct. */
struct field {
    const char *name;
    char kind;          /* s string, i int64, b bool, l set of strings */
    size_t offset;
};

#define F(type, kind, name) { #name, kind, offsetof(type, name) }

static const struct field vm_fields[] = {
    F(xenapi_vm_record, 's', uuid), F(xenapi_vm_record, 's', name_label),
    F(xenapi_vm_record, 's', power_state),
    F(xenapi_vm_record, 's', PV_kernel), F(xenapi_vm_record, 's', PV_args),
    F(xenapi_vm_record, 'i', memory_static_max),
    F(xenapi_vm_record, 'i', memory_dynamic_max),
    F(xenapi_vm_record, 'i', VCPUs_max), F(xenapi_vm_record, 'i', domid),
    F(xenapi_vm_record, 'b', is_control_domain),
    F(xenapi_vm_record, 'l', VBDs), F(xenapi_vm_record, 'l', VIFs),
    { NULL, 0, 0 },
};

static const struct field host_fields[] = {
    F(xenapi_host_record, 's', uuid), F(xenapi_host_record, 's', name_label),
    F(xenapi_host_record, 's', sched_policy),
    F(xenapi_host_record, 'i', API_version_major),
    F(xenapi_host_record, 'i', API_version_minor),
    { NULL, 0, 0 },
};

static const struct field vbd_fields[] = {
    F(xenapi_vbd_record, 's', uuid), F(xenapi_vbd_record, 's', VM),
    F(xenapi_vbd_record, 's', VDI), F(xenapi_vbd_record, 's', device),
    F(xenapi_vbd_record, 's', mode), F(xenapi_vbd_record, 's', type),
    F(xenapi_vbd_record, 'b', bootable),
    F(xenapi_vbd_record, 'b', currently_attached),
    { NULL, 0, 0 },
};

static const struct field vif_fields[] = {
    F(xenapi_vif_record, 's', uuid), F(xenapi_vif_record, 's', VM),
    F(xenapi_vif_record, 's', network), F(xenapi_vif_record, 's', device),
    F(xenapi_vif_record, 's', MAC), F(xenapi_vif_record, 'i', MTU),
    F(xenapi_vif_record, 'b', currently_attached),
    { NULL, 0, 0 },
};

static void free_record(const struct field *f, void *rec)
{
    for ( ; f->name; f++ )
    {
        char *p = (char *)rec + f->offset;

        if ( f->kind == 's' )
            free(*(char **)p);
        else if ( f->kind == 'l' )
            xenapi_strings_free((xenapi_strings *)p);
    }
}

/* A record's struct value v into rec, as its field table says. */
static void fill_record(xmlNode *v, const struct field *f, void *rec)
{
    for ( ; f->name; f++ )
    {
        char *p = (char *)rec + f->offset;

        switch ( f->kind )
        {
        case 's': *(char **)p = field_s(v, f->name); break;
        case 'i': *(int64_t *)p = field_i(v, f->name); break;
        case 'b': *(bool *)p = field_b(v, f->name); break;
        case 'l': strings_of(member(v, f->name), (xenapi_strings *)p); break;
        }
    }
}

/* <Class>.get_record into rec. */
static int get_record(xenapi_session *s, const char *method, const char *ref,
                      const struct field *f, void *rec, size_t size)
{
    xmlDoc *doc;
    xmlNode *v;

    memset(rec, 0, size);
    if ( call(s, method, &doc, &v, "s", ref) )
    {
        xmlFreeDoc(doc);
        return -1;
    }
    fill_record(v, f, rec);
    xmlFreeDoc(doc);
    return 0;
}

int xenapi_session_get_this_host(xenapi_session *s, char **host)
{
    return call_text(s, "session.get_this_host", host, "s", s->ref);
}

int xenapi_host_get_record(xenapi_session *s, const char *host,
                           xenapi_host_record *r)
{
    return get_record(s, "host.get_record", host, host_fields, r, sizeof(*r));
}

static int refs(xenapi_session *s, const char *method, xenapi_strings *out,
                const char *kinds, const char *arg)
{
    xmlDoc *doc;
    xmlNode *v;
    int rc = call(s, method, &doc, &v, kinds, arg);

    if ( !rc && strings_of(v, out) )
    {
        set_error(s, "malformed set");
        rc = -1;
    }
    xmlFreeDoc(doc);
    return rc;
}

int xenapi_vm_get_all(xenapi_session *s, xenapi_strings *vms)
{
    return refs(s, "VM.get_all", vms, "", NULL);
}

int xenapi_vm_get_by_name_label(xenapi_session *s, const char *label,
                                xenapi_strings *vms)
{
    return refs(s, "VM.get_by_name_label", vms, "s", label);
}

int xenapi_vm_get_record(xenapi_session *s, const char *vm,
                         xenapi_vm_record *r)
{
    return get_record(s, "VM.get_record", vm, vm_fields, r, sizeof(*r));
}

int xenapi_vm_get_all_records(xenapi_session *s, xenapi_vm_records *out)
{
    xmlDoc *doc;
    xmlNode *v, *st, *m;
    size_t n = 0;

    out->refs = NULL;
    out->recs = NULL;
    out->n = 0;
    if ( call(s, "VM.get_all_records", &doc, &v, "") )
    {
        xmlFreeDoc(doc);
        return -1;
    }
    /* A struct from each VM's ref to its record. */
    st = first_element(v->children);
    if ( !is(st, "struct") )
    {
        xmlFreeDoc(doc);
        set_error(s, "malformed records");
        return -1;
    }
    for ( m = first_element(st->children); m; m = next_element(m) )
        n++;
    out->refs = calloc(n ? n : 1, sizeof(*out->refs));
    out->recs = calloc(n ? n : 1, sizeof(*out->recs));
    if ( !out->refs || !out->recs )
    {
        xmlFreeDoc(doc);
        xenapi_vm_records_free(out);
        set_error(s, "out of memory");
        return -1;
    }
    for ( m = first_element(st->children); m; m = next_element(m) )
    {
        xmlNode *name = first_element(m->children);
        xmlNode *rec = next_element(name);
        xmlChar *t;

        if ( !is(m, "member") || !is(name, "name") || !is(rec, "value") )
            continue;
        t = xmlNodeGetContent(name);
        out->refs[out->n] = strdup(t ? (const char *)t : "");
        xmlFree(t);
        fill_record(rec, vm_fields, &out->recs[out->n]);
        out->n++;
    }
    xmlFreeDoc(doc);
    return 0;
}

void xenapi_vm_records_free(xenapi_vm_records *l)
{
    for ( size_t i = 0; i < l->n; i++ )
    {
        free(l->refs[i]);
        xenapi_vm_record_free(&l->recs[i]);
    }
    free(l->refs);
    free(l->recs);
    l->refs = NULL;
    l->recs = NULL;
    l->n = 0;
}

int xenapi_vm_create(xenapi_session *s, const char *name, const char *kernel,
                     int64_t memory_bytes, int64_t vcpus, char **vm)
{
    char mem[32], n[32];
    const char *kv[] = {
        "name_label", name, "PV_kernel", kernel,
        "memory_static_min", "0", "memory_static_max", mem,
        "memory_dynamic_min", mem, "memory_dynamic_max", mem,
        "VCPUs_max", n, "VCPUs_at_startup", n, NULL,
    };

    snprintf(mem, sizeof(mem), "%" PRId64, memory_bytes);
    snprintf(n, sizeof(n), "%" PRId64, vcpus);
    return call_text(s, "VM.create", vm, "m", kv);
}

int xenapi_vm_start(xenapi_session *s, const char *vm, bool paused)
{
    return call_text(s, "VM.start", NULL, "sb", vm, (int)paused);
}

int xenapi_vm_pause(xenapi_session *s, const char *vm)
{
    return call_text(s, "VM.pause", NULL, "s", vm);
}

int xenapi_vm_unpause(xenapi_session *s, const char *vm)
{
    return call_text(s, "VM.unpause", NULL, "s", vm);
}

int xenapi_vm_clean_shutdown(xenapi_session *s, const char *vm)
{
    return call_text(s, "VM.clean_shutdown", NULL, "s", vm);
}

int xenapi_vm_hard_shutdown(xenapi_session *s, const char *vm)
{
    return call_text(s, "VM.hard_shutdown", NULL, "s", vm);
}

int xenapi_vm_destroy(xenapi_session *s, const char *vm)
{
    return call_text(s, "VM.destroy", NULL, "s", vm);
}

int xenapi_vbd_create(xenapi_session *s, const char *vm, const char *vdi,
                      const char *device, bool rw, char **vbd)
{
    const char *kv[] = {
        "VM", vm, "VDI", vdi, "device", device, "mode", rw ? "RW" : "RO",
        "type", "Disk", NULL,
    };

    return call_text(s, "VBD.create", vbd, "m", kv);
}

int xenapi_vbd_get_record(xenapi_session *s, const char *vbd,
                          xenapi_vbd_record *r)
{
    return get_record(s, "VBD.get_record", vbd, vbd_fields, r, sizeof(*r));
}

int xenapi_vif_create(xenapi_session *s, const char *vm, const char *network,
                      const char *mac, char **vif)
{
    const char *kv[] = {
        "VM", vm, "network", network, "MAC", mac ? mac : "", NULL,
    };

    return call_text(s, "VIF.create", vif, "m", kv);
}

int xenapi_vif_get_record(xenapi_session *s, const char *vif,
                          xenapi_vif_record *r)
{
    return get_record(s, "VIF.get_record", vif, vif_fields, r, sizeof(*r));
}

void xenapi_vm_record_free(xenapi_vm_record *r)
{
    free_record(vm_fields, r);
}

void xenapi_host_record_free(xenapi_host_record *r)
{
    free_record(host_fields, r);
}

void xenapi_vbd_record_free(xenapi_vbd_record *r)
{
    free_record(vbd_fields, r);
}

void xenapi_vif_record_free(xenapi_vif_record *r)
{
    free_record(vif_fields, r);
}
