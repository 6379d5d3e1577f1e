# libFuzzer harnesses (clang).  `make fuzz` runs each for FUZZ_SECONDS;
# `make fuzz-smoke` (part of `make test`) runs each over its seed corpus
# plus a fixed number of mutations, with a fixed seed; what it finds new
# goes to a scratch corpus, so the checkout stays clean.

FUZZ_B		:= build-fuzz
FUZZ_CC		:= clang
FUZZ_CFLAGS	:= -g -O1 -std=gnu17 -D_GNU_SOURCE -Ilib -Icontroller -Iami \
		   -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS	?= 60
FUZZ_RUNS	?= 300000
FUZZERS		:= fuzz_query fuzz_sigv4 fuzz_ami_format fuzz_keyimport
FUZZ_BINS	:= $(FUZZERS:%=$(FUZZ_B)/%)
FUZZ_LIBSRC	:= lib/mc_err.c lib/mc_buf.c lib/mc_utf8.c lib/mc_time.c lib/mc_hex.c \
		   lib/mc_id.c \
		   controller/ctl_query.c controller/ctl_params.c \
		   controller/ctl_filter.c controller/ctl_sigv4.c \
		   controller/ctl_sigv4_parse.c ami/ami_format.c \
		   lib/mc_base64.c controller/ctl_keyfmt.c \
		   controller/ctl_keyimport.c controller/ctl_sshwire.c

$(FUZZ_B)/%: tests/fuzz/%.c $(FUZZ_LIBSRC)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^ -lcrypto

fuzz: $(FUZZ_BINS)
	@set -e; for f in $(FUZZERS); do \
		mkdir -p $(FUZZ_B)/corpus-$$f; \
		$(FUZZ_B)/$$f -max_total_time=$(FUZZ_SECONDS) \
			$(FUZZ_B)/corpus-$$f tests/fuzz/seeds/$$f; \
	done

fuzz-smoke: $(FUZZ_BINS)
	@for f in $(FUZZERS); do \
		echo "== $$f: $(FUZZ_RUNS) runs, seed 1"; \
		rm -rf $(FUZZ_B)/smoke-$$f; mkdir -p $(FUZZ_B)/smoke-$$f; \
		if ! $(FUZZ_B)/$$f -seed=1 -runs=$(FUZZ_RUNS) \
		    $(FUZZ_B)/smoke-$$f tests/fuzz/seeds/$$f \
		    > $(FUZZ_B)/$$f.log 2>&1; then \
			tail -n 40 $(FUZZ_B)/$$f.log; exit 1; \
		fi; \
		tail -n 1 $(FUZZ_B)/$$f.log; \
	done
