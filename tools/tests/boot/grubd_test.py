# Offline tests of tools/misc/grub.d/20_linux_hv against a fake /boot tree.
"""run(results) returns [(case name, None or why it failed)].  The script is
run by /bin/sh with HV_BOOT_DIR pointing at a temporary directory; nothing
is booted.  grub-script-check, when installed, checks the GRUB syntax."""

import os
import re
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.normpath(os.path.join(HERE, '..', '..', 'misc', 'grub.d',
                                       '20_linux_hv'))

BASE_ENV = {
    'GRUB_DISTRIBUTOR': 'Debian',
    'GRUB_DEVICE': '/dev/sda1',
    'GRUB_DEVICE_UUID': '1234-abcd',
    'GRUB_CMDLINE_XEN': 'dom0_mem=1G',
    'GRUB_CMDLINE_XEN_DEFAULT': 'loglvl=all',
    'GRUB_CMDLINE_LINUX': 'console=tty0',
    'GRUB_CMDLINE_LINUX_DEFAULT': 'quiet',
}


def make_tree(root, hv_images=('hv-xen.gz',)):
    boot = os.path.join(root, 'boot')
    os.makedirs(boot)
    files = list(hv_images) + [
        'xen-4.17-amd64.gz',                # Debian's Xen: not ours
        'vmlinuz-6.1.0-13-amd64', 'initrd.img-6.1.0-13-amd64',
        'vmlinuz-6.1.0-9-amd64',            # no initrd, no config
        'vmlinuz-5.10.0-1-amd64',           # config says no dom0
        'vmlinuz-6.1.0-13-amd64.dpkg-old',  # package manager leftover
    ]
    for f in files:
        open(os.path.join(boot, f), 'w').close()
    with open(os.path.join(boot, 'config-6.1.0-13-amd64'), 'w') as f:
        f.write('CONFIG_XEN_DOM0=y\n')
    with open(os.path.join(boot, 'config-5.10.0-1-amd64'), 'w') as f:
        f.write('# CONFIG_XEN_DOM0 is not set\n')
    return boot


