# SPDX-License-Identifier: GPL-2.0-only
"""Python bindings of dom0's C libraries."""
