"""Volumes through real clients, without a VM: Create/Describe/Delete/
ModifyVolume, DescribeVolumeStatus and DescribeVolumesModifications,
filters, paging, tags, ClientToken, the waiters, and EC2's errors.
Attachments use instances on fake hosts (the test registers them and
answers for their agents over the agents' API): AttachVolume leaves an
attachment attaching until the "agent" reports the disk on the domain,
DetachVolume detaching until it reports it gone; what each host's
desired state says; a stopped instance, one without a domain, and
termination; two zones (mc-1a, mc-1b) for ZoneMismatch."""
import json
import threading
import time

import botocore.exceptions
import pytest

from conftest import AWS2, fleet_fixtures, run_aws, signed
from conftest import err_code as code, err_of as error

ZONE, ZONE_B = "mc-1a", "mc-1b"

fleet, ec2 = fleet_fixtures([ZONE, ZONE_B], hosts=[("fake-b", ZONE_B)])


@pytest.fixture
def vols(ec2):
    """Volumes a test makes: whatever is left attached goes with its
    instance; the rest are deleted at the end."""
    made = []
    yield made
    for vid in made:
        try:
            ec2.delete_volume(VolumeId=vid)
        except botocore.exceptions.ClientError as e:
            assert e.response["Error"]["Code"] == "InvalidVolume.NotFound"


def new(ec2, made, size=1, zone=ZONE, **kw):
    vid = ec2.create_volume(Size=size, AvailabilityZone=zone, **kw)["VolumeId"]
    made.append(vid)
    return vid


def volume(ec2, vid):
    return ec2.describe_volumes(VolumeIds=[vid])["Volumes"][0]


def ids_of(got):
    return sorted(v["VolumeId"] for v in got["Volumes"])


def launch(fleet, zone=ZONE, host="fake-1", state="running"):
    """An instance on the fake host of zone, reported in state."""
    ec2 = fleet.client()
    i = ec2.run_instances(ImageId=fleet.image, MinCount=1, MaxCount=1,
                          Placement={"AvailabilityZone": zone})["Instances"][0]
    fleet.report({i["InstanceId"]: state}, host=host)
    return i["InstanceId"]


def terminate(fleet, iids, host="fake-1"):
    ec2 = fleet.client()
    ec2.terminate_instances(InstanceIds=iids)
    fleet.report({i: "none" for i in iids}, host=host)


def inst_vols(d, iid):
    """The (volume, device) pairs the desired state wants on iid."""
    (w,) = [i for i in d["instances"] if i["id"] == iid]
    return [(a["vol"], a["device"]) for a in w.get("vols", [])]


def zone_vols(d):
    return {v["id"]: v for v in d.get("volumes", [])}


def test_create_describe_delete(ec2, vols):
    r = ec2.create_volume(Size=2, AvailabilityZone=ZONE, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "data"}]}])
    vid = r["VolumeId"]
    vols.append(vid)
    assert vid.startswith("vol-") and len(vid) == 21
    assert r["Size"] == 2 and r["AvailabilityZone"] == ZONE
    assert r["State"] == "available" and r["VolumeType"] == "gp2"
    assert r["Iops"] == 100 and r["Encrypted"] is False
    assert r["MultiAttachEnabled"] is False and r["SnapshotId"] == ""
    assert r["Tags"] == [{"Key": "Name", "Value": "data"}]
    assert r["Attachments"] == [] and "Throughput" not in r
    v = volume(ec2, vid)
    for k in ("VolumeId", "Size", "AvailabilityZone", "State", "VolumeType",
              "Iops", "CreateTime", "Tags"):
        assert v[k] == r[k], k
    ec2.get_waiter("volume_available").wait(VolumeIds=[vid],
                                            WaiterConfig={"Delay": 1})
    st = ec2.describe_volume_status(VolumeIds=[vid])["VolumeStatuses"][0]
    assert st["VolumeStatus"]["Status"] == "ok"
    assert {"Name": "io-enabled", "Status": "passed"} in st["VolumeStatus"]["Details"]
    # gp3 with its numbers.
    g = ec2.create_volume(Size=10, AvailabilityZone=ZONE_B, VolumeType="gp3",
                          Iops=4000, Throughput=500)
    vols.append(g["VolumeId"])
    assert (g["AvailabilityZone"], g["Iops"], g["Throughput"]) == (ZONE_B, 4000, 500)
    d = ec2.create_volume(Size=20, AvailabilityZone=ZONE, VolumeType="gp3")
    vols.append(d["VolumeId"])
    assert (d["Iops"], d["Throughput"]) == (3000, 125)
    # Gone is gone: the waiter, then NotFound everywhere.
    ec2.delete_volume(VolumeId=vid)
    ec2.get_waiter("volume_deleted").wait(VolumeIds=[vid],
                                          WaiterConfig={"Delay": 1})
    assert code(ec2.describe_volumes, VolumeIds=[vid]) == "InvalidVolume.NotFound"
    assert code(ec2.delete_volume, VolumeId=vid) == "InvalidVolume.NotFound"
    assert code(ec2.describe_volume_status, VolumeIds=[vid]) == \
        "InvalidVolume.NotFound"
    assert not [t for t in ec2.describe_tags()["Tags"] if t["ResourceId"] == vid]
    assert code(ec2.create_volume, Size=1, AvailabilityZone=ZONE,
                DryRun=True) == "DryRunOperation"
    assert code(ec2.delete_volume, VolumeId=d["VolumeId"],
                DryRun=True) == "DryRunOperation"
    assert volume(ec2, d["VolumeId"])["State"] == "available"


