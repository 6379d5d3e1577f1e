#!/usr/bin/python3
"""bench/scale: the controller at 1,000 hosts and 10,000 instances, with
its baselines measured in the same run.  Benchmark code, never part of
the product.

  1. placements a second: RunInstances (MaxCount=BENCH_BATCH per call,
     BENCH_CLIENTS client threads) onto one simulated host (baseline,
     BENCH_BASE instances) and onto BENCH_HOSTS simulated hosts
     (BENCH_INSTANCES instances); instances placed and calls a second;
  2. the controller's RSS (/proc) at start, with the hosts registered,
     and after the launches (all instances running);
  3. DescribeInstances at BENCH_BASE instances (baseline) and at
     BENCH_INSTANCES: filtered by an instance id list, host-id, a tag,
     instance-state-name; and the paged walk (MaxResults=1000 with
     NextToken): median and p95 per call, and the whole walk.

The hosts are bench/scale/hostsim.py (the agents' protocol, no VMs).
Requests are SigV4-signed with botocore and sent over plain keep-alive
HTTP, so latencies are the controller's (plus loopback), not botocore's
XML parsing.  Run by bench/scale/run.sh (`make bench-scale`).
"""
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "e2e"))
import conftest  # noqa: E402  (Fleet: a controller for fake hosts)

# Not the tests' "mc-e2e-": a pytest session started meanwhile removes
# what it takes for its own leftovers (pkill -KILL of the controller,
# rm -rf of its directory), which twice ended a full run here.
conftest.TMP_PREFIX = "mc-bench-scale-"

ENV = {k: int(os.environ.get(k, d)) for k, d in (
    ("BENCH_HOSTS", 1000), ("BENCH_INSTANCES", 10000), ("BENCH_BASE", 1000),
    ("BENCH_BATCH", 50), ("BENCH_CLIENTS", 4), ("BENCH_REPS", 10),
    ("BENCH_WALKS", 3), ("BENCH_PER_HOST", 10), ("BENCH_LAUNCH_MAX_S", 420))}
RETRIES = 20    # RunInstances answered InternalError is sent again
RETRY_S = 0.5
ITYPE = "t2.nano"               # 1 vCPU, 512 MiB
HOST_VCPUS, HOST_MEM_MIB, HOST_DISK_GIB = 4, 512, 4     # per instance held
CPU_OVERCOMMIT = 100            # percent: vCPUs are the tightest dimension
ZONE = conftest.REGION + "a"
IDS_RE = re.compile(r"<instanceId>(i-[0-9a-f]+)</instanceId>")
TOKEN_RE = re.compile(r"<nextToken>([^<]+)</nextToken>")
CT = "application/x-www-form-urlencoded; charset=utf-8"


class Ec2:
    """Signed EC2 Query requests on one keep-alive connection."""

    def __init__(self, port, keys):
        self.host = "127.0.0.1:%d" % port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.creds = Credentials(keys["AWS_ACCESS_KEY_ID"],
                                 keys["AWS_SECRET_ACCESS_KEY"])

    def call(self, params):
        """(seconds from send to the last byte, body text); signing is
        done before the clock starts."""
        body = urllib.parse.urlencode(dict(params, Version="2016-11-15"))
        req = AWSRequest(method="POST", url="http://%s/" % self.host,
                         data=body, headers={"Content-Type": CT,
                                             "Host": self.host})
        SigV4Auth(self.creds, "ec2", conftest.REGION).add_auth(req)
        t0 = time.perf_counter()
        self.conn.request("POST", "/", body=body, headers=dict(req.headers))
        r = self.conn.getresponse()
        data = r.read().decode()
        t = time.perf_counter() - t0
        if r.status != 200:
            raise RuntimeError("%s: HTTP %d %s" % (params["Action"], r.status,
                                                   data[:500]))
        return t, data


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def proc_counts(pid):
    with open("/proc/%d/status" % pid) as f:
        threads = [int(l.split()[1]) for l in f if l.startswith("Threads:")]
    return threads[0], len(os.listdir("/proc/%d/fd" % pid))


