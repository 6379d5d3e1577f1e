"""Zones, placement controls and host failure, without a VM.  Hosts are
played by the test over the agents' API (conftest.Fleet): three zones,
mc-1a with two hosts, mc-1b with one, mc-1c with none; a thread reports
for the hosts that are to stay up, since the host timeout is 3 seconds.
Covers DescribeAvailabilityZones from the hosts' state, registration in
a zone the controller does not have, Placement.AvailabilityZone, the
spread and pack weights, `minicloud host list|enable|disable|drain`, and
a host that goes silent and comes back: its instances impaired in
DescribeInstanceStatus, nothing placed there, then reconciled from its
report with nothing duplicated or lost."""
import http.client
import json
import threading
import time

import pytest

from conftest import AWS2, Fleet, REGION, run_aws, wait_for
from conftest import err_code as code

ZA, ZB, ZC = REGION + "a", REGION + "b", REGION + "c"
ZONES = ["--zone", ZA, "--zone", ZB, "--zone", ZC]
TIMEOUT_S = 3


class Keeper:
    """Reports for every host in self.up twice a second: they stay up."""

    def __init__(self, fleet, hosts):
        self.fleet, self.up = fleet, set(hosts)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.wait(0.5):
            for h in list(self.up):
                self.fleet.report({}, host=h)

    def close(self):
        self.stop.set()
        self.thread.join()


@pytest.fixture(scope="module")
def fleet():
    c = Fleet(ZONES + ["--host-timeout", str(TIMEOUT_S)])
    keeper = None
    try:
        c.start()
        c.setup()
        c.register("fake-2", ZA)
        c.register("fake-b", ZB)
        keeper = Keeper(c, ["fake-1", "fake-2", "fake-b"])
        c.keeper = keeper
        yield c
    finally:
        if keeper is not None:
            keeper.close()
        c.cleanup()


@pytest.fixture
def ec2(fleet):
    return fleet.client()


def agent_status(fleet, method, path, body):
    """The status and JSON reply of an agents' API call that may fail."""
    conn = http.client.HTTPConnection("127.0.0.1", fleet.agent_port, timeout=30)
    try:
        conn.request(method, path, body=json.dumps(body),
                     headers={"Authorization": "Bearer " + fleet.token,
                              "Content-Type": "application/json"})
        r = conn.getresponse()
        return r.status, json.loads(r.read() or b"{}")
    finally:
        conn.close()


def zones(ec2, **kw):
    return {z["ZoneName"]: z for z in
            ec2.describe_availability_zones(**kw)["AvailabilityZones"]}


def run(ec2, fleet, zone=None, count=1):
    kw = {"Placement": {"AvailabilityZone": zone}} if zone else {}
    got = ec2.run_instances(ImageId=fleet.image, MinCount=count,
                            MaxCount=count, **kw)["Instances"]
    return [i["InstanceId"] for i in got]


def inst(ec2, iid):
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]


def host_of(ec2, iid):
    return inst(ec2, iid)["Placement"]["HostId"]


def gone(fleet, ec2, iids):
    """Terminate iids and answer for their hosts that the domains went."""
    ec2.terminate_instances(InstanceIds=iids)
    for iid in iids:
        fleet.report({iid: "none"}, host=host_of(ec2, iid))
        assert inst(ec2, iid)["State"]["Name"] == "terminated"


def hosts(fleet):
    """`minicloud host list` as {host: [columns after the name]}."""
    out = fleet.admin("host", "list", check=False).stdout.splitlines()
    assert out[0].split()[:5] == ["HOST", "ZONE", "STATE", "ADMIN", "ACCEL"]
    return {l.split()[0]: l.split()[1:] for l in out[1:] if not l.startswith(" ")}


