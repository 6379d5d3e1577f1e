#!/usr/bin/python3
"""bench/launch: how long minicloud takes to launch instances, measured
against plain qemu-system-x86_64 booting the same image in the same run.

  1. control plane: RunInstances -> "running" in DescribeInstances, for 1
     and for 10 instances (the agent fetches the image, makes overlays,
     defines and starts the domains);
  2. end to end: RunInstances -> the guest's line on GetConsoleOutput,
     beside the same boot with plain QEMU (TCG here, as the agent chose);
     the ratio is the figure.

Benchmark code, never part of the product.  Usage: bench.py (run from the
repository root by bench/launch/run.sh, which builds what it needs).
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "e2e"))
import conftest  # noqa: E402  (the e2e tests' Cloud: controller + agent)

POLL = 0.05


def wait(fn, timeout):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if fn():
            return time.time()
        time.sleep(POLL)
    raise RuntimeError("timed out")


def all_running(ec2, ids):
    r = ec2.describe_instances(InstanceIds=ids)
    states = [i["State"]["Name"] for res in r["Reservations"] for i in res["Instances"]]
    return all(s == "running" for s in states)


def launch(ec2, image, count, itype):
    t0 = time.time()
    r = ec2.run_instances(ImageId=image, InstanceType=itype, MinCount=count,
                          MaxCount=count)
    ids = [i["InstanceId"] for i in r["Instances"]]
    return t0, ids


def terminate(ec2, ids):
    ec2.terminate_instances(InstanceIds=ids)
    for iid in ids:
        wait(lambda i=iid: conftest.state_of(ec2, i) == "terminated", 120)


def control_plane(ec2, image, count):
    t0, ids = launch(ec2, image, count, "t2.nano")
    t1 = wait(lambda: all_running(ec2, ids), 120)
    terminate(ec2, ids)
    return t1 - t0


def to_guest_line(ec2, image):
    t0, ids = launch(ec2, image, 1, "t3.micro")
    line = "minicloud-test-ami: instance %s up" % ids[0]
    t1 = wait(lambda: line in conftest.console(ec2, ids[0]), 180)
    terminate(ec2, ids)
    return t1 - t0


def plain_qemu(image, work):
    """The same image, overlay and VM size, with QEMU alone."""
    overlay = os.path.join(work, "plain.qcow2")
    log = os.path.join(work, "plain.log")
    for f in (overlay, log):
        if os.path.exists(f):
            os.unlink(f)
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2",
                    "-b", image, overlay], check=True)
    t0 = time.time()
    q = subprocess.Popen(["qemu-system-x86_64", "-machine", "pc,accel=tcg",
                          "-m", "1024", "-smp", "2", "-display", "none",
                          "-nodefaults", "-no-reboot",
                          "-drive", "file=%s,if=virtio,format=qcow2" % overlay,
                          "-smbios", "type=3,asset=i-0000000000000b0b0",
                          "-serial", "file:" + log],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        t1 = wait(lambda: os.path.exists(log) and
                  "instance i-0000000000000b0b0 up" in open(log, errors="replace").read(),
                  180)
    finally:
        q.kill()
        q.wait()
    return t1 - t0


def main():
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    work = tempfile.mkdtemp(prefix="mc-bench-launch-")
    cloud = conftest.Cloud(["--cpu-overcommit", "1000", "--api-rate", "0"])
    try:
        cloud.make_network()
        cloud.start()
        cloud.start_agent()
        image = cloud.import_ami("bench")
        ec2 = cloud.client()
        # A first launch caches the image on the host; measure warm.
        terminate(ec2, launch(ec2, image, 1, "t2.nano")[1])
        one = min(control_plane(ec2, image, 1) for _ in range(runs))
        ten = min(control_plane(ec2, image, 10) for _ in range(runs))
        mc = min(to_guest_line(ec2, image) for _ in range(runs))
        qemu = min(plain_qemu(conftest.AMI, work) for _ in range(runs))
    finally:
        cloud.cleanup()
        shutil.rmtree(work, ignore_errors=True)
    print("bench/launch: best of %d runs; TCG, 2 host CPUs; image cached on the "
          "host" % runs)
    print("%-52s %9s" % ("measure", "seconds"))
    print("%-52s %9.2f" % ("RunInstances -> running, 1 instance", one))
    print("%-52s %9.2f" % ("RunInstances -> running, 10 instances", ten))
    print("%-52s %9.2f" % ("RunInstances -> guest line on the console", mc))
    print("%-52s %9.2f" % ("plain qemu-system-x86_64 -> guest line (baseline)", qemu))
    print("ratio (minicloud / plain QEMU) to the guest line: %.2f" % (mc / qemu))


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    main()
