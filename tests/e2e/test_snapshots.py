"""Snapshots and images from instances, with real VMs.

A guest formats and writes a volume; a snapshot taken while it is
attached to the running guest (a live, crash-consistent copy) and one of
the same volume detached (an offline copy, then copied with
CopySnapshot) are restored as new volumes, the first larger than its
source (CreateVolume), the second by the launch of a second guest (a
block device mapping from the snapshot), which reads the file back from
both.  The
snapshots survive a restart of the controller.  An image made from an
instance (with the default reboot, and with NoReboot) boots with what
the first instance wrote on its root disk.

The test AMI runs from its initramfs; its root disk holds one ext2
partition (its kernel), which the guests mount to write and read."""
import botocore.exceptions
import pytest

from conftest import err_code, terminate, wait_for, wait_state, wait_text
from test_volumes import WRITE, serial, volume, run

ZONE = "mc-1a"

# Wait for two volumes besides the root disk (one made at launch from a
# snapshot, one hot-plugged later) and read the file on each.
READ_TWO = ("#!/bin/sh\n"
            "for i in $(seq 900); do\n"
            "  n=0\n"
            "  for d in /sys/block/vd[b-z]; do [ -e $d ] && n=$((n + 1)); "
            "done\n"
            "  [ $n -ge 2 ] && break\n"
            "  sleep 0.5\n"
            "done\n"
            "for d in /sys/block/vd[b-z]; do\n"
            "  ser=$(cat $d/serial 2>/dev/null)\n"
            "  mkdir -p /mnt/$ser\n"
            "  mount -t ext4 /dev/$(basename $d) /mnt/$ser && "
            "echo \"SNAP-READ $ser $(cat /mnt/$ser/hello) $(cat $d/size)\" || "
            "echo \"SNAP-READ-FAILED $ser\"\n"
            "done\n"
            "echo SNAP-DONE\n")

# Write a file on the root disk's partition, once per instance.
ROOT_WRITE = ("#!/bin/sh\n"
              "id=$(cat /sys/class/dmi/id/chassis_asset_tag)\n"
              "mkdir -p /mnt/r\n"
              "mount -t ext4 /dev/vda1 /mnt/r || { echo ROOT-MOUNT-FAILED; "
              "exit 0; }\n"
              "[ -f /mnt/r/marker ] || echo \"root-data-from-$id\" > "
              "/mnt/r/marker\n"
              "sync; umount /mnt/r && echo \"ROOT-WRITTEN $(cat "
              "/sys/block/vda/size)\"\n")

ROOT_READ = ("#!/bin/sh\n"
             "mkdir -p /mnt/r\n"
             "mount -t ext4 -o ro /dev/vda1 /mnt/r && "
             "echo \"ROOT-READ $(cat /mnt/r/marker)\" || echo ROOT-READ-FAILED\n")


def snapshot(ec2, sid):
    return ec2.describe_snapshots(SnapshotIds=[sid])["Snapshots"][0]


def wait_completed(ec2, sid, timeout=300):
    def done():
        s = snapshot(ec2, sid)
        assert s["State"] != "error", s
        return s["State"] == "completed" and s
    return wait_for(done, timeout, "snapshot %s to complete" % sid, step=1)


def wait_image(ec2, ami, timeout=300):
    def done():
        im = ec2.describe_images(ImageIds=[ami])["Images"][0]
        assert im["State"] != "failed", im
        return im["State"] == "available" and im
    return wait_for(done, timeout, "image %s to be available" % ami, step=1)


def attach(ec2, vid, iid, dev):
    ec2.attach_volume(VolumeId=vid, InstanceId=iid, Device=dev)
    ec2.get_waiter("volume_in_use").wait(VolumeIds=[vid],
                                         WaiterConfig={"Delay": 1})


