# SPDX-License-Identifier: GPL-2.0-only
# Top level: build the hypervisor and tools, boot them, test them.
XEN_ROOT := $(CURDIR)
include Config.mk

DESTDIR ?=
DIST    := $(XEN_ROOT)/dist/install
ISO     := $(XEN_ROOT)/dist/xen.iso

# QEMU settings for `make run`; override on the command line.
SMP     ?= 4
MEM     ?= 1G
CPU     ?= max
# conswitch=bx: typing goes to the debug keys; Ctrl-B three times hands it
# to dom0 (Ctrl-A, Xen's default, is QEMU's own escape key).
XEN_CMDLINE ?= console=com1 com1=115200,8n1 loglvl=all dom0_mem=64M conswitch=bx
# Dom0's kernel (a PV ELF kernel); DOM0= boots the hypervisor alone.
DOM0    ?= extras/mini-os/mini-os
# The boot modules (QEMU -initrd: comma-separated, each "file args").
# mini-os as dom0 also gets itself, to build peer domains from, and a peer
# started at boot (docs/misc/boot-domains.md), so that its domain cases run.
ifeq ($(DOM0),extras/mini-os/mini-os)
MODULES ?= $(DOM0),$(DOM0),$(DOM0) domU mem=4M -- role=peer
else
MODULES ?= $(DOM0)
endif

GUEST_DIRS := extras/mini-os

.PHONY: all xen tools guests dist iso install install-xen install-tools run \
        run-dom0 run-iso test bench check format format-check clean deps mutate \
        fuzz deb rootfs

all: xen tools guests

deps:
	@tools/scripts/install-deps

xen:
	$(MAKE) -C xen

tools:
	$(MAKE) -C tools

guests:
	$(foreach d,$(GUEST_DIRS),$(MAKE) -C $(d) &&) true

# A staging tree laid out as `make install` would lay out /.
dist: all
	rm -rf $(DIST)
	$(MAKE) install DESTDIR=$(DIST)

# The image is named hv-xen-<version>.gz so that it sits beside Debian's
# own xen-*.gz; tools/misc/grub.d/20_linux_hv offers an entry per image.
# The tools go under PREFIX (default /usr) as Debian lays them out
# (tools/install.mk, docs/misc/packaging.md).
XEN_FULLVERSION := $(XEN_VERSION).$(XEN_SUBVERSION)$(XEN_EXTRAVERSION)
install: install-xen install-tools

install-tools: tools
	$(MAKE) -C tools install

# Where xen/Makefile leaves the images of the build asked for (debug=n:
# with its objects).
xen_images = xen$(if $(filter n,$(1)),/obj-rel)
install-xen: xen
	install -d $(DESTDIR)/boot $(DESTDIR)/etc/grub.d
	install -m 644 $(call xen_images,$(debug))/xen.gz \
	    $(DESTDIR)/boot/hv-xen-$(XEN_FULLVERSION).gz
	install -m 644 $(call xen_images,$(debug))/xen-syms \
	    $(DESTDIR)/boot/hv-xen-syms-$(XEN_FULLVERSION)
	install -m 755 tools/misc/grub.d/20_linux_hv $(DESTDIR)/etc/grub.d/

# Debian packages of the hypervisor and the tools (docs/misc/packaging.md).
DEB_DIR ?= $(XEN_ROOT)/dist/deb
# Packages carry the release build, as Debian's xen-hypervisor does;
# DEB_DEBUG=y packages the debug build instead.
DEB_DEBUG ?= n
deb:
	$(MAKE) -C xen debug=$(DEB_DEBUG)
	tools/packaging/mkdeb --out $(DEB_DIR) --hv-version $(XEN_FULLVERSION) \
	    --xen-dir $(call xen_images,$(DEB_DEBUG))

# A dom0 root file system from Debian packages, as an initramfs and an
# ext4 image (tools/scripts/mkrootfs; cached, see docs/misc/testing.md).
ROOTFS_DIR ?= $(XEN_ROOT)/dist/rootfs
rootfs:
	tools/scripts/mkrootfs --ext4 -o $(ROOTFS_DIR)

