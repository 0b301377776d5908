# SPDX-License-Identifier: GPL-2.0-only
# vbd and vif devices: bad input over XenAPI and the legacy path.
"""Devices: VBD.create and VIF.create refuse bad input with the 1.0 codes
and change nothing; disk names and their virtual-device numbers.  (The
real backend's device nodes and scripts: test_realbackend.py.)"""
from harness import case, check, Env
from test_xenapi import expect_failure, login, new_vm
from xen.xend import backend as B

MiB = 1024 * 1024


@case
def bad_vbd_and_vif_refused():
    env = Env()
    try:
        X, s = login(env)
        vm = new_vm(env, s)
        sr = s.xenapi.pool.get_default_SR(s.xenapi.pool.get_all()[0])
        vdi = s.xenapi.VDI.create({
            'name_label': 'disk', 'name_description': '', 'SR': sr,
            'virtual_size': str(MiB), 'type': 'user', 'sharable': False,
            'read_only': False,
            'other_config': {'location': 'file:/tmp/x.img'}})
        vbd = {'VM': vm, 'VDI': vdi, 'device': 'xvda', 'bootable': True,
               'mode': 'RW', 'type': 'Disk', 'qos_algorithm_type': '',
               'qos_algorithm_params': {}}
        d = expect_failure(X, 'HANDLE_INVALID', s.xenapi.VBD.create,
                           dict(vbd, VM='OpaqueRef:nope'))
        check(d == ['HANDLE_INVALID', 'VM', 'OpaqueRef:nope'], d)
        for dev in ('floppy', 'xvd', 'xvda999', 'sdz1', '0', 'hde'):
            d = expect_failure(X, 'VALUE_NOT_SUPPORTED', s.xenapi.VBD.create,
                               dict(vbd, device=dev))
            check(d[1:3] == ['device', dev], d)
        s.xenapi.VBD.create(vbd)
        d = expect_failure(X, 'VALUE_NOT_SUPPORTED', s.xenapi.VBD.create,
                           dict(vbd, device='51712'))
        check(d[1:3] == ['device', '51712'], 'xvda twice: %s' % d)
        net = s.xenapi.network.get_by_name_label('xenbr0')[0]
        vif = {'VM': vm, 'network': net, 'device': '0', 'MAC': '',
               'MTU': '1500', 'qos_algorithm_type': '',
               'qos_algorithm_params': {}}
        d = expect_failure(X, 'HANDLE_INVALID', s.xenapi.VIF.create,
                           dict(vif, VM='nope'))
        check(d == ['HANDLE_INVALID', 'VM', 'nope'], d)
        d = expect_failure(X, 'HANDLE_INVALID', s.xenapi.VIF.create,
                           dict(vif, network='nonet'))
        check(d == ['HANDLE_INVALID', 'network', 'nonet'], d)
        d = expect_failure(X, 'VALUE_NOT_SUPPORTED', s.xenapi.VIF.create,
                           dict(vif, MAC='00:16:3e:zz:00:01'))
        check(d[1:3] == ['MAC', '00:16:3e:zz:00:01'], d)
        for bridge in ('a bridge', 'br/0', 'bridge-name-too-long'):
            bad = s.xenapi.network.create({'name_label': bridge,
                                           'name_description': '',
                                           'other_config': {}})
            d = expect_failure(X, 'VALUE_NOT_SUPPORTED', s.xenapi.VIF.create,
                               dict(vif, network=bad))
            check(d[1:3] == ['bridge', bridge], d)
            s.xenapi.network.destroy(bad)
        check(len(s.xenapi.VM.get_VBDs(vm)) == 1 and
              s.xenapi.VM.get_VIFs(vm) == [], 'only the good VBD was added')
        # The same checks on the legacy path xm create takes.
        from xen.xend import domains as D
        for dev, field in ((['vbd', ['uname', 'file:/x'], ['dev', 'fd0'],
                             ['mode', 'w']], 'device'),
                           (['vif', ['bridge', 'br 0']], 'bridge'),
                           (['vif', ['rate', 'fast']], 'rate')):
            try:
                env.xend.domains.from_sxp(['vm', ['name', 'bad'],
                                           ['device', dev]], False)
                check(False, '%s taken' % dev)
            except D.XendError as e:
                check(e.desc[:2] == ['VALUE_NOT_SUPPORTED', field], e.desc)
    finally:
        env.close()


@case
def vif_rates():
    for text, want in (('10Mb/s', '62500,50000'), ('1MB/s', '50000,50000'),
                       ('8Kb/s@1s', '1000,1000000'),
                       ('2GB/s@100us', '200000,100'), ('100B/s', '5,50000')):
        check(B.vif_rate(text) == want, '%s -> %s' % (text,
                                                      B.vif_rate(text)))
    for bad in ('', '10Mb', '10 Mb/s', '-1Mb/s', '10Tb/s', '1b/s',
                '1MB/s@0ms', '1MB/s@2000s'):
        try:
            B.vif_rate(bad)
            check(False, '%r taken' % bad)
        except ValueError:
            pass


