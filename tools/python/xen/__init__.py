# SPDX-License-Identifier: GPL-2.0-only
"""The dom0 toolstack's Python packages: xend (the daemon) and xm (its CLI)."""