def pct(v, p):
    s = sorted(v)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


class Run:
    """One controller, its simulated hosts and the launches onto them."""

    def __init__(self, hosts, per_host):
        self.fleet = conftest.Fleet([
            "--api-rate", "0", "--max-instances", "1000000",
            "--cpu-overcommit", str(CPU_OVERCOMMIT), "--log-level", "info"])
        self.fleet.start()
        self.pid = self.fleet.proc.pid
        self.hosts, self.per_host = hosts, per_host
        self.sim = None
        self.exit_note = "controller exited cleanly on SIGTERM"
        self.ids = []
        self.calls = []         # (end time, instances placed, seconds)
        self.tag_n = 0
        self.retried = 0
        self.budget = ENV["BENCH_LAUNCH_MAX_S"]   # seconds of launching
        self.deadline = None

    def start_hosts(self, prefix):
        token_file = self.fleet.extra_args[1]
        self.sim = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "hostsim.py"),
             "--port", str(self.fleet.agent_port), "--token-file", token_file,
             "--hosts", str(self.hosts), "--prefix", prefix, "--zone", ZONE,
             "--vcpus", str(HOST_VCPUS * self.per_host),
             "--mem-mib", str(HOST_MEM_MIB * self.per_host),
             "--disk-gib", str(HOST_DISK_GIB * self.per_host)],
            stdout=subprocess.PIPE, text=True)
        line = self.sim.stdout.readline()
        if not line.startswith("registered"):
            raise RuntimeError("hostsim did not register its hosts")

    def setup_network(self):
        """A VPC and one /16 subnet: room for 10,000 addresses (the
        default subnets are /20s)."""
        ec2 = Ec2(self.fleet.port, self.fleet.keys)
        _, x = ec2.call({"Action": "CreateVpc", "CidrBlock": "10.0.0.0/16"})
        vpc = re.search(r"<vpcId>([^<]+)</vpcId>", x).group(1)
        _, x = ec2.call({"Action": "CreateSubnet", "VpcId": vpc,
                         "CidrBlock": "10.0.0.0/16",
                         "AvailabilityZone": ZONE})
        self.subnet = re.search(r"<subnetId>([^<]+)</subnetId>", x).group(1)
        r = self.fleet.admin("image", "import", self.tiny_image(), "--name",
                             "tiny", "--public", check=False)
        if r.returncode != 0:
            raise RuntimeError(r.stderr)
        self.image = r.stdout.strip()

    def tiny_image(self):
        path = os.path.join(self.fleet.dir, "tiny.raw")
        with open(path, "wb") as f:
            f.write(b"\0" * (1 << 20))
        return path

    def launch(self, total):
        """Launch total instances, or as many as the time budget allows;
        returns (seconds, calls, instances placed)."""
        left = [total]
        lock = threading.Lock()
        failed = []

        def worker():
            ec2 = Ec2(self.fleet.port, self.fleet.keys)
            while True:
                with lock:
                    n = min(ENV["BENCH_BATCH"], left[0])
                    left[0] -= n
                    shard = self.tag_n % 10
                    self.tag_n += 1
                if n == 0 or time.perf_counter() > self.deadline:
                    return
                try:
                    t, x = self.run_instances(ec2, n, shard)
                except Exception as e:  # noqa: BLE001  (report, stop)
                    failed.append(e)
                    return
                got = IDS_RE.findall(x)
                with lock:
                    self.ids += got
                    self.calls.append((time.perf_counter(), len(got), t))
                    if len(self.ids) % 1000 < len(got):
                        print("bench/scale: %d instances placed"
                              % len(self.ids), file=sys.stderr, flush=True)

        n0, i0 = len(self.calls), len(self.ids)
        t0 = time.perf_counter()
        self.deadline = t0 + self.budget
        ts = [threading.Thread(target=worker)
              for _ in range(ENV["BENCH_CLIENTS"])]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        if failed:
            raise RuntimeError("RunInstances failed: %s" % failed[0])
        secs = time.perf_counter() - t0
        self.budget -= secs
        return secs, len(self.calls) - n0, len(self.ids) - i0

    def run_instances(self, ec2, n, shard):
        """One RunInstances of n; an InternalError (the controller's
        database busy) is retried, as botocore would, and counted."""
        for attempt in range(RETRIES + 1):
            try:
                return ec2.call({
                    "Action": "RunInstances", "ImageId": self.image,
                    "InstanceType": ITYPE, "MinCount": n, "MaxCount": n,
                    "SubnetId": self.subnet,
                    "TagSpecification.1.ResourceType": "instance",
                    "TagSpecification.1.Tag.1.Key": "bench-shard",
                    "TagSpecification.1.Tag.1.Value": str(shard)})
            except RuntimeError as e:
                if "HTTP 500" not in str(e) or attempt == RETRIES:
                    raise
                self.retried += 1
                time.sleep(RETRY_S)
        raise AssertionError("unreachable")

    def wait_running(self, timeout=600):
        """Seconds until no instance is pending."""
        ec2 = Ec2(self.fleet.port, self.fleet.keys)
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            _, x = ec2.call({"Action": "DescribeInstances", "MaxResults": 5,
                             "Filter.1.Name": "instance-state-name",
                             "Filter.1.Value.1": "pending"})
            if not IDS_RE.search(x):
                return time.perf_counter() - t0
            time.sleep(1)
        raise RuntimeError("instances still pending after %ds" % timeout)

    def stop(self):
        stats = {}
        if self.sim is not None:
            self.sim.terminate()
            out, _ = self.sim.communicate(timeout=60)
            lines = [l for l in out.splitlines() if l.startswith("{")]
            stats = json.loads(lines[-1]) if lines else {}
        log = self.fleet.log_text()
        try:
            self.fleet.cleanup()
        except AssertionError as e:     # the figures are still worth having
            self.exit_note = str(e).split("\n")[0]
        return stats, log


