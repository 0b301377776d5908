# SPDX-License-Identifier: GPL-2.0-only
"""RealBackend's hypervisor half through xen.lowlevel.xc and libhvxc over
libxc's fake /dev/xen (build/libhvxc-fake.so, HVXC_LIB), with an
in-memory xenstore client: create (mini-os built by the PV builder),
list, pause, unpause, pins, credit, max memory, destroy, and errors from
libhvxc; vbd and vif devices (their nodes, scripts recorded instead of
run, teardown on destroy and on a failing script)."""
import errno
import os

from harness import case, check, Skip, ROOT
from xen.xend import backend as B
from xen.xend.xenstore import XenstoreError

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

    def ls_many(self, paths):
        return [self.ls(p) or None for p in paths]

    def read_many(self, paths):
        return [self.nodes.get(p) for p in paths]

    def transaction_start(self):
        return 1

    def transaction_end(self, tx, commit=True):
        pass

    def batch(self, reqs, tx=0):
        for name, args in reqs:
            getattr(self, name)(*args)

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


# Before real_host_calls, whose failed build takes the fake's last pages.
class TxStore(FakeStore):
    """FakeStore with transactions (applied at once), a backend driver
    that takes each device it is given (state 1 -> 2) and closes (6) once
    its frontend is Closed or gone while it is offline, and a guest whose
    frontends answer a backend's Closing with Closed unless stuck."""

    def __init__(self):
        FakeStore.__init__(self)
        self.tx = 0
        # Commits refused with EAGAIN before one goes through, and a node
        # whose write is refused.
        self.eagain, self.refuse = 0, None
        self.stuck = False
        # What the guest and the backend driver saw: (event, path).
        self.seen = []

    def _driver(self, be):
        """The backend driver at be looks at its frontend."""
        if self.nodes.get(be + '/online') != '0' or \
                self.nodes.get(be + '/state') == '6':
            return
        fe = self.nodes.get(be + '/frontend')
        if self.nodes.get(fe + '/state', '6') == '6':
            FakeStore.write(self, be + '/state', '6')
            self.seen.append(('backend closed', be))

    def read(self, path):
        if path not in self.nodes:
            raise XenstoreError('ENOENT', path)
        return self.nodes[path]

    def transaction_start(self):
        self.tx += 1
        return self.tx

    def transaction_end(self, tx, commit=True):
        self.calls.append(('commit', tx, commit))
        if commit and self.eagain:
            self.eagain -= 1
            raise XenstoreError('EAGAIN', 'transaction')

    def write(self, path, value, tx=0):
        if self.refuse and path.endswith(self.refuse):
            raise XenstoreError('EACCES', path)
        if '/backend/' in path and path.endswith('/state') and \
                str(value) == '1':
            value = '2'
        FakeStore.write(self, path, value)
        if '/backend/' in path and path.endswith('/state') and \
                str(value) == '5':
            be = path[:-len('/state')]
            fe = self.nodes.get(be + '/frontend')
            self.seen.append(('closing', be))
            if not self.stuck and fe + '/backend' in self.nodes:
                FakeStore.write(self, fe + '/state', '6')
                self.seen.append(('frontend closed', fe))
            self._driver(be)

    def mkdir(self, path, tx=0):
        FakeStore.mkdir(self, path)

    def set_perms(self, path, perms, tx=0):
        FakeStore.set_perms(self, path, perms)

    def rm(self, path, tx=0):
        FakeStore.rm(self, path)
        self.seen.append(('rm', path))
        if '/device/' in path:
            for k in [k for k in self.nodes if k.endswith('/frontend') and
                      self.nodes[k] == path]:
                self._driver(k[:-len('/frontend')])


def scripted(fail=None):
    """A RealBackend over TxStore whose hotplug scripts are recorded; the
    one named fail reports an error as ours do."""
    be = real()
    be.xs = TxStore()
    be.scripts_dir = '/etc/xen/scripts'
    ran = []

    def run(script, action, xbpath, vif):
        ran.append((os.path.basename(script), action, xbpath, vif))
        if action in ('add', 'online'):
            if os.path.basename(script) == fail:
                be.xs.write(xbpath + '/hotplug-error', 'no such bridge')
                be.xs.write(xbpath + '/hotplug-status', 'error')
                return '%s: exit 1' % script
            be.xs.write(xbpath + '/hotplug-status', 'connected')
        return None
    be._run_script = run
    return be, ran


