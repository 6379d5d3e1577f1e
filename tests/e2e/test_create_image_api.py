"""CreateImage through real clients, without a VM: the instance's host
is played by the test over the agents' API.  The image waits, pending,
for a snapshot of the instance's root volume that the host must take
(rebooting the instance unless NoReboot); the upload of that snapshot
makes the image available, its file the snapshot's; a failed snapshot
fails the image.  And EC2's errors for bad requests, which leave
nothing behind."""
import hashlib
import os
import subprocess

import pytest

from conftest import fleet_fixtures, signed, snapshot_jobs
from conftest import agent_get as get, err_code as code, snapshot_put as put

ZONE = "mc-1a"

fleet, ec2 = fleet_fixtures([ZONE])


@pytest.fixture
def inst(fleet, ec2):
    """A running instance on the fake host, terminated afterwards."""
    iid = ec2.run_instances(ImageId=fleet.image, MinCount=1, MaxCount=1,
                            Placement={"AvailabilityZone": ZONE},
                            BlockDeviceMappings=[{"DeviceName": "/dev/xvda",
                                                  "Ebs": {"VolumeSize": 3}}],
                            )["Instances"][0]["InstanceId"]
    fleet.report({iid: "running"})
    yield iid
    ec2.terminate_instances(InstanceIds=[iid])
    fleet.report({iid: "none"})


def root_of(ec2, iid):
    (v,) = ec2.describe_volumes(Filters=[
        {"Name": "attachment.instance-id", "Values": [iid]}])["Volumes"]
    return v["VolumeId"]


def job(fleet, sid):
    return snapshot_jobs(fleet).get(sid)


def image(ec2, ami):
    return ec2.describe_images(ImageIds=[ami])["Images"][0]


