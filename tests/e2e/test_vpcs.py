"""VPCs, subnets, network interfaces and Elastic IPs through the API
(no VMs: the launches are in test_network.py)."""
import json

import botocore.exceptions
import pytest

from conftest import AWS2, REGION, Controller, run_aws

POOL = ("198.51.100.200", "198.51.100.203")     # four addresses


def code(fn, **kw):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        fn(**kw)
    return e.value.response["Error"]["Code"]


@pytest.fixture(scope="module")
def net():
    c = Controller(extra_args=["--zone", REGION + "a", "--zone", REGION + "b",
                               "--public-ips", "%s-%s" % POOL,
                               "--max-elastic-ips", "3", "--max-vpcs", "3"])
    try:
        c.start()
        yield c
    finally:
        c.cleanup()


def test_default_vpc_on_first_use(net):
    ec2 = net.client()
    vpcs = ec2.describe_vpcs()["Vpcs"]
    assert len(vpcs) == 1
    vpc = vpcs[0]
    assert vpc["IsDefault"] and vpc["CidrBlock"] == "172.31.0.0/16"
    assert vpc["State"] == "available"
    subnets = ec2.describe_subnets()["Subnets"]
    assert sorted(s["AvailabilityZone"] for s in subnets) == [REGION + "a", REGION + "b"]
    for s in subnets:
        assert s["VpcId"] == vpc["VpcId"]
        assert s["DefaultForAz"] and s["MapPublicIpOnLaunch"]
        assert s["CidrBlock"] in ("172.31.0.0/20", "172.31.16.0/20")
        assert s["AvailableIpAddressCount"] == 4091
    attrs = ec2.describe_account_attributes(AttributeNames=["default-vpc"])
    got = attrs["AccountAttributes"][0]["AttributeValues"][0]["AttributeValue"]
    assert got == vpc["VpcId"]
    # Asking again makes nothing new.
    assert len(ec2.describe_vpcs()["Vpcs"]) == 1
    assert len(ec2.describe_subnets()["Subnets"]) == 2


def test_cidr_rules(net):
    ec2 = net.client()
    before = (len(ec2.describe_vpcs()["Vpcs"]), len(ec2.describe_subnets()["Subnets"]))
    for bad, want in (("10.0.0.1/16", "InvalidParameterValue"),
                      ("10.0.0.0", "InvalidParameterValue"),
                      ("10.0.0.0/33", "InvalidParameterValue"),
                      ("banana", "InvalidParameterValue"),
                      ("10.0.0.0/8", "InvalidVpc.Range"),
                      ("10.0.0.0/29", "InvalidVpc.Range")):
        assert code(ec2.create_vpc, CidrBlock=bad) == want, bad
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    try:
        ok = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]
        assert ok["AvailableIpAddressCount"] == 251
        assert not ok["DefaultForAz"] and not ok["MapPublicIpOnLaunch"]
        for cidr, want in (("10.1.0.0/24", "InvalidSubnet.Range"),
                           ("10.0.1.0/29", "InvalidSubnet.Range"),
                           ("10.0.0.0/15", "InvalidSubnet.Range"),
                           ("10.0.1.128/25", "InvalidSubnet.Conflict"),
                           ("10.0.0.0/16", "InvalidSubnet.Conflict"),
                           ("10.0.1.5/24", "InvalidParameterValue")):
            assert code(ec2.create_subnet, VpcId=vpc, CidrBlock=cidr) == want, cidr
        assert code(ec2.create_subnet, VpcId=vpc, CidrBlock="10.0.2.0/24",
                    AvailabilityZone="nowhere-1z") == "InvalidParameterValue"
        assert code(ec2.create_subnet, VpcId="vpc-00000000000000000",
                    CidrBlock="10.0.2.0/24") == "InvalidVpcID.NotFound"
        assert code(ec2.create_subnet, VpcId="vpc-zz",
                    CidrBlock="10.0.2.0/24") == "InvalidVpcID.Malformed"
        b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/28",
                              AvailabilityZoneId=REGION + "-az2")["Subnet"]
        assert b["AvailabilityZone"] == REGION + "b"
        assert b["AvailableIpAddressCount"] == 11
        assert code(ec2.delete_vpc, VpcId=vpc) == "DependencyViolation"
        ec2.delete_subnet(SubnetId=ok["SubnetId"])
        ec2.delete_subnet(SubnetId=b["SubnetId"])
        assert code(ec2.delete_subnet, SubnetId=b["SubnetId"]) == \
            "InvalidSubnetID.NotFound"
    finally:
        for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]:
            ec2.delete_subnet(SubnetId=s["SubnetId"])
        ec2.delete_vpc(VpcId=vpc)
    assert code(ec2.delete_vpc, VpcId=vpc) == "InvalidVpcID.NotFound"
    after = (len(ec2.describe_vpcs()["Vpcs"]), len(ec2.describe_subnets()["Subnets"]))
    assert after == before