DISK = {'uname': 'file:/tmp/x.img', 'dev': 'xvda', 'devid': 51712,
        'mode': 'w'}
VIF = {'mac': '00:16:3e:01:02:03', 'bridge': 'xenbr0', 'devid': 0,
       'script': 'vif-bridge', 'rate': '10Mb/s'}


@case
def real_backend_vbd_vif_nodes_and_scripts():
    be, ran = scripted()
    if not os.path.isfile(MINIOS):
        raise Skip('no %s' % MINIOS)
    domid = be.domain_create({'name': 'g', 'uuid': '', 'mem_kib': 8192,
                              'vcpus': 1, 'kernel': MINIOS,
                              'disks': [DISK], 'vifs': [VIF]})
    n, perms = be.xs.nodes, be.xs.perms
    fe = '/local/domain/%d/device/vbd/51712' % domid
    bk = '/local/domain/0/backend/vbd/%d/51712' % domid
    check(n[fe + '/backend'] == bk and n[fe + '/virtual-device'] == '51712'
          and n[fe + '/backend-id'] == '0', 'vbd frontend')
    check(n[bk + '/frontend'] == fe and n[bk + '/frontend-id'] == str(domid)
          and n[bk + '/params'] == '/tmp/x.img' and n[bk + '/type'] == 'file'
          and n[bk + '/mode'] == 'w' and
          n[bk + '/script'] == '/etc/xen/scripts/block', 'vbd backend')
    check(perms[fe] == [(domid, 'n'), (0, 'r')] and
          perms[bk] == [(0, 'n'), (domid, 'r')], 'perms %s %s'
          % (perms[fe], perms[bk]))
    vfe = '/local/domain/%d/device/vif/0' % domid
    vbk = '/local/domain/0/backend/vif/%d/0' % domid
    check(n[vfe + '/mac'] == VIF['mac'] and n[vbk + '/bridge'] == 'xenbr0'
          and n[vbk + '/handle'] == '0' and
          n[vbk + '/rate'] == '62500,50000', 'vif nodes')
    check(ran == [('block', 'add', bk, None),
                  ('vif-bridge', 'online', vbk, 'vif%d.0' % domid)], ran)
    check(len([c for c in be.xs.calls if c[0] == 'commit']) == 3,
          "one transaction for the domain's nodes, one a device")
    # A disk added to the running domain, and taken away.
    sdb = dict(DISK, dev='xvdb', devid=51728)
    check(be.device_add(domid, 'vbd', sdb) == 51728, 'hot-added xvdb')
    try:
        be.device_add(domid, 'vbd', sdb)
        check(False, 'xvdb twice')
    except B.BackendError as e:
        check('exists' in str(e), str(e))
    be.device_remove(domid, 'vbd', 51728)
    check(not [k for k in n if '/vbd/%d/51728' % domid in k or
               k.endswith('/vbd/51728')], 'xvdb gone')
    del ran[:]
    be.domain_destroy(domid)
    check(ran == [('block', 'remove', bk, None),
                  ('vif-bridge', 'offline', vbk, 'vif%d.0' % domid)], ran)
    check(not [k for k in n if '/backend/' in k or
               k.startswith('/local/domain/%d/' % domid)], 'nodes left: %s'
          % [k for k in n if '/backend/' in k])
    # A domain another tool destroyed: its devices go when xend sees it.
    domid = be.domain_create({'name': 'g', 'uuid': '', 'mem_kib': 8192,
                              'vcpus': 1, 'kernel': MINIOS,
                              'disks': [DISK], 'vifs': []})
    be._hv('domain_destroy', domid)
    del ran[:]
    be.domain_gone(domid)
    check([r[:2] for r in ran] == [('block', 'remove')], ran)
    check(not [k for k in n if '/backend/' in k or
               k.startswith('/local/domain/%d/' % domid)], 'nodes left')


@case
def real_backend_failed_hotplug_leaves_nothing():
    import time
    be, ran = scripted(fail='vif-bridge')
    # The paused guest cannot answer a close: a device that never
    # connected is forced at once, not after close_timeout.
    be.xs.stuck = True
    before = len(be.domain_list())
    t = time.monotonic()
    try:
        be.domain_create({'name': 'g', 'uuid': '', 'mem_kib': 8192,
                          'vcpus': 1, 'kernel': MINIOS, 'disks': [DISK],
                          'vifs': [VIF]})
        check(False, 'created with a failing vif script')
    except B.BackendError as e:
        check('vif-bridge' in str(e), str(e))
    check(time.monotonic() - t < be.close_timeout / 2,
          'waited for a frontend that never connected')
    check(len(be.domain_list()) == before, 'the domain went')
    check([r[:2] for r in ran] == [('block', 'add'), ('vif-bridge', 'online'),
                                   ('vif-bridge', 'offline'),
                                   ('block', 'remove')], ran)
    check(not [k for k in be.xs.nodes if '/backend/' in k or
               '/device/' in k], 'nodes left')
    for dev in (dict(DISK, uname='tap:aio:/x'), dict(DISK, uname='file:')):
        try:
            be.device_add(0, 'vbd', dev)
            check(False, 'a device for dom0')
        except B.BackendError:
            pass


