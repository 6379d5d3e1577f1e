# bench/api: the EC2 API front door against a trivial handler on the
# same HTTP stack.  `make bench-api` builds both and runs
# bench/api/run.sh (BENCH_SECONDS per wrk run, default 10).

BENCH_TRIVIAL	:= $(B)/bench/mc-bench-trivial

.PHONY: bench-api

$(BENCH_TRIVIAL): $(B)/bench/api/trivial_main.o $(LIBS_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(MC_LDFLAGS) -o $@ $^ $(LDLIBS)

bench-api: all $(BENCH_TRIVIAL)
	BIN_DIR=$(abspath $(BIN)) BENCH_TRIVIAL=$(abspath $(BENCH_TRIVIAL)) \
		bench/api/run.sh

-include $(B)/bench/api/trivial_main.d

.PHONY: bench-launch
# bench/launch: RunInstances to running, and to the guest's first line,
# against plain QEMU booting the same image.
bench-launch: all ami
	BIN_DIR=$(abspath $(BIN)) AMI=$(abspath $(AMI)) bench/launch/run.sh

.PHONY: bench-secgroups
# bench/secgroups: the security-group firewall (net_fw) at 1000 ports, and
# the cost of a packet through it against a linear ruleset; as root, in
# namespaces "mcbench-*" of its own.  BENCH_SECONDS per packet run.
BENCH_SG	:= $(B)/bench/mc-bench-secgroups
BENCH_SG_OBJ	:= $(patsubst %.c,$(B)/%.o,$(wildcard bench/secgroups/*.c))

$(BENCH_SG_OBJ): MC_CFLAGS += -Ibench/secgroups
$(BENCH_SG): $(BENCH_SG_OBJ) $(LIBS_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(MC_LDFLAGS) -o $@ $^ $(LDLIBS)

bench-secgroups: $(BENCH_SG)
	BENCH_SG=$(abspath $(BENCH_SG)) bench/secgroups/run.sh

-include $(BENCH_SG_OBJ:.o=.d)

.PHONY: bench-scale
# bench/scale: 1000 simulated hosts (the agents' protocol, no VMs) and
# 10000 instances: placements a second, controller RSS, DescribeInstances
# filtered and paged, each beside its baseline (one host; 1000
# instances).  BENCH_HOSTS, BENCH_INSTANCES... in bench/scale/run.sh.
bench-scale: all
	BIN_DIR=$(abspath $(BIN)) bench/scale/run.sh

.PHONY: bench-describe
# bench/describe: DescribeInstances and DescribeInstanceStatus with
# 10,000 instances in one account (fake hosts, nothing boots), beside
# the same queries at 1,000 in the same run.  BENCH_INSTANCES,
# BENCH_BASE, BENCH_HOSTS, BENCH_REPS, BENCH_WALKS: see the script.
bench-describe: all
	MC_BIN_DIR=$(abspath $(BIN)) /usr/bin/python3 bench/describe/describe.py
