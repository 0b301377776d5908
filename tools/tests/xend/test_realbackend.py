# SPDX-License-Identifier: GPL-2.0-only
"""RealBackend's hypervisor half through xen.lowlevel.xc and libhvxc over
libxc's fake /dev/xen (build/libhvxc-fake.so, HVXC_LIB), with an
in-memory xenstore client: create (mini-os built by the PV builder),
list, pause, unpause, pins, credit, max memory, destroy, and errors from
libhvxc."""
import errno
import os

from harness import case, check, Skip, ROOT
from xen.xend import backend as B

MINIOS = os.path.join(ROOT, 'extras', 'mini-os', 'mini-os')


class FakeStore(object):
    """The Xenstore client's calls, recorded over a dict."""

    def __init__(self):
        self.nodes, self.perms, self.calls = {}, {}, []

    def read(self, path):
        return self.nodes[path]

    def write(self, path, value):
        self.nodes[path] = str(value)

    def mkdir(self, path):
        self.nodes.setdefault(path, '')

    def set_perms(self, path, perms):
        self.perms[path] = perms

    def rm(self, path):
        for k in [k for k in self.nodes if k == path or
                  k.startswith(path + '/')]:
            del self.nodes[k]

    def ls(self, path):
        pre = path + '/'
        return sorted({k[len(pre):].split('/')[0] for k in self.nodes
                       if k.startswith(pre)})

    def introduce(self, domid, mfn, port):
        self.calls.append(('introduce', domid, mfn, port))

    def release(self, domid):
        self.calls.append(('release', domid))


def real():
    if not os.environ.get('HVXC_LIB'):
        raise Skip('no HVXC_LIB (make -C tools/tests/xend builds it)')
    be = B.RealBackend()
    be.xs = FakeStore()
    return be


def dom(be, domid):
    return [d for d in be.domain_list() if d['domid'] == domid]


@case
def real_create_list_pause_destroy():
    be = real()
    if not os.path.isfile(MINIOS):
        raise Skip('no %s' % MINIOS)
    uuid = '12345678-9abc-def0-1234-56789abcdef0'
    domid = be.domain_create({'name': 'guest', 'uuid': uuid,
                              'mem_kib': 8192, 'vcpus': 1,
                              'kernel': MINIOS, 'cmdline': 'x'})
    check(domid > 0, 'domid %d' % domid)
    base = '/local/domain/%d' % domid
    st = be.xs
    check(st.nodes[base + '/name'] == 'guest', 'name node')
    check(st.nodes[base + '/store/port'] != '', 'store port')
    check(st.perms[base] == [(0, 'n'), (domid, 'r')], st.perms.get(base))
    check(st.perms[base + '/device'] == [(domid, 'n')], 'device perms')
    check(st.calls == [('introduce', domid, int(st.nodes[
        base + '/store/ring-ref']), int(st.nodes[base + '/store/port']))],
        st.calls)
    d = dom(be, domid)
    check(d and d[0]['paused'] and d[0]['name'] == 'guest' and
          d[0]['uuid'] == uuid and d[0]['mem_kib'] == 8192, d)
    check(dom(be, 0)[0]['name'] == 'Domain-0', 'dom0 listed')
    be.domain_unpause(domid)
    check(dom(be, domid)[0]['running'], 'running after unpause')
    be.domain_pause(domid)
    check(dom(be, domid)[0]['paused'], 'paused again')
    check(be.vcpu_info(domid)[0]['cpumap'] == [0, 1], be.vcpu_info(domid))
    be.vcpu_pin(domid, 0, [1])
    v = be.vcpu_info(domid)[0]
    check(v['cpumap'] == [1] and v['cpu'] == 1 and v['online'], v)
    be.set_max_memory(domid, 16384)
    check(dom(be, domid)[0]['maxmem_kib'] == 16384, 'max memory')
    be.sched_credit_set(domid, 512, 50)
    check(be.sched_credit_get(domid) == (512, 50), 'credit')
    for bad in (lambda: be.vcpu_pin(domid, 3, [0]),
                lambda: be.vcpu_pin(domid, 0, [5]),
                lambda: be.sched_credit_set(domid, 256, 1000)):
        try:
            bad()
            check(False, 'a bad pin or cap was taken')
        except B.BackendError as e:
            check('errno %d' % errno.EINVAL in str(e), str(e))
    be.domain_destroy(domid)
    check(not dom(be, domid), 'gone after destroy')
    check(('release', domid) in st.calls and base + '/name' not in
          st.nodes, 'xenstore released')


@case
def real_errors_carry_errno_and_message():
    be = real()
    from xen.lowlevel import xc
    try:
        be._xc().domain_pause(77)
        check(False, 'pause of d77 succeeded')
    except xc.Error as e:
        check(e.errno == errno.ESRCH, e.errno)
        check('pausedomain d77' in e.message, e.message)
    for call in (lambda: be.domain_unpause(77),
                 lambda: be.set_max_memory(77, 1024)):
        try:
            call()
            check(False, 'call on d77 succeeded')
        except B.BackendError as e:
            check('errno %d' % errno.ESRCH in str(e), str(e))
    try:
        be.domain_create({'name': 'x', 'mem_kib': 8192, 'vcpus': 1,
                          'kernel': os.path.abspath(__file__)})
        check(False, 'a README built')
    except B.BackendError as e:
        check('errno' in str(e), str(e))
    # A xenstore failure after the build destroys the domain.
    if os.path.isfile(MINIOS):
        def refuse(domid, mfn, port):
            raise B.BackendError('introduce refused')
        be.xs.introduce = refuse
        before = len(be.domain_list())
        try:
            be.domain_create({'name': 'y', 'mem_kib': 8192, 'vcpus': 1,
                              'kernel': MINIOS})
            check(False, 'created without introduce')
        except B.BackendError as e:
            check('introduce refused' in str(e), str(e))
        check(len(be.domain_list()) == before, 'the half-made domain stays')
        check(not [k for k in be.xs.nodes if k.endswith('/name') and
                   be.xs.nodes[k] == 'y'], 'its xenstore nodes stay')
    try:
        be.domain_core_dump(1, '/dev/null')
        check(False, 'core dump offered')
    except B.NotAvailable as e:
        check('not available yet' in str(e), str(e))


@case
def real_host_calls():
    be = real()
    p = be.physinfo()
    check(p['nr_cpus'] == 2 and p['cpu_mhz'] == 2000 and
          0 < p['free_memory'] <= p['total_memory'], p)
    check('fake hypervisor' in be.dmesg(), 'dmesg')
    # More than the fake host has: the builder's ENOMEM, the domain gone.
    if os.path.isfile(MINIOS):
        before = len(be.domain_list())
        try:
            be.domain_create({'name': 'big', 'mem_kib': 64 << 10,
                              'vcpus': 1, 'kernel': MINIOS})
            check(False, '64 MiB out of 48')
        except B.BackendError as e:
            check('populate_physmap' in str(e) and
                  'errno %d' % errno.ENOMEM in str(e), str(e))
        check(len(be.domain_list()) == before, 'the failed build stays')