def test_zones_follow_their_hosts(fleet, ec2):
    z = zones(ec2)
    assert list(z) == [ZA, ZB, ZC]
    assert z[ZA]["State"] == z[ZB]["State"] == "available"
    assert z[ZA]["Messages"] == [] and z[ZA]["ZoneId"] == REGION + "-az1"
    assert z[ZC]["State"] == "unavailable"
    assert z[ZC]["Messages"] == [{"Message": ZC + " is unavailable: it has no hosts"}]
    # Filters, names, ids and AllAvailabilityZones keep working.
    assert list(zones(ec2, Filters=[{"Name": "state", "Values": ["available"]}])) \
        == [ZA, ZB]
    assert list(zones(ec2, Filters=[{"Name": "state",
                                     "Values": ["unavailable"]}])) == [ZC]
    assert list(zones(ec2, Filters=[{"Name": "zone-name", "Values": [ZB]}])) == [ZB]
    assert list(zones(ec2, Filters=[{"Name": "zone-id",
                                     "Values": [REGION + "-az3"]}])) == [ZC]
    assert list(zones(ec2, ZoneNames=[ZC, ZA])) == [ZA, ZC]
    assert list(zones(ec2, ZoneIds=[REGION + "-az2"])) == [ZB]
    assert list(zones(ec2, AllAvailabilityZones=True)) == [ZA, ZB, ZC]
    assert code(ec2.describe_availability_zones, ZoneNames=["mc-1z"]) \
        == "InvalidParameterValue"
    assert code(ec2.describe_availability_zones, ZoneIds=["mc-1-az9"]) \
        == "InvalidParameterValue"
    # A zone whose only host is disabled takes no launches: constrained.
    fleet.admin("host", "disable", "fake-b", check=False)
    try:
        zb = zones(ec2)[ZB]
        assert zb["State"] == "constrained"
        assert "disabled or draining" in zb["Messages"][0]["Message"]
    finally:
        assert fleet.admin("host", "enable", "fake-b", check=False).returncode == 0
    assert zones(ec2)[ZB]["State"] == "available"
    r = run_aws(AWS2, fleet, "ec2", "describe-availability-zones", "--filters",
                "Name=state,Values=unavailable")
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)["AvailabilityZones"]
    assert [(g["ZoneName"], g["State"]) for g in got] == [(ZC, "unavailable")]


def test_register_needs_a_configured_zone(fleet):
    body = {"name": "fake-z", "zone": "mc-1z", "vcpus": 4, "mem_mib": 4096,
            "disk_gib": 10, "accel": "tcg"}
    status, reply = agent_status(fleet, "POST", "/v1/hosts/register", body)
    assert status == 400 and reply["error"] == "InvalidParameterValue"
    assert "mc-1z" in reply["message"]
    assert "fake-z" not in hosts(fleet)


def test_placement_zone(fleet, ec2):
    iids = []
    try:
        iids += run(ec2, fleet, ZB)
        got = inst(ec2, iids[0])
        assert got["Placement"]["AvailabilityZone"] == ZB
        assert got["Placement"]["HostId"] == "fake-b"
        assert code(ec2.run_instances, ImageId=fleet.image, MinCount=1,
                    MaxCount=1, Placement={"AvailabilityZone": "mc-1z"}) \
            == "InvalidParameterValue"
        # A configured zone without hosts has no capacity.
        assert code(ec2.run_instances, ImageId=fleet.image, MinCount=1,
                    MaxCount=1, Placement={"AvailabilityZone": ZC}) \
            == "InsufficientInstanceCapacity"
        r = run_aws(AWS2, fleet, "ec2", "run-instances", "--image-id",
                    fleet.image, "--count", "1", "--placement",
                    "AvailabilityZone=" + ZA)
        assert r.returncode == 0, r.stderr
        iid = json.loads(r.stdout)["Instances"][0]["InstanceId"]
        iids.append(iid)
        assert inst(ec2, iid)["Placement"]["AvailabilityZone"] == ZA
        assert host_of(ec2, iid) in ("fake-1", "fake-2")
    finally:
        gone(fleet, ec2, iids)


@pytest.fixture
def pair():
    """A fresh fleet of two equal hosts in one zone, the placement
    setting given by the test (nothing else placed there)."""
    made = []

    def make(placement):
        c = Fleet(["--placement", placement])
        made.append(c)
        c.start()
        c.setup()
        c.register("fake-2")
        return c
    yield make
    for c in made:
        c.cleanup()


def test_spread_alternates_hosts(pair):
    fleet = pair("spread")
    ec2 = fleet.client()
    placed = [host_of(ec2, run(ec2, fleet)[0]) for _ in range(4)]
    assert sorted(placed[:2]) == ["fake-1", "fake-2"]
    assert all(placed[i] != placed[i + 1] for i in range(3))
    # One call for two: one on each.
    both = run(ec2, fleet, count=2)
    assert sorted(host_of(ec2, i) for i in both) == ["fake-1", "fake-2"]


def test_pack_fills_one_host(pair):
    fleet = pair("pack")
    ec2 = fleet.client()
    placed = [host_of(ec2, run(ec2, fleet)[0]) for _ in range(3)]
    placed += [host_of(ec2, i) for i in run(ec2, fleet, count=2)]
    assert len(set(placed)) == 1, placed


def admin(fleet, *args):
    return fleet.admin("host", *args, check=False)


