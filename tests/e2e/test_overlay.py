"""VPC traffic between two simulated hosts (multihost.MultiCloud) over
the VXLAN overlay, with real VMs: one VPC with a subnet in each zone,
an instance on each host.  B reaches A across the hosts because A's
group allows B's group (a group reference whose member lives on the
other host); A does not reach B, whose group allows nothing in; each
host's VPC namespace has a VXLAN link with a route to the other's
instance, and `minicloud explain` shows the overlay."""
import pytest

from conftest import REGION, terminate, wait_text
from multihost import MultiCloud

ZONE_A, ZONE_B = REGION + "a", REGION + "b"

PING = ("#!/bin/sh\n"
        "ok=; for i in $(seq 30); do ping -c 1 -W 1 %(to)s >/dev/null 2>&1 "
        "&& ok=1 && break; sleep 1; done\n"
        "[ -n \"$ok\" ] && echo %(tag)s-OK || echo %(tag)s-FAIL\n")


@pytest.fixture(scope="module")
def multi():
    c = MultiCloud(zones=(ZONE_A, ZONE_B), underlay_ip=True)
    try:
        c.setup()
        yield c
    finally:
        c.cleanup()


def test_vpc_across_hosts(multi):
    ec2 = multi.client()
    h1, h2 = multi.hosts
    made, groups, ids = {}, [], []
    try:
        vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
        made["vpc"] = vpc
        for k, zone, block in (("a", ZONE_A, "10.30.1.0/24"),
                               ("b", ZONE_B, "10.30.2.0/24")):
            made[k] = ec2.create_subnet(VpcId=vpc, CidrBlock=block,
                                        AvailabilityZone=zone)["Subnet"]["SubnetId"]
        ga = ec2.create_security_group(GroupName="ov-a", Description="A",
                                       VpcId=vpc)["GroupId"]
        groups.append(ga)
        gb = ec2.create_security_group(GroupName="ov-b", Description="B",
                                       VpcId=vpc)["GroupId"]
        groups.append(gb)
        # A lets B's group ping it; B lets nothing in.
        ec2.authorize_security_group_ingress(GroupId=ga, IpPermissions=[{
            "IpProtocol": "icmp", "FromPort": -1, "ToPort": -1,
            "UserIdGroupPairs": [{"GroupId": gb}]}])
        a = ec2.run_instances(
            ImageId=multi.image, InstanceType="t2.nano", MinCount=1,
            MaxCount=1, SubnetId=made["a"], PrivateIpAddress="10.30.1.10",
            SecurityGroupIds=[ga],
            UserData=PING % {"to": "10.30.2.20", "tag": "A-TO-B"},
        )["Instances"][0]["InstanceId"]
        ids.append(a)
        b = ec2.run_instances(
            ImageId=multi.image, InstanceType="t2.nano", MinCount=1,
            MaxCount=1, SubnetId=made["b"], PrivateIpAddress="10.30.2.20",
            SecurityGroupIds=[gb],
            UserData=PING % {"to": "10.30.1.10", "tag": "B-TO-A"},
        )["Instances"][0]["InstanceId"]
        ids.append(b)
        where = {i["InstanceId"]: i["Placement"]["HostId"] for r in
                 ec2.describe_instances(InstanceIds=ids)["Reservations"]
                 for i in r["Instances"]}
        assert where == {a: h1.name, b: h2.name}
        out = wait_text(ec2, b, "B-TO-A-", timeout=300)
        assert "B-TO-A-OK" in out, out[-2000:]
        out = wait_text(ec2, a, "A-TO-B-", timeout=300)
        assert "A-TO-B-FAIL" in out, out[-2000:]
        # Each host routes the other's instance into its VPC's overlay.
        for host, local, remote, other in ((h1, a, "10.30.2.20", h2),
                                           (h2, b, "10.30.1.10", h1)):
            ns = "%s-%s" % (host.net_prefix, vpc)
            routes = host.run("ip", "-n", ns, "route").stdout
            assert "%s dev %sx" % (remote, host.net_prefix) in routes, routes
            text = multi.admin("explain", local, check=False).stdout
            assert "## overlay: %sx" % host.net_prefix in text, text[-3000:]
            assert "%s on host %s" % (remote, other.address) in text
    finally:
        if ids:
            terminate(ec2, ids)
        for g in groups:
            ec2.delete_security_group(GroupId=g)
        for k in ("a", "b"):
            if k in made:
                ec2.delete_subnet(SubnetId=made[k])
        if "vpc" in made:
            ec2.delete_vpc(VpcId=made["vpc"])
