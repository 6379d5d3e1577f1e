"""Real VMs under TCG through the EC2 API: the lifecycle, idempotent
launches, bad input, guests that power themselves off, and agent and
controller crashes.  One cloud (controller + agent) for the module; each
test terminates what it launched."""
import json
import os
import signal
import subprocess
import time

import botocore.exceptions
import pytest

from conftest import (AWS2, console, domain_exists, err_code, qemu_running,
                      run_aws, signed, state_of, terminate, wait_console,
                      wait_for, wait_state)


def test_lifecycle_with_the_cli(cloud):
    """run -> running -> console line -> stop -> no QEMU -> start -> reboot
    -> terminate -> no domain, overlay or file left; all with aws v2."""
    ec2 = cloud.client()
    r = run_aws(AWS2, cloud, "ec2", "run-instances", "--image-id", cloud.image,
                "--instance-type", "t3.micro", "--count", "1",
                "--tag-specifications",
                "ResourceType=instance,Tags=[{Key=Name,Value=life}]")
    assert r.returncode == 0, r.stderr
    inst = json.loads(r.stdout)["Instances"][0]
    iid = inst["InstanceId"]
    assert inst["State"]["Name"] == "pending"
    assert inst["Placement"]["HostId"] == cloud.host
    try:
        wait_state(ec2, iid, "running", timeout=60)
        wait_console(ec2, iid, 1)
        assert qemu_running(iid)
        explain = cloud.admin("explain", iid, check=False).stdout
        assert "<domain type=" in explain and "backing file:" in explain
        assert "<entry name='asset'>%s</entry>" % iid in explain

        r = run_aws(AWS2, cloud, "ec2", "stop-instances", "--instance-ids", iid)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["StoppingInstances"][0]["CurrentState"]["Name"] \
            == "stopping"
        wait_state(ec2, iid, "stopped", timeout=60)
        assert not qemu_running(iid)

        ec2.start_instances(InstanceIds=[iid])
        wait_state(ec2, iid, "running", timeout=60)
        wait_console(ec2, iid, 2)

        ec2.reboot_instances(InstanceIds=[iid])
        wait_console(ec2, iid, 3)
        assert state_of(ec2, iid) == "running"
        st = ec2.describe_instance_status(InstanceIds=[iid])["InstanceStatuses"]
        assert st[0]["InstanceStatus"]["Status"] == "ok"
        assert st[0]["SystemStatus"]["Status"] == "ok"
    finally:
        r = run_aws(AWS2, cloud, "ec2", "terminate-instances", "--instance-ids", iid)
        assert r.returncode == 0, r.stderr
        wait_state(ec2, iid, "terminated", timeout=60)
    wait_for(lambda: not domain_exists(iid), 20, "the domain to go")
    assert not os.path.exists(os.path.join(cloud.agent_dir, "instances", iid))
    assert not qemu_running(iid)
    # Terminated instances stay visible, with the reason.
    got = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert got["State"] == {"Code": 48, "Name": "terminated"}
    assert got["StateReason"]["Code"] == "Client.UserInitiatedShutdown"


def test_min_count_and_client_token(cloud):
    ec2 = cloud.client()
    kw = dict(ImageId=cloud.image, InstanceType="t3.nano", MinCount=3,
              MaxCount=3, ClientToken="e2e-token-1")
    r1 = ec2.run_instances(**kw)
    ids = [i["InstanceId"] for i in r1["Instances"]]
    try:
        assert len(ids) == 3
        assert sorted(i["AmiLaunchIndex"] for i in r1["Instances"]) == [0, 1, 2]
        r2 = ec2.run_instances(**kw)
        assert r2["ReservationId"] == r1["ReservationId"]
        assert sorted(i["InstanceId"] for i in r2["Instances"]) == sorted(ids)
        assert err_code(ec2.run_instances, **dict(kw, InstanceType="t3.micro")) \
            == "IdempotentParameterMismatch"
        resv = ec2.describe_instances(Filters=[
            {"Name": "reservation-id", "Values": [r1["ReservationId"]]}])
        assert len(resv["Reservations"]) == 1
        assert len(resv["Reservations"][0]["Instances"]) == 3
    finally:
        terminate(ec2, ids)


