/* SPDX-License-Identifier: GPL-2.0-only */
/* xenapi-example: the C binding against xend over HTTP on a unix socket
 * or TCP: log in, print the host's API version and every VM; with
 * --lifecycle KERNEL, create a VM with a disk and a NIC, start, pause,
 * unpause, shut it down and destroy it. */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "xenapi.h"

static int connect_to(const char *where)
{
    int fd;

    if ( where[0] == '/' )
    {
        struct sockaddr_un a = { .sun_family = AF_UNIX };

        if ( strlen(where) >= sizeof(a.sun_path) )
            return -1;
        strcpy(a.sun_path, where);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if ( fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) )
        {
            close(fd);
            return -1;
        }
        return fd;
    }
    else
    {
        char host[256];
        const char *colon = strrchr(where, ':');
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;

        if ( !colon || (size_t)(colon - where) >= sizeof(host) )
            return -1;
        memcpy(host, where, colon - where);
        host[colon - where] = '\0';
        if ( getaddrinfo(host, colon + 1, &hints, &ai) )
            return -1;
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if ( fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) )
        {
            close(fd);
            fd = -1;
        }
        freeaddrinfo(ai);
        return fd;
    }
}

/* One HTTP/1.1 POST per call, on a fresh connection. */
static int http_post(const char *req, size_t len, void *user, char **reply,
                     size_t *reply_len)
{
    const char *where = user;
    char head[256], *buf = NULL, *body;
    size_t got = 0, cap = 0, want;
    int fd = connect_to(where);
    ssize_t n;

    if ( fd < 0 )
        return -1;
    n = snprintf(head, sizeof(head),
                 "POST /RPC2 HTTP/1.1\r\nHost: localhost\r\n"
                 "Content-Type: text/xml\r\nContent-Length: %zu\r\n"
                 "Connection: close\r\n\r\n", len);
    if ( write(fd, head, n) != n || write(fd, req, len) != (ssize_t)len )
        goto fail;
    for ( ;; )
    {
        if ( got + 4096 > cap )
        {
            char *p = realloc(buf, cap = cap * 2 + 8192);

            if ( !p )
                goto fail;
            buf = p;
        }
        n = read(fd, buf + got, cap - got - 1);
        if ( n < 0 )
            goto fail;
        if ( n == 0 )
            break;
        got += n;
    }
    close(fd);
    if ( !buf )
        return -1;
    buf[got] = '\0';
    body = strstr(buf, "\r\n\r\n");
    if ( !body || strncmp(buf, "HTTP/1.1 200", 12) )
    {
        free(buf);
        return -1;
    }
    body += 4;
    want = got - (body - buf);
    *reply = malloc(want + 1);
    if ( !*reply )
    {
        free(buf);
        return -1;
    }
    memcpy(*reply, body, want);
    (*reply)[want] = '\0';
    *reply_len = want;
    free(buf);
    return 0;
 fail:
    close(fd);
    free(buf);
    return -1;
}

static int failed(xenapi_session *s, const char *what)
{
    size_t i;

    fprintf(stderr, "%s failed:", what);
    for ( i = 0; i < s->error.n; i++ )
        fprintf(stderr, " %s", s->error.items[i]);
    fprintf(stderr, "\n");
    return 1;
}

