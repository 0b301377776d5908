/* SPDX-License-Identifier: GPL-2.0-only */
/* The fake /dev/xen devices: the libhvxc backend the host tests install. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fake.h"
#include "linux_xen.h"
#include "xc_private.h"

struct fake fake;

enum { FD_PRIVCMD = 900, FD_EVTCHN, FD_GNTDEV, FD_GNTALLOC };

static uint8_t *frames;             /* the memfd, mapped whole */

void *fake_frame(uint64_t mfn)
{
    if ( mfn < FAKE_MFN0 || mfn - FAKE_MFN0 >= fake.nr_frames )
        return NULL;
    return frames + ((mfn - FAKE_MFN0) << 12);
}

static int f_open(const char *path, int flags)
{
    (void)flags;
    if ( fake.open_errno )
    {
        errno = fake.open_errno;
        return -1;
    }
    if ( !strcmp(path, "/dev/xen/privcmd") )
        return FD_PRIVCMD;
    if ( !strcmp(path, "/dev/xen/evtchn") )
        return FD_EVTCHN;
    if ( !strcmp(path, "/dev/xen/gntdev") )
        return FD_GNTDEV;
    if ( !strcmp(path, "/dev/xen/gntalloc") )
        return FD_GNTALLOC;
    errno = ENOENT;
    return -1;
}

static int f_close(int fd)
{
    return fd >= FD_PRIVCMD && fd <= FD_GNTALLOC ? 0 : (errno = EBADF, -1);
}

/* Pointer arguments must be bounce buffers: page aligned, from mmap. */
static void check_bounced(uint64_t p)
{
    if ( p & 4095 )
        fake.unaligned_arg = true;
}

static int privcmd_ioctl(unsigned long req, void *arg)
{
    if ( req == LX_IOCTL_PRIVCMD_HYPERCALL )
    {
        struct lx_privcmd_hypercall *h = arg;
        long rc;

        fake.nr_hypercalls++;
        if ( h->op == __HYPERVISOR_domctl || h->op == __HYPERVISOR_sysctl )
            check_bounced(h->arg[0]);
        else if ( h->op == __HYPERVISOR_memory_op ||
                  h->op == __HYPERVISOR_event_channel_op ||
                  h->op == __HYPERVISOR_grant_table_op )
            check_bounced(h->arg[1]);
        rc = fake.hypercall ? fake.hypercall(h->op, h->arg) : -ENOSYS;
        if ( rc < 0 )
        {
            errno = -rc;
            return -1;
        }
        return rc;
    }
    if ( req == LX_IOCTL_PRIVCMD_MMAPBATCH_V2 )
    {
        struct lx_privcmd_mmapbatch_v2 *m = arg;

        fake.nr_mmapbatch++;
        if ( m->num > fake.mmapbatch_max )
            fake.mmapbatch_max = m->num;
        for ( unsigned int i = 0; i < m->num; i++ )
        {
            void *src = fake_frame(m->arr[i]);

            m->err[i] = i < 8 ? fake.frame_err[i] : 0;
            if ( !m->err[i] && !src )
                m->err[i] = -EINVAL;
            if ( m->err[i] )
                continue;
            /* The frame itself, shared: what the guest sees. */
            if ( mmap((void *)(uintptr_t)(m->addr + i * 4096UL), 4096,
                      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                      fake.memfd, (m->arr[i] - FAKE_MFN0) << 12) ==
                 MAP_FAILED )
                abort();
        }
        if ( fake.mmapbatch_errno )
        {
            errno = fake.mmapbatch_errno;
            return -1;
        }
        return 0;
    }
    if ( req == LX_IOCTL_PRIVCMD_MMAP_RESOURCE )
    {
        errno = fake.mmap_resource_errno ? fake.mmap_resource_errno : ENOTTY;
        return -1;
    }
    errno = ENOTTY;
    return -1;
}

