"""Snapshots through real clients, without a VM: the test answers for
the agents over the agents' API (fake hosts, nothing boots).
CreateSnapshot gives the job to a host of the volume's zone; its
progress shows in DescribeSnapshots; the host uploads a qcow2 (PUT
/v1/snapshots/ID?host=) and the snapshot completes; only that host may
upload; a bad body makes it error.  CreateVolume from a snapshot, and
RunInstances with block device mappings naming one, name it as the
volume's source in the desired state, and the file is served at
GET /v1/images/snap-....  CopySnapshot, DeleteSnapshot, permissions,
filters, paging, and EC2's errors, which leave nothing behind."""
import hashlib
import json
import os
import subprocess

import botocore.exceptions
import pytest

from conftest import fleet_fixtures, run_aws, wait_for, AWS2
from conftest import agent_get as get, err_code as code
from conftest import snapshot_jobs as jobs, snapshot_put as put

ZONE, ZONE_B, ZONE_C = "mc-1a", "mc-1b", "mc-1c"	# no host in mc-1c

fleet, ec2 = fleet_fixtures([ZONE, ZONE_B, ZONE_C])


@pytest.fixture(scope="module")
def qcow2(fleet):
    path = os.path.join(fleet.dir, "snap.qcow2")
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", path, "1G"],
                   check=True)
    with open(path, "rb") as f:
        return f.read()


def snap(ec2, sid):
    return ec2.describe_snapshots(SnapshotIds=[sid])["Snapshots"][0]


def completed_snapshot(fleet, ec2, qcow2, size=1):
    vid = ec2.create_volume(Size=size, AvailabilityZone=ZONE)["VolumeId"]
    sid = ec2.create_snapshot(VolumeId=vid)["SnapshotId"]
    assert put(fleet, sid, qcow2)[0] == 200
    return vid, sid


def test_snapshot_lifecycle(fleet, ec2, qcow2):
    vid = ec2.create_volume(Size=1, AvailabilityZone=ZONE)["VolumeId"]
    r = ec2.create_snapshot(VolumeId=vid, Description="first",
                            TagSpecifications=[{
                                "ResourceType": "snapshot",
                                "Tags": [{"Key": "k", "Value": "v"}]}])
    sid = r["SnapshotId"]
    assert r["State"] == "pending" and r["Progress"] == "0%"
    assert r["VolumeId"] == vid and r["VolumeSize"] == 1
    assert r["Description"] == "first" and r["Encrypted"] is False
    assert r["Tags"] == [{"Key": "k", "Value": "v"}]
    job = jobs(fleet)[sid]
    assert job["vol"] == vid and not job.get("instance")

    fleet.agent("POST", "/v1/hosts/fake-1/report", {
        "generation": 0, "instances": [],
        "snapshots": [{"id": sid, "progress": 50}]})
    assert snap(ec2, sid)["Progress"] == "50%"
    # A report of 100 is not completion: the upload is.
    fleet.agent("POST", "/v1/hosts/fake-1/report", {
        "generation": 0, "instances": [],
        "snapshots": [{"id": sid, "progress": 100}]})
    assert snap(ec2, sid)["Progress"] == "99%"

    fleet.register("fake-2", ZONE)
    assert put(fleet, sid, qcow2, host="fake-2")[0] == 403
    status, body = put(fleet, sid, qcow2)
    assert status == 200, body
    assert json.loads(body)["sha256"] == hashlib.sha256(qcow2).hexdigest()
    s = snap(ec2, sid)
    assert s["State"] == "completed" and s["Progress"] == "100%"
    assert s["StorageTier"] == "standard"
    assert sid not in jobs(fleet)
    assert put(fleet, sid, qcow2)[0] == 409

    # The waiter, filters, and the aws CLI.
    ec2.get_waiter("snapshot_completed").wait(SnapshotIds=[sid])
    got = ec2.describe_snapshots(Filters=[
        {"Name": "volume-id", "Values": [vid]},
        {"Name": "status", "Values": ["completed"]},
        {"Name": "tag:k", "Values": ["v"]},
        {"Name": "progress", "Values": ["100%"]}])["Snapshots"]
    assert [x["SnapshotId"] for x in got] == [sid]
    assert ec2.describe_snapshots(OwnerIds=["self"], Filters=[
        {"Name": "description", "Values": ["nope"]}])["Snapshots"] == []
    if AWS2:
        r = run_aws(AWS2, fleet, "ec2", "describe-snapshots",
                    "--snapshot-ids", sid)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["Snapshots"][0]["State"] == "completed"

    # Survives its volume.
    ec2.delete_volume(VolumeId=vid)
    assert snap(ec2, sid)["State"] == "completed"
    ec2.delete_snapshot(SnapshotId=sid)
    assert code(ec2.describe_snapshots, SnapshotIds=[sid]) == \
        "InvalidSnapshot.NotFound"
    assert not os.path.exists(os.path.join(fleet.state_dir, "snapshots", sid))