static int lifecycle(xenapi_session *s, const char *kernel)
{
    char *vm = NULL, *vbd = NULL, *vif = NULL;
    xenapi_vm_record r;
    xenapi_vbd_record b;
    xenapi_vif_record f;
    int rc = 1;

    if ( xenapi_vm_create(s, "c-example", kernel, 128 << 20, 1, &vm) )
        return failed(s, "VM.create");
    if ( xenapi_vbd_create(s, vm, "", "xvda", true, &vbd) )
        failed(s, "VBD.create");
    else if ( xenapi_vbd_get_record(s, vbd, &b) )
        failed(s, "VBD.get_record");
    else
    {
        printf("vbd %s mode %s type %s\n", b.device, b.mode, b.type);
        xenapi_vbd_record_free(&b);
    }
    if ( !vbd )
        goto out;
    /* The network to join comes from the caller ($XENAPI_NETWORK). */
    if ( xenapi_vif_create(s, vm, getenv("XENAPI_NETWORK"), "", &vif) )
        failed(s, "VIF.create");
    else if ( xenapi_vif_get_record(s, vif, &f) )
        failed(s, "VIF.get_record");
    else
    {
        printf("vif mac %.9s mtu %lld\n", f.MAC, (long long)f.MTU);
        xenapi_vif_record_free(&f);
    }
    if ( !vif )
        goto out;
    if ( xenapi_vm_start(s, vm, false) )
    {
        failed(s, "VM.start");
        goto out;
    }
    if ( xenapi_vm_start(s, vm, false) )
        printf("second start: %s %s\n", s->error.items[0],
               s->error.n > 3 ? s->error.items[3] : "");
    xenapi_vm_pause(s, vm);
    if ( !xenapi_vm_get_record(s, vm, &r) )
    {
        printf("after pause: %s\n", r.power_state);
        xenapi_vm_record_free(&r);
    }
    xenapi_vm_unpause(s, vm);
    if ( xenapi_vm_clean_shutdown(s, vm) )
    {
        failed(s, "VM.clean_shutdown");
        goto out;
    }
    if ( !xenapi_vm_get_record(s, vm, &r) )
    {
        printf("after shutdown: %s\n", r.power_state);
        xenapi_vm_record_free(&r);
    }
    if ( xenapi_vm_destroy(s, vm) )
        failed(s, "VM.destroy");
    else
        rc = 0;
 out:
    free(vm);
    free(vbd);
    free(vif);
    return rc;
}

int main(int argc, char **argv)
{
    xenapi_session *s;
    xenapi_host_record h;
    xenapi_vm_records vms;
    char *host;
    size_t i;
    int rc = 0;

    if ( argc < 2 )
    {
        fprintf(stderr, "usage: %s SOCKET|HOST:PORT [--lifecycle KERNEL]\n",
                argv[0]);
        return 2;
    }
    s = xenapi_login(http_post, argv[1], getenv("XENAPI_USER") ?: "root",
                     getenv("XENAPI_PASSWORD") ?: "");
    if ( !s )
        return 1;
    if ( !s->ref )
    {
        rc = failed(s, "login");
        xenapi_session_free(s);
        return rc;
    }
    if ( xenapi_session_get_this_host(s, &host) ||
         xenapi_host_get_record(s, host, &h) )
        return failed(s, "host");
    printf("host %s API %lld.%lld scheduler %s\n", h.name_label,
           (long long)h.API_version_major, (long long)h.API_version_minor,
           h.sched_policy);
    xenapi_host_record_free(&h);
    free(host);
    if ( xenapi_vm_get_all_records(s, &vms) )
        return failed(s, "VM.get_all_records");
    for ( i = 0; i < vms.n; i++ )
    {
        const xenapi_vm_record *r = &vms.recs[i];

        printf("vm %s %s domid %lld memory %lld vcpus %lld%s\n",
               r->name_label, r->power_state, (long long)r->domid,
               (long long)(r->memory_dynamic_max >> 20),
               (long long)r->VCPUs_max,
               r->is_control_domain ? " control" : "");
    }
    xenapi_vm_records_free(&vms);
    if ( argc > 3 && !strcmp(argv[2], "--lifecycle") )
        rc |= lifecycle(s, argv[3]);
    if ( xenapi_vm_get_record(s, "no-such-vm", &(xenapi_vm_record){ 0 }) )
        printf("bad ref: %s\n", s->error.items[0]);
    xenapi_logout(s);
    xenapi_session_free(s);
    return rc;
}