static int f_ioctl(int fd, unsigned long req, void *arg)
{
    switch ( fd )
    {
    case FD_PRIVCMD:
        return privcmd_ioctl(req, arg);
    case FD_EVTCHN:
        if ( req == LX_IOCTL_EVTCHN_BIND_INTERDOMAIN )
        {
            struct lx_evtchn_bind_interdomain *b = arg;

            if ( b->remote_domain >= DOMID_FIRST_RESERVED )
                return errno = ESRCH, -1;
            return 40 + b->remote_port;
        }
        if ( req == LX_IOCTL_EVTCHN_NOTIFY )
            return ((struct lx_evtchn_port *)arg)->port < 40 ?
                   (errno = EINVAL, -1) : 0;
        return errno = ENOTTY, -1;
    case FD_GNTDEV:
        if ( req == LX_IOCTL_GNTDEV_MAP_GRANT_REF )
        {
            struct lx_gntdev_map_grant_ref *m = arg;

            fake.grant_count = m->count;
            m->index = fake.grant_index;
            return 0;
        }
        if ( req == LX_IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR )
        {
            struct lx_gntdev_get_offset_for_vaddr *o = arg;

            o->offset = fake.grant_index;
            o->count = fake.grant_count;
            return 0;
        }
        if ( req == LX_IOCTL_GNTDEV_UNMAP_GRANT_REF )
        {
            fake.grant_unmapped = true;
            return 0;
        }
        return errno = ENOTTY, -1;
    case FD_GNTALLOC:
        if ( req == LX_IOCTL_GNTALLOC_ALLOC_GREF )
        {
            struct lx_gntalloc_alloc_gref *a = arg;

            if ( a->count > 4 )
                return errno = ENOSPC, -1;
            for ( unsigned int i = 0; i < a->count; i++ )
                a->gref_ids[i] = 8 + i;
            a->index = fake.grant_index;
            return 0;
        }
        if ( req == LX_IOCTL_GNTALLOC_DEALLOC_GREF )
            return 0;
        return errno = ENOTTY, -1;
    }
    return errno = EBADF, -1;
}

/* Every device mapping is anonymous memory until an ioctl fills it. */
static void *f_mmap(void *addr, size_t len, int prot, int flags, int fd,
                    off_t off)
{
    (void)off;
    if ( fd < FD_PRIVCMD || fd > FD_GNTALLOC )
        return errno = EBADF, MAP_FAILED;
    return mmap(addr, len, prot, (flags & ~MAP_SHARED) | MAP_PRIVATE |
                MAP_ANONYMOUS, -1, 0);
}

static ssize_t f_read(int fd, void *buf, size_t len)
{
    if ( fd != FD_EVTCHN || len < 4 )
        return errno = EINVAL, -1;
    memcpy(buf, &fake.pending_port, 4);
    return 4;
}

static ssize_t f_write(int fd, const void *buf, size_t len)
{
    if ( fd != FD_EVTCHN || len < 4 )
        return errno = EINVAL, -1;
    memcpy(&fake.unmasked_port, buf, 4);
    return 4;
}

static const struct hvxc_os fake_os = {
    .open = f_open, .close = f_close, .ioctl = f_ioctl, .mmap = f_mmap,
    .munmap = munmap, .read = f_read, .write = f_write,
};

void fake_reset(unsigned long nr_frames)
{
    if ( frames )
    {
        munmap(frames, fake.nr_frames << 12);
        close(fake.memfd);
    }
    memset(&fake, 0, sizeof(fake));
    frames = NULL;
    fake.memfd = -1;
    if ( nr_frames )
    {
        fake.memfd = memfd_create("fake-guest", 0);
        if ( fake.memfd < 0 || ftruncate(fake.memfd, nr_frames << 12) )
            abort();
        frames = mmap(NULL, nr_frames << 12, PROT_READ | PROT_WRITE,
                      MAP_SHARED, fake.memfd, 0);
        if ( frames == MAP_FAILED )
            abort();
        fake.nr_frames = nr_frames;
    }
    hvxc_os_override(&fake_os);
}
