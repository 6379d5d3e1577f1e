# minicloud: GNU make build.  `make` builds bin/, `make test` installs
# what is missing and runs every test, `make up` starts the all-in-one
# cloud.  See README.md.

PREFIX	?= /usr/local
DESTDIR	?=
STATE_DIR ?= /var/lib/minicloud
HOSTS	?= 1				# make up HOSTS=N: N simulated hosts

B	?= build			# object and test-binary directory
BIN	?= bin				# where the programs go
SAN	?=				# 1: build with ASan and UBSan

CC	?= cc
PKGS	:= libmicrohttpd sqlite3 libcrypto uuid libvirt json-c libcurl libmnl \
	   libnftables libnftnl
CFLAGS	?= -O2 -g
# The project's own flags stay even when CFLAGS is given on the command line.
MC_CFLAGS := -std=gnu17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -fno-common -D_GNU_SOURCE \
	   -Ilib -Iami -Ihypervisor -Inet -Istorage -Iagent -Icontroller \
	   $(shell pkg-config --cflags $(PKGS))
LDLIBS	:= $(shell pkg-config --libs $(PKGS)) -lpthread
ifeq ($(SAN),1)
MC_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=all
MC_LDFLAGS := -fsanitize=address,undefined
endif

override B	:= $(strip $(B))
override BIN	:= $(strip $(BIN))

# One static library per directory; mains stay out of them.
lib_src = $(filter-out $(1)/%_main.c,$(wildcard $(1)/*.c))
lib_obj = $(patsubst %.c,$(B)/%.o,$(call lib_src,$(1)))
LIBS_A	:= $(B)/libctl.a $(B)/libagt.a $(B)/libhv.a $(B)/libnet.a $(B)/libst.a \
	   $(B)/libami.a $(B)/libmc.a
PROGS	:= $(BIN)/minicloud-controller $(BIN)/minicloud $(BIN)/minicloud-agent
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
# Fixtures some tests share (tests/unit/*_test.{h,c}), in one archive.
UNIT_HELP := $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))
HEADERS	:= $(wildcard lib/*.h ami/*.h hypervisor/*.h net/*.h storage/*.h \
	   agent/*.h controller/*.h)

.PHONY: all test test-deps test-unit test-e2e test-asan fuzz fuzz-smoke headers \
	golden bench up down install deps clean ami debian-ami
.DELETE_ON_ERROR:
.SECONDARY:

all: $(PROGS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(MC_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/libmc.a: $(call lib_obj,lib)
$(B)/libami.a: $(call lib_obj,ami)
$(B)/libhv.a: $(call lib_obj,hypervisor)
$(B)/libnet.a: $(call lib_obj,net)
$(B)/libst.a: $(call lib_obj,storage)
$(B)/libagt.a: $(call lib_obj,agent)
$(B)/libctl.a: $(call lib_obj,controller)
$(B)/libunit.a: $(UNIT_HELP:%.c=$(B)/%.o)
$(LIBS_A) $(B)/libunit.a:
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(BIN)/minicloud-controller: $(B)/controller/ctl_main.o $(LIBS_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(MC_LDFLAGS) -o $@ $^ $(LDLIBS)
$(BIN)/minicloud: $(B)/controller/ctl_admin_main.o $(LIBS_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(MC_LDFLAGS) -o $@ $^ $(LDLIBS)
$(BIN)/minicloud-agent: $(B)/agent/agt_main.o $(LIBS_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(MC_LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: $(B)/tests/unit/%.o $(B)/libunit.a $(LIBS_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(MC_LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# Every header compiles on its own.
headers:
	@for h in $(HEADERS); do \
		echo "#include \"$$(basename $$h)\"" | \
		$(CC) $(CFLAGS) $(MC_CFLAGS) -fsyntax-only -x c - || exit 1; \
	done; echo "headers: $(words $(HEADERS)) compile alone"

deps:
	@sh scripts/install-deps.sh

# What only the tests need on top: the JavaScript SDK from npm.
test-deps: deps
	@sh scripts/install-js-sdk.sh

test-unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do \
		echo "== $$t"; (cd tests/unit && ../../$$t); done

test-e2e: $(PROGS)
	MC_BIN_DIR=$(abspath $(BIN)) MC_AMI=$(abspath $(AMI)) \
		MC_DEBIAN_AMI=$(abspath $(DEBIAN_AMI)) \
		/usr/bin/python3 -m pytest -q tests/e2e

# The test and demo AMI, built from Debian packages (rebuilt only when
# its sources or the packages change).
AMI := build/images/minicloud-test.qcow2
ami:
	sh scripts/build-test-ami.sh $(AMI)

# A Debian 12 cloud image (debootstrap, cloud-init), cached by the hash of
# its inputs in MC_IMAGE_CACHE (default /var/cache/minicloud/images).
DEBIAN_AMI := build/images/debian-12.qcow2
debian-ami:
	sh scripts/build-debian-ami.sh $(DEBIAN_AMI)

# The whole suite: dependencies, libvirt, build, headers, the test AMI,
# unit, fuzz smoke, e2e, then unit and e2e again under the sanitizers.
test: test-deps
	sh scripts/start-libvirt.sh
	$(MAKE) all headers ami debian-ami
	$(MAKE) test-unit
	$(MAKE) fuzz-smoke
	$(MAKE) test-e2e
	$(MAKE) test-asan

test-asan:
	$(MAKE) B=build-asan BIN=build-asan/bin SAN=1 CFLAGS="-O1 -g" \
		test-unit test-e2e

include tests/fuzz/fuzz.mk

# Rewrite the golden files from the code's current output.
golden: $(UNIT_BIN)
	cd tests/unit && MC_GOLDEN_WRITE=1 ../../$(B)/tests/test_ctl_sigv4
	cd tests/unit && MC_GOLDEN_WRITE=1 ../../$(B)/tests/test_mc_conf
	cd tests/unit && MC_GOLDEN_WRITE=1 ../../$(B)/tests/test_hv_xml
	cd tests/unit && MC_GOLDEN_WRITE=1 ../../$(B)/tests/test_agt_imds_tree
	cd tests/unit && MC_GOLDEN_WRITE=1 ../../$(B)/tests/test_net_nl
	cd tests/unit && MC_GOLDEN_WRITE=1 ../../$(B)/tests/test_agt_netcfg
	cd tests/unit && MC_GOLDEN_WRITE=1 ../../$(B)/tests/test_net_fw_apply

include bench/bench.mk

bench: bench-api bench-launch bench-secgroups

# The build runs in a sub-make: on a fresh machine pkg-config and the
# libraries only exist once deps has run.
up: deps
	$(MAKE) all
	STATE_DIR=$(STATE_DIR) BIN_DIR=$(abspath $(BIN)) AMI=$(abspath $(AMI)) \
		HOSTS=$(strip $(HOSTS)) scripts/up.sh

down:
	STATE_DIR=$(STATE_DIR) BIN_DIR=$(abspath $(BIN)) scripts/down.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/minicloud
	install -m 0755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 etc/controller.conf $(DESTDIR)$(PREFIX)/share/minicloud/controller.conf.example
	install -m 0644 etc/agent.conf $(DESTDIR)$(PREFIX)/share/minicloud/agent.conf.example

clean:
	rm -rf build build-asan build-fuzz bin

# Every object's header dependencies, mains and tests included.
-include $(shell find $(B) -name '*.d' 2>/dev/null)
