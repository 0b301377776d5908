# SPDX-License-Identifier: GPL-2.0-only
# Helper for the benchmarks that boot Linux dom0: ours and Xen 4.17 in turn.
import os
import statistics

import qemu
import xen417


def alternate(ctx, tag, boot, show):
    """Calls boot(name, hypervisor ELF, who) ctx['runs'] times for each of
    'ours' and 'xen417', alternating, and returns {who: [its figures]};
    a boot that fails (qemu.BootFailure, OSError) is logged and left out.
    show(figures) is the progress line's text."""
    results, log = ctx['results'], ctx['log']
    try:
        xen_elf, _ = xen417.prepare(results)
    except xen417.Unavailable as e:
        log('%s: no Xen 4.17: %s' % (tag, e))
        xen_elf = None
    got = {'ours': [], 'xen417': []}
    for i in range(ctx['runs']):
        for who, kernel in (('ours', ctx['ours']), ('xen417', xen_elf)):
            if not kernel:
                continue
            name = '%s-%s-%d' % (tag, who, i + 1)
            try:
                fig = boot(name, kernel, who)
            except (qemu.BootFailure, OSError) as e:
                log('%s run %d failed: %s (log %s)' % (
                    who, i + 1, getattr(e, 'why', e),
                    os.path.join(results, name + '.log')))
                continue
            got[who].append(fig)
            log('%s run %d: %s' % (who, i + 1, show(fig)))
    return got


def median(got, who, key):
    """The median of figure key over who's runs, or None."""
    v = [f[key] for f in got[who]]
    return statistics.median(v) if v else None
