"""Images through the EC2 API: RegisterImage from the import directory
and from a URL, formats refused, DescribeImages with owners, executable-by
and filters, launch permissions across accounts, DeregisterImage."""
import http.server
import os
import shutil
import socketserver
import threading

import botocore.exceptions
import pytest

from conftest import AMI, REGION, signed


def code(fn, **kw):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        fn(**kw)
    return e.value.response["Error"]["Code"]


def import_dir(cloud):
    return os.path.join(cloud.state_dir, "images", "import")


def wait_image(ec2, image_id, want="available", timeout=60):
    w = ec2.get_waiter("image_available") if want == "available" else None
    if w is not None:
        w.wait(ImageIds=[image_id], WaiterConfig={"Delay": 1, "MaxAttempts": timeout})
        return
    import time
    deadline = time.time() + timeout
    while time.time() < deadline:
        st = ec2.describe_images(ImageIds=[image_id])["Images"][0]
        if st["State"] == want:
            return st
        time.sleep(0.5)
    raise AssertionError("image %s never %s" % (image_id, want))


def test_register_from_import_dir(cloud):
    ec2 = cloud.client()
    shutil.copy(AMI, os.path.join(import_dir(cloud), "mine.qcow2"))
    # Debian's boto3 1.26 has no TagSpecifications in RegisterImage yet.
    iid = ec2.register_image(Name="mine-1", ImageLocation="mine.qcow2",
                             Description="from the import dir")["ImageId"]
    wait_image(ec2, iid)
    ec2.create_tags(Resources=[iid], Tags=[{"Key": "k", "Value": "v"}])
    im = ec2.describe_images(ImageIds=[iid])["Images"][0]
    assert im["OwnerId"] == cloud.keys["MINICLOUD_ACCOUNT_ID"]
    assert im["Public"] is False and im["ImageType"] == "machine"
    assert im["Tags"] == [{"Key": "k", "Value": "v"}]
    assert code(ec2.register_image, Name="mine-1", ImageLocation="mine.qcow2") \
        == "InvalidAMIName.Duplicate"
    mine = ec2.describe_images(Owners=["self"])["Images"]
    assert [i["ImageId"] for i in mine] == [iid]
    public = ec2.describe_images(Owners=["minicloud"])["Images"]
    assert cloud.image in [i["ImageId"] for i in public]
    assert ec2.describe_images(Filters=[{"Name": "name", "Values": ["mine-*"]}])[
        "Images"][0]["ImageId"] == iid
    assert ec2.describe_images(Filters=[{"Name": "is-public", "Values": ["true"]}],
                               Owners=["self"])["Images"] == []
    ec2.deregister_image(ImageId=iid)
    assert code(ec2.describe_images, ImageIds=[iid]) == "InvalidAMIID.NotFound"
    assert not os.path.exists(os.path.join(cloud.state_dir, "images", iid))


def test_register_from_url(cloud, tmp_path):
    ec2 = cloud.client()
    shutil.copy(AMI, tmp_path / "web.qcow2")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(tmp_path), **kw)

        def log_message(self, *a):
            pass

    srv = socketserver.TCPServer(("127.0.0.1", 0), Quiet)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        url = "http://127.0.0.1:%d/web.qcow2" % srv.server_address[1]
        iid = ec2.register_image(Name="from-url", ImageLocation=url)["ImageId"]
        wait_image(ec2, iid)
        im = ec2.describe_images(ImageIds=[iid])["Images"][0]
        assert im["ImageLocation"] == url
        missing = ec2.register_image(Name="missing-url",
                                     ImageLocation=url + ".nope")["ImageId"]
        failed = wait_image(ec2, missing, want="failed")
        assert failed["StateReason"]["Message"]
        ec2.deregister_image(ImageId=iid)
        ec2.deregister_image(ImageId=missing)
    finally:
        srv.shutdown()
        srv.server_close()


def test_bad_images(cloud):
    ec2 = cloud.client()
    with open(os.path.join(import_dir(cloud), "notes.txt"), "w") as f:
        f.write("not a disk\n")
    bad = ec2.register_image(Name="text-file", ImageLocation="notes.txt")["ImageId"]
    failed = wait_image(ec2, bad, want="failed")
    assert "512" in failed["StateReason"]["Message"] or "sector" in \
        failed["StateReason"]["Message"]
    assert code(ec2.run_instances, ImageId=bad, MinCount=1, MaxCount=1) \
        == "InvalidAMIID.Unavailable"
    ec2.deregister_image(ImageId=bad)
    for loc in ("../../controller.db", "/etc/passwd", "missing.qcow2", ""):
        assert code(ec2.register_image, Name="bad-loc", ImageLocation=loc) in (
            "InvalidParameterValue", "MissingParameter"), loc
    assert code(ec2.register_image, Name="x", ImageLocation="mine.qcow2") \
        == "InvalidParameterValue"
    assert code(ec2.register_image, Name="ok-name", ImageLocation="a.qcow2",
                KernelId="aki-0123456789abcdef0") in ("InvalidParameterValue",)
    assert code(ec2.describe_images, ImageIds=["ami-zz"]) == "InvalidAMIID.Malformed"
    assert code(ec2.deregister_image, ImageId="ami-0123456789abcdef0") \
        == "InvalidAMIID.NotFound"
    # Someone else's public image cannot be changed or deregistered.
    assert code(ec2.deregister_image, ImageId=cloud.image) == "UnauthorizedOperation"