def test_zone_id(fleet, ec2, vols):
    """AvailabilityZoneId (newer clients only) names a zone too."""
    r = signed(fleet, {"Action": "CreateVolume", "Version": "2016-11-15",
                       "Size": "1", "AvailabilityZoneId": "mc-1-az2"})
    assert r.status == 200, r.text
    vid = r.text.split("<volumeId>", 1)[1].split("<", 1)[0]
    vols.append(vid)
    assert "<availabilityZone>mc-1b</availabilityZone>" in r.text
    assert "<availabilityZoneId>mc-1-az2</availabilityZoneId>" in r.text
    assert volume(ec2, vid)["AvailabilityZone"] == ZONE_B
    r = signed(fleet, {"Action": "CreateVolume", "Version": "2016-11-15",
                       "Size": "1", "AvailabilityZoneId": "mc-1-az9"})
    assert r.code() == "InvalidZone.NotFound", r.text


def test_client_token(ec2, vols):
    a = ec2.create_volume(Size=3, AvailabilityZone=ZONE, ClientToken="tok-1")
    vols.append(a["VolumeId"])
    b = ec2.create_volume(Size=3, AvailabilityZone=ZONE, ClientToken="tok-1")
    assert b["VolumeId"] == a["VolumeId"]
    assert code(ec2.create_volume, Size=4, AvailabilityZone=ZONE,
                ClientToken="tok-1") == "IdempotentParameterMismatch"
    c = ec2.create_volume(Size=3, AvailabilityZone=ZONE, ClientToken="tok-2")
    vols.append(c["VolumeId"])
    assert c["VolumeId"] != a["VolumeId"]


def test_bad_creates(fleet, ec2, vols):
    before = len(ec2.describe_volumes()["Volumes"])
    for kw, want in (
            (dict(Size=0), "InvalidParameterValue"),
            (dict(Size=-1), "InvalidParameterValue"),
            (dict(Size=16385), "InvalidParameterValue"),
            (dict(Size=999999, VolumeType="gp3"), "InvalidParameterValue"),
            (dict(Size=1025, VolumeType="standard"), "InvalidParameterValue"),
            (dict(Size=100, VolumeType="st1"), "InvalidParameterValue"),
            (dict(Size=10, VolumeType="io1"), "MissingParameter"),
            (dict(Size=10, VolumeType="io1", Iops=99), "InvalidParameterValue"),
            (dict(Size=10, VolumeType="io1", Iops=501), "InvalidParameterValue"),
            (dict(Size=10, VolumeType="gp2", Iops=300),
             "InvalidParameterCombination"),
            (dict(Size=10, VolumeType="gp2", Throughput=300),
             "InvalidParameterCombination"),
            (dict(Size=10, VolumeType="gp3", Throughput=2001),
             "InvalidParameterValue"),
            (dict(Size=10, VolumeType="gp9"), "InvalidParameterValue"),
            (dict(Size=1, AvailabilityZone="mc-9z"), "InvalidZone.NotFound"),
            (dict(Size=1, AvailabilityZone="us-east-1a"), "InvalidZone.NotFound"),
            (dict(Size=1, SnapshotId="snap-nope"), "InvalidSnapshotID.Malformed"),
            (dict(Size=1, SnapshotId="snap-0123456789abcdef0"),
             "InvalidSnapshot.NotFound"),
            (dict(Size=1, Encrypted=True), "InvalidParameterValue"),
            (dict(Size=1, MultiAttachEnabled=True), "InvalidParameterValue"),
            (dict(Size=1, TagSpecifications=[{"ResourceType": "instance", "Tags": [
                {"Key": "a", "Value": "b"}]}]), "InvalidParameterValue"),
            (dict(Size=1, TagSpecifications=[{"ResourceType": "volume", "Tags": [
                {"Key": "aws:x", "Value": "b"}]}]), "InvalidParameterValue")):
        kw.setdefault("AvailabilityZone", ZONE)
        err = error(ec2.create_volume, **kw)
        assert err["Code"] == want, (kw, err)
        assert len(err["Message"]) > 10, err
    assert error(ec2.create_volume, Size=0, AvailabilityZone=ZONE)["Message"] == \
        "Volume of 0GiB is too small; minimum is 1GiB."
    # What no client sends: no zone, no size, both zone spellings.
    for params, want in (
            ({"Size": "1"}, "MissingParameter"),
            ({"AvailabilityZone": ZONE}, "MissingParameter"),
            ({"Size": "1", "AvailabilityZone": ZONE,
              "AvailabilityZoneId": "mc-1-az1"}, "InvalidParameterCombination"),
            ({"Size": "x", "AvailabilityZone": ZONE}, "InvalidParameterValue"),
            ({"Size": "1", "AvailabilityZone": ZONE, "Bogus": "1"},
             "UnknownParameter")):
        r = signed(fleet, dict(Action="CreateVolume", Version="2016-11-15",
                               **params))
        assert r.status == 400 and r.code() == want, (params, r.text)
    assert len(ec2.describe_volumes()["Volumes"]) == before


