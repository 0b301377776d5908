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


def dom0_figures(name, results, kernel, modules, append, figures, forbid):
    """One boot of a benchmark's dom0 (-smp 2, 1 GiB; modules: Linux and
    its initramfs) whose script prints 'hv-bench: start ...', the figures
    and 'hv-bench: done'; {key: value}.  forbid: lines that fail the boot,
    besides 'hv-bench: ... failed'."""
    with qemu.Machine(name, results, kernel=kernel, modules=modules,
                      append=append, smp=2, mem='1G', cpu='max',
                      forbid=tuple(forbid) + (r'^hv-bench: \w+ failed',)) as m:
        m.expect(r'^hv-bench: start\b', 180)
        fig = expect_figures(m, figures)
        m.expect(r'^hv-bench: done$', 60)
    return fig


def expect_figures(m, figures):
    """{key: value} of figures ((key, regex, row, unit), in the order dom0
    prints them) read from machine m; 'userspace' may take 300 s, the rest
    120 s each; microseconds arrive as milliseconds."""
    fig = {}
    for key, rx, _, unit in figures:
        v = float(m.expect(rx, 300 if key == 'userspace' else 120)[0]
                  .group(1))
        fig[key] = v * 1000.0 if unit == 'us' else v
    return fig