def test_bad_launches_leave_nothing(cloud):
    ec2 = cloud.client()
    before = len(ec2.describe_instances()["Reservations"])
    doms = subprocess.run(["virsh", "-q", "list", "--all", "--name"],
                          capture_output=True, text=True).stdout
    assert err_code(ec2.run_instances, ImageId="ami-0123456789abcdef0",
                    MinCount=1, MaxCount=1) == "InvalidAMIID.NotFound"
    assert err_code(ec2.run_instances, ImageId="ami-nothex",
                    MinCount=1, MaxCount=1) == "InvalidAMIID.Malformed"
    assert err_code(ec2.run_instances, ImageId=cloud.image, InstanceType="x9.huge",
                    MinCount=1, MaxCount=1) == "InvalidParameterValue"
    assert err_code(ec2.run_instances, ImageId=cloud.image,
                    InstanceType="r5.2xlarge", MinCount=1, MaxCount=1) \
        == "InsufficientInstanceCapacity"
    assert err_code(ec2.run_instances, ImageId=cloud.image, MinCount=30,
                    MaxCount=30) == "InstanceLimitExceeded"
    assert err_code(ec2.run_instances, ImageId=cloud.image, MinCount=2,
                    MaxCount=1) == "InvalidParameterValue"
    # boto3 base64-encodes UserData itself: send a broken one raw.
    r = signed(cloud, {"Action": "RunInstances", "Version": "2016-11-15",
                       "ImageId": cloud.image, "MinCount": "1", "MaxCount": "1",
                       "UserData": "!!notbase64"})
    assert (r.status, r.code()) == (400, "InvalidParameterValue")
    assert err_code(ec2.run_instances, ImageId=cloud.image, MinCount=1,
                    MaxCount=1, UserData="x" * 16385) == "InvalidParameterValue"
    assert err_code(ec2.run_instances, ImageId=cloud.image, MinCount=1, MaxCount=1,
                    Placement={"AvailabilityZone": "mc-1z"}) == "InvalidParameterValue"
    assert err_code(ec2.run_instances, ImageId=cloud.image, MinCount=1, MaxCount=1,
                    DryRun=True) == "DryRunOperation"
    assert err_code(ec2.describe_instances, InstanceIds=["i-123"]) \
        == "InvalidInstanceID.Malformed"
    assert err_code(ec2.describe_instances, InstanceIds=["i-0123456789abcdef0"]) \
        == "InvalidInstanceID.NotFound"
    assert err_code(ec2.stop_instances, InstanceIds=["i-0123456789abcdef0"]) \
        == "InvalidInstanceID.NotFound"
    assert len(ec2.describe_instances()["Reservations"]) == before
    assert subprocess.run(["virsh", "-q", "list", "--all", "--name"],
                          capture_output=True, text=True).stdout == doms
    # Another account sees none of ours.
    other = cloud.admin("account", "create", "e2e-isolated")
    assert cloud.client(keys=other).describe_instances()["Reservations"] == []


def test_guest_power_off_follows_shutdown_behaviour(cloud):
    """A guest that powers itself off ends stopped; with the behaviour
    terminate, terminated.  The ACPI button pressed outside minicloud is
    the guest's own decision as far as minicloud can tell."""
    ec2 = cloud.client()
    iid = ec2.run_instances(ImageId=cloud.image, InstanceType="t3.nano",
                            MinCount=1, MaxCount=1,
                            UserData="#!/bin/sh\necho hello\n")["Instances"][0]["InstanceId"]
    try:
        wait_console(ec2, iid, 1)
        assert err_code(ec2.modify_instance_attribute, InstanceId=iid,
                        InstanceType={"Value": "t3.micro"}) == "IncorrectInstanceState"
        subprocess.run(["virsh", "-q", "shutdown", iid], check=True,
                       capture_output=True)
        wait_state(ec2, iid, "stopped", timeout=60)
        got = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
        assert got["StateReason"]["Code"] == "Client.InstanceInitiatedShutdown"
        # While stopped: the type and the behaviour change.
        ec2.modify_instance_attribute(InstanceId=iid, InstanceType={"Value": "t3.micro"})
        ec2.modify_instance_attribute(InstanceId=iid,
                                      InstanceInitiatedShutdownBehavior={"Value": "terminate"})
        a = ec2.describe_instance_attribute(InstanceId=iid, Attribute="instanceType")
        assert a["InstanceType"]["Value"] == "t3.micro"
        ud = ec2.describe_instance_attribute(InstanceId=iid, Attribute="userData")
        assert ud["UserData"]["Value"]  # base64 of what was given
        ec2.start_instances(InstanceIds=[iid])
        wait_console(ec2, iid, 2)
        subprocess.run(["virsh", "-q", "shutdown", iid], check=True,
                       capture_output=True)
        wait_state(ec2, iid, "terminated", timeout=60)
        wait_for(lambda: not domain_exists(iid), 20, "the domain to go")
    finally:
        if state_of(ec2, iid) != "terminated":
            terminate(ec2, [iid])


