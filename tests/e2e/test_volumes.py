"""Block volumes with real VMs: a guest formats and writes a volume, the
volume moves to a second instance (attached while it is stopped), which
reads the file back; a volume in use cannot be deleted; a kill -9 of the
agent in the middle of an attach leaves the volume attached or available,
never half of each.

The guests find a volume by its serial ("vol" and the id's digits, as
/sys/block/vd*/serial shows it; /dev/disk/by-id/virtio-vol... where udev
runs)."""
import subprocess
import time


from conftest import VIRSH, err_code, terminate, wait_for, wait_state, wait_text

ZONE = "mc-1a"

FIND = ("#!/bin/sh\n"
        "ser=%(serial)s; dev=\n"
        "for i in $(seq 600); do\n"
        "  for f in /sys/block/vd*/serial; do\n"
        "    [ \"$(cat $f 2>/dev/null)\" = \"$ser\" ] && "
        "dev=/dev/$(basename $(dirname $f)) && break 2\n"
        "  done\n"
        "  sleep 0.5\n"
        "done\n"
        "[ -n \"$dev\" ] || { echo VOL-NOT-FOUND; exit 0; }\n"
        "echo \"VOL-FOUND $dev\"\n"
        "mkdir -p /mnt/v\n")

WRITE = FIND + (
    "id=$(cat /sys/class/dmi/id/chassis_asset_tag)\n"
    "mkfs.ext4 -q -F $dev && mount -t ext4 $dev /mnt/v && "
    "echo \"data-from-$id\" > /mnt/v/hello && sync && umount /mnt/v && "
    "echo VOL-WRITTEN || echo VOL-WRITE-FAILED\n")

READ = FIND + (
    "mount -t ext4 $dev /mnt/v && echo \"VOL-READ $(cat /mnt/v/hello)\" || "
    "echo VOL-READ-FAILED\n")


def serial(vol):
    return "vol" + vol.split("-", 1)[1]


def volume(ec2, vid):
    return ec2.describe_volumes(VolumeIds=[vid])["Volumes"][0]


def attachment_state(ec2, vid):
    v = volume(ec2, vid)
    return v["Attachments"][0]["State"] if v["Attachments"] else v["State"]


def run(ec2, cloud, script, **more):
    return ec2.run_instances(ImageId=cloud.image, InstanceType="t2.nano",
                             MinCount=1, MaxCount=1, UserData=script,
                             Placement={"AvailabilityZone": ZONE},
                             **more)["Instances"][0]


def domain_disks(iid):
    xml = subprocess.run(VIRSH + ["dumpxml", iid], capture_output=True,
                         text=True).stdout
    return xml


def test_write_move_read(cloud):
    ec2 = cloud.client()
    ids, vols = [], []
    try:
        vid = ec2.create_volume(Size=1, AvailabilityZone=ZONE)["VolumeId"]
        vols.append(vid)
        assert volume(ec2, vid)["State"] == "available"
        w = run(ec2, cloud, WRITE % {"serial": serial(vid)})
        ids.append(w["InstanceId"])
        wait_state(ec2, w["InstanceId"], "running")
        # Hot-plug into the running writer.
        a = ec2.attach_volume(VolumeId=vid, InstanceId=w["InstanceId"],
                              Device="/dev/sdf")
        assert a["State"] in ("attaching", "attached")
        ec2.get_waiter("volume_in_use").wait(VolumeIds=[vid],
                                             WaiterConfig={"Delay": 1})
        wait_for(lambda: attachment_state(ec2, vid) == "attached", 60,
                 "the attachment to be attached")
        assert serial(vid) in domain_disks(w["InstanceId"])
        out = wait_text(ec2, w["InstanceId"], "VOL-W", timeout=300)
        assert "VOL-WRITTEN" in out, out[-2000:]
        assert err_code(ec2.delete_volume, VolumeId=vid) == "VolumeInUse"
        got = ec2.describe_instances(InstanceIds=[w["InstanceId"]])
        bdm = got["Reservations"][0]["Instances"][0]["BlockDeviceMappings"]
        assert any(b["DeviceName"] == "/dev/sdf" and b["Ebs"]["VolumeId"] == vid
                   for b in bdm)

        ec2.detach_volume(VolumeId=vid)
        ec2.get_waiter("volume_available").wait(
            VolumeIds=[vid], WaiterConfig={"Delay": 1, "MaxAttempts": 120})
        assert serial(vid) not in domain_disks(w["InstanceId"])

        # Cold attach: the reader is stopped, gets the volume, starts.
        r = run(ec2, cloud, READ % {"serial": serial(vid)})
        ids.append(r["InstanceId"])
        wait_state(ec2, r["InstanceId"], "running")
        ec2.stop_instances(InstanceIds=[r["InstanceId"]])
        wait_state(ec2, r["InstanceId"], "stopped")
        ec2.attach_volume(VolumeId=vid, InstanceId=r["InstanceId"], Device="/dev/sdg")
        wait_for(lambda: attachment_state(ec2, vid) == "attached", 60,
                 "the cold attachment to be attached")
        ec2.start_instances(InstanceIds=[r["InstanceId"]])
        out = wait_text(ec2, r["InstanceId"], "VOL-READ", timeout=300)
        assert "VOL-READ data-from-%s" % w["InstanceId"] in out, out[-2000:]

        # ModifyVolume grows it under the running guest.
        ec2.modify_volume(VolumeId=vid, Size=2)

        def capacity():
            info = subprocess.run(VIRSH + ["domblkinfo", r["InstanceId"], "vdg"],
                                  capture_output=True, text=True).stdout
            return "2147483648" in info
        wait_for(capacity, 30, "the attached volume to grow to 2 GiB")
        assert volume(ec2, vid)["Size"] == 2
    finally:
        terminate(ec2, ids)
        for vid in vols:
            wait_for(lambda: volume(ec2, vid)["State"] == "available", 60,
                     "the volume to be free")
            ec2.delete_volume(VolumeId=vid)