def test_pending_image_and_its_job(fleet, ec2, inst):
    gen = fleet.desired()["generation"]
    ami = ec2.create_image(InstanceId=inst, Name="from-inst",
                           Description="baked",
                           TagSpecifications=[
                               {"ResourceType": "image",
                                "Tags": [{"Key": "k", "Value": "image"}]},
                               {"ResourceType": "snapshot",
                                "Tags": [{"Key": "k", "Value": "snap"}]}],
                           )["ImageId"]
    try:
        im = image(ec2, ami)
        assert (im["State"], im["Name"], im["Description"]) == \
            ("pending", "from-inst", "baked")
        assert im["Tags"] == [{"Key": "k", "Value": "image"}]
        (bdm,) = im["BlockDeviceMappings"]
        assert (bdm["DeviceName"], bdm["Ebs"]["VolumeSize"],
                bdm["Ebs"]["DeleteOnTermination"]) == ("/dev/xvda", 3, True)
        sid = bdm["Ebs"]["SnapshotId"]
        assert sid.startswith("snap-")
        d = fleet.desired()
        assert d["generation"] > gen
        j = job(fleet, sid)
        assert j == {"id": sid, "vol": root_of(ec2, inst), "instance": inst,
                     "root": True, "reboot": True}
        # The same name again is refused; NoReboot makes a job without it.
        assert code(ec2.create_image, InstanceId=inst, Name="from-inst") == \
            "InvalidAMIName.Duplicate"
        quick = ec2.create_image(InstanceId=inst, Name="quick",
                                 NoReboot=True)["ImageId"]
        qsid = image(ec2, quick)["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
        assert job(fleet, qsid)["reboot"] is False
        ec2.deregister_image(ImageId=quick)
        # A pending image cannot be launched.
        assert code(ec2.run_instances, ImageId=ami, MinCount=1,
                    MaxCount=1) == "InvalidAMIID.Unavailable"
    finally:
        ec2.deregister_image(ImageId=ami)


def test_bad_requests(fleet, ec2, inst):
    before = sorted(i["ImageId"] for i in ec2.describe_images(
        Owners=["self"])["Images"])
    jobs = fleet.desired().get("snapshots", [])
    for params in ({"Name": "img-x1"}, {"InstanceId": inst}):
        r = signed(fleet, dict(params, Action="CreateImage",
                               Version="2016-11-15"))
        assert r.code() == "MissingParameter", r.text
    cases = (
        (dict(InstanceId="i-nope", Name="img-x2"), "InvalidInstanceID.Malformed"),
        (dict(InstanceId="i-0123456789abcdef0", Name="img-x3"),
         "InvalidInstanceID.NotFound"),
        (dict(InstanceId=inst, Name="a"), "InvalidParameterValue"),
        (dict(InstanceId=inst, Name="img-x4", Description="d" * 300),
         "InvalidParameterValue"),
        (dict(InstanceId=inst, Name="img-x5", DryRun=True), "DryRunOperation"),
    )
    for kw, want in cases:
        assert code(ec2.create_image, **kw) == want, kw
    # Another account's instance does not exist for the caller.
    other = fleet.client(keys=fleet.admin("account", "create", "other-ci"))
    assert code(other.create_image, InstanceId=inst, Name="theirs") == \
        "InvalidInstanceID.NotFound"
    assert sorted(i["ImageId"] for i in ec2.describe_images(
        Owners=["self"])["Images"]) == before
    assert fleet.desired().get("snapshots", []) == jobs


def test_stopped_instance_no_reboot(fleet, ec2, inst):
    ec2.stop_instances(InstanceIds=[inst])
    fleet.report({inst: "shutoff"})
    ami = ec2.create_image(InstanceId=inst, Name="from-stopped")["ImageId"]
    try:
        sid = image(ec2, ami)["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
        assert job(fleet, sid)["reboot"] is False
    finally:
        ec2.deregister_image(ImageId=ami)


def test_upload_makes_it_available(fleet, ec2, inst):
    """The host's upload completes the snapshot and the image at once;
    the image's file is the snapshot's; launches use it; its snapshot is
    in use until the image is deregistered."""
    ami = ec2.create_image(InstanceId=inst, Name="uploaded")["ImageId"]
    sid = image(ec2, ami)["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    path = os.path.join(fleet.dir, "root.qcow2")
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", path, "3G"],
                   check=True)
    with open(path, "rb") as f:
        body = f.read()
    fleet.report({inst: "running"})
    assert put(fleet, sid, body)[0] == 200
    im = image(ec2, ami)
    assert im["State"] == "available"
    s = ec2.describe_snapshots(SnapshotIds=[sid])["Snapshots"][0]
    assert (s["State"], s["VolumeId"], s["VolumeSize"]) == \
        ("completed", root_of(ec2, inst), 3)
    assert s.get("Tags", []) == []
    assert get(fleet, "/v1/images/" + ami) == (200, body)
    assert job(fleet, sid) is None
    # Launched, the instance's root volume names the snapshot.
    new = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1,
                            Placement={"AvailabilityZone": ZONE},
                            )["Instances"][0]["InstanceId"]
    try:
        (w,) = [i for i in fleet.desired()["instances"] if i["id"] == new]
        assert (w["image"]["id"], w["image"]["sha256"], w["root_bytes"]) == \
            (ami, hashlib.sha256(body).hexdigest(), 3 << 30)
        (v,) = ec2.describe_volumes(VolumeIds=[w["root_vol"]])["Volumes"]
        assert (v["SnapshotId"], v["Size"]) == (sid, 3)
    finally:
        ec2.terminate_instances(InstanceIds=[new])
        fleet.report({new: "none"})
    assert code(ec2.delete_snapshot, SnapshotId=sid) == "InvalidSnapshot.InUse"
    ec2.deregister_image(ImageId=ami)
    ec2.delete_snapshot(SnapshotId=sid)


def test_failed_snapshot_fails_the_image(fleet, ec2, inst):
    ami = ec2.create_image(InstanceId=inst, Name="doomed",
                           NoReboot=True)["ImageId"]
    sid = image(ec2, ami)["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    fleet.agent("POST", "/v1/hosts/fake-1/report", {
        "generation": 0, "instances": [{"id": inst, "state": "running"}],
        "snapshots": [{"id": sid, "progress": 0, "failed": True,
                       "error": "The live copy of the disk failed."}]})
    im = image(ec2, ami)
    assert (im["State"], im["StateReason"]["Message"]) == \
        ("failed", "The live copy of the disk failed.")
    assert job(fleet, sid) is None
    ec2.deregister_image(ImageId=ami)
    ec2.delete_snapshot(SnapshotId=sid)
