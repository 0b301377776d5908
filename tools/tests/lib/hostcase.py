# SPDX-License-Identifier: GPL-2.0-only
# Case runner for host-side Python suites: PASS/FAIL/SKIP lines and a summary.
import subprocess
import sys
import time


class Cases:
    """One suite's counts; case() runs a check that raises to fail or
    returns a reason to skip."""

    def __init__(self, suite):
        self.suite = suite
        self.counts = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}
        self.start = time.monotonic()

    def report(self, kind, name, why=''):
        self.counts[kind] += 1
        print('%s: %s: %s%s' % (kind, self.suite, name,
                                ': ' + why if why else ''))
        sys.stdout.flush()

    def case(self, name, fn, *args):
        """True if it passed: what depends on it may run."""
        try:
            skip = fn(*args)
        except AssertionError as e:
            self.report('FAIL', name, str(e))
            return False
        except subprocess.CalledProcessError as e:
            out = (e.output or b'').decode('utf-8', 'replace').strip()
            self.report('FAIL', name, '%s exited %d: %s' % (
                ' '.join(map(str, e.cmd))[:120], e.returncode, out[-600:]))
            return False
        except Exception as e:
            self.report('FAIL', name, 'harness error: %r' % e)
            return False
        if skip:
            self.report('SKIP', name, skip)
            return False
        self.report('PASS', name)
        return True

    def summary(self):
        """Prints the suite's last line; the exit status to return."""
        print('%s: %d passed, %d failed, %d skipped (%.1f s)' % (
            self.suite, self.counts['PASS'], self.counts['FAIL'],
            self.counts['SKIP'], time.monotonic() - self.start))
        return 1 if self.counts['FAIL'] else 0


def sh(cmd, **kw):
    """cmd's output (stderr folded in); raises if it fails."""
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                          **kw).stdout.decode('utf-8', 'replace')
