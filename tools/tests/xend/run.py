#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Runs the xend suite's cases (test_*.py); XEND_ONLY=prefix picks some."""
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402


def main():
    for f in sorted(os.listdir(HERE)):
        if f.startswith('test_') and f.endswith('.py'):
            importlib.import_module(f[:-3])
    only = os.environ.get('XEND_ONLY', '')
    cases = [c for c in harness.CASES
             if (c.__module__[5:] + '/' + c.__name__).startswith(only)]
    counts = harness.run(cases)
    return 1 if counts['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main())