@case
def real_backend_device_transactions():
    """A commit refused with EAGAIN is tried again; a refused write
    aborts the transaction and adds nothing."""
    be, ran = scripted()
    be.xs.eagain = 2
    check(be.device_add(5, 'vbd', DISK) == 51712, 'added after EAGAIN')
    check([c[2] for c in be.xs.calls if c[0] == 'commit'] == [True] * 3,
          be.xs.calls)
    be.device_remove(5, 'vbd', 51712)
    be.xs.calls, be.xs.refuse = [], '/vif/5/0/mac'
    try:
        be.device_add(5, 'vif', VIF)
        check(False, 'added with a refused write')
    except B.BackendError as e:
        check('EACCES' in str(e), str(e))
    check(be.xs.calls == [('commit', be.xs.tx, False)], be.xs.calls)
    check(len(ran) == 2, 'no script for the refused vif: %s' % ran)


@case
def real_backend_device_close_handshake():
    """A device taken from a running guest: the backend is asked to close
    (online 0, Closing) while the frontend is still there, the frontend
    answers Closed, the backend closes, and only then run the script and
    go both directories.  A frontend that does not answer loses its
    directory after close_timeout; a destroyed guest's devices are forced
    at once, side by side."""
    import time
    be, ran = scripted()
    xs = be.xs
    fe = '/local/domain/5/device/vbd/51712'
    bk = '/local/domain/0/backend/vbd/5/51712'
    be.device_add(5, 'vbd', DISK)
    del ran[:], xs.seen[:]
    be.device_remove(5, 'vbd', 51712)
    check(xs.seen[:3] == [('closing', bk), ('frontend closed', fe),
                          ('backend closed', bk)], xs.seen)
    check(('rm', fe) in xs.seen and xs.seen.index(('rm', bk)) <
          xs.seen.index(('rm', fe)), 'the frontend went last: %s' % xs.seen)
    check(ran == [('block', 'remove', bk, None)], ran)
    check(not [k for k in xs.nodes if '/vbd/' in k], 'nodes left')
    # A guest that never answers: forced after the timeout.
    be.close_timeout = 0.3
    xs.stuck = True
    be.device_add(5, 'vif', VIF)
    vbk = '/local/domain/0/backend/vif/5/0'
    del ran[:], xs.seen[:]
    t = time.monotonic()
    be.device_remove(5, 'vif', 0)
    check(time.monotonic() - t >= 0.3, 'did not wait for the frontend')
    check(xs.seen[:3] == [('closing', vbk),
                          ('rm', '/local/domain/5/device/vif/0'),
                          ('backend closed', vbk)], xs.seen)
    check(ran == [('vif-bridge', 'offline', vbk, 'vif5.0')], ran)
    check(not [k for k in xs.nodes if '/vif/' in k], 'nodes left')
    # A dead guest cannot answer: no wait, every device forced at once.
    be.close_timeout = 10.0
    be.device_add(5, 'vbd', DISK)
    be.device_add(5, 'vif', VIF)
    del ran[:], xs.seen[:]
    t = time.monotonic()
    be._remove_devices(5)
    check(time.monotonic() - t < 5, 'waited on a dead guest')
    closed = [i for i, e in enumerate(xs.seen) if e[0] == 'backend closed']
    check(len(closed) == 2 and closed[1] < xs.seen.index(('rm', bk)),
          'both closed before either was taken down: %s' % xs.seen)
    check([r[:2] for r in ran] == [('block', 'remove'),
                                   ('vif-bridge', 'offline')], ran)
    check(not [k for k in xs.nodes if '/backend/' in k or '/device/' in k],
          'nodes left')


