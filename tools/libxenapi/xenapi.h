/* SPDX-License-Identifier: GPL-2.0-only */
/* A XenAPI 1.0 client in C over libxml2: sessions, the call envelope,
 * and the VM, host, VBD and VIF records. */
#ifndef XENAPI_H
#define XENAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sends one XML-RPC request and returns the reply body (malloc'd, the
 * caller's to free through xenapi); 0 on success. */
typedef int xenapi_transport(const char *request, size_t len, void *user,
                             char **reply, size_t *reply_len);

typedef struct xenapi_strings {
    char **items;
    size_t n;
} xenapi_strings;

typedef struct xenapi_session {
    xenapi_transport *send;
    void *user;
    char *ref;
    /* The last call's Failure (ErrorDescription), or a transport or
     * format error as one item. */
    xenapi_strings error;
} xenapi_session;

typedef struct xenapi_vm_record {
    char *uuid, *name_label, *power_state, *PV_kernel, *PV_args;
    int64_t memory_static_max, memory_dynamic_max, VCPUs_max, domid;
    bool is_control_domain;
    xenapi_strings VBDs, VIFs;
} xenapi_vm_record;

/* VM.get_all_records: refs[i]'s record is recs[i]. */
typedef struct xenapi_vm_records {
    char **refs;
    xenapi_vm_record *recs;
    size_t n;
} xenapi_vm_records;

typedef struct xenapi_host_record {
    char *uuid, *name_label, *sched_policy;
    int64_t API_version_major, API_version_minor;
} xenapi_host_record;

typedef struct xenapi_vbd_record {
    char *uuid, *VM, *VDI, *device, *mode, *type;
    bool bootable, currently_attached;
} xenapi_vbd_record;

typedef struct xenapi_vif_record {
    char *uuid, *VM, *network, *device, *MAC;
    int64_t MTU;
    bool currently_attached;
} xenapi_vif_record;

/* NULL only when out of memory; check s->ref for a refused login. */
xenapi_session *xenapi_login(xenapi_transport *send, void *user,
                             const char *uname, const char *password);
int xenapi_logout(xenapi_session *s);
void xenapi_session_free(xenapi_session *s);
void xenapi_strings_free(xenapi_strings *l);

/* All return 0, or -1 with s->error set. */
int xenapi_session_get_this_host(xenapi_session *s, char **host);
int xenapi_host_get_record(xenapi_session *s, const char *host,
                           xenapi_host_record *r);
int xenapi_vm_get_all(xenapi_session *s, xenapi_strings *vms);
int xenapi_vm_get_by_name_label(xenapi_session *s, const char *label,
                                xenapi_strings *vms);
int xenapi_vm_get_record(xenapi_session *s, const char *vm,
                         xenapi_vm_record *r);
int xenapi_vm_get_all_records(xenapi_session *s, xenapi_vm_records *out);
int xenapi_vm_create(xenapi_session *s, const char *name, const char *kernel,
                     int64_t memory_bytes, int64_t vcpus, char **vm);
int xenapi_vm_start(xenapi_session *s, const char *vm, bool paused);
int xenapi_vm_pause(xenapi_session *s, const char *vm);
int xenapi_vm_unpause(xenapi_session *s, const char *vm);
int xenapi_vm_clean_shutdown(xenapi_session *s, const char *vm);
int xenapi_vm_hard_shutdown(xenapi_session *s, const char *vm);
int xenapi_vm_destroy(xenapi_session *s, const char *vm);
int xenapi_vbd_create(xenapi_session *s, const char *vm, const char *vdi,
                      const char *device, bool rw, char **vbd);
int xenapi_vbd_get_record(xenapi_session *s, const char *vbd,
                          xenapi_vbd_record *r);
int xenapi_vif_create(xenapi_session *s, const char *vm, const char *network,
                      const char *mac, char **vif);
int xenapi_vif_get_record(xenapi_session *s, const char *vif,
                          xenapi_vif_record *r);

void xenapi_vm_record_free(xenapi_vm_record *r);
void xenapi_vm_records_free(xenapi_vm_records *l);
void xenapi_host_record_free(xenapi_host_record *r);
void xenapi_vbd_record_free(xenapi_vbd_record *r);
void xenapi_vif_record_free(xenapi_vif_record *r);

#endif /* XENAPI_H */
