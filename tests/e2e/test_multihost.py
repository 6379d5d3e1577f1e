"""Two simulated hosts on this machine (multihost.MultiCloud): host 1 in
zone mc-1a, host 2 in mc-1b, each a network namespace on the underlay
with its own agent and libvirt's embedded QEMU driver.  Placement by
zone, DHCP and metadata on each host, two VPCs with one block kept
apart, `minicloud explain` naming the host, a host that goes silent
(kill -9 of its agent) marked down and skipped, and its agent adopting
its running instance when it comes back.

VPC traffic between hosts (the overlay) is not tested here."""
import os
import signal
import subprocess
import time

import pytest

from conftest import (REGION, console, err_code, terminate, wait_for,
                      wait_state, wait_text)
from multihost import MultiCloud

ZONE_A, ZONE_B = REGION + "a", REGION + "b"


@pytest.fixture(scope="module")
def multi():
    c = MultiCloud(zones=(ZONE_A, ZONE_B), host_timeout=6)
    try:
        c.setup()
        yield c
    finally:
        c.cleanup()


def run(ec2, multi, script=None, **kw):
    args = dict(ImageId=multi.image, InstanceType="t2.nano", MinCount=1,
                MaxCount=1)
    if script is not None:
        args["UserData"] = "#!/bin/sh\n" + script
    args.update(kw)
    return ec2.run_instances(**args)["Instances"][0]


def describe(ec2, iid):
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]


def netns_names():
    out = subprocess.run(["ip", "netns", "list"], capture_output=True,
                         text=True).stdout
    return [line.split(" ")[0] for line in out.splitlines()]


def same_netns(pid, ns):
    """Whether process pid runs in the named network namespace."""
    return os.stat("/proc/%s/ns/net" % pid).st_ino == \
        os.stat("/run/netns/" + ns).st_ino


def boots(ec2, iid):
    return console(ec2, iid).count("minicloud-test-ami: instance %s up" % iid)


def test_hosts_and_zones(multi):
    """Both hosts registered over the underlay, each in its zone."""
    states = multi.host_states()
    for h in multi.hosts:
        assert states[h.name] == (h.zone, "up")
    zones = multi.client().describe_availability_zones()["AvailabilityZones"]
    assert {ZONE_A, ZONE_B} <= {z["ZoneName"] for z in zones}


def test_zones_dhcp_metadata_isolation_explain(multi):
    """One instance per zone, each in a VPC of the same block: each lands
    on its zone's host, gets its address by DHCP and its own metadata,
    cannot reach the other; explain and DescribeInstances name the host;
    terminating stops each host's QEMU and unwires its VPC."""
    ec2 = multi.client()
    h1, h2 = multi.hosts
    made, ids = {}, []
    try:
        for k, zone in (("a", ZONE_A), ("b", ZONE_B)):
            made[k] = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
            made[k + "1"] = ec2.create_subnet(
                VpcId=made[k], CidrBlock="10.20.1.0/24",
                AvailabilityZone=zone)["Subnet"]["SubnetId"]
        a = run(ec2, multi, "echo A-DONE\n", SubnetId=made["a1"],
                PrivateIpAddress="10.20.1.10", Placement={"AvailabilityZone": ZONE_A})
        ids.append(a["InstanceId"])
        b = run(ec2, multi,
                "ok=; for i in $(seq 8); do ping -c 1 -W 1 10.20.1.10 "
                ">/dev/null 2>&1 && ok=1 && break; sleep 1; done; "
                "[ -n \"$ok\" ] && echo B-TO-A-OK || echo B-TO-A-FAIL\n",
                SubnetId=made["b1"], PrivateIpAddress="10.20.1.20",
                Placement={"AvailabilityZone": ZONE_B})
        ids.append(b["InstanceId"])
        pairs = ((a, h1, "10.20.1.10"), (b, h2, "10.20.1.20"))
        for inst, host, _ in pairs:
            assert inst["Placement"]["HostId"] == host.name
            assert inst["Placement"]["AvailabilityZone"] == host.zone

        out = wait_text(ec2, a["InstanceId"], "A-DONE")
        assert "minicloud-test-ami: eth0 10.20.1.10/24" in out
        assert "meta-data instance-id=%s" % a["InstanceId"] in out
        assert "meta-data placement/availability-zone=%s" % ZONE_A in out
        out = wait_text(ec2, b["InstanceId"], "B-TO-A-", timeout=240)
        assert "minicloud-test-ami: eth0 10.20.1.20/24" in out
        assert "meta-data instance-id=%s" % b["InstanceId"] in out
        assert "meta-data placement/availability-zone=%s" % ZONE_B in out
        assert "B-TO-A-FAIL" in out and a["InstanceId"] not in out

        names = netns_names()
        for inst, host, addr in pairs:
            iid = inst["InstanceId"]
            assert describe(ec2, iid)["Placement"]["HostId"] == host.name
            # Its QEMU is the host's: in the host's namespace, under its
            # libvirt root; its VPC namespace is the host's agent's.
            pids = host.qemus()
            assert len(pids) == 1 and same_netns(pids[0], host.ns)
            assert "%s-%s" % (host.net_prefix, inst["VpcId"]) in names
            text = multi.admin("explain", iid, check=False).stdout
            assert "placement    host %s, zone %s" % (host.name, host.zone) in text
            assert "## host %s: libvirt domain (virsh -c %s dumpxml %s)" % (
                host.name, host.uri, iid) in text
            assert "<name>%s</name>" % iid in text
            assert "%s dev %st" % (addr, host.net_prefix) in text   # /32 route
        assert "%s-%s" % (h2.net_prefix, made["a"]) not in names
        assert "%s-%s" % (h1.net_prefix, made["b"]) not in names
    finally:
        terminate(ec2, ids)
        for k in ("a1", "b1", "a", "b"):
            if k in made:
                (ec2.delete_subnet(SubnetId=made[k]) if k.endswith("1")
                 else ec2.delete_vpc(VpcId=made[k]))
    for h in (h1, h2):
        wait_for(lambda: not h.qemus(), 30, "the QEMUs of %s to end" % h.name)
    wait_for(lambda: not [n for n in netns_names()
                          if n.endswith(made["a"]) or n.endswith(made["b"])],
             30, "the VPC namespaces to go")