@case
def real_backend_tap_aio_is_a_file():
    """tap:aio: goes to blkback as the file it names (the block script
    puts it on a loop device)."""
    be, ran = scripted()
    bk = '/local/domain/0/backend/vbd/5/51712'
    be.device_add(5, 'vbd', dict(DISK, uname='tap:aio:/tmp/y.img'))
    n = be.xs.nodes
    check(n[bk + '/type'] == 'file' and n[bk + '/params'] == '/tmp/y.img',
          'type %s params %s' % (n[bk + '/type'], n[bk + '/params']))
    be.device_remove(5, 'vbd', 51712)
    try:
        be.device_add(5, 'vbd', dict(DISK, uname='tap:qcow:/tmp/y.qcow'))
        check(False, 'tap:qcow: taken')
    except B.BackendError as e:
        check('blktap' in str(e), str(e))
    check(not [k for k in n if '/vbd/' in k], 'nodes left')


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
            be.domain_create({'name': 'big', 'mem_kib': 512 << 10,
                              'vcpus': 1, 'kernel': MINIOS})
            check(False, '512 MiB out of 256')
        except B.BackendError as e:
            check('populate_physmap' in str(e) and
                  'errno %d' % errno.ENOMEM in str(e), str(e))
        check(len(be.domain_list()) == before, 'the failed build stays')


class Lines(object):
    """libhvxc's messages (the xend.hvxc logger) while it is in use."""

    def __enter__(self):
        import logging
        self.lines = []
        self.log = logging.getLogger('xend.hvxc')
        self.level = self.log.level
        self.h = logging.Handler()
        self.h.emit = lambda r: self.lines.append(r.getMessage())
        self.log.addHandler(self.h)
        self.log.setLevel(logging.DEBUG)
        return self.lines

    def __exit__(self, *exc):
        self.log.removeHandler(self.h)
        self.log.setLevel(self.level)


@case
def real_kernel_cache():
    """A compressed kernel is unpacked once: the next build of the same
    file takes the cache's copy; a changed file, or an entry others could
    have written, is unpacked again; a failed build keeps nothing."""
    import gzip
    import shutil
    import tempfile
    import time
    if not os.path.isfile(MINIOS):
        raise Skip('no %s' % MINIOS)
    be = real()
    d = tempfile.mkdtemp(prefix='kcache-')
    try:
        kernel = os.path.join(d, 'mini-os.gz')
        with open(MINIOS, 'rb') as f:
            elf = f.read()
        with gzip.open(kernel, 'wb') as f:
            f.write(elf)
        be.kernel_cache = os.path.join(d, 'cache')

        def build():
            with Lines() as lines:
                domid = be.domain_create({'name': 'c', 'mem_kib': 8192,
                                          'vcpus': 1, 'kernel': kernel})
            be.domain_destroy(domid)
            return any('kernel unpacked before' in x for x in lines)

        def entry(until=lambda path: True):
            """The one entry, once until(its path): the writer runs after
            the build, on a thread of its own."""
            for _ in range(100):
                names = os.listdir(be.kernel_cache) \
                    if os.path.isdir(be.kernel_cache) else []
                path = names and os.path.join(be.kernel_cache, names[0])
                if len(names) == 1 and names[0].endswith('.elf') and \
                        until(path):
                    return path
                time.sleep(0.05)
            raise AssertionError('cache entries: %r' % names)

        check(not build(), 'an empty cache was used')
        first = entry()
        with open(first, 'rb') as f:
            check(f.read() == elf, 'the entry is not the unpacked kernel')
        check(os.stat(be.kernel_cache).st_mode & 0o777 == 0o700,
              'cache directory mode')
        check(build(), 'the cache was not used')
        # Another version of the file replaces its entry.
        os.utime(kernel)
        check(not build(), 'a changed kernel was taken from the cache')
        second = entry(lambda path: path != first)
        # An entry others can write is not taken (and is written anew).
        os.chmod(second, 0o666)
        check(not build(), 'a group/other-writable entry was used')
        third = entry(lambda path: os.stat(path).st_mode & 0o777 == 0o600)
        check(third == second, 'rewritten as %r, not %r' % (third, second))
        check(build(), 'the rewritten entry was not used')
        # A kernel that does not build leaves nothing in the cache.
        with gzip.open(kernel, 'wb') as f:
            f.write(b'not an ELF' * 1000)
        try:
            build()
            raise AssertionError('a bad kernel built')
        except B.BackendError:
            pass
        check(os.listdir(be.kernel_cache) == [os.path.basename(third)],
              os.listdir(be.kernel_cache))
    finally:
        shutil.rmtree(d, ignore_errors=True)