def test_garbage_upload_is_error(fleet, ec2):
    vid = ec2.create_volume(Size=1, AvailabilityZone=ZONE)["VolumeId"]
    sid = ec2.create_snapshot(VolumeId=vid)["SnapshotId"]
    status, _ = put(fleet, sid, b"this is not a disk" * 100)
    assert status == 400
    s = snap(ec2, sid)
    assert s["State"] == "error" and s["StateMessage"]
    assert sid not in jobs(fleet)
    assert code(ec2.create_volume, SnapshotId=sid,
                AvailabilityZone=ZONE) == "IncorrectState"
    ec2.delete_snapshot(SnapshotId=sid)
    ec2.delete_volume(VolumeId=vid)
    left = os.listdir(os.path.join(fleet.state_dir, "snapshots"))
    assert not [f for f in left if f.startswith(sid)]


def test_agent_failure_is_error(fleet, ec2):
    vid = ec2.create_volume(Size=1, AvailabilityZone=ZONE)["VolumeId"]
    sid = ec2.create_snapshot(VolumeId=vid)["SnapshotId"]
    fleet.agent("POST", "/v1/hosts/fake-1/report", {
        "generation": 0, "instances": [], "snapshots": [
            {"id": sid, "progress": 10, "failed": True,
             "error": "qemu-img convert failed"}]})
    s = snap(ec2, sid)
    assert s["State"] == "error"
    assert s["StateMessage"] == "qemu-img convert failed"
    ec2.delete_snapshot(SnapshotId=sid)
    ec2.delete_volume(VolumeId=vid)


def test_waits_for_a_host_of_its_zone(fleet, ec2, qcow2):
    vid = ec2.create_volume(Size=2, AvailabilityZone=ZONE_B)["VolumeId"]
    sid = ec2.create_snapshot(VolumeId=vid)["SnapshotId"]
    assert snap(ec2, sid)["State"] == "pending"
    fleet.register("fake-b", ZONE_B)
    assert sid in jobs(fleet, host="fake-b")
    assert put(fleet, sid, qcow2, host="fake-b")[0] == 200
    ec2.delete_snapshot(SnapshotId=sid)
    ec2.delete_volume(VolumeId=vid)


def test_volume_deleted_before_a_host_came(fleet, ec2):
    """No host can take it any more: the snapshot fails, saying why."""
    vid = ec2.create_volume(Size=1, AvailabilityZone=ZONE_C)["VolumeId"]
    sid = ec2.create_snapshot(VolumeId=vid)["SnapshotId"]
    ec2.delete_volume(VolumeId=vid)
    s = snap(ec2, sid)
    assert (s["State"], s["StateMessage"]) == \
        ("error", "The volume was deleted before a host could take the "
         "snapshot.")
    ec2.delete_snapshot(SnapshotId=sid)


