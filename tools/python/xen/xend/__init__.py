# SPDX-License-Identifier: GPL-2.0-only
"""xend: the VM lifecycle daemon serving XenAPI 1.0 and the legacy xend.* API."""