def test_host_down_then_back(multi):
    """kill -9 of host 1's agent: its guest keeps running, the host is
    marked down after host-timeout, launches go to host 2 (and one for
    host 1's zone finds no room); a new agent adopts the guest (the same
    QEMU, not rebooted, once) and the host is up again; so after a
    SIGTERM; launches for its zone land there again."""
    ec2 = multi.client()
    h1, h2 = multi.hosts
    ids = []
    try:
        x = run(ec2, multi, Placement={"AvailabilityZone": ZONE_A})
        ids.append(x["InstanceId"])
        assert x["Placement"]["HostId"] == h1.name
        wait_text(ec2, x["InstanceId"], "meta-data instance-id=" + x["InstanceId"])
        assert "172.31." in x["PrivateIpAddress"]   # the default subnet of mc-1a
        before = h1.qemus()
        assert len(before) == 1

        assert h1.stop(signal.SIGKILL) == -signal.SIGKILL
        t = time.time()
        multi.wait_host(h1, "down", timeout=30)
        assert time.time() - t < 25
        assert h1.qemus() == before             # the guest lives on
        assert multi.host_states()[h2.name] == (ZONE_B, "up")

        y = run(ec2, multi)                     # no zone: the host that is up
        ids.append(y["InstanceId"])
        assert y["Placement"]["HostId"] == h2.name
        assert err_code(ec2.run_instances, ImageId=multi.image,
                        InstanceType="t2.nano", MinCount=1, MaxCount=1,
                        Placement={"AvailabilityZone": ZONE_A}) == \
            "InsufficientInstanceCapacity"
        wait_state(ec2, y["InstanceId"], "running")

        log_start = len(h1.log_text())
        h1.start()
        time.sleep(5)                           # two reports, a few rounds
        assert h1.qemus() == before
        assert state_is(ec2, x["InstanceId"], "running")
        assert boots(ec2, x["InstanceId"]) == 1
        assert "instance started" not in h1.log_text()[log_start:]
        assert multi.host_states()[h1.name] == (ZONE_A, "up")
        # SIGTERM: the agent exits cleanly, the guest still runs on.
        assert h1.stop() == 0
        assert h1.qemus() == before
        h1.start()
        time.sleep(3)
        assert h1.qemus() == before and boots(ec2, x["InstanceId"]) == 1
        z = run(ec2, multi, Placement={"AvailabilityZone": ZONE_A})
        ids.append(z["InstanceId"])
        assert z["Placement"]["HostId"] == h1.name
    finally:
        terminate(ec2, ids)
    for h in (h1, h2):
        wait_for(lambda: not h.qemus(), 30, "the QEMUs of %s to end" % h.name)


def state_is(ec2, iid, want):
    return describe(ec2, iid)["State"]["Name"] == want