def test_disable_enable_drain(fleet, ec2):
    iids = []
    try:
        # One instance on each host of zone a.
        iids += run(ec2, fleet, ZA, count=2)
        on2 = next(i for i in iids if host_of(ec2, i) == "fake-2")
        fleet.report({on2: "running"}, host="fake-2")
        h = hosts(fleet)
        assert h["fake-2"][:3] == [ZA, "up", "enabled"]
        assert h["fake-2"][3] == "tcg" and h["fake-2"][4].endswith("/64")
        assert not h["fake-2"][4].startswith("0/")
        assert h["fake-2"][7] == "1"

        r = admin(fleet, "disable", "fake-2")
        assert r.returncode == 0, r.stderr
        assert "takes no new instances" in r.stdout
        assert admin(fleet, "disable", "fake-2").returncode == 0  # twice: fine
        assert hosts(fleet)["fake-2"][2] == "disabled"
        # Nothing new goes there, whatever the weights say.
        for _ in range(3):
            iids += run(ec2, fleet, ZA)
            assert host_of(ec2, iids[-1]) == "fake-1"
        # Its own instance stops and starts there.
        ec2.stop_instances(InstanceIds=[on2])
        fleet.report({on2: "shutoff"}, host="fake-2")
        assert inst(ec2, on2)["State"]["Name"] == "stopped"
        ec2.start_instances(InstanceIds=[on2])
        assert inst(ec2, on2)["State"]["Name"] == "pending"
        assert host_of(ec2, on2) == "fake-2"
        fleet.report({on2: "running"}, host="fake-2")

        r = admin(fleet, "drain", "fake-2")
        assert r.returncode == 0, r.stderr
        assert "draining" in r.stdout and "live migration" in r.stdout
        assert hosts(fleet)["fake-2"][2] == "draining"
        assert inst(ec2, on2)["State"]["Name"] == "running"  # not moved
        assert admin(fleet, "drain", "fake-2").returncode == 0
        gone(fleet, ec2, [on2])
        assert hosts(fleet)["fake-2"][2] == "drained"
        r = admin(fleet, "drain", "fake-2")
        assert "drained" in r.stdout

        r = admin(fleet, "enable", "fake-2")
        assert r.returncode == 0 and "takes new instances" in r.stdout
        assert hosts(fleet)["fake-2"][2] == "enabled"
        iids += run(ec2, fleet, ZA)
        assert host_of(ec2, iids[-1]) == "fake-2"
    finally:
        admin(fleet, "enable", "fake-2")
        gone(fleet, ec2, [i for i in iids
                          if inst(ec2, i)["State"]["Name"] != "terminated"])


def test_unknown_host_names(fleet):
    for verb in ("enable", "disable", "drain", "stop-instances"):
        r = admin(fleet, verb, "no-such-host")
        assert r.returncode == 1, (verb, r.stdout)
        assert "no host called 'no-such-host'" in r.stderr, r.stderr
        assert r.stdout == ""
    r = admin(fleet, "disable")
    assert r.returncode == 1 and "usage" in r.stderr


def statuses(ec2, iids, **kw):
    got = ec2.describe_instance_status(InstanceIds=iids, **kw)["InstanceStatuses"]
    return {s["InstanceId"]: s for s in got}


