#!/usr/bin/python3
"""bench/describe: DescribeInstances and DescribeInstanceStatus with
10,000 instances in one account, beside the same queries at 1,000 in
the same run.  Benchmark code, never part of the product.

  1. a controller (tests/e2e/conftest.py's Fleet) and BENCH_HOSTS fake
     hosts registered over the agents' API, big enough for all the
     instances; nothing polls, nothing boots;
  2. RunInstances (MaxCount=100, one client) up to BENCH_BASE instances,
     each launch tagged bench-shard=0..9 in turn; every host then
     reports its instances running;
  3. the queries of bench/scale (an id list of 100, host-id, a tag,
     instance-state-name, a paged walk of 1000 a page) and two of
     DescribeInstanceStatus, BENCH_REPS calls each: median and p95;
  4. more launches up to BENCH_INSTANCES, and step 3 again.

One client thread: the controller gets the rest of the machine.
Requests are signed with botocore and sent over keep-alive HTTP
(bench/scale's Ec2), so latencies are the controller's.  Run by
`make bench-describe`.
"""
import glob
import os
import random
import re
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scale"))
import scale  # noqa: E402  (its Ec2 client, conftest's Fleet)

conftest = scale.conftest
# Our own prefix: neither a pytest session nor bench/scale takes our
# controller for one of its leftovers, nor we theirs.
conftest.TMP_PREFIX = "mc-bench-describe-"

ENV = {k: int(os.environ.get(k, d)) for k, d in (
    ("BENCH_HOSTS", 100), ("BENCH_INSTANCES", 10000), ("BENCH_BASE", 1000),
    ("BENCH_REPS", 10), ("BENCH_WALKS", 3))}
BATCH = 100                     # RunInstances' most
ITYPE = "t2.nano"               # 1 vCPU, 512 MiB
ZONE = conftest.REGION + "a"
RETRIES, RETRY_S = 20, 0.5      # an InternalError (database busy)


def remove_leftovers():
    """The controller and directory of an interrupted earlier run."""
    for d in glob.glob(os.path.join(tempfile.gettempdir(),
                                    conftest.TMP_PREFIX + "*")):
        for pid in os.listdir("/proc"):
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    argv = f.read().split(b"\0")
            except (OSError, ValueError):
                continue
            if argv and argv[0].endswith(b"minicloud-controller") and \
                    any(a.startswith(d.encode()) for a in argv):
                os.kill(int(pid), 9)
        conftest.shutil.rmtree(d, ignore_errors=True)