def test_agent_killed_mid_attach(cloud):
    """kill -9 of the agent right after AttachVolume: after the restart
    the volume is attached (and the domain has the disk) or available
    (and the domain has not), never both or neither."""
    ec2 = cloud.client()
    ids, vols = [], []
    try:
        i = run(ec2, cloud, "#!/bin/sh\necho UP\n")
        ids.append(i["InstanceId"])
        wait_state(ec2, i["InstanceId"], "running")
        vid = ec2.create_volume(Size=1, AvailabilityZone=ZONE)["VolumeId"]
        vols.append(vid)
        ec2.attach_volume(VolumeId=vid, InstanceId=i["InstanceId"], Device="/dev/sdh")
        cloud.stop_agent(sig=9)
        time.sleep(1)
        cloud.start_agent()

        def settled():
            s = attachment_state(ec2, vid)
            return s if s in ("attached", "available") else None
        state = wait_for(settled, 90, "the volume to settle")
        has = serial(vid) in domain_disks(i["InstanceId"])
        assert has == (state == "attached"), (state, has)
        assert volume(ec2, vid)["State"] == ("in-use" if state == "attached"
                                             else "available")
        # And it can be detached cleanly from there.
        if state == "attached":
            ec2.detach_volume(VolumeId=vid, Force=True)
            ec2.get_waiter("volume_available").wait(
                VolumeIds=[vid], WaiterConfig={"Delay": 1, "MaxAttempts": 120})
            assert serial(vid) not in domain_disks(i["InstanceId"])
    finally:
        terminate(ec2, ids)
        for vid in vols:
            wait_for(lambda: volume(ec2, vid)["State"] == "available", 60,
                     "the volume to be free")
            ec2.delete_volume(VolumeId=vid)


def test_bad_volume_requests(cloud):
    ec2 = cloud.client()
    before = len(ec2.describe_volumes()["Volumes"])
    for kw, want in ((dict(Size=0, AvailabilityZone=ZONE), "InvalidParameterValue"),
                     (dict(Size=999999, AvailabilityZone=ZONE), "InvalidParameterValue"),
                     (dict(Size=1, AvailabilityZone="mc-9z"), None)):
        code = err_code(ec2.create_volume, **kw)
        assert want is None or code == want, (kw, code)
    assert err_code(ec2.attach_volume, VolumeId="vol-nope", InstanceId="i-0123456789abcdef0",
                    Device="/dev/sdf") == "InvalidVolumeID.Malformed"
    assert err_code(ec2.delete_volume, VolumeId="vol-0123456789abcdef0") == \
        "InvalidVolume.NotFound"
    assert len(ec2.describe_volumes()["Volumes"]) == before
