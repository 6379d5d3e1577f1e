"""The describe actions answered from real data, through real clients."""
import email.utils
import json
import time

import botocore.exceptions
import pytest

from conftest import AWS2, REGION, aws_v1, run_aws, signed


def test_describe_instance_types_aws_v2(ctl):
    r = run_aws(AWS2, ctl, "ec2", "describe-instance-types")
    assert r.returncode == 0, r.stderr
    types = {t["InstanceType"]: t for t in json.loads(r.stdout)["InstanceTypes"]}
    for name in ("t3.nano", "t3.micro", "t3.2xlarge", "m5.large", "m5.2xlarge"):
        assert name in types
    assert types["t3.nano"]["VCpuInfo"]["DefaultVCpus"] == 2
    assert types["t3.nano"]["MemoryInfo"]["SizeInMiB"] == 512
    assert types["m5.2xlarge"]["MemoryInfo"]["SizeInMiB"] == 32768


def test_describe_instance_types_aws_v1(ctl):
    aws = aws_v1()
    if aws is None:
        pytest.skip("no aws CLI v1 on PATH")
    r = run_aws(aws, ctl, "ec2", "describe-instance-types",
                "--instance-types", "t3.micro", "m5.xlarge")
    assert r.returncode == 0, r.stderr
    got = sorted(t["InstanceType"] for t in json.loads(r.stdout)["InstanceTypes"])
    assert got == ["m5.xlarge", "t3.micro"]


def test_instance_type_filters_and_paging(ec2):
    r = ec2.describe_instance_types(Filters=[
        {"Name": "vcpu-info.default-vcpus", "Values": ["8"]},
        {"Name": "instance-type", "Values": ["m5.*", "c5.*"]}])
    got = sorted(t["InstanceType"] for t in r["InstanceTypes"])
    assert got == ["c5.2xlarge", "m5.2xlarge"]

    seen, token, pages = [], None, 0
    while True:
        kw = {"MaxResults": 5}
        if token:
            kw["NextToken"] = token
        r = ec2.describe_instance_types(**kw)
        pages += 1
        assert len(r["InstanceTypes"]) <= 5
        seen += [t["InstanceType"] for t in r["InstanceTypes"]]
        token = r.get("NextToken")
        if not token:
            break
    everything = ec2.describe_instance_types()["InstanceTypes"]
    assert sorted(seen) == sorted(t["InstanceType"] for t in everything)
    assert len(seen) == len(set(seen))
    assert pages == (len(seen) + 4) // 5

    pager = ec2.get_paginator("describe_instance_types")
    paged = [t["InstanceType"] for p in pager.paginate(PaginationConfig={"PageSize": 7})
             for t in p["InstanceTypes"]]
    assert sorted(paged) == sorted(seen)


def test_instance_type_errors(ctl, ec2):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.describe_instance_types(InstanceTypes=["t3.micro", "x9.huge"])
    assert e.value.response["Error"]["Code"] == "InvalidInstanceType"
    assert "x9.huge" in e.value.response["Error"]["Message"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.describe_instance_types(Filters=[{"Name": "no-such", "Values": ["1"]}])
    assert e.value.response["Error"]["Code"] == "InvalidParameterValue"
    # botocore checks the lower bound itself; send those raw.
    for bad in ("4", "101", "-1", "99999999999999999999"):
        r = signed(ctl, {"Action": "DescribeInstanceTypes",
                         "Version": "2016-11-15", "MaxResults": bad})
        assert (r.status, r.code()) == (400, "InvalidParameterValue"), bad
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.describe_instance_types(NextToken="forged")
    assert e.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_dry_run(ec2):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.describe_instance_types(DryRun=True)
    assert e.value.response["Error"]["Code"] == "DryRunOperation"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    # Invalid input is reported before DryRun is honoured.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.describe_instance_types(DryRun=True, InstanceTypes=["nope.x"])
    assert e.value.response["Error"]["Code"] == "InvalidInstanceType"


def test_regions_and_zones(ctl, ec2):
    regions = ec2.describe_regions()["Regions"]
    assert regions == [{"RegionName": REGION, "Endpoint": ctl.endpoint,
                        "OptInStatus": "opt-in-not-required"}]
    assert ec2.describe_regions(Filters=[{"Name": "region-name",
                                          "Values": ["other"]}])["Regions"] == []
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.describe_regions(RegionNames=["us-east-1"])
    assert e.value.response["Error"]["Code"] == "InvalidParameterValue"

    # No host has registered: the zone is there, but unavailable.
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert [z["ZoneName"] for z in zones] == [REGION + "a"]
    z = zones[0]
    assert z["State"] == "unavailable" and z["RegionName"] == REGION
    assert z["Messages"] == [{"Message": REGION + "a is unavailable: it has no hosts"}]
    assert z["ZoneId"] == REGION + "-az1"
    assert ec2.describe_availability_zones(
        ZoneIds=[REGION + "-az1"])["AvailabilityZones"][0]["ZoneName"] == REGION + "a"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.describe_availability_zones(ZoneNames=["mc-1z"])
    assert e.value.response["Error"]["Code"] == "InvalidParameterValue"

    r = run_aws(AWS2, ctl, "ec2", "describe-availability-zones", "--filters",
                "Name=state,Values=unavailable")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["AvailabilityZones"][0]["ZoneName"] == REGION + "a"


def test_account_attributes(ec2):
    attrs = {a["AttributeName"]: [v["AttributeValue"] for v in a["AttributeValues"]]
             for a in ec2.describe_account_attributes()["AccountAttributes"]}
    assert attrs["supported-platforms"] == ["VPC"]
    assert attrs["max-instances"] == ["20"]
    only = ec2.describe_account_attributes(AttributeNames=["max-elastic-ips"])
    assert [a["AttributeName"] for a in only["AccountAttributes"]] == ["max-elastic-ips"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.describe_account_attributes(AttributeNames=["bogus"])
    assert e.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_request_id_and_date(ec2):
    r = ec2.describe_regions()
    md = r["ResponseMetadata"]
    assert md["RequestId"]
    assert md["HTTPHeaders"]["x-amzn-requestid"] == md["RequestId"]
    # The JS SDK sets its clock from Date: it must be right.
    date = email.utils.parsedate_to_datetime(md["HTTPHeaders"]["date"])
    assert abs(date.timestamp() - time.time()) < 5