iso: xen guests
	@mkdir -p $(dir $(ISO))
	tools/scripts/mkiso $(if $(DOM0),-m $(DOM0)) xen/xen.gz $(ISO) \
	    $(XEN_CMDLINE)

run: deps xen guests
	@echo "Booting in QEMU (-smp $(SMP) -m $(MEM) -cpu $(CPU)); quit with Ctrl-a x"
	qemu-system-x86_64 -accel tcg -cpu $(CPU) -smp $(SMP) -m $(MEM) \
	    -display none -serial mon:stdio -no-reboot \
	    -kernel xen/xen -append "$(XEN_CMDLINE)" \
	    $(if $(MODULES),-initrd "$(MODULES)")

# Debian's Linux as dom0 from a disk image with xend and xm up
# (tools/scripts/run-dom0; docs/misc/xend.md).
run-dom0: deps xen guests
	tools/scripts/run-dom0

run-iso: deps iso
	qemu-system-x86_64 -accel tcg -cpu $(CPU) -smp $(SMP) -m $(MEM) \
	    -display none -serial mon:stdio -no-reboot -cdrom $(ISO)

test: deps
	$(MAKE) -s all
	tools/tests/run-tests

# The hostile-guest fuzzer under QEMU (docs/misc/fuzzing.md): FUZZ_SECONDS,
# FUZZ_CALLS, FUZZ_SEED, FUZZ_OPS choose how long, where and what.
fuzz: deps
	$(MAKE) -s all
	tools/tests/fuzz/qemu-fuzz.py

bench: deps
	$(MAKE) -s all
	tools/bench/run

# Mutation testing of the security-critical files (tools/mutate/mutate.py:
# MUTATE_FILES, MUTATE_MAX, MUTATE_SEED, MUTATE_PER_FILE; MUTATE_J=N for -j).
mutate: deps
	tools/mutate/mutate.py -j $(or $(MUTATE_J),1)

# Static analysis of the hypervisor, tools and guest.  Walking a
# linker-made table compares pointers to different objects, and cppcheck
# takes mini-os's own memset() filling a buffer for a read of it: both
# are flagged wrongly.
check: format-check
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --std=c11 -D__XEN__ -D__x86_64__ -Ixen/include \
	    -Ixen/arch/x86/include --suppress=missingIncludeSystem \
	    --suppress=comparePointers \
	    --suppress=uninitvar:extras/mini-os/tests/version.c \
	    --inline-suppr xen tools/xenstore tools/libxenapi tools/console \
	    tools/helpers extras/mini-os
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --std=c11 -D__x86_64__ -D__XEN_TOOLS__ -Ixen/include \
	    -Itools/include -Itools/libxc -Itools/xenstore \
	    --suppress=missingIncludeSystem --inline-suppr \
	    tools/libxc tools/misc tools/tests/libxc tools/tests/xend tools/xm

# Where the hypervisor's C files differ from .clang-format, counted per
# file; nothing is rewritten (`make format` rewrites them).  The public headers keep the ABI's layout.
# FORMAT_FILES="a.c b.h" checks only those (new code should pass).
FORMAT_FILES ?= $(shell find xen/common xen/drivers xen/arch xen/include \
                  \( -name '*.c' -o -name '*.h' \) \
                  ! -path 'xen/include/public/*' \
                  ! -name asm-defns.h | sort)
format:
	clang-format -i $(FORMAT_FILES)

format-check:
	@total=0; \
	for f in $(FORMAT_FILES); do \
	    n=$$(clang-format --dry-run $$f 2>&1 | grep -c 'warning:'); \
	    [ $$n = 0 ] || echo "$$f: $$n"; \
	    total=$$((total + n)); \
	done; \
	echo "format-check: $$total places differ from .clang-format"; \
	[ $$total = 0 ]

clean:
	$(MAKE) -C xen clean
	$(MAKE) -C tools clean
	$(foreach d,$(GUEST_DIRS),$(MAKE) -C $(d) clean;) true
	rm -rf dist