def describe_suite(run, reps, walks):
    """{name: (latencies, items of the last answer)}; the walk's totals."""
    ec2 = Ec2(run.fleet.port, run.fleet.keys)
    rnd = random.Random(1)
    sample = rnd.sample(run.ids, min(100, len(run.ids)))
    host = "sim-%04d" % (7 % run.hosts)
    queries = [
        ("instance ids (100 listed)",
         dict(("InstanceId.%d" % (i + 1), v) for i, v in enumerate(sample))),
        ("host-id = one host", {"Filter.1.Name": "host-id",
                                "Filter.1.Value.1": host}),
        ("tag:bench-shard = 3", {"Filter.1.Name": "tag:bench-shard",
                                 "Filter.1.Value.1": "3",
                                 "MaxResults": 1000}),
        ("instance-state-name = running", {
            "Filter.1.Name": "instance-state-name",
            "Filter.1.Value.1": "running", "MaxResults": 1000}),
    ]
    out = {}
    for name, q in queries:
        lat = []
        for _ in range(reps):
            t, x = ec2.call(dict(q, Action="DescribeInstances"))
            lat.append(t)
        out[name] = (lat, len(IDS_RE.findall(x)))
    pages, totals, first = [], [], 0
    for _ in range(walks):
        token, t_walk = None, 0.0
        while True:
            q = {"Action": "DescribeInstances", "MaxResults": 1000}
            if token:
                q["NextToken"] = token
            t, x = ec2.call(q)
            pages.append(t)
            first = first or len(IDS_RE.findall(x))
            t_walk += t
            m = TOKEN_RE.search(x)
            if not m:
                break
            token = m.group(1)
        totals.append(t_walk)
    out["page of 1000 (paged walk)"] = (pages, first)
    return out, totals


def server_ms(log, action):
    """ms of each logged API request of action, in log order."""
    pat = re.compile(r'msg="api request".*action=%s status=200 ms=(\d+)'
                     % action)
    return [int(m.group(1)) for m in pat.finditer(log)]


def rate_line(label, secs, placed, calls):
    return "%-44s %9.1f %9.1f %8.1f" % (label, placed / secs, calls / secs,
                                        secs)