class Bench:
    def __init__(self):
        cap = ENV["BENCH_INSTANCES"] // ENV["BENCH_HOSTS"] + BATCH
        self.fleet = conftest.Fleet([
            "--api-rate", "0", "--max-instances", "1000000",
            "--cpu-overcommit", "100", "--log-level", "info"])
        self.fleet.start()
        self.ec2 = scale.Ec2(self.fleet.port, self.fleet.keys)
        self.hosts = ["sim-%04d" % i for i in range(ENV["BENCH_HOSTS"])]
        for h in self.hosts:
            self.fleet.agent("POST", "/v1/hosts/register", {
                "name": h, "zone": ZONE, "vcpus": cap,
                "mem_mib": 512 * cap, "disk_gib": 8 * cap, "accel": "tcg"})
        self.ids = []
        self.launches = 0

    def setup_network(self):
        """A /16 subnet: room for 10,000 addresses (default ones are
        /20s)."""
        _, x = self.ec2.call({"Action": "CreateVpc",
                              "CidrBlock": "10.0.0.0/16"})
        vpc = re.search(r"<vpcId>([^<]+)</vpcId>", x).group(1)
        _, x = self.ec2.call({"Action": "CreateSubnet", "VpcId": vpc,
                              "CidrBlock": "10.0.0.0/16",
                              "AvailabilityZone": ZONE})
        self.subnet = re.search(r"<subnetId>([^<]+)</subnetId>", x).group(1)
        raw = os.path.join(self.fleet.dir, "tiny.raw")
        with open(raw, "wb") as f:
            f.write(b"\0" * (1 << 20))
        r = self.fleet.admin("image", "import", raw, "--name", "tiny",
                             "--public", check=False)
        if r.returncode != 0:
            raise RuntimeError(r.stderr)
        self.image = r.stdout.strip()

    def run_instances(self, n):
        for attempt in range(RETRIES + 1):
            try:
                return self.ec2.call({
                    "Action": "RunInstances", "ImageId": self.image,
                    "InstanceType": ITYPE, "MinCount": n, "MaxCount": n,
                    "SubnetId": self.subnet,
                    "TagSpecification.1.ResourceType": "instance",
                    "TagSpecification.1.Tag.1.Key": "bench-shard",
                    "TagSpecification.1.Tag.1.Value":
                        str(self.launches % 10)})[1]
            except RuntimeError as e:
                if "HTTP 500" not in str(e) or attempt == RETRIES:
                    raise
                time.sleep(RETRY_S)
        raise AssertionError("unreachable")

    def fill(self, total):
        """Launch up to total instances, then have every host report
        its instances running; returns the seconds it took."""
        t0 = time.perf_counter()
        while len(self.ids) < total:
            x = self.run_instances(min(BATCH, total - len(self.ids)))
            self.ids += scale.IDS_RE.findall(x)
            self.launches += 1
            if len(self.ids) % 1000 < BATCH:
                print("bench/describe: %d instances" % len(self.ids),
                      file=sys.stderr, flush=True)
        for h in self.hosts:
            d = self.fleet.desired(host=h)
            self.fleet.report({i["id"]: "running"
                               for i in d.get("instances", [])}, host=h)
        return time.perf_counter() - t0

    def queries(self):
        rnd = random.Random(1)
        sample = rnd.sample(self.ids, 100)
        ids = dict(("InstanceId.%d" % (i + 1), v)
                   for i, v in enumerate(sample))
        di, ds = "DescribeInstances", "DescribeInstanceStatus"
        return [
            ("instance ids (100 listed)", dict(ids, Action=di)),
            ("host-id = one host", {"Action": di, "Filter.1.Name": "host-id",
                                    "Filter.1.Value.1": self.hosts[7]}),
            ("tag:bench-shard = 3", {"Action": di,
                                     "Filter.1.Name": "tag:bench-shard",
                                     "Filter.1.Value.1": "3",
                                     "MaxResults": 1000}),
            ("instance-state-name = running", {
                "Action": di, "Filter.1.Name": "instance-state-name",
                "Filter.1.Value.1": "running", "MaxResults": 1000}),
            ("status: instance ids (100)", dict(ids, Action=ds)),
            ("status: running, 1000 a page", {"Action": ds,
                                              "MaxResults": 1000}),
        ]

    def suite(self):
        """{query: (latencies, items of the last answer)}; walk totals."""
        out = {}
        for name, q in self.queries():
            lat = []
            for _ in range(ENV["BENCH_REPS"]):
                t, x = self.ec2.call(q)
                lat.append(t)
            out[name] = (lat, len(scale.IDS_RE.findall(x)))
        pages, totals, first = [], [], 0
        for _ in range(ENV["BENCH_WALKS"]):
            token, t_walk, seen = None, 0.0, 0
            while True:
                q = {"Action": "DescribeInstances", "MaxResults": 1000}
                if token:
                    q["NextToken"] = token
                t, x = self.ec2.call(q)
                pages.append(t)
                n = len(scale.IDS_RE.findall(x))
                first, seen, t_walk = first or n, seen + n, t_walk + t
                m = scale.TOKEN_RE.search(x)
                if not m:
                    break
                token = m.group(1)
            if seen != len(self.ids):
                raise RuntimeError("the walk saw %d of %d instances"
                                   % (seen, len(self.ids)))
            totals.append(t_walk)
        out["page of 1000 (paged walk)"] = (pages, first)
        return out, totals

    def stop(self):
        self.fleet.cleanup()


def report(d1, d2, n1, n2, fills, secs):
    print("bench/describe: one account, %d fake hosts (no VMs), %s "
          "instances; one client; 2 CPUs; launches %.0fs, whole run %.0fs"
          % (ENV["BENCH_HOSTS"], ITYPE, sum(fills), secs))
    print("(\"status:\" rows are DescribeInstanceStatus)")
    scale.report_describe(d1, d2, n1, n2)


def main():
    t0 = time.time()
    remove_leftovers()
    b = Bench()
    try:
        b.setup_network()
        fills = [b.fill(ENV["BENCH_BASE"])]
        d1 = b.suite()
        n1 = len(b.ids)
        fills.append(b.fill(ENV["BENCH_INSTANCES"]))
        d2 = b.suite()
    finally:
        b.stop()
    report(d1, d2, n1, len(b.ids), fills, time.time() - t0)


if __name__ == "__main__":
    main()