def test_volume_from_snapshot(fleet, ec2, qcow2):
    vid, sid = completed_snapshot(fleet, ec2, qcow2, size=2)
    assert code(ec2.create_volume, SnapshotId=sid, Size=1,
                AvailabilityZone=ZONE) == "InvalidParameterValue"
    v = ec2.create_volume(SnapshotId=sid, AvailabilityZone=ZONE)
    assert v["Size"] == 2 and v["SnapshotId"] == sid
    big = ec2.create_volume(SnapshotId=sid, Size=5, AvailabilityZone=ZONE)
    assert big["Size"] == 5
    got = ec2.describe_volumes(Filters=[
        {"Name": "snapshot-id", "Values": [sid]}])["Volumes"]
    assert sorted(x["VolumeId"] for x in got) == \
        sorted([v["VolumeId"], big["VolumeId"]])
    vols = {x["id"]: x for x in fleet.desired().get("volumes", [])}
    src = vols[v["VolumeId"]]["source"]
    assert src["id"] == sid and src["format"] == "qcow2"
    assert src["sha256"] == hashlib.sha256(qcow2).hexdigest()
    assert src["size"] == len(qcow2)
    status, data = get(fleet, "/v1/images/" + sid)
    assert status == 200 and data == qcow2
    status, data = get(fleet, "/v1/images/" + sid, {"Range": "bytes=100-"})
    assert status == 206 and data == qcow2[100:]
    # Deleted while volumes made from it may still need their storage
    # made: hidden from the API, still their source, until they go.
    ec2.delete_snapshot(SnapshotId=sid)
    assert code(ec2.describe_snapshots, SnapshotIds=[sid]) == \
        "InvalidSnapshot.NotFound"
    assert code(ec2.create_volume, SnapshotId=sid,
                AvailabilityZone=ZONE) == "InvalidSnapshot.NotFound"
    vols = {x["id"]: x for x in fleet.desired().get("volumes", [])}
    assert vols[v["VolumeId"]]["source"]["sha256"] == src["sha256"]
    assert get(fleet, "/v1/images/" + sid) == (200, qcow2)
    for x in (v, big):
        ec2.delete_volume(VolumeId=x["VolumeId"])
    ec2.delete_volume(VolumeId=vid)
    path = os.path.join(fleet.state_dir, "snapshots", sid)
    wait_for(lambda: not os.path.exists(path), 30,
             "the deleted snapshot's file to go")
    assert get(fleet, "/v1/images/" + sid)[0] == 404


def test_launch_with_volumes_from_snapshot(fleet, ec2, qcow2):
    """Block device mappings naming a snapshot: each instance of the
    launch gets its own volume made from it, of its size or larger."""
    vid, sid = completed_snapshot(fleet, ec2, qcow2, size=2)
    bdm = [{"DeviceName": "/dev/sdf", "Ebs": {"SnapshotId": sid}},
           {"DeviceName": "/dev/sdg", "Ebs": {
               "SnapshotId": sid, "VolumeSize": 3,
               "DeleteOnTermination": False}}]
    iids = [i["InstanceId"] for i in ec2.run_instances(
        ImageId=fleet.image, MinCount=2, MaxCount=2,
        Placement={"AvailabilityZone": ZONE},
        BlockDeviceMappings=bdm)["Instances"]]
    hosts = {i["InstanceId"]: i["Placement"]["HostId"]
             for r in ec2.describe_instances(InstanceIds=iids)[
                 "Reservations"] for i in r["Instances"]}
    kept = []
    try:
        for iid in iids:
            vols = ec2.describe_volumes(Filters=[
                {"Name": "attachment.instance-id", "Values": [iid]},
                {"Name": "snapshot-id", "Values": [sid]}])["Volumes"]
            got = sorted((v["Attachments"][0]["Device"], v["Size"],
                          v["Attachments"][0]["DeleteOnTermination"])
                         for v in vols)
            assert got == [("/dev/sdf", 2, True), ("/dev/sdg", 3, False)]
            kept += [v["VolumeId"] for v in vols if v["Size"] == 3]
        # Their hosts make them from the snapshot, as CreateVolume's.
        for iid in iids:
            d = fleet.desired(host=hosts[iid])
            srcs = {v["id"]: v.get("source", {}).get("id")
                    for v in d.get("volumes", [])}
            (inst,) = [i for i in d["instances"] if i["id"] == iid]
            assert len(inst["vols"]) == 2
            for a in inst["vols"]:
                assert srcs[a["vol"]] == sid, a
    finally:
        ec2.terminate_instances(InstanceIds=iids)
        for host in set(hosts.values()):
            fleet.report({iid: "none" for iid in iids}, host=host)
    for v in kept:
        wait_for(lambda: ec2.describe_volumes(VolumeIds=[v])["Volumes"][0][
            "State"] == "available", 30, "the kept volume to be free")
        ec2.delete_volume(VolumeId=v)
    ec2.delete_snapshot(SnapshotId=sid)
    ec2.delete_volume(VolumeId=vid)