def test_tags_filters_attributes(net):
    ec2 = net.client()
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "lab"}]}])["Vpc"]
    try:
        assert vpc["Tags"] == [{"Key": "Name", "Value": "lab"}]
        s = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.9.3.0/24",
                              TagSpecifications=[{"ResourceType": "subnet", "Tags": [
                                  {"Key": "tier", "Value": "web"}]}])["Subnet"]
        got = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["lab"]}])["Vpcs"]
        assert [v["VpcId"] for v in got] == [vpc["VpcId"]]
        got = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
        assert len(got) == 1 and got[0]["VpcId"] != vpc["VpcId"]
        got = ec2.describe_subnets(Filters=[{"Name": "cidr-block", "Values": ["10.9.*"]}])
        assert [x["SubnetId"] for x in got["Subnets"]] == [s["SubnetId"]]
        got = ec2.describe_subnets(Filters=[{"Name": "tag:tier", "Values": ["web"]}])
        assert [x["SubnetId"] for x in got["Subnets"]] == [s["SubnetId"]]
        tags = ec2.describe_tags(Filters=[{"Name": "resource-id",
                                           "Values": [s["SubnetId"]]}])["Tags"]
        assert tags[0]["ResourceType"] == "subnet"
        ec2.create_tags(Resources=[vpc["VpcId"]], Tags=[{"Key": "env", "Value": "t"}])
        assert len(ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0]["Tags"]) == 2
        assert code(ec2.describe_vpcs, VpcIds=["vpc-00000000000000000"]) == \
            "InvalidVpcID.NotFound"
        assert code(ec2.describe_subnets, SubnetIds=["subnet-x"]) == \
            "InvalidSubnetID.Malformed"
        ec2.modify_subnet_attribute(SubnetId=s["SubnetId"],
                                    MapPublicIpOnLaunch={"Value": True})
        assert ec2.describe_subnets(SubnetIds=[s["SubnetId"]])["Subnets"][0][
            "MapPublicIpOnLaunch"]
        a = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsSupport")
        assert a["EnableDnsSupport"]["Value"] is True
        a = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")
        assert a["EnableDnsHostnames"]["Value"] is False
        ec2.modify_vpc_attribute(VpcId=vpc["VpcId"], EnableDnsHostnames={"Value": True})
        a = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")
        assert a["EnableDnsHostnames"]["Value"] is True
        assert code(ec2.describe_vpc_attribute, VpcId=vpc["VpcId"],
                    Attribute="colour") == "InvalidParameterValue"
        ec2.delete_subnet(SubnetId=s["SubnetId"])
    finally:
        ec2.delete_vpc(VpcId=vpc["VpcId"])
    assert ec2.describe_tags(Filters=[{"Name": "resource-id",
                                       "Values": [vpc["VpcId"]]}])["Tags"] == []


def test_accounts_are_separate_and_limited(net):
    other = net.client(keys=net.admin("account", "create", "vpc-other"))
    mine = net.client()
    vpc = mine.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    try:
        assert code(other.describe_vpcs, VpcIds=[vpc]) == "InvalidVpcID.NotFound"
        assert code(other.delete_vpc, VpcId=vpc) == "InvalidVpcID.NotFound"
        assert code(other.create_tags, Resources=[vpc],
                    Tags=[{"Key": "a", "Value": "b"}]) == "InvalidVpcID.NotFound"
        # The same block in two accounts (and twice in one) is fine.
        theirs = other.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
        again = mine.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
        # max-vpcs is 3, the default VPC included.
        assert code(mine.create_vpc, CidrBlock="10.6.0.0/16") == "VpcLimitExceeded"
        mine.delete_vpc(VpcId=again)
        other.delete_vpc(VpcId=theirs)
    finally:
        mine.delete_vpc(VpcId=vpc)