def baseline_launch():
    """Placements a second onto one host holding them all."""
    n = min(ENV["BENCH_BASE"], ENV["BENCH_INSTANCES"], 4000)
    run = Run(1, n)
    try:
        run.setup_network()
        run.start_hosts("base-")
        secs, calls, n = run.launch(n)
        run.wait_running()
    finally:
        stats, _ = run.stop()
    return n, secs, calls, stats


def log_errors(log):
    """{(listener, status, detail): count} of refused requests."""
    out = {}
    for m in re.finditer(r'msg="(api request|agent api refused)".* '
                         r'status=(5\d\d).* detail=("[^"]*"|\S+)', log):
        k = (m.group(1), m.group(2), m.group(3))
        out[k] = out.get(k, 0) + 1
    return out


def main():
    n_hosts, n_inst = ENV["BENCH_HOSTS"], ENV["BENCH_INSTANCES"]
    n_base = min(ENV["BENCH_BASE"], n_inst)
    t_start = time.time()
    r = {"base": baseline_launch()}
    run = Run(n_hosts, ENV["BENCH_PER_HOST"])
    rss = r["rss"] = {}
    try:
        run.setup_network()
        rss["start (no hosts, no instances)"] = rss_kib(run.pid)
        t0 = time.perf_counter()
        run.start_hosts("sim-")
        r["t_reg"] = time.perf_counter() - t0
        time.sleep(2)
        rss["%d hosts registered, polling" % n_hosts] = rss_kib(run.pid)
        r["l1"] = run.launch(n_base)
        r["w1"] = run.wait_running()
        r["d1"] = describe_suite(run, ENV["BENCH_REPS"], ENV["BENCH_WALKS"])
        perf = start_perf(run.pid)
        r["l2"] = run.launch(n_inst - n_base)
        stop_perf(perf)
        r["w2"] = run.wait_running()
        rss["after %d launches (all running)" % len(run.ids)] = \
            rss_kib(run.pid)
        r["procs"] = proc_counts(run.pid)
        r["d2"] = describe_suite(run, ENV["BENCH_REPS"], ENV["BENCH_WALKS"])
    finally:
        r["stats"], log = run.stop()
    r["run_ms"] = server_ms(log, "RunInstances")
    r["errors"] = log_errors(log)
    r["secs"] = time.time() - t_start
    report(run, r)