def test_launch_from_snapshot_bad_input(fleet, ec2, qcow2):
    vid, sid = completed_snapshot(fleet, ec2, qcow2, size=2)
    pending = ec2.create_snapshot(VolumeId=vid)["SnapshotId"]
    root = ec2.describe_images(ImageIds=[fleet.image])["Images"][0][
        "RootDeviceName"]
    cases = [
        ("snap-0000000000000dead", None, "/dev/sdf",
         "InvalidSnapshot.NotFound"),
        ("snap-x", None, "/dev/sdf", "InvalidSnapshotID.Malformed"),
        (sid, 1, "/dev/sdf", "InvalidBlockDeviceMapping"),   # smaller
        (pending, None, "/dev/sdf", "IncorrectState"),
        (sid, None, root, "InvalidBlockDeviceMapping"),   # not the image's
    ]
    before = ec2.describe_volumes()["Volumes"]
    for snap_id, size, dev, want in cases:
        ebs = dict({"SnapshotId": snap_id},
                   **({"VolumeSize": size} if size else {}))
        assert code(ec2.run_instances, ImageId=fleet.image, MinCount=1,
                    MaxCount=1, Placement={"AvailabilityZone": ZONE},
                    BlockDeviceMappings=[{"DeviceName": dev, "Ebs": ebs}]) \
            == want, (snap_id, size, dev)
    # Refused launches leave nothing behind.
    assert ec2.describe_volumes()["Volumes"] == before
    assert put(fleet, pending, qcow2)[0] == 200
    for s in (pending, sid):
        ec2.delete_snapshot(SnapshotId=s)
    ec2.delete_volume(VolumeId=vid)


def test_copy_snapshot(fleet, ec2, qcow2):
    vid, sid = completed_snapshot(fleet, ec2, qcow2)
    r = ec2.copy_snapshot(SourceSnapshotId=sid, SourceRegion="mc-1",
                          Description="copy")
    cid = r["SnapshotId"]
    c = snap(ec2, cid)
    assert c["State"] == "completed" and c["Description"] == "copy"
    assert c["VolumeId"] == vid
    ec2.delete_snapshot(SnapshotId=sid)
    status, data = get(fleet, "/v1/images/" + cid)
    assert status == 200 and data == qcow2
    assert code(ec2.copy_snapshot, SourceSnapshotId=cid,
                SourceRegion="us-east-1") == "InvalidParameterValue"
    assert code(ec2.copy_snapshot, SourceSnapshotId=cid, SourceRegion="mc-1",
                Encrypted=True) == "InvalidParameterValue"
    ec2.delete_snapshot(SnapshotId=cid)
    ec2.delete_volume(VolumeId=vid)


def test_permissions(fleet, ec2, qcow2):
    vid, sid = completed_snapshot(fleet, ec2, qcow2)
    other_keys = fleet.admin("account", "create", "other")
    other = fleet.client(other_keys)
    assert code(other.describe_snapshots, SnapshotIds=[sid]) == \
        "InvalidSnapshot.NotFound"
    me = snap(ec2, sid)["OwnerId"]
    acct = other.describe_snapshots(OwnerIds=["self"])  # no error
    assert acct["Snapshots"] == []
    ec2.modify_snapshot_attribute(
        SnapshotId=sid, Attribute="createVolumePermission",
        OperationType="add", UserIds=[other_keys["MINICLOUD_ACCOUNT_ID"]]
        if "MINICLOUD_ACCOUNT_ID" in other_keys else [])
    attr = ec2.describe_snapshot_attribute(
        SnapshotId=sid, Attribute="createVolumePermission")
    if "MINICLOUD_ACCOUNT_ID" in other_keys:
        assert attr["CreateVolumePermissions"] == [
            {"UserId": other_keys["MINICLOUD_ACCOUNT_ID"]}]
        assert snap(other, sid)["OwnerId"] == me
        v = other.create_volume(SnapshotId=sid, AvailabilityZone=ZONE)
        other.delete_volume(VolumeId=v["VolumeId"])
        assert code(other.delete_snapshot, SnapshotId=sid) == \
            "InvalidSnapshot.NotFound"
    ec2.delete_snapshot(SnapshotId=sid)
    ec2.delete_volume(VolumeId=vid)