def test_launch_permissions(cloud):
    ec2 = cloud.client()
    other_keys = cloud.admin("account", "create", "e2e-img-other")
    other = cloud.client(keys=other_keys)
    shutil.copy(AMI, os.path.join(import_dir(cloud), "shared.qcow2"))
    iid = ec2.register_image(Name="shared", ImageLocation="shared.qcow2")["ImageId"]
    wait_image(ec2, iid)
    assert code(other.describe_images, ImageIds=[iid]) == "InvalidAMIID.NotFound"
    assert code(other.run_instances, ImageId=iid, MinCount=1, MaxCount=1,
                DryRun=True) == "InvalidAMIID.NotFound"
    ec2.modify_image_attribute(ImageId=iid, LaunchPermission={
        "Add": [{"UserId": other_keys["MINICLOUD_ACCOUNT_ID"]}]})
    perm = ec2.describe_image_attribute(ImageId=iid, Attribute="launchPermission")
    assert perm["LaunchPermissions"] == [{"UserId": other_keys["MINICLOUD_ACCOUNT_ID"]}]
    assert other.describe_images(ImageIds=[iid])["Images"][0]["ImageId"] == iid
    assert code(other.run_instances, ImageId=iid, MinCount=1, MaxCount=1,
                DryRun=True) == "DryRunOperation"
    assert [i["ImageId"] for i in other.describe_images(ExecutableUsers=["self"])[
        "Images"] if i["ImageId"] == iid] == [iid]
    assert code(other.modify_image_attribute, ImageId=iid,
                LaunchPermission={"Add": [{"Group": "all"}]}) == "UnauthorizedOperation"
    ec2.modify_image_attribute(ImageId=iid, LaunchPermission={
        "Remove": [{"UserId": other_keys["MINICLOUD_ACCOUNT_ID"]}],
        "Add": [{"Group": "all"}]})
    assert ec2.describe_images(ImageIds=[iid])["Images"][0]["Public"] is True
    ec2.modify_image_attribute(ImageId=iid, Description={"Value": "changed"})
    assert ec2.describe_image_attribute(ImageId=iid, Attribute="description")[
        "Description"]["Value"] == "changed"
    assert code(ec2.modify_image_attribute, ImageId=iid,
                LaunchPermission={"Add": [{"Group": "everyone"}]}) \
        == "InvalidAMIAttributeItemValue"
    ec2.deregister_image(ImageId=iid)


def test_describe_instances_paging_and_filters(cloud):
    """Six launches of an image the host has not seen: one download; then
    DescribeInstances pages and filters them."""
    ec2 = cloud.client()
    shutil.copy(AMI, os.path.join(import_dir(cloud), "fresh.qcow2"))
    image = ec2.register_image(Name="fresh", ImageLocation="fresh.qcow2")["ImageId"]
    wait_image(ec2, image)
    r = ec2.run_instances(ImageId=image, InstanceType="t2.nano", MinCount=6,
                          MaxCount=6, TagSpecifications=[{"ResourceType": "instance",
                          "Tags": [{"Key": "batch", "Value": "paging"}]}])
    ids = sorted(i["InstanceId"] for i in r["Instances"])
    try:
        for iid in ids:
            ec2.get_waiter("instance_running").wait(
                InstanceIds=[iid], WaiterConfig={"Delay": 1, "MaxAttempts": 90})
        assert cloud.agent_log_text().count('msg="image cached" image=%s ' % image) == 1
        f = [{"Name": "tag:batch", "Values": ["paging"]}]
        seen, token = [], None
        while True:
            kw = {"Filters": f, "MaxResults": 5}
            if token:
                kw["NextToken"] = token
            page = ec2.describe_instances(**kw)
            seen += [i["InstanceId"] for res in page["Reservations"]
                     for i in res["Instances"]]
            token = page.get("NextToken")
            if not token:
                break
        assert sorted(seen) == ids
        assert code(ec2.describe_instances, InstanceIds=ids[:1], MaxResults=5) \
            == "InvalidParameterCombination"
        by_type = ec2.describe_instances(Filters=f + [
            {"Name": "instance-type", "Values": ["t2.nano"]},
            {"Name": "availability-zone", "Values": [REGION + "a"]},
            {"Name": "image-id", "Values": [image]}])
        assert len(by_type["Reservations"][0]["Instances"]) == 6
        assert ec2.describe_instances(Filters=f + [
            {"Name": "instance-state-code", "Values": ["80"]}])["Reservations"] == []
        assert code(ec2.describe_instances, Filters=[{"Name": "bogus",
                                                      "Values": ["x"]}]) \
            == "InvalidParameterValue"
        st = ec2.describe_instance_status(InstanceIds=ids, IncludeAllInstances=True)
        assert sorted(s["InstanceId"] for s in st["InstanceStatuses"]) == ids
    finally:
        ec2.terminate_instances(InstanceIds=ids)
        for iid in ids:
            ec2.get_waiter("instance_terminated").wait(
                InstanceIds=[iid], WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        ec2.deregister_image(ImageId=image)
