#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0-only
"""xm, the command line of xend (tools/python/xen/xm): what the C front
end (tools/xm/xm.c, installed as xm) execs for every command it leaves to
Python.  Installed as LIBEXECDIR/xm.py (/usr/lib/hv-xen/bin).

-S: without the site module, a third of Python's start-up in a dom0 on
an emulated CPU (its .pth files and sitecustomize), so xm finds its
modules itself: in the tree (tools/python beside tools/xm), or where
tools/install.mk puts them for the prefix it is installed under
(PREFIX/lib/hv-xen/bin/xm.py: PREFIX/lib/python3/dist-packages for /usr,
else PREFIX/lib/python3.X/dist-packages); failing both, site's own path."""
import os
import sys

here = os.path.dirname(os.path.realpath(__file__))
libdir = os.path.dirname(os.path.dirname(here))
for d in (os.path.join(os.path.dirname(here), 'python'),
          os.path.join(libdir, 'python3', 'dist-packages'),
          os.path.join(libdir, 'python%d.%d' % sys.version_info[:2],
                       'dist-packages')):
    if os.path.isdir(os.path.join(d, 'xen', 'xm')):
        sys.path.insert(0, d)
        break
else:
    import site
    site.main()
from xen.xm.main import main  # noqa: E402

sys.exit(main(sys.argv))
