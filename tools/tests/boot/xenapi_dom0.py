#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# XenAPI 1.0 from the host into a booted dom0's xend (the boot case xm-dom0).
"""xenapi_dom0.py URL USER PASSWORD KERNEL [DISK]

Drives the xend in a dom0 under QEMU through user-net port forwarding:
Debian's python3-os-xenapi client (run this with /usr/bin/python3) logs
in, lists the VMs, creates a mini-os VM (KERNEL is its path in dom0)
with a VBD on DISK (a file in dom0) and a VIF on xenbr0, starts it,
cleanly shuts it down and destroys it while an event session watches,
then the 1.0 error codes over raw XML-RPC, then our own binding
(tools/python/XenAPI.py).  Prints one line per step; exits 1 with the
failing step's reason on the last line.
"""
import os
import sys
import time
import xmlrpc.client

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'python'))
MiB = 1 << 20


class Failed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failed(what)


def say(line):
    print('xenapi: ' + line, flush=True)


def wait_state(x, vm, want, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        st = x.VM.get_power_state(vm)
        if st == want:
            return
        if time.monotonic() > deadline:
            raise Failed('VM %s still %s after %d s, not %s'
                         % (vm, st, timeout, want))
        time.sleep(0.3)


def vm_record(kernel, name):
    mem = str(32 * MiB)
    return {'name_label': name, 'name_description': 'from the host',
            'memory_static_min': '0', 'memory_static_max': mem,
            'memory_dynamic_min': mem, 'memory_dynamic_max': mem,
            'VCPUs_max': '1', 'VCPUs_at_startup': '1', 'PV_kernel': kernel,
            'PV_args': 'role=control', 'actions_after_shutdown': 'destroy',
            'actions_after_reboot': 'restart',
            'actions_after_crash': 'destroy'}


def add_devices(x, vm, disk):
    """A VDI for the file disk, its VBD as xvda, a VIF on xenbr0."""
    sr = x.pool.get_default_SR(x.pool.get_all()[0])
    vdi = x.VDI.create({
        'name_label': 'xenapi-disk', 'name_description': '', 'SR': sr,
        'virtual_size': str(16 * MiB), 'type': 'user', 'sharable': False,
        'read_only': False, 'other_config': {'location': 'file:' + disk}})
    vbd = x.VBD.create({
        'VM': vm, 'VDI': vdi, 'device': 'xvda', 'bootable': True,
        'mode': 'RW', 'type': 'Disk', 'qos_algorithm_type': '',
        'qos_algorithm_params': {}})
    net = x.network.get_by_name_label('xenbr0')[0]
    vif = x.VIF.create({
        'VM': vm, 'network': net, 'device': '0', 'MAC': '',
        'MTU': '1500', 'qos_algorithm_type': '', 'qos_algorithm_params': {}})
    return vdi, vbd, vif


def lifecycle(XenAPI, url, user, password, kernel, name, disk=None):
    """Login, get_all_records, create (with a VBD and a VIF when disk is
    given)/start/clean_shutdown/destroy with an event session seeing the
    VM's changes."""
    s = XenAPI.Session(url)
    s.login_with_password(user, password, '1.0', 'hv-boot-test')
    x = s.xenapi
    recs = x.VM.get_all_records()
    dom0 = [r for r in recs.values() if r['domid'] == '0']
    check(len(dom0) == 1 and dom0[0]['power_state'] == 'Running',
          'get_all_records: no running domain 0 in %s'
          % sorted(r['name_label'] for r in recs.values()))
    say('login and get_all_records: %d VM(s)' % len(recs))
    ev = XenAPI.Session(url)
    ev.login_with_password(user, password)
    ev.xenapi.event.register(['VM'])
    vm = x.VM.create(vm_record(kernel, name))
    check(x.VM.get_power_state(vm) == 'Halted', 'created VM not Halted')
    if disk:
        vdi, vbd, vif = add_devices(x, vm, disk)
        check(x.VM.get_VBDs(vm) == [vbd] and x.VM.get_VIFs(vm) == [vif],
              'VM.VBDs/VIFs: %s %s' % (x.VM.get_VBDs(vm),
                                       x.VM.get_VIFs(vm)))
        say('VBD.create and VIF.create: xvda on %s, a vif on xenbr0' % disk)
    x.VM.start(vm, False)
    wait_state(x, vm, 'Running')
    domid = x.VM.get_domid(vm)
    check(int(domid) > 0, 'running VM has domid %s' % domid)
    say('VM.create and VM.start: %s running as domain %s' % (name, domid))
    if disk:
        check(x.VBD.get_currently_attached(vbd) and
              x.VIF.get_currently_attached(vif), 'devices not attached')
    x.VM.clean_shutdown(vm)
    wait_state(x, vm, 'Halted')
    say('VM.clean_shutdown: halted')
    x.VM.destroy(vm)
    check(vm not in x.VM.get_all(), 'destroyed VM still listed')
    if disk:
        check(vbd not in x.VBD.get_all() and vif not in x.VIF.get_all(),
              'the VM\'s VBD or VIF outlived it')
        x.VDI.destroy(vdi)
    say('VM.destroy: gone')
    seen = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(
            e['operation'] == 'del' for e in seen):
        seen += [e for e in ev.xenapi.event.next()
                 if e.get('class') == 'VM' and e.get('ref') == vm]
    ops = [e['operation'] for e in seen]
    check('add' in ops and 'mod' in ops and 'del' in ops,
          'event.next for the VM: %s' % ops)
    say('event.register/next: %s' % ' '.join(ops))
    ev.xenapi.session.logout()
    return s


def error_codes(url, user, password, kernel):
    """The 1.0 Failures, as the wire carries them."""
    p = xmlrpc.client.ServerProxy(url)
    r = p.session.login_with_password(user, password)
    check(r['Status'] == 'Success', 'raw login: %s' % r)
    sid = r['Value']
    cases = [
        ('bad session', p.VM.get_all, ('OpaqueRef:nonsense',),
         ['SESSION_INVALID', 'OpaqueRef:nonsense']),
        ('wrong argument count', p.VM.get_all, (sid, 'extra'),
         ['MESSAGE_PARAMETER_COUNT_MISMATCH', 'VM.get_all', '1', '2']),
        ('unknown method', p.VM.frobnicate, (sid,),
         ['MESSAGE_METHOD_UNKNOWN', 'VM.frobnicate']),
    ]
    for what, fn, args, want in cases:
        r = fn(*args)
        check(list(r) == ['Status', 'ErrorDescription'] and
              r['Status'] == 'Failure' and r['ErrorDescription'] == want,
              '%s: %s, not %s' % (what, r, want))
        say('%s: %s' % (what, want[0]))
    vm = p.VM.create(sid, vm_record(kernel, 'xenapi-halted'))['Value']
    try:
        r = p.VM.unpause(sid, vm)
        check(r.get('ErrorDescription') == [
            'VM_BAD_POWER_STATE', vm, 'Paused', 'Halted'],
            'bad power state: %s' % r)
        say('bad power state: VM_BAD_POWER_STATE')
    finally:
        p.VM.destroy(sid, vm)
    p.session.logout(sid)


def main(argv):
    if len(argv) not in (5, 6):
        print(__doc__, file=sys.stderr)
        return 2
    url, user, password, kernel = argv[1:5]
    disk = argv[5] if len(argv) == 6 else None
    try:
        try:
            from os_xenapi.client import XenAPI as osx
        except ImportError:
            raise Failed('no os_xenapi (apt-get install python3-os-xenapi; '
                         'run with /usr/bin/python3)') from None
        s = lifecycle(osx, url, user, password, kernel, 'xenapi-osx', disk)
        s.xenapi.session.logout()
        error_codes(url, user, password, kernel)
        import XenAPI as ours
        s = lifecycle(ours, url, user, password, kernel, 'xenapi-ours')
        s.xenapi.session.logout()
        say('our XenAPI.py: the same lifecycle')
    except Failed as e:
        say('FAILED: %s' % e)
        return 1
    except Exception as e:
        say('FAILED: %s: %s' % (type(e).__name__, e))
        return 1
    say('all done')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