def test_paging(fleet, ec2, qcow2):
    vid = ec2.create_volume(Size=1, AvailabilityZone=ZONE)["VolumeId"]
    made = [ec2.create_snapshot(VolumeId=vid)["SnapshotId"] for _ in range(7)]
    seen, token = [], None
    while True:
        kw = {"NextToken": token} if token else {}
        r = ec2.describe_snapshots(OwnerIds=["self"], MaxResults=5, **kw)
        seen += [s["SnapshotId"] for s in r["Snapshots"]]
        token = r.get("NextToken")
        if not token:
            break
    assert sorted(made) == sorted(set(seen) & set(made))
    assert code(ec2.describe_snapshots, MaxResults=5,
                SnapshotIds=[made[0]]) == "InvalidParameterCombination"
    for sid in made:
        ec2.delete_snapshot(SnapshotId=sid)
    ec2.delete_volume(VolumeId=vid)


def test_bad_input(fleet, ec2):
    before = ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
    assert code(ec2.create_snapshot, VolumeId="vol-nope") == \
        "InvalidVolumeID.Malformed"
    assert code(ec2.create_snapshot, VolumeId="vol-0123456789abcdef0") == \
        "InvalidVolume.NotFound"
    assert code(ec2.describe_snapshots, SnapshotIds=["snap-x"]) == \
        "InvalidSnapshotID.Malformed"
    assert code(ec2.describe_snapshots,
                SnapshotIds=["snap-0123456789abcdef0"]) == \
        "InvalidSnapshot.NotFound"
    assert code(ec2.delete_snapshot, SnapshotId="snap-0123456789abcdef0") == \
        "InvalidSnapshot.NotFound"
    assert code(ec2.create_volume, SnapshotId="snap-0123456789abcdef0",
                AvailabilityZone=ZONE) == "InvalidSnapshot.NotFound"
    assert code(ec2.create_volume, SnapshotId="snap-bad",
                AvailabilityZone=ZONE) == "InvalidSnapshotID.Malformed"
    assert code(ec2.copy_snapshot, SourceSnapshotId="snap-0123456789abcdef0",
                SourceRegion="mc-1") == "InvalidSnapshot.NotFound"
    assert code(ec2.describe_snapshots, Filters=[
        {"Name": "nope", "Values": ["x"]}]) == "InvalidParameterValue"
    # A pending snapshot is no source, for a volume or a copy.
    vid = ec2.create_volume(Size=1, AvailabilityZone=ZONE)["VolumeId"]
    sid = ec2.create_snapshot(VolumeId=vid)["SnapshotId"]
    nvols = len(ec2.describe_volumes()["Volumes"])
    assert code(ec2.create_volume, SnapshotId=sid,
                AvailabilityZone=ZONE) == "IncorrectState"
    assert code(ec2.copy_snapshot, SourceSnapshotId=sid,
                SourceRegion="mc-1") == "IncorrectState"
    assert len(ec2.describe_volumes()["Volumes"]) == nvols
    ec2.delete_snapshot(SnapshotId=sid)
    ec2.delete_volume(VolumeId=vid)
    assert ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"] == before
    with pytest.raises(botocore.exceptions.ClientError):
        ec2.create_snapshot(VolumeId=vid, DryRun=True)


def test_restart_keeps_snapshots(fleet, ec2, qcow2):
    vid, sid = completed_snapshot(fleet, ec2, qcow2)
    stale = os.path.join(fleet.state_dir, "snapshots",
                         sid + ".abcdef.upload")
    with open(stale, "wb") as f:
        f.write(b"half")
    fleet.stop()
    fleet.start()
    ec2 = fleet.client()
    assert snap(ec2, sid)["State"] == "completed"
    assert not os.path.exists(stale)
    assert get(fleet, "/v1/images/" + sid)[1] == qcow2
    ec2.delete_snapshot(SnapshotId=sid)
    ec2.delete_volume(VolumeId=vid)