def test_filters_paging_tags(ec2, vols):
    made = [new(ec2, vols, size=s, VolumeType=t) for s, t in
            ((1, "gp2"), (2, "gp2"), (3, "gp3"), (4, "gp3"), (125, "st1"),
             (5, "standard"), (6, "gp2"))]
    other = new(ec2, vols, size=7, zone=ZONE_B)
    ec2.create_tags(Resources=made[:3], Tags=[{"Key": "team", "Value": "blue"}])
    ec2.create_tags(Resources=[made[3]], Tags=[{"Key": "team", "Value": "red"}])
    mine = made + [other]

    def find(*filters):
        got = ec2.describe_volumes(Filters=[{"Name": n, "Values": v}
                                            for n, v in filters])
        return [x for x in ids_of(got) if x in mine]

    assert find(("size", ["3", "125"])) == sorted([made[2], made[4]])
    assert find(("volume-type", ["gp3"])) == sorted(made[2:4])
    assert find(("availability-zone", [ZONE_B])) == [other]
    assert find(("status", ["available"])) == sorted(mine)
    assert find(("status", ["in-use"])) == []
    assert find(("tag:team", ["blue"])) == sorted(made[:3])
    assert find(("tag:team", ["blue", "red"]), ("size", ["1", "4"])) == \
        sorted([made[0], made[3]])
    assert find(("tag-key", ["team"])) == sorted(made[:4])
    assert find(("volume-id", [made[5][:8] + "*"])) == [made[5]]
    assert find(("encrypted", ["false"]), ("size", ["6"])) == [made[6]]
    assert find(("attachment.status", ["attached"])) == []
    assert code(ec2.describe_volumes, Filters=[{"Name": "nope", "Values": ["x"]}]) \
        == "InvalidParameterValue"
    # Pages of 5 hold every volume once; the paginator follows them.
    seen, token = [], None
    while True:
        kw = {"MaxResults": 5}
        if token:
            kw["NextToken"] = token
        page = ec2.describe_volumes(**kw)
        assert len(page["Volumes"]) <= 5
        seen += [v["VolumeId"] for v in page["Volumes"]]
        token = page.get("NextToken")
        if not token:
            break
    assert len(seen) == len(set(seen)) and set(mine) <= set(seen)
    pages = ec2.get_paginator("describe_volumes").paginate(
        PaginationConfig={"PageSize": 5})
    assert sorted(v["VolumeId"] for p in pages for v in p["Volumes"]) == sorted(seen)
    for kw, want in ((dict(MaxResults=4), "InvalidParameterValue"),
                     (dict(MaxResults=501), "InvalidParameterValue"),
                     (dict(MaxResults=5, VolumeIds=[made[0]]),
                      "InvalidParameterCombination"),
                     (dict(NextToken="garbage"), "InvalidParameterValue"),
                     (dict(VolumeIds=["vol-nope"]), "InvalidVolumeID.Malformed"),
                     (dict(VolumeIds=[made[0], "vol-0123456789abcdef0"]),
                      "InvalidVolume.NotFound")):
        assert code(ec2.describe_volumes, **kw) == want, kw
    # Tags of volumes through the tag actions.
    t = ec2.describe_tags(Filters=[{"Name": "resource-type", "Values": ["volume"]},
                                   {"Name": "value", "Values": ["red"]}])["Tags"]
    assert [(x["ResourceId"], x["ResourceType"]) for x in t] == [(made[3], "volume")]
    ec2.delete_tags(Resources=[made[3]], Tags=[{"Key": "team"}])
    assert volume(ec2, made[3])["Tags"] == []
    assert code(ec2.create_tags, Resources=["vol-0123456789abcdef0"],
                Tags=[{"Key": "a", "Value": "b"}]) == "InvalidVolume.NotFound"
    st = ec2.describe_volume_status(Filters=[
        {"Name": "availability-zone", "Values": [ZONE_B]},
        {"Name": "volume-status.status", "Values": ["ok"]}])["VolumeStatuses"]
    assert other in [s["VolumeId"] for s in st]
    assert ec2.describe_volume_status(Filters=[
        {"Name": "event.event-type", "Values": ["*"]}])["VolumeStatuses"] == []


