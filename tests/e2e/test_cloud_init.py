"""A realistic guest: the Debian 12 AMI (scripts/build-debian-ami.sh) with
Debian's own cloud-init, finding our metadata service as EC2's.  It sets
the hostname, installs the key pair made with CreateKeyPair, runs a
user-data script, and the test logs in over SSH with the private key,
from the outside host through the instance's public address."""
import os
import stat
import subprocess

import pytest

from conftest import (OUTSIDE_NS, ROOT, lan_ingress, terminate, wait_for,
                      wait_text)

DEBIAN_AMI = os.environ.get("MC_DEBIAN_AMI", os.path.join(
    ROOT, "build", "images", "debian-12.qcow2"))

USER_DATA = """#!/bin/sh
echo "CLOUD-INIT-USER-DATA ran on $(hostname)" > /dev/ttyS0
"""


ROOT_GIB = 4


def ssh(key, addr, *cmd):
    return subprocess.run(
        ["ip", "netns", "exec", OUTSIDE_NS, "ssh", "-i", key, "-o", "BatchMode=yes",
         "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
         "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR", "admin@" + addr] + list(cmd),
        capture_output=True, text=True, timeout=60)


def test_debian_cloud_init_and_ssh(cloud, tmp_path):
    assert os.path.exists(DEBIAN_AMI), "no Debian AMI at %s (make debian-ami)" % DEBIAN_AMI
    r = cloud.admin("image", "import", DEBIAN_AMI, "--name", "debian-12", "--public",
                    check=False)
    assert r.returncode == 0, r.stderr
    image = r.stdout.strip()
    ec2 = cloud.client()
    made = ec2.create_key_pair(KeyName="debian-e2e", KeyType="ed25519")
    key = tmp_path / "id"
    key.write_text(made["KeyMaterial"])
    os.chmod(key, stat.S_IRUSR | stat.S_IWUSR)
    iid = None
    group = ec2.create_security_group(GroupName="ssh-e2e",
                                      Description="SSH from the LAN")["GroupId"]
    try:
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=lan_ingress(22))
        inst = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1,
                                 MaxCount=1, KeyName="debian-e2e", SecurityGroupIds=[group],
                                 UserData=USER_DATA, BlockDeviceMappings=[
                                     {"DeviceName": "/dev/xvda",
                                      "Ebs": {"VolumeSize": ROOT_GIB}}])["Instances"][0]
        iid = inst["InstanceId"]
        host = "ip-" + inst["PrivateIpAddress"].replace(".", "-")
        pub = inst["PublicIpAddress"]
        out = wait_text(ec2, iid, "CLOUD-INIT-USER-DATA ran on", timeout=420)
        assert "CLOUD-INIT-USER-DATA ran on %s" % host in out
        # Logged in with the key CreateKeyPair returned; cloud-init named
        # the host and took the EC2 datasource (ours), with IMDSv2.
        r = wait_for(lambda: (lambda p: p.returncode == 0 and p)(
            ssh(str(key), pub, "hostname; cat /run/cloud-init/cloud-id; "
                "sudo -n true && echo SUDO-OK")), 120, "SSH into the instance", step=3)
        lines = r.stdout.split()
        assert lines[0] == host, r.stdout
        assert lines[1] == "aws", r.stdout
        assert "SUDO-OK" in lines
        r = ssh(str(key), pub, "curl -s http://169.254.169.254/latest/meta-data/"
                "security-groups")
        assert r.stdout.strip() == "ssh-e2e", r.stdout
        r = ssh(str(key), pub, "cat .ssh/authorized_keys")
        public = ec2.describe_key_pairs(KeyNames=["debian-e2e"], IncludePublicKey=True)
        assert public["KeyPairs"][0]["PublicKey"].split()[1] in r.stdout
        # Another key is refused.
        other = tmp_path / "other"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)],
                       check=True)
        assert ssh(str(other), pub, "true").returncode != 0
        # The root volume is as large as the mapping asked (the image is
        # 2 GiB) and cloud-init grew the root filesystem into it.
        (root,) = ec2.describe_volumes(Filters=[
            {"Name": "attachment.instance-id", "Values": [iid]}])["Volumes"]
        assert (root["Size"], root["Attachments"][0]["Device"]) == \
            (ROOT_GIB, "/dev/xvda")
        r = ssh(str(key), pub, "lsblk -bndo SIZE /dev/vda; "
                "df -B1 --output=size / | tail -1")
        disk, fs = (int(x) for x in r.stdout.split())
        assert disk == ROOT_GIB << 30, r.stdout
        assert fs > (ROOT_GIB - 1) << 30, r.stdout
    finally:
        if iid is not None:
            terminate(ec2, [iid])
        ec2.delete_key_pair(KeyName="debian-e2e")
        ec2.delete_security_group(GroupId=group)
