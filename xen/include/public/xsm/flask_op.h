/* SPDX-License-Identifier: MIT */
/* xsm_op hypercall as used by the FLASK security module. */

#ifndef __FLASK_OP_H__
#define __FLASK_OP_H__

#include "../event_channel.h"

/*
 * HYPERVISOR_xsm_op(struct xen_flask_op *): caller fills cmd,
 * interface_version and the IN part of u; Xen writes OUT fields.
 */
#define XEN_FLASK_INTERFACE_VERSION 1

/* Load a policy blob. */
struct xen_flask_load {
    XEN_GUEST_HANDLE(char) buffer;
    uint32_t size;
};
typedef struct xen_flask_load xen_flask_load_t;

struct xen_flask_setenforce {
    uint32_t enforcing;
};
typedef struct xen_flask_setenforce xen_flask_setenforce_t;

/* Convert between a security id and its context string. */
struct xen_flask_sid_context {
    uint32_t sid;               /* IN or OUT */
    uint32_t size;              /* IN/OUT: string length */
    XEN_GUEST_HANDLE(char) context;
};
typedef struct xen_flask_sid_context xen_flask_sid_context_t;

/* Access decision for (ssid, tsid, tclass, req). */
struct xen_flask_access {
    uint32_t ssid;              /* IN */
    uint32_t tsid;              /* IN */
    uint32_t tclass;            /* IN */
    uint32_t req;               /* IN */
    uint32_t allowed;           /* OUT */
    uint32_t audit_allow;       /* OUT */
    uint32_t audit_deny;        /* OUT */
    uint32_t seqno;             /* OUT */
};
typedef struct xen_flask_access xen_flask_access_t;

/* Labelling decision: FLASK_CREATE, FLASK_RELABEL, FLASK_MEMBER. */
struct xen_flask_transition {
    uint32_t ssid;              /* IN */
    uint32_t tsid;              /* IN */
    uint32_t tclass;            /* IN */
    uint32_t newsid;            /* OUT */
};
typedef struct xen_flask_transition xen_flask_transition_t;

#if __XEN_INTERFACE_VERSION__ < 0x00040800
struct xen_flask_userlist {
    uint32_t start_sid;
    uint32_t size;
    union {
        XEN_GUEST_HANDLE(char) user;
        XEN_GUEST_HANDLE(uint32) sids;
    } u;
};
#endif

/* Read or set a policy boolean, by id or (bool_id ~0) by name. */
struct xen_flask_boolean {
    uint32_t bool_id;           /* IN/OUT */
    uint8_t enforcing;          /* OUT: current value */
    uint8_t pending;            /* OUT: value after commit */
    uint8_t new_value;          /* IN */
    uint8_t commit;             /* IN: commit at once */
    uint32_t size;              /* IN/OUT: name length */
    XEN_GUEST_HANDLE(char) name;
};
typedef struct xen_flask_boolean xen_flask_boolean_t;

struct xen_flask_setavc_threshold {
    uint32_t threshold;
};
typedef struct xen_flask_setavc_threshold xen_flask_setavc_threshold_t;

struct xen_flask_hash_stats {
    uint32_t entries;
    uint32_t buckets_used;
    uint32_t buckets_total;
    uint32_t max_chain_len;
};
typedef struct xen_flask_hash_stats xen_flask_hash_stats_t;

struct xen_flask_cache_stats {
    uint32_t cpu;               /* IN */
    uint32_t lookups;
    uint32_t hits;
    uint32_t misses;
    uint32_t allocations;
    uint32_t reclaims;
    uint32_t frees;
};
typedef struct xen_flask_cache_stats xen_flask_cache_stats_t;

/* Label a range of I/O resources (ocon: OCON_* of the policy). */
struct xen_flask_ocontext {
    uint32_t ocon;
    uint32_t sid;
    uint64_t low, high;
};
typedef struct xen_flask_ocontext xen_flask_ocontext_t;

/* Label of the domain at the other end of an event channel. */
struct xen_flask_peersid {
    evtchn_port_t evtchn;       /* IN */
    uint32_t sid;               /* OUT */
};
typedef struct xen_flask_peersid xen_flask_peersid_t;

struct xen_flask_relabel {
    uint32_t domid;
    uint32_t sid;
};
typedef struct xen_flask_relabel xen_flask_relabel_t;

struct xen_flask_devicetree_label {
    uint32_t sid;
    uint32_t length;
    XEN_GUEST_HANDLE(char) path;
};
typedef struct xen_flask_devicetree_label xen_flask_devicetree_label_t;

struct xen_flask_op {
    uint32_t cmd;
#define FLASK_LOAD              1
#define FLASK_GETENFORCE        2
#define FLASK_SETENFORCE        3
#define FLASK_CONTEXT_TO_SID    4
#define FLASK_SID_TO_CONTEXT    5
#define FLASK_ACCESS            6
#define FLASK_CREATE            7
#define FLASK_RELABEL           8
#define FLASK_USER              9   /* retired */
#define FLASK_POLICYVERS        10
#define FLASK_GETBOOL           11
#define FLASK_SETBOOL           12
#define FLASK_COMMITBOOLS       13
#define FLASK_MLS               14
#define FLASK_DISABLE           15
#define FLASK_GETAVC_THRESHOLD  16
#define FLASK_SETAVC_THRESHOLD  17
#define FLASK_AVC_HASHSTATS     18
#define FLASK_AVC_CACHESTATS    19
#define FLASK_MEMBER            20
#define FLASK_ADD_OCONTEXT      21
#define FLASK_DEL_OCONTEXT      22
#define FLASK_GET_PEER_SID      23
#define FLASK_RELABEL_DOMAIN    24
#define FLASK_DEVICETREE_LABEL  25
    uint32_t interface_version; /* XEN_FLASK_INTERFACE_VERSION */
    union {
        xen_flask_load_t load;
        xen_flask_setenforce_t enforce;
        xen_flask_sid_context_t sid_context;
        xen_flask_access_t access;
        xen_flask_transition_t transition;
#if __XEN_INTERFACE_VERSION__ < 0x00040800
        struct xen_flask_userlist userlist;
#endif
        xen_flask_boolean_t boolean;
        xen_flask_setavc_threshold_t setavc_threshold;
        xen_flask_hash_stats_t hash_stats;
        xen_flask_cache_stats_t cache_stats;
        xen_flask_ocontext_t ocontext;
        xen_flask_peersid_t peersid;
        xen_flask_relabel_t relabel;
        xen_flask_devicetree_label_t devicetree_label;
    } u;
};
typedef struct xen_flask_op xen_flask_op_t;
DEFINE_XEN_GUEST_HANDLE(xen_flask_op_t);

#endif /* __FLASK_OP_H__ */
