# SPDX-License-Identifier: GPL-2.0-only
# Where `make install` puts the tools: Debian 12's layout under PREFIX.
# Included by the tools' Makefiles; each directory's install rule uses these.

DESTDIR ?=
PREFIX ?= /usr
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
INCLUDEDIR ?= $(PREFIX)/include
# Debian's multiarch library directory (x86_64-linux-gnu), else plain lib.
MULTIARCH = $(shell $(or $(CC),cc) -print-multiarch 2>/dev/null)
LIBDIR ?= $(PREFIX)/lib$(if $(MULTIARCH),/$(MULTIARCH))
# Helpers only the start-up scripts and units run, as Debian's
# /usr/lib/xen-<version>/bin; ours is not versioned (one stack at a time).
LIBEXECDIR ?= $(PREFIX)/lib/hv-xen/bin
MANDIR ?= $(PREFIX)/share/man
# Debian's python3 reads the version-free /usr/lib/python3/dist-packages,
# and under another prefix only the versioned one (/usr/local/lib/python3.11).
PYTHON_VERSION = $(shell python3 -c \
    'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
PYTHON_SUBDIR = python$(if $(filter /usr,$(PREFIX)),3,$(PYTHON_VERSION))
PYTHONDIR ?= $(PREFIX)/lib/$(PYTHON_SUBDIR)/dist-packages
# Configuration and state stay at the root whatever PREFIX is, as on Debian.
SYSCONFDIR ?= /etc
# Debian 12's systemd still keeps package units in /lib (not /usr/lib).
UNITDIR ?= /lib/systemd/system
INSTALL ?= install