def test_host_failure_and_return(fleet, ec2):
    """fake-b goes silent with a running, a stopped and a running
    instance that the user terminates while it is away, and one placed
    just before the controller noticed; it comes back and reports."""
    a, b, c = run(ec2, fleet, ZB, count=3)
    fleet.report({a: "running", b: "running", c: "running"}, host="fake-b")
    ec2.stop_instances(InstanceIds=[c])
    fleet.report({c: "shutoff"}, host="fake-b")
    assert statuses(ec2, [a])[a]["InstanceStatus"]["Status"] == "ok"
    try:
        fleet.keeper.up.discard("fake-b")
        time.sleep(0.6)     # the keeper's round in flight is over
        late = run(ec2, fleet, ZB)[0]   # not down yet: placed there
        assert host_of(ec2, late) == "fake-b"
        wait_for(lambda: statuses(ec2, [a])[a]["SystemStatus"]["Status"]
                 == "impaired", TIMEOUT_S + 5, "fake-b's instances impaired")

        st = statuses(ec2, [a, b, c, late])
        assert set(st) == {a, b}        # running only, as before
        for s in st.values():
            for check in ("InstanceStatus", "SystemStatus"):
                assert s[check]["Status"] == "impaired"
                d = s[check]["Details"][0]
                assert d["Name"] == "reachability" and d["Status"] == "failed"
                assert "ImpairedSince" in d
        st = statuses(ec2, [a, c, late], IncludeAllInstances=True)
        assert set(st) == {a, c, late}
        assert st[c]["InstanceStatus"] == {"Status": "not-applicable"}
        assert st[late]["InstanceState"]["Name"] == "pending"
        got = ec2.describe_instance_status(Filters=[
            {"Name": "system-status.status", "Values": ["impaired"]}])
        assert {s["InstanceId"] for s in got["InstanceStatuses"]} == {a, b}
        r = run_aws(AWS2, fleet, "ec2", "describe-instance-status",
                    "--instance-ids", a)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["InstanceStatuses"][0]["InstanceStatus"][
            "Status"] == "impaired"

        # DescribeInstances keeps the last known states.
        assert [inst(ec2, i)["State"]["Name"] for i in (a, b, c, late)] \
            == ["running", "running", "stopped", "pending"]
        zb = zones(ec2)[ZB]
        assert zb["State"] == "impaired"
        assert zb["Messages"][0]["Message"].startswith(ZB + " is impaired")
        # Nothing new goes there; a stopped instance cannot start there.
        assert code(ec2.run_instances, ImageId=fleet.image, MinCount=1,
                    MaxCount=1, Placement={"AvailabilityZone": ZB}) \
            == "InsufficientInstanceCapacity"
        assert code(ec2.start_instances, InstanceIds=[c]) \
            == "InsufficientInstanceCapacity"
        ec2.terminate_instances(InstanceIds=[b])
        assert inst(ec2, b)["State"]["Name"] == "shutting-down"
        wait_for(lambda: hosts(fleet)["fake-b"][1] == "down", 5,
                 "host list to show fake-b down")

        # Back: its report reconciles.  Ids it names that are not its
        # instances (another host's, one never made) change nothing.
        on1 = run(ec2, fleet, ZA)[0]
        stray = "i-0123456789abcdef0"
        fleet.report({a: "running", b: "running", c: "shutoff",
                      on1: "shutoff", stray: "running"}, host="fake-b")
        fleet.keeper.up.add("fake-b")
        assert statuses(ec2, [a])[a]["InstanceStatus"]["Status"] == "ok"
        assert statuses(ec2, [a])[a]["SystemStatus"]["Details"][0] == {
            "Name": "reachability", "Status": "passed"}
        assert inst(ec2, on1)["State"]["Name"] == "pending"
        assert code(ec2.describe_instances, InstanceIds=[stray]) \
            == "InvalidInstanceID.NotFound"
        assert zones(ec2)[ZB]["State"] == "available"
        want = {i["id"]: (i["want"], i["state"])
                for i in fleet.desired(host="fake-b")["instances"]}
        assert want[a] == ("running", "running")
        assert want[b] == ("terminated", "shutting-down")
        assert want[late] == ("running", "pending")
        assert want[c] == ("stopped", "stopped")
        assert stray not in want and on1 not in want
        fleet.report({b: "none", late: "running"}, host="fake-b")
        assert inst(ec2, b)["State"]["Name"] == "terminated"
        assert inst(ec2, late)["State"]["Name"] == "running"
        ec2.start_instances(InstanceIds=[c])
        assert host_of(ec2, c) == "fake-b"
        # Nothing duplicated, nothing lost.
        mine = [i["InstanceId"] for r in ec2.describe_instances(Filters=[
            {"Name": "availability-zone", "Values": [ZB]}])["Reservations"]
            for i in r["Instances"]]
        assert len(mine) == len(set(mine)) and set(mine) >= {a, b, c, late}
        gone(fleet, ec2, [on1])
    finally:
        fleet.keeper.up.add("fake-b")
        fleet.report({}, host="fake-b")
        ec2.terminate_instances(InstanceIds=[a, c, late])
        fleet.report({a: "none", c: "none", late: "none"}, host="fake-b")


def test_host_cannot_change_zone_with_instances(fleet, ec2):
    iid = run(ec2, fleet, ZB)[0]
    try:
        body = {"name": "fake-b", "zone": ZA, "vcpus": 64, "mem_mib": 262144,
                "disk_gib": 4096, "accel": "tcg"}
        status, reply = agent_status(fleet, "POST", "/v1/hosts/register", body)
        assert status == 400 and reply["error"] == "InvalidParameterValue"
        assert hosts(fleet)["fake-b"][0] == ZB
        # Re-registering in its own zone is fine and keeps it enabled.
        fleet.register("fake-b", ZB)
        assert hosts(fleet)["fake-b"][2] == "enabled"
    finally:
        gone(fleet, ec2, [iid])