def test_attach_detach(fleet, ec2, vols):
    iid = launch(fleet)
    vid = new(ec2, vols)
    try:
        gen = fleet.desired()["generation"]
        a = ec2.attach_volume(VolumeId=vid, InstanceId=iid, Device="/dev/sdf")
        assert (a["VolumeId"], a["InstanceId"], a["Device"], a["State"]) == \
            (vid, iid, "/dev/sdf", "attaching")
        assert a["DeleteOnTermination"] is False and "AttachTime" in a
        v = volume(ec2, vid)
        assert v["State"] == "in-use"
        assert [(x["InstanceId"], x["State"]) for x in v["Attachments"]] == \
            [(iid, "attaching")]
        ec2.get_waiter("volume_in_use").wait(VolumeIds=[vid],
                                             WaiterConfig={"Delay": 1})
        d = fleet.desired()
        assert d["generation"] > gen
        assert inst_vols(d, iid) == [(vid, "/dev/sdf")]
        assert zone_vols(d)[vid]["size_gib"] == 1
        assert zone_vols(d)[vid]["format"] == "qcow2"
        # The agent has not done it yet: still attaching.
        fleet.report({iid: "running"})
        assert volume(ec2, vid)["Attachments"][0]["State"] == "attaching"
        fleet.report({iid: "running"}, vols={iid: [(vid, "/dev/sdf")]})
        assert volume(ec2, vid)["Attachments"][0]["State"] == "attached"
        inst = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
        assert inst["RootDeviceName"] == "/dev/xvda"
        bdms = {b["DeviceName"]: b for b in inst["BlockDeviceMappings"]}
        assert sorted(bdms) == ["/dev/sdf", "/dev/xvda"]
        bdm = bdms["/dev/sdf"]
        assert (bdm["Ebs"]["VolumeId"], bdm["Ebs"]["Status"],
                bdm["Ebs"]["DeleteOnTermination"]) == (vid, "attached", False)
        for f, val in (("block-device-mapping.volume-id", vid),
                       ("block-device-mapping.device-name", "/dev/sdf"),
                       ("block-device-mapping.status", "attached"),
                       ("root-device-name", "/dev/xvda")):
            got = ec2.describe_instances(Filters=[
                {"Name": f, "Values": [val]},
                {"Name": "instance-id", "Values": [iid]}])["Reservations"]
            assert [r["Instances"][0]["InstanceId"] for r in got] == [iid], f
        attr = ec2.describe_instance_attribute(InstanceId=iid,
                                               Attribute="blockDeviceMapping")
        root = bdms["/dev/xvda"]["Ebs"]["VolumeId"]
        assert [b["Ebs"]["VolumeId"] for b in attr["BlockDeviceMappings"]] \
            == [vid, root]
        for f, val, want in (
                ("attachment.instance-id", iid, [vid, root]),
                ("attachment.status", "attached", [vid, root]),
                ("attachment.device", "/dev/sdf", [vid]),
                ("status", "in-use", [vid, root])):
            got = ec2.describe_volumes(Filters=[
                {"Name": f, "Values": [val]},
                {"Name": "attachment.instance-id", "Values": [iid]}])
            assert ids_of(got) == sorted(want), f
        # Detach: detaching until the agent reports the disk gone.
        r = ec2.detach_volume(VolumeId=vid, InstanceId=iid, Device="/dev/sdf")
        assert (r["State"], r["InstanceId"], r["Device"]) == \
            ("detaching", iid, "/dev/sdf")
        assert ec2.detach_volume(VolumeId=vid)["State"] == "detaching"
        assert inst_vols(fleet.desired(), iid) == []
        assert vid in zone_vols(fleet.desired())
        fleet.report({iid: "running"}, vols={iid: [(vid, "/dev/sdf")]})
        assert volume(ec2, vid)["Attachments"][0]["State"] == "detaching"
        fleet.report({iid: "running"})
        v = volume(ec2, vid)
        assert v["State"] == "available" and v["Attachments"] == []
        ec2.get_waiter("volume_available").wait(VolumeIds=[vid],
                                                WaiterConfig={"Delay": 1})
        inst = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
        assert [b["DeviceName"] for b in inst["BlockDeviceMappings"]] == ["/dev/xvda"]
        # Again, at another device; Force is accepted.
        ec2.attach_volume(VolumeId=vid, InstanceId=iid, Device="/dev/xvdg")
        fleet.report({iid: "running"}, vols={iid: [(vid, "/dev/xvdg")]})
        assert ec2.detach_volume(VolumeId=vid, Force=True)["State"] == "detaching"
        fleet.report({iid: "running"})
        assert volume(ec2, vid)["State"] == "available"
    finally:
        terminate(fleet, [iid])


def test_attach_refusals(fleet, ec2, vols):
    iid, other = launch(fleet), launch(fleet)
    pending = ec2.run_instances(ImageId=fleet.image, MinCount=1,
                                MaxCount=1)["Instances"][0]["InstanceId"]
    far = launch(fleet, zone=ZONE_B, host="fake-b")
    a, b = new(ec2, vols), new(ec2, vols)
    in_b = new(ec2, vols, zone=ZONE_B)
    try:
        ec2.attach_volume(VolumeId=a, InstanceId=iid, Device="/dev/sdf")
        fleet.report({iid: "running"}, vols={iid: [(a, "/dev/sdf")]})
        gen = fleet.desired()["generation"]
        for kw, want in (
                (dict(VolumeId=b, InstanceId=iid, Device="/dev/sdf"),
                 "InvalidParameterValue"),
                (dict(VolumeId=b, InstanceId=iid, Device="/dev/xvdf"),
                 "InvalidParameterValue"),
                (dict(VolumeId=b, InstanceId=iid, Device="/dev/xvda"),
                 "InvalidParameterValue"),
                (dict(VolumeId=b, InstanceId=iid, Device="/dev/sda1"),
                 "InvalidParameterValue"),
                (dict(VolumeId=b, InstanceId=iid, Device="/dev/hdz"),
                 "InvalidParameterValue"),
                (dict(VolumeId=b, InstanceId=iid, Device="sdf"),
                 "InvalidParameterValue"),
                (dict(VolumeId=a, InstanceId=other, Device="/dev/sdg"),
                 "VolumeInUse"),
                (dict(VolumeId=a, InstanceId=iid, Device="/dev/sdg"),
                 "VolumeInUse"),
                (dict(VolumeId=in_b, InstanceId=iid, Device="/dev/sdg"),
                 "InvalidVolume.ZoneMismatch"),
                (dict(VolumeId=b, InstanceId=far, Device="/dev/sdg"),
                 "InvalidVolume.ZoneMismatch"),
                (dict(VolumeId="vol-nope", InstanceId=iid, Device="/dev/sdg"),
                 "InvalidVolumeID.Malformed"),
                (dict(VolumeId="vol-0123456789abcdef0", InstanceId=iid,
                      Device="/dev/sdg"), "InvalidVolume.NotFound"),
                (dict(VolumeId=b, InstanceId="i-nope", Device="/dev/sdg"),
                 "InvalidInstanceID.Malformed"),
                (dict(VolumeId=b, InstanceId="i-0123456789abcdef0",
                      Device="/dev/sdg"), "InvalidInstanceID.NotFound"),
                (dict(VolumeId=b, InstanceId=pending, Device="/dev/sdg"),
                 "IncorrectInstanceState"),
                (dict(VolumeId=b, InstanceId=iid, Device="/dev/sdg",
                      DryRun=True), "DryRunOperation")):
            err = error(ec2.attach_volume, **kw)
            assert err["Code"] == want, (kw, err)
        assert error(ec2.attach_volume, VolumeId=b, InstanceId=iid,
                     Device="/dev/sdf")["Message"] == \
            "Invalid value '/dev/sdf' for unixDevice. Attachment point " \
            "/dev/sdf is already in use"
        assert code(ec2.delete_volume, VolumeId=a) == "VolumeInUse"
        for kw, want in ((dict(VolumeId=b), "IncorrectState"),
                         (dict(VolumeId=a, InstanceId=other),
                          "InvalidAttachment.NotFound"),
                         (dict(VolumeId=a, Device="/dev/sdg"),
                          "InvalidAttachment.NotFound"),
                         (dict(VolumeId=a, InstanceId="i-bad"),
                          "InvalidInstanceID.Malformed"),
                         (dict(VolumeId="vol-0123456789abcdef0"),
                          "InvalidVolume.NotFound")):
            assert code(ec2.detach_volume, **kw) == want, kw
        # Nothing moved: a is attached as it was, b and in_b are free.
        assert fleet.desired()["generation"] == gen
        assert [(x["VolumeId"], x["State"]) for x in
                ec2.describe_volumes(VolumeIds=[a, b, in_b])["Volumes"]] == \
            sorted([(a, "in-use"), (b, "available"), (in_b, "available")])
        assert inst_vols(fleet.desired(), iid) == [(a, "/dev/sdf")]
        assert inst_vols(fleet.desired(), other) == []
        assert inst_vols(fleet.desired(host="fake-b"), far) == []
    finally:
        terminate(fleet, [iid, other, pending])
        terminate(fleet, [far], host="fake-b")
    assert volume(ec2, a)["State"] == "available"