def test_termination_protection_and_tags(cloud):
    ec2 = cloud.client()
    iid = ec2.run_instances(ImageId=cloud.image, InstanceType="t3.nano",
                            MinCount=1, MaxCount=1,
                            DisableApiTermination=True)["Instances"][0]["InstanceId"]
    try:
        assert err_code(ec2.terminate_instances, InstanceIds=[iid]) \
            == "OperationNotPermitted"
        ec2.create_tags(Resources=[iid],
                        Tags=[{"Key": "team", "Value": "blue"}, {"Key": "env", "Value": ""}])
        got = ec2.describe_instances(Filters=[{"Name": "tag:team", "Values": ["blue"]}])
        assert [i["InstanceId"] for r in got["Reservations"] for i in r["Instances"]] == [iid]
        tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [iid]}])["Tags"]
        assert sorted(t["Key"] for t in tags) == ["env", "team"]
        assert all(t["ResourceType"] == "instance" for t in tags)
        ec2.delete_tags(Resources=[iid], Tags=[{"Key": "team"}])
        assert ec2.describe_instances(Filters=[{"Name": "tag-key",
                                               "Values": ["team"]}])["Reservations"] == []
        assert err_code(ec2.create_tags, Resources=["i-0123456789abcdef0"],
                        Tags=[{"Key": "a", "Value": "b"}]) == "InvalidInstanceID.NotFound"
        assert err_code(ec2.create_tags, Resources=["vpc-1"],
                        Tags=[{"Key": "a", "Value": "b"}]) == "InvalidID"
        assert err_code(ec2.create_tags, Resources=[iid],
                        Tags=[{"Key": "aws:x", "Value": "b"}]) == "InvalidParameterValue"
        ec2.modify_instance_attribute(InstanceId=iid, DisableApiTermination={"Value": False})
    finally:
        ec2.modify_instance_attribute(InstanceId=iid, DisableApiTermination={"Value": False})
        terminate(ec2, [iid])


def host_line(cloud):
    out = cloud.admin("host", "list", check=False).stdout.splitlines()
    return next(l for l in out if l.startswith(cloud.host + " "))


def test_agent_kill9_keeps_vms(cloud):
    """kill -9 the agent while an instance runs: the host is marked down
    after its timeout, the VM keeps running, the restarted agent adopts it,
    nothing is duplicated or lost."""
    ec2 = cloud.client()
    iid = ec2.run_instances(ImageId=cloud.image, InstanceType="t3.nano",
                            MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    try:
        wait_state(ec2, iid, "running", timeout=60)
        line = host_line(cloud)
        assert line.split()[2] == "up" and line.split()[3] == "enabled"
        assert line.split()[4] in ("kvm", "tcg")
        # t3.nano: 2 vCPUs.
        assert line.split()[5].startswith("2/") and line.split()[8] == "1"
        cloud.stop_agent(sig=signal.SIGKILL)
        # Silent past the host timeout (10 s here): down, and its
        # instances' system status impaired; the VM itself runs on.
        wait_for(lambda: host_line(cloud).split()[2] == "down", 20, "the host to go down")
        st = ec2.describe_instance_status(InstanceIds=[iid])["InstanceStatuses"][0]
        assert st["SystemStatus"]["Status"] == "impaired"
        assert qemu_running(iid)
        cloud.start_agent()
        assert host_line(cloud).split()[2] == "up"
        time.sleep(4)
        assert qemu_running(iid)
        assert state_of(ec2, iid) == "running"
        names = subprocess.run(["virsh", "-q", "list", "--name"], capture_output=True,
                               text=True).stdout.split()
        assert names.count(iid) == 1
        wait_console(ec2, iid, 1)
        # Only one boot: adopted, not restarted.
        time.sleep(2)
        assert console(ec2, iid).count("instance %s up" % iid) == 1
    finally:
        terminate(ec2, [iid])


def test_controller_kill9_mid_launch(cloud):
    """kill -9 the controller right after a launch: after its restart every
    instance ends consistent with libvirt."""
    ec2 = cloud.client()
    iid = ec2.run_instances(ImageId=cloud.image, InstanceType="t3.nano",
                            MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    cloud.proc.send_signal(signal.SIGKILL)
    cloud.proc.wait()
    cloud.proc = None
    cloud.log.close()
    cloud.start()
    try:
        wait_state(ec2, iid, "running", timeout=90)
        assert qemu_running(iid)
    finally:
        terminate(ec2, [iid])
    wait_for(lambda: not domain_exists(iid), 20, "the domain to go")


def test_direct_kernel_boot(cloud):
    """An image imported with --kernel and --ramdisk boots them directly
    (aki-/ari- images, fetched by the host like the disk)."""
    from conftest import AMI
    base = AMI[:-len(".qcow2")]
    r = cloud.admin("image", "import", AMI, "--name", "e2e-kernel-boot",
                    "--kernel", base + ".vmlinuz", "--ramdisk", base + ".initrd",
                    "--cmdline", "console=ttyS0 loglevel=4 panic=10", "--public",
                    check=False)
    assert r.returncode == 0, r.stderr
    image = r.stdout.strip()
    ec2 = cloud.client()
    im = ec2.describe_images(ImageIds=[image])["Images"][0]
    assert im["KernelId"].startswith("aki-") and im["RamdiskId"].startswith("ari-")
    kernel = ec2.describe_images(ImageIds=[im["KernelId"]])["Images"][0]
    assert kernel["ImageType"] == "kernel"
    iid = ec2.run_instances(ImageId=image, InstanceType="t2.nano", MinCount=1,
                            MaxCount=1)["Instances"][0]["InstanceId"]
    try:
        wait_console(ec2, iid, 1)
        explain = cloud.admin("explain", iid, check=False).stdout
        assert "<kernel>" in explain and "<cmdline>console=ttyS0" in explain
    finally:
        terminate(ec2, [iid])