@pytest.fixture
def made(cloud):
    """What a test makes, removed even when it fails."""
    ec2 = cloud.client()
    m = {"instances": [], "volumes": [], "snapshots": [], "images": []}
    yield m
    if m["instances"]:
        terminate(ec2, m["instances"])
    for ami in m["images"]:
        try:
            ec2.deregister_image(ImageId=ami)
        except botocore.exceptions.ClientError:
            pass  # gone already, or still in use: the next one goes on
    for sid in m["snapshots"]:
        try:
            ec2.delete_snapshot(SnapshotId=sid)
        except botocore.exceptions.ClientError:
            pass  # gone already, or still in use: the next one goes on
    for vid in m["volumes"]:
        try:
            ec2.delete_volume(VolumeId=vid)
        except botocore.exceptions.ClientError:
            pass  # gone already, or still in use: the next one goes on


def test_snapshot_restore(cloud, made):
    ec2 = cloud.client()
    vid = ec2.create_volume(Size=1, AvailabilityZone=ZONE)["VolumeId"]
    made["volumes"].append(vid)
    w = run(ec2, cloud, WRITE % {"serial": serial(vid)})["InstanceId"]
    made["instances"].append(w)
    wait_state(ec2, w, "running")
    attach(ec2, vid, w, "/dev/sdf")
    out = wait_text(ec2, w, "VOL-W", timeout=300)
    assert "VOL-WRITTEN" in out, out[-2000:]

    # Live: the volume is attached to the running writer.
    live = ec2.create_snapshot(VolumeId=vid, Description="live copy",
                               TagSpecifications=[{
                                   "ResourceType": "snapshot",
                                   "Tags": [{"Key": "how", "Value": "live"}]}])
    made["snapshots"].append(live["SnapshotId"])
    assert (live["State"], live["VolumeId"], live["VolumeSize"]) == \
        ("pending", vid, 1)
    s = wait_completed(ec2, live["SnapshotId"])
    assert (s["Progress"], s["Description"]) == ("100%", "live copy")
    assert s["Tags"] == [{"Key": "how", "Value": "live"}]

    # Offline: detached, its file in the pool is copied.
    ec2.detach_volume(VolumeId=vid)
    ec2.get_waiter("volume_available").wait(
        VolumeIds=[vid], WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    off = ec2.create_snapshot(VolumeId=vid)["SnapshotId"]
    made["snapshots"].append(off)
    wait_completed(ec2, off)
    copy = ec2.copy_snapshot(SourceSnapshotId=off, SourceRegion=cloud_region(ec2),
                             Description="copied")["SnapshotId"]
    made["snapshots"].append(copy)
    assert wait_completed(ec2, copy)["Description"] == "copied"
    # The source volume goes; its snapshots stay.
    ec2.delete_volume(VolumeId=vid)
    made["volumes"].remove(vid)

    # Snapshots are the controller's: they survive its restart.
    cloud.stop()
    cloud.start()
    assert snapshot(ec2, live["SnapshotId"])["State"] == "completed"

    a = ec2.create_volume(SnapshotId=live["SnapshotId"], Size=2,
                          AvailabilityZone=ZONE)["VolumeId"]
    made["volumes"].append(a)
    assert (volume(ec2, a)["SnapshotId"], volume(ec2, a)["Size"]) == \
        (live["SnapshotId"], 2)
    assert err_code(ec2.create_volume, SnapshotId=copy, Size=0,
                    AvailabilityZone=ZONE) in ("InvalidParameterValue",)
    # The copy is restored by the launch itself: a block device mapping
    # from the snapshot; the larger one is hot-plugged once it runs.
    r = run(ec2, cloud, READ_TWO, BlockDeviceMappings=[{
        "DeviceName": "/dev/sdg", "Ebs": {"SnapshotId": copy}}])["InstanceId"]
    made["instances"].append(r)
    (b,) = [v["VolumeId"] for v in ec2.describe_volumes(Filters=[
        {"Name": "attachment.instance-id", "Values": [r]},
        {"Name": "snapshot-id", "Values": [copy]}])["Volumes"]]
    assert volume(ec2, b)["Size"] == 1
    wait_state(ec2, r, "running")
    attach(ec2, a, r, "/dev/sdf")
    out = wait_text(ec2, r, "SNAP-DONE", timeout=300)
    # The restored larger volume is 2 GiB (4194304 sectors) with the data.
    assert "SNAP-READ %s data-from-%s 4194304" % (serial(a), w) in out, out[-2000:]
    assert "SNAP-READ %s data-from-%s 2097152" % (serial(b), w) in out, out[-2000:]
    # A snapshot in use by nobody goes; gone, it is NotFound.
    ec2.delete_snapshot(SnapshotId=off)
    made["snapshots"].remove(off)
    assert err_code(ec2.describe_snapshots, SnapshotIds=[off]) == \
        "InvalidSnapshot.NotFound"


def cloud_region(ec2):
    return ec2.meta.region_name


def test_image_from_instance(cloud, made):
    ec2 = cloud.client()
    src = ec2.run_instances(ImageId=cloud.image, InstanceType="t2.nano",
                            MinCount=1, MaxCount=1, UserData=ROOT_WRITE,
                            Placement={"AvailabilityZone": ZONE},
                            BlockDeviceMappings=[{"DeviceName": "/dev/xvda",
                                                  "Ebs": {"VolumeSize": 2}}],
                            )["Instances"][0]["InstanceId"]
    made["instances"].append(src)
    out = wait_text(ec2, src, "ROOT-WRITTEN", timeout=300)
    # The root disk is the 2 GiB the mapping asked for.
    assert "ROOT-WRITTEN 4194304" in out, out[-2000:]
    up = "minicloud-test-ami: instance %s up" % src

    # The default: shut down, snapshot the root, start again.
    ami = ec2.create_image(InstanceId=src, Name="from-%s" % src,
                           Description="made by the e2e test")["ImageId"]
    made["images"].append(ami)
    im = wait_image(ec2, ami)
    (bdm,) = im["BlockDeviceMappings"]
    assert (bdm["DeviceName"], bdm["Ebs"]["VolumeSize"]) == ("/dev/xvda", 2)
    made["snapshots"].append(bdm["Ebs"]["SnapshotId"])
    wait_for(lambda: ec2.get_console_output(InstanceId=src).get(
        "Output", "").count(up) >= 2, 120, "%s to boot again" % src)
    wait_state(ec2, src, "running")
    assert err_code(ec2.delete_snapshot,
                    SnapshotId=bdm["Ebs"]["SnapshotId"]) == "InvalidSnapshot.InUse"

    # Live, without the reboot.
    quick = ec2.create_image(InstanceId=src, Name="quick-%s" % src,
                             NoReboot=True)["ImageId"]
    made["images"].append(quick)
    im2 = wait_image(ec2, quick)
    made["snapshots"].append(im2["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"])

    for image in (ami, quick):
        new = ec2.run_instances(ImageId=image, InstanceType="t2.nano",
                                MinCount=1, MaxCount=1, UserData=ROOT_READ,
                                Placement={"AvailabilityZone": ZONE},
                                )["Instances"][0]["InstanceId"]
        made["instances"].append(new)
        out = wait_text(ec2, new, "ROOT-READ", timeout=300)
        assert "ROOT-READ root-data-from-%s" % src in out, out[-2000:]
        (root,) = ec2.describe_volumes(Filters=[
            {"Name": "attachment.instance-id", "Values": [new]}])["Volumes"]
        assert (root["Size"], root["SnapshotId"]) == \
            (2, ec2.describe_images(ImageIds=[image])["Images"][0][
                "BlockDeviceMappings"][0]["Ebs"]["SnapshotId"])
        terminate(ec2, [new])
        made["instances"].remove(new)
    assert cloud.agent.poll() is None