@case
def vbd_devid_numbers():
    for name, want in (('xvda', 202 << 8), ('xvdb3', 202 << 8 | 16 | 3),
                       ('xvdq', 1 << 28 | 16 << 8), ('sda1', 8 << 8 | 1),
                       ('hdb', 3 << 8 | 64), ('hdc2', 22 << 8 | 2),
                       ('xvdaa', 1 << 28 | 26 << 8), ('768', 768)):
        check(B.vbd_devid(name) == want, '%s -> %#x' % (name,
                                                         B.vbd_devid(name)))
    for bad in ('', 'xvd', 'fd0', 'hde', 'xvda256', 'sdq', '0', 'xvdA'):
        try:
            B.vbd_devid(bad)
            check(False, '%r taken' % bad)
        except ValueError:
            pass


@case
def vif_devids_after_removing_one():
    """vifs 0, 1, 2 on a running VM, the middle one taken out: the next
    vif gets 3 (one past the highest, as libxl picks it), never an id in
    use, and each removal takes out the device it names."""
    env = Env()
    try:
        X, s = login(env)
        vm = new_vm(env, s)
        net = s.xenapi.network.get_by_name_label('xenbr0')[0]

        def add():
            return s.xenapi.VIF.create({
                'VM': vm, 'network': net, 'device': '', 'MAC': '',
                'MTU': '1500', 'qos_algorithm_type': '',
                'qos_algorithm_params': {}})
        vifs = [add() for _ in range(3)]
        s.xenapi.VM.start(vm, False)
        domid = int(s.xenapi.VM.get_domid(vm))

        def devids():
            return sorted(i for k, i in env.backend._dom(domid)['devices']
                          if k == 'vif')
        check(devids() == [0, 1, 2], devids())
        s.xenapi.VIF.destroy(vifs[1])
        check(devids() == [0, 2], 'vif 1 taken out: %s' % devids())
        new = add()
        check(devids() == [0, 2, 3], 'the new vif: %s' % devids())
        s.xenapi.VIF.destroy(vifs[2])
        check(devids() == [0, 3], 'vif 2 taken out: %s' % devids())
        # xm names a running VM's vifs by devid, as network-list shows them.
        legacy = env.xend.legacy
        check([i for i, _ in legacy.device_sxprs('guest', 'vif')] == [0, 3],
              legacy.device_sxprs('guest', 'vif'))
        legacy.device_destroy('guest', 'vif', 3)
        check(devids() == [0] and s.xenapi.VM.get_VIFs(vm) == [vifs[0]],
              'network-detach 3: %s' % devids())
        add()
        check(devids() == [0, 1], devids())
        s.xenapi.VM.hard_shutdown(vm)
        s.xenapi.VM.start(vm, False)
        domid = int(s.xenapi.VM.get_domid(vm))
        check(devids() == [0, 1], 'restarted: %s' % devids())
        s.xenapi.VM.hard_shutdown(vm)
    finally:
        env.close()


@case
def tap_disks():
    """tap:aio: (a raw image) is taken as libxl takes it without blktap,
    as a file; the other tap: formats are refused saying why, with the
    1.0 code, on the legacy path and over XenAPI."""
    from xen.xend import domains as D
    check(B.disk_source('tap:aio:/tmp/x.img') == ('file', '/tmp/x.img') and
          B.disk_source('phy:/dev/vg/g') == ('phy', '/dev/vg/g'),
          'tap:aio: as file:')
    rec = D.vbd_from_sxp(['vbd', ['uname', 'tap:aio:/tmp/x.img'],
                          ['dev', 'xvda'], ['mode', 'w']])
    check(rec['uname'] == 'tap:aio:/tmp/x.img', rec)
    for uname in ('tap:qcow:/x.qcow', 'tap:vhd:/x.vhd', 'tap:aio:',
                  'nbd:host:1', 'file:'):
        try:
            D.vbd_from_sxp(['vbd', ['uname', uname], ['dev', 'xvda'],
                            ['mode', 'w']])
            check(False, '%s taken' % uname)
        except D.XendError as e:
            check(e.desc[:3] == ['VALUE_NOT_SUPPORTED', 'uname', uname],
                  e.desc)
            check('blktap' in e.desc[3] or not uname.startswith('tap:q'),
                  e.desc)
    env = Env()
    try:
        X, s = login(env)
        vm = new_vm(env, s)
        sr = s.xenapi.pool.get_default_SR(s.xenapi.pool.get_all()[0])
        for loc, ok in (('tap:aio:/tmp/x.img', True),
                        ('tap:qcow2:/tmp/x.qcow2', False)):
            vdi = s.xenapi.VDI.create({
                'name_label': 'disk', 'name_description': '', 'SR': sr,
                'virtual_size': str(MiB), 'type': 'user', 'sharable': False,
                'read_only': False, 'other_config': {'location': loc}})
            vbd = {'VM': vm, 'VDI': vdi, 'device': 'xvda' if ok else 'xvdb',
                   'bootable': True, 'mode': 'RW', 'type': 'Disk',
                   'qos_algorithm_type': '', 'qos_algorithm_params': {}}
            if ok:
                s.xenapi.VBD.create(vbd)
            else:
                d = expect_failure(X, 'VALUE_NOT_SUPPORTED',
                                   s.xenapi.VBD.create, vbd)
                check(d[1:3] == ['uname', loc], d)
        check(len(s.xenapi.VM.get_VBDs(vm)) == 1, 'only tap:aio: added')
    finally:
        env.close()