def report(run, r):
    n_hosts = ENV["BENCH_HOSTS"]
    (s1, c1, p1), (s2, c2, p2) = r["l1"], r["l2"]
    b_n, b_secs, b_calls, b_stats = r["base"]
    print("bench/scale: %d simulated hosts (bench/scale/hostsim.py, no VMs), "
          "%d instances of %s asked, MaxCount=%d per RunInstances, %d client "
          "threads; 2 CPUs; whole run %.0fs"
          % (n_hosts, ENV["BENCH_INSTANCES"], ITYPE, ENV["BENCH_BATCH"],
             ENV["BENCH_CLIENTS"], r["secs"]))
    print("controller: --host-timeout 3600 (hosts also report every 15s), "
          "--cpu-overcommit %d, hosts of %d vCPUs: %d instances fit each"
          % (CPU_OVERCOMMIT, HOST_VCPUS * ENV["BENCH_PER_HOST"],
             ENV["BENCH_PER_HOST"]))
    print("registering %d hosts: %.1fs" % (n_hosts, r["t_reg"]))
    if p1 + p2 < ENV["BENCH_INSTANCES"]:
        print("LAUNCHES STOPPED at %d instances: BENCH_LAUNCH_MAX_S=%d "
              "reached" % (p1 + p2, ENV["BENCH_LAUNCH_MAX_S"]))
    print()
    print("%-44s %9s %9s %8s" % ("placements", "inst/s", "calls/s", "secs"))
    print(rate_line("1 host, %d instances (baseline)" % b_n, b_secs, b_n,
                    b_calls))
    print(rate_line("%d hosts, instances 1-%d" % (n_hosts, p1), s1, p1, c1))
    print(rate_line("%d hosts, instances %d-%d" % (n_hosts, p1 + 1, p1 + p2),
                    s2, p2, c2))
    print(rate_line("%d hosts, all %d" % (n_hosts, p1 + p2), s1 + s2,
                    p1 + p2, c1 + c2))
    slices = slice_rates(run.calls[:c1]) + slice_rates(run.calls[c1:])
    print("inst/s by 1,000 launched: " + " ".join("%.0f" % x for x in slices))
    ms = r["run_ms"]
    if ms:
        k = len(ms) // 10 or 1
        print("RunInstances ms in the controller (its log): first 10%% of "
              "calls median %d, last 10%% median %d, max %d"
              % (statistics.median(ms[:k]), statistics.median(ms[-k:]),
                 max(ms)))
    print("RunInstances answered InternalError and sent again: %d"
          % run.retried)
    print("pending -> all running after the launches: %.1fs (first %d), "
          "%.1fs (rest)" % (r["w1"], p1, r["w2"]))
    print()
    print("%-44s %10s" % ("controller RSS", "MiB"))
    for k, v in r["rss"].items():
        print("%-44s %10.1f" % (k, v / 1024.0))
    print("controller at the end: %d threads, %d open fds" % r["procs"])
    print()
    report_describe(r["d1"], r["d2"], p1, p1 + p2)
    print()
    st = r["stats"] or dict.fromkeys(("fetches", "fetch_bytes",
                                      "fetch_max_bytes", "reports",
                                      "errors", "view_entries"), 0)
    print("hostsim: %(fetches)d desired-state answers, %(fetch_bytes)d bytes "
          "(largest %(fetch_max_bytes)d), %(view_entries)d VPC view "
          "entries, %(reports)d reports, %(errors)d errors" % st)
    print("baseline hostsim: %(fetches)d desired-state answers, "
          "%(fetch_bytes)d bytes" % (b_stats or {"fetches": 0,
                                                 "fetch_bytes": 0}))
    print("at the end: " + run.exit_note)
    for (who, status, detail), n in sorted(r["errors"].items()):
        print("controller log: %d x %s status=%s detail=%s"
              % (n, who, status, detail))


def report_describe(d1, d2, n1, n2):
    (q1, walk1), (q2, walk2) = d1, d2
    print("DescribeInstances, ms per call (median / p95), %d calls each"
          % ENV["BENCH_REPS"])
    print("%-32s %6s %17s %6s %17s" % ("query", "items", "at %d" % n1,
                                       "items", "at %d" % n2))
    for name in q1:
        a, b = q1[name], q2[name]
        print("%-32s %6d %8.1f / %6.1f %6d %8.1f / %6.1f"
              % (name, a[1], 1000 * statistics.median(a[0]),
                 1000 * pct(a[0], 95), b[1], 1000 * statistics.median(b[0]),
                 1000 * pct(b[0], 95)))
    print("%-32s %6s %17.2f %6s %17.2f  (s, median of %d walks)"
          % ("whole paged walk", "", statistics.median(walk1), "",
             statistics.median(walk2), ENV["BENCH_WALKS"]))


def start_perf(pid):
    """perf record of the controller while the bulk launches, when
    BENCH_PERF names the output file (for finding hot spots)."""
    out = os.environ.get("BENCH_PERF")
    if not out:
        return None
    return subprocess.Popen(["perf", "record", "-q", "-F", "49", "--call-graph", "dwarf,16384",
                             "-p", str(pid), "-o", out],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def stop_perf(perf):
    if perf is not None:
        perf.send_signal(2)     # SIGINT: perf writes its file and exits
        perf.wait(timeout=120)


def slice_rates(calls):
    """Instances a second over each successive 1,000 launched."""
    out, n, t_prev = [], 0, None
    calls = sorted(calls)
    if not calls:
        return out
    t_prev = calls[0][0] - calls[0][2]
    for t_end, got, _ in calls:
        n += got
        if n >= 1000:
            out.append(n / (t_end - t_prev))
            n, t_prev = 0, t_end
    return out


if __name__ == "__main__":
    main()
