# SPDX-License-Identifier: GPL-2.0-only
# Shared rules for host unit-test suites; a suite sets SRCS (hypervisor
# files, relative to xen/) and TESTS (its own .c files), optionally
# EXTRA_DEPS (other things to build first) and TEST_ARGS, then includes this.
TESTS_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
XEN := $(abspath $(TESTS_DIR)/../../xen)
B := build

CC ?= gcc
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
BASE_CFLAGS := -std=gnu11 -g -O1 $(SAN) -DHOST_TEST -D__XEN__ -Wall -Wextra \
	-Werror -Wno-unused-parameter -I$(TESTS_DIR)/include -I$(XEN)/include \
	-I$(XEN)/arch/x86/include
# Hypervisor files see the real config.h; its hidden visibility is undone so
# their calls into libc (memcpy, ...) link.
XEN_CFLAGS := $(BASE_CFLAGS) -include $(XEN)/include/xen/config.h \
	-include $(TESTS_DIR)/include/host-visibility.h -Wmissing-prototypes
TEST_CFLAGS := $(BASE_CFLAGS) -DNR_CPUS=64

# PREEMPT := y: the suite runs hypercalls that may continue themselves; it
# gets the continuation code and a switch to force preemption (preempt.h).
ifeq ($(PREEMPT),y)
SRCS += arch/x86/continuation.c arch/x86/pv/continuation.c
PREEMPT_OBJS := $(B)/preempt.o
endif

# NO_PIRQS := y: event_channel.c without pirq.c, no domain having a PIRQ.
ifeq ($(NO_PIRQS),y)
NO_PIRQ_OBJS := $(B)/no_pirqs.o
endif

# Every object is rebuilt on each run, as headers are not tracked;
# tools/mutate passes REBUILD= to rebuild only the .c files it changed.
REBUILD ?= FORCE

XEN_OBJS := $(patsubst %.c,$(B)/xen/%.o,$(SRCS))
TEST_OBJS := $(patsubst %.c,$(B)/%.o,$(TESTS)) $(B)/harness.o \
	$(B)/harness_smp.o $(PREEMPT_OBJS) $(NO_PIRQ_OBJS)

test: $(B)/test $(EXTRA_DEPS)
	@ASAN_OPTIONS=detect_leaks=0 ./$(B)/test $(TEST_ARGS)

$(B)/test: $(XEN_OBJS) $(TEST_OBJS)
	$(CC) $(SAN) -o $@ $^

$(B)/xen/%.o: $(XEN)/%.c $(REBUILD)
	@mkdir -p $(dir $@)
	$(CC) $(XEN_CFLAGS) -c $< -o $@

$(B)/harness.o: $(TESTS_DIR)/include/harness.c $(REBUILD)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -c $< -o $@

# Built as hypervisor code: they define hypervisor objects.
$(B)/harness_smp.o $(B)/preempt.o $(B)/no_pirqs.o: $(B)/%.o: $(TESTS_DIR)/include/%.c $(REBUILD)
	@mkdir -p $(dir $@)
	$(CC) $(XEN_CFLAGS) -c $< -o $@

$(B)/%.o: %.c $(REBUILD)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -c $< -o $@

clean:
	rm -rf $(B)

FORCE:
.PHONY: test clean FORCE
