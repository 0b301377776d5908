# SPDX-License-Identifier: GPL-2.0-only
"""xm's XML configs (create.dtd): the SXP of a Python config as XML, XML
checked against the DTD (with libxml2's xmllint) and read back into the
XenAPI records that create it."""
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

from xen.xend import sxp

DTD = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'create.dtd')
MiB = 1024 * 1024


class XmlError(ValueError):
    pass


def _kv(parent, tag, mapping):
    for k, v in mapping.items():
        ET.SubElement(parent, tag, key=str(k), value=str(v))


def to_xml(config, transient=False):
    """The <xm> document for a (vm ...) SXP, as text."""
    v = sxp.child_value
    root = ET.Element('xm')
    mem = int(v(config, 'memory', 128)) * MiB
    maxmem = max(int(v(config, 'maxmem', 0)) * MiB, mem)
    vcpus = str(v(config, 'vcpus', 1))
    vm = ET.SubElement(root, 'vm', {
        'is_a_template': 'false', 'auto_power_on': 'false',
        'vcpus_max': vcpus, 'vcpus_at_startup': vcpus,
        'actions_after_shutdown': v(config, 'on_poweroff', 'destroy'),
        'actions_after_reboot': v(config, 'on_reboot', 'restart'),
        'actions_after_crash': v(config, 'on_crash', 'restart').replace(
            '-', '_')})
    name = ET.SubElement(vm, 'name')
    ET.SubElement(name, 'label').text = v(config, 'name')
    ET.SubElement(name, 'description').text = ''
    ET.SubElement(vm, 'version').text = '1'
    img = sxp.child0(sxp.child(config, 'image') or ['image', ['linux']])
    args = ' '.join(x for x in (
        'root=' + v(img, 'root') if v(img, 'root') else '',
        v(img, 'args', '')) if x)
    ET.SubElement(vm, 'pv', {
        'kernel': v(img, 'kernel', ''), 'ramdisk': v(img, 'ramdisk', ''),
        'args': args, 'bootloader': v(config, 'bootloader', ''),
        'bootloader_args': v(config, 'bootloader_args', '')})
    ET.SubElement(vm, 'memory', {
        'static_min': '0', 'static_max': str(maxmem),
        'dynamic_min': str(mem), 'dynamic_max': str(mem)})
    vdis = []
    for i, dev in enumerate(d for d in (sxp.child0(x) for x in
                                        sxp.children(config, 'device'))
                            if sxp.name(d) in ('vbd', 'tap')):
        devname = v(dev, 'dev')
        ET.SubElement(vm, 'vbd', {
            'name': 'vbd%d' % i, 'vdi': 'vdi%d' % i,
            'mode': 'RO' if v(dev, 'mode') == 'r' else 'RW',
            'device': devname.split(':')[0], 'bootable': 'false',
            'type': 'CD' if devname.endswith(':cdrom') else 'disk',
            'qos_algorithm_type': ''})
        vdis.append((i, dev))
    vifs = [sxp.child0(x) for x in sxp.children(config, 'device')
            if sxp.name(sxp.child0(x)) == 'vif']
    for i, dev in enumerate(vifs):
        ET.SubElement(vm, 'vif', {
            'name': 'vif%d' % i, 'mac': v(dev, 'mac', ''), 'mtu': '1500',
            'device': 'eth%d' % i, 'qos_algorithm_type': '',
            'network': v(dev, 'bridge', 'xenbr0')})
    ET.SubElement(vm, 'console', protocol='vt100')
    params = {}
    for legacy, key in (('cpu_weight', 'weight'), ('cpu_cap', 'cap')):
        if v(config, legacy) is not None:
            params[key] = v(config, legacy)
    _kv(vm, 'vcpu_param', params)
    if transient:
        _kv(vm, 'other_config', {'transient': 'True'})
    for i, dev in vdis:
        vdi = ET.SubElement(root, 'vdi', {
            'name': 'vdi%d' % i, 'src': v(dev, 'uname'), 'type': 'system',
            'size': '0', 'sharable': 'true' if v(dev, 'mode') == 'w!'
            else 'false', 'read_only': 'true' if v(dev, 'mode') == 'r'
            else 'false'})
        n = ET.SubElement(vdi, 'name')
        ET.SubElement(n, 'label').text = v(dev, 'uname')
        ET.SubElement(n, 'description').text = ''
    text = ET.tostring(root, encoding='unicode')
    return ("<?xml version='1.0'?>\n<!DOCTYPE xm SYSTEM 'create.dtd'>\n" +
            text + '\n')