def generate(tmp, env, **tree):
    root = tempfile.mkdtemp(dir=tmp)
    boot = make_tree(root, **tree)
    full = {k: v for k, v in os.environ.items() if not k.startswith('GRUB_')}
    full.update(env, HV_BOOT_DIR=boot, HV_GRUB_BOOT_PATH='/boot')
    p = subprocess.run(['sh', SCRIPT], env=full, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    if p.returncode:
        raise AssertionError('exit status %d: %s' % (
            p.returncode, p.stderr.decode('utf-8', 'replace').strip()))
    return p.stdout.decode()


def entries(text):
    """{title: body} for every menuentry in text."""
    found = {}
    for m in re.finditer(r"^\s*menuentry '((?:[^']|'\\'')*)'.*?\{\n(.*?)^\s*\}",
                         text, re.S | re.M):
        found[m.group(1).replace("'\\''", "'")] = m.group(2)
    return found


def syntax_ok(tmp, text):
    if not shutil.which('grub-script-check'):
        return
    path = os.path.join(tmp, 'check.cfg')
    with open(path, 'w') as f:
        f.write(text)
    p = subprocess.run(['grub-script-check', path], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if p.returncode:
        raise AssertionError('grub-script-check: ' +
                             p.stdout.decode().strip())


def need(cond, why):
    if not cond:
        raise AssertionError(why)


def lines_of(body):
    return [' '.join(line.split()) for line in body.splitlines()]


def case_menu(tmp):
    text = generate(tmp, BASE_ENV)
    syntax_ok(tmp, text)
    e = entries(text)
    top = e.get('Debian GNU/Linux, with Xen-compatible hypervisor')
    need(top is not None, 'no default entry in:\n' + text)
    want = ['multiboot2 /boot/hv-xen.gz placeholder dom0_mem=1G loglvl=all',
            'module2 /boot/vmlinuz-6.1.0-13-amd64 placeholder '
            'root=UUID=1234-abcd ro console=tty0 quiet',
            'module2 --nounzip /boot/initrd.img-6.1.0-13-amd64']
    for w in want:
        need(w in lines_of(top), 'default entry lacks %r' % w)
    need(len(e) == 5, 'want 5 entries (default + 2 kernels x normal/'
         'recovery), got %d: %s' % (len(e), sorted(e)))
    need('submenu ' in text, 'no submenu')
    for bad in ('5.10.0-1', 'dpkg-old', 'xen-4.17'):
        need(bad not in text, '%s should not be offered' % bad)
    rec = [b for t, b in e.items() if t.endswith('6.1.0-9-amd64 (recovery mode)')]
    need(rec, 'no recovery entry for 6.1.0-9')
    rec = lines_of(rec[0])
    need('multiboot2 /boot/hv-xen.gz placeholder dom0_mem=1G' in rec,
         'recovery hypervisor line wrong: %s' % rec)
    need('module2 /boot/vmlinuz-6.1.0-9-amd64 placeholder root=UUID=1234-abcd'
         ' ro single console=tty0' in rec, 'recovery kernel line wrong: %s'
         % rec)
    need(not any('initrd' in line for line in rec),
         'initrd for a kernel without one')


def case_xen_replace(tmp):
    env = dict(BASE_ENV,
               GRUB_CMDLINE_LINUX_XEN_REPLACE='console=hvc0 earlyprintk=xen',
               GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT='')
    text = generate(tmp, env)
    syntax_ok(tmp, text)
    top = entries(text)['Debian GNU/Linux, with Xen-compatible hypervisor']
    want = ('module2 /boot/vmlinuz-6.1.0-13-amd64 placeholder '
            'root=UUID=1234-abcd ro console=hvc0 earlyprintk=xen')
    need(want in lines_of(top), 'want %r in:\n%s' % (want, top))


def case_options(tmp):
    env = dict(BASE_ENV, GRUB_DISABLE_RECOVERY='true',
               GRUB_DISABLE_SUBMENU='y', GRUB_DISABLE_LINUX_UUID='true',
               GRUB_DISTRIBUTOR="O'Brien")
    text = generate(tmp, env, hv_images=('hv-xen.gz', 'hv-xen-2.gz'))
    syntax_ok(tmp, text)
    e = entries(text)
    need('submenu' not in text, 'submenu despite GRUB_DISABLE_SUBMENU=y')
    need(not any('recovery' in t for t in e),
         'recovery entry despite GRUB_DISABLE_RECOVERY=true')
    need("O'Brien GNU/Linux, with Xen-compatible hypervisor" in e,
         'quote in GRUB_DISTRIBUTOR mangled: %s' % sorted(e))
    need(len(e) == 5, 'want 5 entries (default + 2 images x 2 kernels), '
         'got %s' % sorted(e))
    need('root=/dev/sda1 ro' in text, 'GRUB_DISABLE_LINUX_UUID ignored')


def case_no_hypervisor(tmp):
    text = generate(tmp, BASE_ENV, hv_images=())
    need(text == '', 'output without a hypervisor image:\n' + text)


CASES = [('grubd-menu', case_menu), ('grubd-xen-replace', case_xen_replace),
         ('grubd-options', case_options),
         ('grubd-no-hypervisor', case_no_hypervisor)]


def run(results):
    out = []
    tmp = tempfile.mkdtemp(prefix='grubd-test.')
    try:
        for name, fn in CASES:
            try:
                fn(tmp)
                out.append((name, None))
            except AssertionError as e:
                out.append((name, str(e).replace('\n', ' | ')))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


if __name__ == '__main__':
    for name, why in run(None):
        print('PASS: %s' % name if why is None else 'FAIL: %s: %s' % (name, why))
