# SPDX-License-Identifier: GPL-2.0-only
# One libFuzzer run as a test case (clang's libFuzzer; FUZZ_SECONDS long):
# $(call libfuzz,<fuzzer in $(B)>,<case name>,<max input bytes>,<corpus
# and flags>) in a recipe prints PASS with the run count, or FAIL naming
# the log; new inputs go to a scratch corpus, crashes to $(B)/crash-*.
FUZZ_SECONDS ?= 10
CLANG ?= clang
HAVE_CLANG := $(shell command -v $(CLANG) 2>/dev/null)

define libfuzz
	@rm -rf $(B)/fz-new && mkdir -p $(B)/fz-new
	@if $(B)/$(1) -max_total_time=$(FUZZ_SECONDS) -max_len=$(3) \
	    -rss_limit_mb=2048 -artifact_prefix=$(B)/crash- \
	    $(B)/fz-new $(4) > $(B)/fuzz.log 2>&1; then \
	    echo "PASS: $(2) for $(FUZZ_SECONDS) s" \
	        "($$(grep -o 'Done [0-9]* runs' $(B)/fuzz.log | cut -d' ' -f2)" \
	        "runs)"; \
	else \
	    echo "FAIL: $(2): see $(abspath $(B))/fuzz.log"; \
	    grep -m3 -E 'ERROR|SUMMARY' $(B)/fuzz.log; \
	fi
	@rm -rf $(B)/fz-new
endef
