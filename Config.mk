# SPDX-License-Identifier: GPL-2.0-only
# Build settings shared by every part of the tree.

XEN_ROOT ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

# The ABI version we implement (guests see 4.17 through xen_version).
XEN_VERSION       := 4
XEN_SUBVERSION    := 17
XEN_EXTRAVERSION  := .0-hv

CC       ?= gcc
LD       ?= ld
OBJCOPY  ?= objcopy
NM       ?= nm
PYTHON   ?= python3

debug ?= y

# Host programs (tools, tests): sanitizers on unless asked otherwise.
HOSTCFLAGS ?= -O1 -g -std=gnu11 -Wall -Wextra -Werror
SANITIZE   ?= -fsanitize=address,undefined -fno-omit-frame-pointer
