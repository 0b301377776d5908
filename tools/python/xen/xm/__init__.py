# SPDX-License-Identifier: GPL-2.0-only
"""xm: the command line that drives xend."""