def test_deleted_default_vpc_stays_deleted(net):
    keys = net.admin("account", "create", "vpc-nodefault")
    ec2 = net.client(keys=keys)
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    for s in ec2.describe_subnets()["Subnets"]:
        ec2.delete_subnet(SubnetId=s["SubnetId"])
    ec2.delete_vpc(VpcId=vpc)
    assert ec2.describe_vpcs()["Vpcs"] == []
    assert ec2.describe_subnets()["Subnets"] == []
    attrs = ec2.describe_account_attributes(AttributeNames=["default-vpc"])
    assert attrs["AccountAttributes"][0]["AttributeValues"][0]["AttributeValue"] == "none"


def test_elastic_ips(net):
    ec2 = net.client()
    got = []
    try:
        for _ in range(3):
            a = ec2.allocate_address(Domain="vpc")
            assert a["Domain"] == "vpc" and a["AllocationId"].startswith("eipalloc-")
            got.append(a)
        ips = sorted(a["PublicIp"] for a in got)
        assert ips == ["198.51.100.200", "198.51.100.201", "198.51.100.202"]
        # The account's limit (3), then the pool's (4 addresses).
        assert code(ec2.allocate_address, Domain="vpc") == "AddressLimitExceeded"
        other = net.client(keys=net.admin("account", "create", "eip-other"))
        last = other.allocate_address(Domain="vpc", TagSpecifications=[
            {"ResourceType": "elastic-ip", "Tags": [{"Key": "k", "Value": "v"}]}])
        assert last["PublicIp"] == "198.51.100.203"
        assert code(other.allocate_address) == "InsufficientAddressCapacity"
        assert other.describe_addresses()["Addresses"][0]["Tags"] == [
            {"Key": "k", "Value": "v"}]
        assert code(other.release_address, AllocationId=got[0]["AllocationId"]) == \
            "InvalidAllocationID.NotFound"
        other.release_address(AllocationId=last["AllocationId"])

        mine = ec2.describe_addresses()["Addresses"]
        assert sorted(a["PublicIp"] for a in mine) == ips
        one = ec2.describe_addresses(PublicIps=[got[1]["PublicIp"]])["Addresses"]
        assert [a["AllocationId"] for a in one] == [got[1]["AllocationId"]]
        one = ec2.describe_addresses(Filters=[{"Name": "allocation-id",
                                               "Values": [got[2]["AllocationId"]]}])
        assert [a["PublicIp"] for a in one["Addresses"]] == [got[2]["PublicIp"]]
        assert code(ec2.describe_addresses, AllocationIds=["eipalloc-bad"]) == \
            "InvalidAllocationID.Malformed"
        assert code(ec2.describe_addresses, PublicIps=["203.0.113.9"]) == \
            "InvalidAddress.NotFound"
        assert code(ec2.associate_address, AllocationId=got[0]["AllocationId"],
                    InstanceId="i-00000000000000000") == "InvalidInstanceID.NotFound"
        assert code(ec2.associate_address, AllocationId=got[0]["AllocationId"],
                    NetworkInterfaceId="eni-00000000000000000") == \
            "InvalidNetworkInterfaceID.NotFound"
        assert code(ec2.associate_address, AllocationId=got[0]["AllocationId"]) == \
            "MissingParameter"
        assert code(ec2.disassociate_address, AssociationId="eipassoc-00000000000000000") \
            == "InvalidAssociationID.NotFound"
        assert code(ec2.allocate_address, Domain="classic") == "InvalidParameterValue"
        ec2.release_address(PublicIp=got[0]["PublicIp"])
        got.pop(0)
        assert code(ec2.release_address, PublicIp="198.51.100.200") == \
            "InvalidAddress.NotFound"
    finally:
        for a in got:
            ec2.release_address(AllocationId=a["AllocationId"])
    assert ec2.describe_addresses()["Addresses"] == []


def test_cli_and_no_interfaces_yet(net):
    r = run_aws(AWS2, net, "ec2", "create-vpc", "--cidr-block", "10.77.0.0/24")
    assert r.returncode == 0, r.stderr
    vpc = json.loads(r.stdout)["Vpc"]["VpcId"]
    r = run_aws(AWS2, net, "ec2", "delete-vpc", "--vpc-id", vpc)
    assert r.returncode == 0, r.stderr
    r = run_aws(AWS2, net, "ec2", "describe-network-interfaces")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["NetworkInterfaces"] == []
    r = run_aws(AWS2, net, "ec2", "describe-network-interfaces",
                "--network-interface-ids", "eni-00000000000000000")
    assert r.returncode != 0 and "InvalidNetworkInterfaceID.NotFound" in r.stderr