def validate(path):
    """Check a file against create.dtd with libxml2's xmllint."""
    xmllint = shutil.which('xmllint')
    if xmllint is None:
        raise XmlError('xmllint (libxml2-utils) is needed to check the DTD; '
                       'use -s to skip the check')
    p = subprocess.run([xmllint, '--noout', '--nonet', '--dtdvalid', DTD,
                        path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if p.returncode:
        raise XmlError('%s does not match create.dtd:\n%s'
                       % (path, p.stderr.strip()))


def read(path):
    """[(vm record, [(vbd record, vdi spec)], [vif record])] of a file.
    DTDs inside the file are not read: entities stay unexpanded."""
    try:
        with open(path, 'rb') as f:
            data = f.read()
        if b'<!ENTITY' in data:
            raise XmlError('%s: entity declarations are not accepted' % path)
        root = ET.fromstring(data)
    except (OSError, ET.ParseError) as e:
        raise XmlError('%s: %s' % (path, e)) from None
    if root.tag != 'xm':
        raise XmlError('%s: the root element is not <xm>' % path)
    vdis = {x.get('name'): x for x in root.findall('vdi')}
    out = []
    for vm in root.findall('vm'):
        try:
            out.append(_vm(vm, vdis))
        except (AttributeError, KeyError, TypeError) as e:
            raise XmlError('%s: incomplete <vm>: %s' % (path, e)) from None
    return out


def _pairs(el, tag):
    return {x.get('key'): x.get('value') for x in el.findall(tag)}


def _vm(vm, vdis):
    pv = vm.find('pv')
    mem = vm.find('memory')
    rec = {'name_label': vm.find('name/label').text or '',
           'name_description': vm.find('name/description').text or '',
           'is_a_template': vm.get('is_a_template') == 'true',
           'auto_power_on': vm.get('auto_power_on') == 'true',
           'VCPUs_max': vm.get('vcpus_max'),
           'VCPUs_at_startup': vm.get('vcpus_at_startup'),
           'actions_after_shutdown': vm.get('actions_after_shutdown'),
           'actions_after_reboot': vm.get('actions_after_reboot'),
           'actions_after_crash': vm.get('actions_after_crash'),
           'PV_kernel': pv.get('kernel'), 'PV_ramdisk': pv.get('ramdisk'),
           'PV_args': pv.get('args'), 'PV_bootloader': pv.get('bootloader'),
           'PV_bootloader_args': pv.get('bootloader_args'),
           'memory_static_min': mem.get('static_min'),
           'memory_static_max': mem.get('static_max'),
           'memory_dynamic_min': mem.get('dynamic_min'),
           'memory_dynamic_max': mem.get('dynamic_max'),
           'VCPUs_params': _pairs(vm, 'vcpu_param'),
           'platform': _pairs(vm, 'platform'),
           'other_config': _pairs(vm, 'other_config')}
    vbds = []
    for b in vm.findall('vbd'):
        vdi = vdis[b.get('vdi')]
        vbds.append(({'device': b.get('device'), 'mode': b.get('mode'),
                      'type': 'CD' if b.get('type') == 'CD' else 'Disk',
                      'bootable': b.get('bootable') == 'true'},
                     {'name_label': vdi.find('name/label').text or '',
                      'virtual_size': vdi.get('size'),
                      'type': vdi.get('type'),
                      'sharable': vdi.get('sharable') == 'true',
                      'read_only': vdi.get('read_only') == 'true',
                      'other_config': {'location': vdi.get('src')}}))
    vifs = [{'MAC': f.get('mac'), 'MTU': f.get('mtu'),
             'device': f.get('device'), 'bridge': f.get('network')}
            for f in vm.findall('vif')]
    return rec, vbds, vifs
