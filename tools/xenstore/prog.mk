# SPDX-License-Identifier: GPL-2.0-only
# Rules for a dom0 program on xenstore's client and /dev/xen wrappers.
# The including Makefile sets PROG (the program) and SRCS (its own .c
# files, without the suffix); outputs go to $(O).

ROOT ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
XEN_INC ?= $(ROOT)/xen/include
XS := $(ROOT)/tools/xenstore
O ?= build
CC ?= cc
CFLAGS ?= -O2 -g
P_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I. -I$(XS) \
            -I$(XEN_INC)
P_OBJS := $(patsubst %,$(O)/%.o,$(SRCS) xen_dev xs_client xs_lib)

.PHONY: all clean install
all: $(O)/$(PROG)

# PROG_DIR: the install directory's variable from tools/install.mk.
include $(ROOT)/tools/install.mk
# A manual page PROG.8 beside the sources goes with it.
install: all
	$(INSTALL) -d $(DESTDIR)$($(PROG_DIR))
	$(INSTALL) -m 755 $(O)/$(PROG) $(DESTDIR)$($(PROG_DIR))/
	$(if $(wildcard $(PROG).8),$(INSTALL) -D -m 644 $(PROG).8 \
	    $(DESTDIR)$(MANDIR)/man8/$(PROG).8)

$(O)/%.o: %.c $(wildcard *.h) $(wildcard $(XS)/*.h) | $(O)
	$(CC) $(P_CFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/%.o: $(XS)/%.c $(wildcard $(XS)/*.h) | $(O)
	$(CC) $(P_CFLAGS) $(CFLAGS) -c -o $@ $<

$(O):
	mkdir -p $(O)

$(O)/$(PROG): $(P_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

clean:
	rm -rf $(O)