def test_attachment_limit(fleet, ec2, vols):
    iid = launch(fleet)
    many = [new(ec2, vols) for _ in range(25)]
    try:
        for n, vid in enumerate(many[:24]):
            dev = "/dev/sd%s%s" % ("bcd"[n // 10], "abcdefghij"[n % 10])
            ec2.attach_volume(VolumeId=vid, InstanceId=iid, Device=dev)
        assert code(ec2.attach_volume, VolumeId=many[24], InstanceId=iid,
                    Device="/dev/sdz") == "AttachmentLimitExceeded"
        assert len(inst_vols(fleet.desired(), iid)) == 24
        assert volume(ec2, many[24])["State"] == "available"
    finally:
        terminate(fleet, [iid])
    assert {v["State"] for v in ec2.describe_volumes(VolumeIds=many)["Volumes"]} \
        == {"available"}


def test_stopped_instances(fleet, ec2, vols):
    """A stopped instance with a domain: the agent cold-attaches and
    reports it.  One without a domain takes the volume at once."""
    iid, bare = launch(fleet), launch(fleet)
    a, b = new(ec2, vols), new(ec2, vols)
    try:
        ec2.stop_instances(InstanceIds=[iid, bare])
        fleet.report({iid: "shutoff", bare: "none"})
        assert {r["Instances"][0]["State"]["Name"] for r in
                ec2.describe_instances(InstanceIds=[iid, bare])["Reservations"]} \
            == {"stopped"}
        assert ec2.attach_volume(VolumeId=a, InstanceId=iid,
                                 Device="/dev/sdf")["State"] == "attaching"
        fleet.report({iid: "shutoff"}, vols={iid: [(a, "/dev/sdf")]})
        assert volume(ec2, a)["Attachments"][0]["State"] == "attached"
        assert ec2.attach_volume(VolumeId=b, InstanceId=bare,
                                 Device="/dev/sdf")["State"] == "attached"
        assert inst_vols(fleet.desired(), bare) == [(b, "/dev/sdf")]
        # Started again, the domains are defined with their volumes.
        ec2.start_instances(InstanceIds=[iid])
        assert inst_vols(fleet.desired(), iid) == [(a, "/dev/sdf")]
        fleet.report({iid: "running"}, vols={iid: [(a, "/dev/sdf")]})
        assert ec2.detach_volume(VolumeId=a)["State"] == "detaching"
        fleet.report({iid: "running"})
        assert ec2.detach_volume(VolumeId=b)["State"] == "detached"
        assert [volume(ec2, v)["State"] for v in (a, b)] == ["available"] * 2
    finally:
        terminate(fleet, [iid, bare])


def test_terminate_detaches(fleet, ec2, vols):
    iid = launch(fleet)
    vid = new(ec2, vols)
    ec2.attach_volume(VolumeId=vid, InstanceId=iid, Device="/dev/sdf")
    fleet.report({iid: "running"}, vols={iid: [(vid, "/dev/sdf")]})
    ec2.terminate_instances(InstanceIds=[iid])
    assert volume(ec2, vid)["State"] == "in-use"
    fleet.report({iid: "none"})
    r = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert r["State"]["Name"] == "terminated" and r["BlockDeviceMappings"] == []
    v = volume(ec2, vid)
    assert v["State"] == "available" and v["Attachments"] == []
    assert vid in zone_vols(fleet.desired())
    assert code(ec2.attach_volume, VolumeId=vid, InstanceId=iid,
                Device="/dev/sdf") == "IncorrectInstanceState"


def test_modify(fleet, ec2, vols):
    vid = new(ec2, vols, size=2)
    r = ec2.modify_volume(VolumeId=vid, Size=8)["VolumeModification"]
    assert (r["VolumeId"], r["ModificationState"], r["OriginalSize"],
            r["TargetSize"], r["Progress"]) == (vid, "completed", 2, 8, 100)
    assert volume(ec2, vid)["Size"] == 8
    assert zone_vols(fleet.desired())[vid]["size_gib"] == 8
    r = ec2.modify_volume(VolumeId=vid, VolumeType="gp3", Iops=4000)
    m = r["VolumeModification"]
    assert (m["OriginalVolumeType"], m["TargetVolumeType"], m["TargetIops"],
            m["TargetThroughput"]) == ("gp2", "gp3", 4000, 125)
    v = volume(ec2, vid)
    assert (v["VolumeType"], v["Iops"], v["Throughput"], v["Size"]) == \
        ("gp3", 4000, 125, 8)
    for kw, want in ((dict(Size=4), "InvalidParameterValue"),
                     (dict(Size=70000), "InvalidParameterValue"),
                     (dict(VolumeType="io9"), "InvalidParameterValue"),
                     (dict(VolumeType="io1"), "MissingParameter"),
                     (dict(VolumeType="gp2", Throughput=200),
                      "InvalidParameterCombination"),
                     (dict(), "MissingParameter"),
                     (dict(Size=9, DryRun=True), "DryRunOperation")):
        assert code(ec2.modify_volume, VolumeId=vid, **kw) == want, kw
    assert code(ec2.modify_volume, VolumeId="vol-0123456789abcdef0",
                Size=9) == "InvalidVolume.NotFound"
    assert volume(ec2, vid)["Size"] == 8
    mods = ec2.describe_volumes_modifications(VolumeIds=[vid])["VolumesModifications"]
    assert [(x["VolumeId"], x["TargetVolumeType"]) for x in mods] == [(vid, "gp3")]
    got = ec2.describe_volumes_modifications(Filters=[
        {"Name": "target-volume-type", "Values": ["gp3"]},
        {"Name": "original-size", "Values": ["8"]}])["VolumesModifications"]
    assert vid in [x["VolumeId"] for x in got]


def test_agents_woken(fleet, ec2, vols):
    """An attachment reaches a waiting long poll within the second; a
    deleted volume leaves its zone's desired state."""
    iid = launch(fleet)
    vid = new(ec2, vols)
    try:
        got = {}
        d = fleet.desired()

        def poll():
            got["d"] = fleet.desired(after=d["generation"], wait=20)
            got["t"] = time.time()

        t = threading.Thread(target=poll)
        t.start()
        time.sleep(0.5)
        start = time.time()
        ec2.attach_volume(VolumeId=vid, InstanceId=iid, Device="/dev/sdk")
        t.join(30)
        assert got["t"] - start < 1.5
        assert inst_vols(got["d"], iid) == [(vid, "/dev/sdk")]
    finally:
        terminate(fleet, [iid])
    d = fleet.desired()
    ec2.delete_volume(VolumeId=vid)
    d2 = fleet.desired(after=d["generation"], wait=5)
    assert d2["generation"] > d["generation"] and vid not in zone_vols(d2)
    assert vid not in zone_vols(fleet.desired(host="fake-b"))


def test_aws_cli(fleet, ec2, vols):
    r = run_aws(AWS2, fleet, "ec2", "create-volume", "--size", "1",
                "--availability-zone", ZONE)
    assert r.returncode == 0, r.stderr
    vid = json.loads(r.stdout)["VolumeId"]
    vols.append(vid)
    iid = launch(fleet)
    try:
        r = run_aws(AWS2, fleet, "ec2", "attach-volume", "--volume-id", vid,
                    "--instance-id", iid, "--device", "/dev/sdf")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["State"] == "attaching"
        fleet.report({iid: "running"}, vols={iid: [(vid, "/dev/sdf")]})
        r = run_aws(AWS2, fleet, "ec2", "describe-volumes", "--volume-ids", vid)
        assert json.loads(r.stdout)["Volumes"][0]["Attachments"][0]["State"] == \
            "attached"
        r = run_aws(AWS2, fleet, "ec2", "detach-volume", "--volume-id", vid)
        assert r.returncode == 0 and json.loads(r.stdout)["State"] == "detaching"
        fleet.report({iid: "running"})
        r = run_aws(AWS2, fleet, "ec2", "wait", "volume-available",
                    "--volume-ids", vid)
        assert r.returncode == 0, r.stderr
        r = run_aws(AWS2, fleet, "ec2", "create-volume", "--size", "0",
                    "--availability-zone", ZONE)
        assert r.returncode != 0 and "InvalidParameterValue" in r.stderr
        r = run_aws(AWS2, fleet, "ec2", "delete-volume", "--volume-id", vid)
        assert r.returncode == 0, r.stderr
    finally:
        terminate(fleet, [iid])


def test_accounts_apart(fleet, ec2, vols):
    vid = new(ec2, vols)
    other = fleet.client(fleet.admin("account", "create", "vol-other"))
    assert other.describe_volumes()["Volumes"] == []
    assert code(other.describe_volumes, VolumeIds=[vid]) == "InvalidVolume.NotFound"
    assert code(other.delete_volume, VolumeId=vid) == "InvalidVolume.NotFound"
    iid = launch(fleet)
    try:
        assert code(other.attach_volume, VolumeId=vid, InstanceId=iid,
                    Device="/dev/sdf") == "InvalidVolume.NotFound"
        mine = other.create_volume(Size=1, AvailabilityZone=ZONE)["VolumeId"]
        assert code(other.attach_volume, VolumeId=mine, InstanceId=iid,
                    Device="/dev/sdf") == "InvalidInstanceID.NotFound"
        other.delete_volume(VolumeId=mine)
    finally:
        terminate(fleet, [iid])


def test_controller_survived(fleet):
    """Every bad input above was a client error, never ours."""
    assert fleet.proc.poll() is None
    log = fleet.log_text()
    assert "Sanitizer" not in log and "status=500" not in log
    assert "level=error" not in log, log[-3000:]


def bdm(dev, size=1, **ebs):
    return {"DeviceName": dev, "Ebs": dict({"VolumeSize": size}, **ebs)}


def my_volume_ids(ec2):
    return {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}


def test_launch_mappings(fleet, ec2, vols):
    """Two mappings make two volumes attaching to the new instance; on
    termination the delete-on-termination one goes, the other stays."""
    i = ec2.run_instances(
        ImageId=fleet.image, MinCount=1, MaxCount=1,
        Placement={"AvailabilityZone": ZONE},
        BlockDeviceMappings=[
            bdm("/dev/sdf", 2),
            bdm("/dev/sdg", 3, VolumeType="gp3", DeleteOnTermination=False),
            {"DeviceName": "/dev/sdh", "NoDevice": ""},
            {"DeviceName": "/dev/sdb", "VirtualName": "ephemeral0"}],
        TagSpecifications=[{"ResourceType": "volume",
                            "Tags": [{"Key": "made", "Value": "launch"}]}],
    )["Instances"][0]
    iid = i["InstanceId"]
    got = {b["DeviceName"]: b["Ebs"] for b in i["BlockDeviceMappings"]}
    assert sorted(got) == ["/dev/sdf", "/dev/sdg", "/dev/xvda"]
    assert got["/dev/sdf"]["DeleteOnTermination"] is True
    assert got["/dev/sdg"]["DeleteOnTermination"] is False
    f, g = got["/dev/sdf"]["VolumeId"], got["/dev/sdg"]["VolumeId"]
    vols.append(g)
    vf, vg = volume(ec2, f), volume(ec2, g)
    assert (vf["State"], vf["Size"], vf["VolumeType"], vf["AvailabilityZone"]) \
        == ("in-use", 2, "gp2", ZONE)
    assert (vg["Size"], vg["VolumeType"]) == (3, "gp3")
    assert vf["Attachments"][0]["State"] == "attaching"
    assert vf["Tags"] == [{"Key": "made", "Value": "launch"}]
    d = fleet.desired()
    assert sorted(inst_vols(d, iid), key=lambda p: p[1]) == \
        [(f, "/dev/sdf"), (g, "/dev/sdg")]
    assert f in zone_vols(d) and g in zone_vols(d)
    fleet.report({iid: "running"},
                 vols={iid: [(f, "/dev/sdf"), (g, "/dev/sdg")]})
    inst = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert {b["DeviceName"]: (b["Ebs"]["Status"], b["Ebs"]["DeleteOnTermination"])
            for b in inst["BlockDeviceMappings"]} == \
        {"/dev/sdf": ("attached", True), "/dev/sdg": ("attached", False),
         "/dev/xvda": ("attached", True)}
    terminate(fleet, [iid])
    assert code(ec2.describe_volumes, VolumeIds=[f]) == "InvalidVolume.NotFound"
    assert f not in zone_vols(fleet.desired())
    v = volume(ec2, g)
    assert v["State"] == "available" and v["Attachments"] == []


def test_launch_mappings_count(fleet, ec2, vols):
    """Each instance of a launch gets its own volumes."""
    r = ec2.run_instances(ImageId=fleet.image, MinCount=2, MaxCount=2,
                          Placement={"AvailabilityZone": ZONE},
                          BlockDeviceMappings=[bdm("/dev/sdf")])
    iids = [i["InstanceId"] for i in r["Instances"]]
    made = [i["BlockDeviceMappings"][0]["Ebs"]["VolumeId"] for i in r["Instances"]]
    assert len(set(made)) == 2
    for iid, vid in zip(iids, made):
        assert volume(ec2, vid)["Attachments"][0]["InstanceId"] == iid
    terminate(fleet, iids)
    for vid in made:
        assert code(ec2.describe_volumes, VolumeIds=[vid]) == "InvalidVolume.NotFound"


def test_modify_delete_on_termination(fleet, ec2, vols):
    iid = ec2.run_instances(ImageId=fleet.image, MinCount=1, MaxCount=1,
                            Placement={"AvailabilityZone": ZONE},
                            BlockDeviceMappings=[bdm("/dev/sdf")],
                            )["Instances"][0]["InstanceId"]
    fleet.report({iid: "running"})
    (b,) = [b for b in ec2.describe_instances(InstanceIds=[iid])[
        "Reservations"][0]["Instances"][0]["BlockDeviceMappings"]
        if b["DeviceName"] == "/dev/sdf"]
    vid = b["Ebs"]["VolumeId"]
    vols.append(vid)
    ec2.modify_instance_attribute(InstanceId=iid, BlockDeviceMappings=[
        {"DeviceName": "/dev/sdf", "Ebs": {"DeleteOnTermination": False}}])
    att = volume(ec2, vid)["Attachments"][0]
    assert att["DeleteOnTermination"] is False
    attr = ec2.describe_instance_attribute(InstanceId=iid,
                                           Attribute="blockDeviceMapping")
    assert [b["Ebs"]["DeleteOnTermination"] for b in attr["BlockDeviceMappings"]
            if b["DeviceName"] == "/dev/sdf"] == [False]
    assert code(ec2.modify_instance_attribute, InstanceId=iid,
                BlockDeviceMappings=[{"DeviceName": "/dev/sdz",
                                      "Ebs": {"DeleteOnTermination": True}}]) \
        == "InvalidInstanceAttributeValue"
    assert code(ec2.modify_instance_attribute, InstanceId=iid, DryRun=True,
                BlockDeviceMappings=[{"DeviceName": "/dev/sdf",
                                      "Ebs": {"DeleteOnTermination": True}}]) \
        == "DryRunOperation"
    assert volume(ec2, vid)["Attachments"][0]["DeleteOnTermination"] is False
    terminate(fleet, [iid])
    assert volume(ec2, vid)["State"] == "available"


def test_bad_mappings(fleet, ec2, vols):
    """Refused launches leave no instance and no volume behind."""
    before = my_volume_ids(ec2)
    n_inst = len(ec2.describe_instances()["Reservations"])
    cases = (
        ([bdm("/dev/foo")], "InvalidBlockDeviceMapping"),
        ([bdm("/dev/sdf"), bdm("/dev/xvdf")], "InvalidBlockDeviceMapping"),
        ([{"DeviceName": "/dev/xvda", "Ebs": {"DeleteOnTermination": False}}],
         "OperationNotPermitted"),
        ([bdm("/dev/xvda", 20), bdm("/dev/sda1", 20)],
         "InvalidBlockDeviceMapping"),
        ([bdm("/dev/sdf", 0)], "InvalidParameterValue"),
        ([{"DeviceName": "/dev/sdf",
           "Ebs": {"SnapshotId": "snap-0123456789abcdef0"}}],
         "InvalidSnapshot.NotFound"),
        ([{"DeviceName": "/dev/sdf", "Ebs": {"SnapshotId": "snap-x"}}],
         "InvalidSnapshotID.Malformed"),
        ([bdm("/dev/sdf", 1, Encrypted=True)], "InvalidParameterValue"),
    )
    for maps, want in cases:
        e = error(ec2.run_instances, ImageId=fleet.image, MinCount=1,
                  MaxCount=1, Placement={"AvailabilityZone": ZONE},
                  BlockDeviceMappings=maps)
        assert e["Code"] == want, (maps, e)
    # Good mappings on a launch refused for its count make nothing either.
    e = error(ec2.run_instances, ImageId=fleet.image, MinCount=100,
              MaxCount=100, Placement={"AvailabilityZone": ZONE},
              BlockDeviceMappings=[bdm("/dev/sdf")])
    assert e["Code"] in ("InsufficientInstanceCapacity",
                         "InstanceLimitExceeded"), e
    assert my_volume_ids(ec2) == before
    assert len(ec2.describe_instances()["Reservations"]) == n_inst


def test_root_volume(fleet, ec2, vols):
    """Each instance has its root volume, a vol- of the image's size or
    the size its mapping asks; it is the instance's own disk: named in
    the desired state with its size, never listed for the pool, not
    detached, deleted or shrunk, and gone with the instance."""
    iid = ec2.run_instances(
        ImageId=fleet.image, MinCount=1, MaxCount=1,
        Placement={"AvailabilityZone": ZONE},
        BlockDeviceMappings=[bdm("/dev/xvda", 5, VolumeType="gp3")],
    )["Instances"][0]["InstanceId"]
    try:
        fleet.report({iid: "running"})
        inst = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0][
            "Instances"][0]
        (root,) = inst["BlockDeviceMappings"]
        assert root["DeviceName"] == "/dev/xvda"
        assert (root["Ebs"]["Status"], root["Ebs"]["DeleteOnTermination"]) \
            == ("attached", True)
        vid = root["Ebs"]["VolumeId"]
        assert vid.startswith("vol-")
        v = volume(ec2, vid)
        assert (v["State"], v["Size"], v["VolumeType"], v["Iops"]) == \
            ("in-use", 5, "gp3", 3000)
        assert [(a["InstanceId"], a["Device"], a["State"])
                for a in v["Attachments"]] == [(iid, "/dev/xvda", "attached")]
        found = ec2.describe_volumes(Filters=[
            {"Name": "attachment.instance-id", "Values": [iid]}])["Volumes"]
        assert [x["VolumeId"] for x in found] == [vid]
        d = fleet.desired()
        (w,) = [i for i in d["instances"] if i["id"] == iid]
        assert (w["root_vol"], w["root_bytes"]) == (vid, 5 << 30)
        assert w.get("vols", []) == []
        assert vid not in zone_vols(d)
        # The agent never reports it among the extra disks: it stays.
        fleet.report({iid: "running"})
        assert volume(ec2, vid)["Attachments"][0]["State"] == "attached"
        assert code(ec2.detach_volume, VolumeId=vid) == "OperationNotPermitted"
        assert code(ec2.detach_volume, VolumeId=vid, Force=True) == \
            "OperationNotPermitted"
        assert code(ec2.delete_volume, VolumeId=vid) == "VolumeInUse"
        assert code(ec2.modify_volume, VolumeId=vid, Size=9) == \
            "OperationNotPermitted"
        assert code(ec2.modify_instance_attribute, InstanceId=iid,
                    BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {
                        "DeleteOnTermination": False}}]) == \
            "OperationNotPermitted"
        other = new(ec2, vols)
        assert code(ec2.attach_volume, VolumeId=other, InstanceId=iid,
                    Device="/dev/xvda") == "InvalidParameterValue"
        # Its type may change; its size stays.
        ec2.modify_volume(VolumeId=vid, VolumeType="gp2")
        assert volume(ec2, vid)["VolumeType"] == "gp2"
    finally:
        terminate(fleet, [iid])
    assert code(ec2.describe_volumes, VolumeIds=[vid]) == \
        "InvalidVolume.NotFound"
