"""Security groups through real clients: the default group of every VPC,
Create/Delete/DescribeSecurityGroups, Authorize/Revoke ingress and
egress (IpPermissions, the legacy flat parameters, the aws CLI's
--protocol/--port/--cidr), DescribeSecurityGroupRules,
ModifySecurityGroupRules, filters, tags, EC2's errors and limits.
The last part launches instances on a fake host (an agent played by the
test over the agents' API, no VM): groups of instances and interfaces,
what a host's desired state carries, and how soon it changes."""
import json
import threading
import time

import botocore.exceptions
import pytest

from conftest import AWS2, Fleet, aws_v1, run_aws, signed
from conftest import err_code as code, err_of as error

ALL_OUT = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]


def tcp(port, *cidrs, to=None):
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": to or port,
            "IpRanges": [{"CidrIp": c} for c in cidrs]}


def group(ec2, gid):
    return ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]


@pytest.fixture
def groups(ec2):
    """Names of groups (default VPC) a test makes; deleted at the end."""
    made = []
    yield made
    for gid in reversed(made):
        g = ec2.describe_security_groups(Filters=[{"Name": "group-id",
                                                   "Values": [gid]}])
        for sg in g["SecurityGroups"]:
            if sg["IpPermissions"]:
                ec2.revoke_security_group_ingress(
                    GroupId=gid, IpPermissions=sg["IpPermissions"])
    for gid in reversed(made):
        try:
            ec2.delete_security_group(GroupId=gid)
        except botocore.exceptions.ClientError:
            pass


def make(ec2, made, name, **kw):
    kw.setdefault("Description", name[:200] + " group")
    gid = ec2.create_security_group(GroupName=name, **kw)["GroupId"]
    made.append(gid)
    return gid


def test_default_groups(ec2):
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    sgs = ec2.describe_security_groups()["SecurityGroups"]
    assert len(sgs) == 1
    d = sgs[0]
    assert d["GroupName"] == "default" and d["VpcId"] == vpc
    assert d["Description"] == "default VPC security group"
    assert d["GroupId"].startswith("sg-") and len(d["GroupId"]) == 20
    assert d["IpPermissions"] == [{
        "IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [],
        "UserIdGroupPairs": [{"GroupId": d["GroupId"], "UserId": d["OwnerId"]}]}]
    assert d["IpPermissionsEgress"] == ALL_OUT
    # By name: the default VPC's.
    got = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"]
    assert [g["GroupId"] for g in got] == [d["GroupId"]]
    # A new VPC has its own, which goes with it.
    v2 = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    got = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [v2]}])
    (d2,) = got["SecurityGroups"]
    assert d2["GroupName"] == "default" and d2["GroupId"] != d["GroupId"]
    assert d2["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"] == d2["GroupId"]
    assert d2["IpPermissionsEgress"] == ALL_OUT
    assert code(ec2.delete_security_group, GroupId=d2["GroupId"]) == "CannotDelete"
    assert code(ec2.delete_security_group, GroupName="default") == "CannotDelete"
    ec2.delete_vpc(VpcId=v2)
    assert code(ec2.describe_security_groups, GroupIds=[d2["GroupId"]]) == \
        "InvalidGroup.NotFound"


def test_create_describe_delete(ec2, groups):
    gid = make(ec2, groups, "web", TagSpecifications=[
        {"ResourceType": "security-group", "Tags": [{"Key": "tier", "Value": "front"}]}])
    g = group(ec2, gid)
    assert g["GroupName"] == "web" and g["Description"] == "web group"
    assert g["IpPermissions"] == [] and g["IpPermissionsEgress"] == ALL_OUT
    assert g["Tags"] == [{"Key": "tier", "Value": "front"}]
    ec2.get_waiter("security_group_exists").wait(GroupIds=[gid])
    assert code(ec2.create_security_group, GroupName="web",
                Description="x") == "InvalidGroup.Duplicate"
    assert code(ec2.create_security_group, GroupName="WEB",
                Description="x") == "InvalidGroup.Duplicate"
    for name in ("default", "Default"):
        assert code(ec2.create_security_group, GroupName=name,
                    Description="x") == "InvalidGroup.Reserved"
    for name, desc in (("sg-abc", "x"), ("caf\u00e9", "x"), ("x" * 256, "x"),
                       ("ok", "bad\ttab"), ("ok", "y" * 256), ("", "x")):
        assert code(ec2.create_security_group, GroupName=name,
                    Description=desc) == "InvalidParameterValue", name
    assert code(ec2.create_security_group, GroupName="x", Description="x",
                VpcId="vpc-00000000000000000") == "InvalidVpcID.NotFound"
    # Every character EC2 allows, and the longest name.
    odd = make(ec2, groups, "a-z A-Z 0-9 ._-:/()#,@[]+=&;{}!$*")
    assert group(ec2, odd)["GroupName"] == "a-z A-Z 0-9 ._-:/()#,@[]+=&;{}!$*"
    make(ec2, groups, "n" * 255)
    # Describe: by name, by filters; unknown names and ids.
    got = ec2.describe_security_groups(GroupNames=["web"])["SecurityGroups"]
    assert [x["GroupId"] for x in got] == [gid]
    for f, v in (("group-name", "we*"), ("description", "web group"),
                 ("tag:tier", "front"), ("tag-key", "tier"),
                 ("owner-id", g["OwnerId"])):
        got = ec2.describe_security_groups(Filters=[{"Name": f, "Values": [v]},
                                                    {"Name": "group-id", "Values": [gid]}])
        assert [x["GroupId"] for x in got["SecurityGroups"]] == [gid], f
    assert code(ec2.describe_security_groups,
                GroupIds=["sg-0000000000000dead"]) == "InvalidGroup.NotFound"
    assert code(ec2.describe_security_groups, GroupIds=["sg-xyz"]) == \
        "InvalidGroupId.Malformed"
    assert code(ec2.describe_security_groups, GroupNames=["nope"]) == \
        "InvalidGroup.NotFound"
    assert code(ec2.describe_security_groups, Filters=[
        {"Name": "no-such-filter", "Values": ["x"]}]) == "InvalidParameterValue"
    # Delete by name, then it is gone.
    ec2.delete_security_group(GroupName="web")
    assert code(ec2.delete_security_group, GroupId=gid) == "InvalidGroup.NotFound"
    assert code(ec2.delete_security_group, GroupName="web") == "InvalidGroup.NotFound"
    assert code(ec2.describe_security_groups, GroupIds=[gid]) == "InvalidGroup.NotFound"
    assert code(ec2.delete_security_group) == "MissingParameter"
    assert code(ec2.create_security_group, GroupName="x", Description="x",
                DryRun=True) == "DryRunOperation"


def test_same_name_in_another_vpc(ec2, groups):
    make(ec2, groups, "app")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    try:
        other = ec2.create_security_group(GroupName="app", Description="x",
                                          VpcId=vpc)["GroupId"]
        # DeleteVpc refuses while the VPC holds a group besides its default.
        assert code(ec2.delete_vpc, VpcId=vpc) == "DependencyViolation"
        ec2.delete_security_group(GroupId=other)
    finally:
        ec2.delete_vpc(VpcId=vpc)


def test_authorize_revoke(ec2, groups):
    gid = make(ec2, groups, "rules")
    peer = make(ec2, groups, "peer")
    r = ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8080, "IpRanges": [
            {"CidrIp": "10.0.0.0/8", "Description": "lan"},
            {"CidrIp": "192.168.1.77/24"}]},
        {"IpProtocol": "UDP", "FromPort": 53, "ToPort": 53,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "icmp", "FromPort": 8, "ToPort": 0,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "50", "IpRanges": [{"CidrIp": "203.0.113.0/24"}]},
        {"IpProtocol": "-1", "UserIdGroupPairs": [
            {"GroupId": peer, "Description": "from peers"}]},
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
         "UserIdGroupPairs": [{"GroupName": "peer"}]}])
    assert r["Return"] is True
    rules = r["SecurityGroupRules"]
    assert len(rules) == 7
    assert all(x["GroupId"] == gid and not x["IsEgress"] for x in rules)
    assert all(x["SecurityGroupRuleId"].startswith("sgr-") for x in rules)
    assert rules[1]["CidrIpv4"] == "192.168.1.0/24"     # host bits cleared
    assert rules[2]["IpProtocol"] == "udp"
    assert rules[5]["ReferencedGroupInfo"]["GroupId"] == peer
    assert rules[5]["Description"] == "from peers"
    perms = group(ec2, gid)["IpPermissions"]
    by_proto = {(p["IpProtocol"], p.get("FromPort")): p for p in perms}
    assert len(perms) == 6
    web = by_proto[("tcp", 8000)]
    assert web["ToPort"] == 8080
    assert web["IpRanges"] == [{"CidrIp": "10.0.0.0/8", "Description": "lan"},
                               {"CidrIp": "192.168.1.0/24"}]
    assert by_proto[("icmp", 8)]["ToPort"] == 0
    assert "FromPort" not in by_proto[("50", None)]
    everything = by_proto[("-1", None)]
    assert everything["UserIdGroupPairs"][0]["GroupId"] == peer
    assert everything["IpRanges"] == []
    assert by_proto[("tcp", 5432)]["UserIdGroupPairs"][0]["GroupId"] == peer
    # Egress: a rule, then the default one revoked.
    r = ec2.authorize_security_group_egress(GroupId=gid, IpPermissions=[
        tcp(443, "0.0.0.0/0")])
    assert r["SecurityGroupRules"][0]["IsEgress"] is True
    ec2.revoke_security_group_egress(GroupId=gid, IpPermissions=ALL_OUT)
    assert group(ec2, gid)["IpPermissionsEgress"] == [{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "Ipv6Ranges": [],
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "PrefixListIds": [],
        "UserIdGroupPairs": []}]
    assert code(ec2.revoke_security_group_egress, GroupId=gid,
                IpPermissions=ALL_OUT) == "InvalidPermission.NotFound"
    # Revoke by value (protocol by number) and by rule id.
    ec2.revoke_security_group_ingress(GroupId=gid, IpPermissions=[
        {"IpProtocol": "17", "FromPort": 53, "ToPort": 53,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.revoke_security_group_ingress(
        GroupId=gid, SecurityGroupRuleIds=[rules[0]["SecurityGroupRuleId"]])
    assert code(ec2.revoke_security_group_ingress, GroupId=gid,
                SecurityGroupRuleIds=[rules[0]["SecurityGroupRuleId"]]) == \
        "InvalidSecurityGroupRuleId.NotFound"
    # An ingress rule's id is not an egress rule.
    assert code(ec2.revoke_security_group_egress, GroupId=gid,
                SecurityGroupRuleIds=[rules[1]["SecurityGroupRuleId"]]) == \
        "InvalidSecurityGroupRuleId.NotFound"
    assert code(ec2.revoke_security_group_ingress, GroupId=gid,
                SecurityGroupRuleIds=["sgr-bad"]) == \
        "InvalidSecurityGroupRuleId.Malformed"
    web = [p for p in group(ec2, gid)["IpPermissions"] if p.get("FromPort") == 8000]
    assert web[0]["IpRanges"] == [{"CidrIp": "192.168.1.0/24"}]
    # The group by name (ingress only: egress needs GroupId).
    ec2.authorize_security_group_ingress(GroupName="rules",
                                         IpPermissions=[tcp(22, "0.0.0.0/0")])
    ec2.revoke_security_group_ingress(GroupName="rules",
                                      IpPermissions=[tcp(22, "0.0.0.0/0")])
    assert code(ec2.authorize_security_group_ingress, GroupId=gid) == \
        "MissingParameter"


def test_legacy_parameters_and_cli(ctl, ec2, groups):
    gid = make(ec2, groups, "legacy")
    make(ec2, groups, "src")
    ec2.authorize_security_group_ingress(GroupId=gid, IpProtocol="tcp",
                                         FromPort=22, ToPort=22, CidrIp="0.0.0.0/0")
    ec2.authorize_security_group_ingress(GroupId=gid, SourceSecurityGroupName="src")
    perms = group(ec2, gid)["IpPermissions"]
    assert {p["IpProtocol"] for p in perms} == {"tcp", "-1"}
    assert code(ec2.authorize_security_group_ingress, GroupId=gid,
                IpProtocol="tcp", FromPort=22, ToPort=22,
                CidrIp="0.0.0.0/0") == "InvalidPermission.Duplicate"
    ec2.revoke_security_group_ingress(GroupId=gid, IpProtocol="tcp", FromPort=22,
                                      ToPort=22, CidrIp="0.0.0.0/0")
    ec2.revoke_security_group_ingress(GroupId=gid, SourceSecurityGroupName="src")
    assert group(ec2, gid)["IpPermissions"] == []
    clis = [AWS2] + ([aws_v1()] if aws_v1() else [])
    for i, aws in enumerate(clis):
        port = str(2200 + i)
        r = run_aws(aws, ctl, "ec2", "authorize-security-group-ingress",
                    "--group-id", gid, "--protocol", "tcp", "--port", port,
                    "--cidr", "0.0.0.0/0")
        assert r.returncode == 0, r.stderr
        r = run_aws(aws, ctl, "ec2", "authorize-security-group-ingress",
                    "--group-name", "legacy", "--protocol", "all",
                    "--source-group", "src")
        assert r.returncode == 0, r.stderr
        r = run_aws(aws, ctl, "ec2", "authorize-security-group-ingress",
                    "--group-id", gid, "--protocol", "tcp", "--port", port,
                    "--cidr", "0.0.0.0/0")
        assert r.returncode != 0 and "InvalidPermission.Duplicate" in r.stderr
        r = run_aws(aws, ctl, "ec2", "describe-security-groups", "--group-ids", gid)
        assert r.returncode == 0, r.stderr
        perms = json.loads(r.stdout)["SecurityGroups"][0]["IpPermissions"]
        assert {"tcp", "-1"} == {p["IpProtocol"] for p in perms}
        for args in (["--protocol", "tcp", "--port", port, "--cidr", "0.0.0.0/0"],
                     ["--protocol", "all", "--source-group", "src"]):
            r = run_aws(aws, ctl, "ec2", "revoke-security-group-ingress",
                        "--group-id", gid, *args)
            assert r.returncode == 0, r.stderr
        assert group(ec2, gid)["IpPermissions"] == []
    r = run_aws(AWS2, ctl, "ec2", "authorize-security-group-ingress", "--group-id",
                gid, "--protocol", "tcp", "--port", "30-20", "--cidr", "0.0.0.0/0")
    assert r.returncode != 0 and "InvalidParameterValue" in r.stderr


def test_duplicates_are_refused_whole(ec2, groups):
    gid = make(ec2, groups, "dups")
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[
        tcp(80, "0.0.0.0/0")])
    err = error(ec2.authorize_security_group_ingress, GroupId=gid,
                IpPermissions=[tcp(81, "0.0.0.0/0"), tcp(80, "0.0.0.0/0")])
    assert err["Code"] == "InvalidPermission.Duplicate"
    assert "peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW" in err["Message"]
    # The same rule twice in one request, as EC2 answers it.
    assert code(ec2.authorize_security_group_ingress, GroupId=gid,
                IpPermissions=[tcp(82, "10.0.0.0/8", "10.1.2.3/8")]) == \
        "InvalidParameterValue"
    # Nothing of a refused request was kept.
    assert [p["FromPort"] for p in group(ec2, gid)["IpPermissions"]] == [80]
    assert code(ec2.revoke_security_group_ingress, GroupId=gid,
                IpPermissions=[tcp(80, "0.0.0.0/0"), tcp(81, "0.0.0.0/0")]) == \
        "InvalidPermission.NotFound"
    assert [p["FromPort"] for p in group(ec2, gid)["IpPermissions"]] == [80]


def test_bad_rules(ec2, groups):
    gid = make(ec2, groups, "bad")
    vpc = ec2.create_vpc(CidrBlock="10.6.0.0/16")["Vpc"]["VpcId"]
    try:
        far = ec2.create_security_group(GroupName="far", Description="x",
                                        VpcId=vpc)["GroupId"]
        cases = [
            (tcp(90, "0.0.0.0/0", to=80), "InvalidParameterValue"),
            (tcp(0, "0.0.0.0/0", to=65536), "InvalidParameterValue"),
            ({"IpProtocol": "tcp", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
             "InvalidParameterValue"),
            ({"IpProtocol": "xyz", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
             "InvalidParameterValue"),
            ({"IpProtocol": "256", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
             "InvalidParameterValue"),
            ({"IpProtocol": "icmp", "FromPort": 3, "ToPort": 256,
              "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}, "InvalidParameterValue"),
            (tcp(22, "10.0.0.0/33"), "InvalidParameterValue"),
            (tcp(22, "10.0.0.1"), "InvalidParameterValue"),
            (tcp(22, "banana"), "InvalidParameterValue"),
            ({"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
             "InvalidParameterValue"),
            ({"IpProtocol": "-1"}, "MissingParameter"),
            ({"IpProtocol": "-1", "UserIdGroupPairs": [
                {"GroupId": "sg-0000000000000dead"}]}, "InvalidGroup.NotFound"),
            ({"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-x"}]},
             "InvalidGroupId.Malformed"),
            ({"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupName": "nope"}]},
             "InvalidGroup.NotFound"),
            ({"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": far}]},
             "InvalidGroup.NotFound"),
            ({"IpProtocol": "-1", "UserIdGroupPairs": [
                {"GroupId": gid, "UserId": "000000000000"}]}, "InvalidGroup.NotFound"),
            (dict(tcp(22, "0.0.0.0/0"), IpRanges=[
                {"CidrIp": "0.0.0.0/0", "Description": "caf\u00e9"}]),
             "InvalidParameterValue"),
        ]
        for perm, want in cases:
            err = error(ec2.authorize_security_group_ingress, GroupId=gid,
                        IpPermissions=[perm])
            assert err["Code"] == want, (perm, err)
            assert err["Message"], perm
        err = error(ec2.authorize_security_group_ingress, GroupId=gid,
                    IpPermissions=[{"IpProtocol": "xyz", "IpRanges": [
                        {"CidrIp": "0.0.0.0/0"}]}])
        assert err["Message"] == "Invalid value 'xyz' for IP protocol. Unknown protocol."
        err = error(ec2.authorize_security_group_ingress, GroupId=gid,
                    IpPermissions=[tcp(22, "10.0.0.0/33")])
        assert err["Message"] == "CIDR block 10.0.0.0/33 is malformed"
        for gid_bad, want in (("sg-0000000000000dead", "InvalidGroup.NotFound"),
                              ("sg-nope", "InvalidGroupId.Malformed")):
            assert code(ec2.authorize_security_group_ingress, GroupId=gid_bad,
                        IpPermissions=[tcp(22, "0.0.0.0/0")]) == want
        assert code(ec2.authorize_security_group_egress, GroupId=gid,
                    IpPermissions=[tcp(22, "0.0.0.0/0")],
                    DryRun=True) == "DryRunOperation"
        ec2.delete_security_group(GroupId=far)
    finally:
        ec2.delete_vpc(VpcId=vpc)
    assert group(ec2, gid)["IpPermissions"] == []


def test_rule_limit(ec2, groups):
    gid = make(ec2, groups, "limits")
    many = [{"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1,
             "IpRanges": [{"CidrIp": "10.%d.0.0/16" % i} for i in range(61)]}]
    assert code(ec2.authorize_security_group_ingress, GroupId=gid,
                IpPermissions=many) == "RulesPerSecurityGroupLimitExceeded"
    assert group(ec2, gid)["IpPermissions"] == []
    many[0]["IpRanges"] = many[0]["IpRanges"][:60]
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=many)
    assert code(ec2.authorize_security_group_ingress, GroupId=gid,
                IpPermissions=[tcp(2, "0.0.0.0/0")]) == \
        "RulesPerSecurityGroupLimitExceeded"
    # Egress counts on its own: one there already, 59 more fit.
    out = [{"IpProtocol": "udp", "FromPort": 9, "ToPort": 9,
            "IpRanges": [{"CidrIp": "10.%d.0.0/16" % i} for i in range(59)]}]
    ec2.authorize_security_group_egress(GroupId=gid, IpPermissions=out)
    g = group(ec2, gid)
    assert len(g["IpPermissions"][0]["IpRanges"]) == 60
    # Filters see every one of the 60 values.
    got = ec2.describe_security_groups(Filters=[
        {"Name": "ip-permission.cidr", "Values": ["10.59.0.0/16"]},
        {"Name": "egress.ip-permission.cidr", "Values": ["10.58.0.0/16"]}])
    assert [x["GroupId"] for x in got["SecurityGroups"]] == [gid]


def test_rules_api(ctl, ec2, groups):
    gid = make(ec2, groups, "api")
    other = make(ec2, groups, "api2")
    r = ec2.authorize_security_group_ingress(
        GroupId=gid, IpPermissions=[tcp(p, "10.0.0.0/8") for p in (1, 2, 3, 4, 5, 6)],
        TagSpecifications=[{"ResourceType": "security-group-rule",
                            "Tags": [{"Key": "k", "Value": "v"}]}])
    ids = [x["SecurityGroupRuleId"] for x in r["SecurityGroupRules"]]
    assert r["SecurityGroupRules"][0]["Tags"] == [{"Key": "k", "Value": "v"}]
    got = ec2.describe_security_group_rules(SecurityGroupRuleIds=[ids[0]])
    (rule,) = got["SecurityGroupRules"]
    assert rule["GroupId"] == gid and rule["IpProtocol"] == "tcp"
    assert rule["FromPort"] == 1 and rule["CidrIpv4"] == "10.0.0.0/8"
    assert rule["GroupOwnerId"] == group(ec2, gid)["OwnerId"]
    mine = ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [gid]}])["SecurityGroupRules"]
    assert len(mine) == 7           # and the egress rule
    egress = [x for x in mine if x["IsEgress"]]
    assert egress[0]["IpProtocol"] == "-1" and egress[0]["FromPort"] == -1
    # Paging: 5 at a time, every rule once.
    seen, token = [], None
    while True:
        kw = {"NextToken": token} if token else {}
        page = ec2.describe_security_group_rules(
            MaxResults=5, Filters=[{"Name": "group-id", "Values": [gid]}], **kw)
        seen += [x["SecurityGroupRuleId"] for x in page["SecurityGroupRules"]]
        token = page.get("NextToken")
        if not token:
            break
    assert sorted(seen) == sorted(x["SecurityGroupRuleId"] for x in mine)
    # Tags on rules: CreateTags, the tag filter, DescribeTags.
    ec2.create_tags(Resources=[ids[1]], Tags=[{"Key": "only", "Value": "me"}])
    got = ec2.describe_security_group_rules(Filters=[{"Name": "tag:only",
                                                      "Values": ["me"]}])
    assert [x["SecurityGroupRuleId"] for x in got["SecurityGroupRules"]] == [ids[1]]
    t = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [ids[1]]}])
    assert {x["ResourceType"] for x in t["Tags"]} == {"security-group-rule"}
    assert code(ec2.describe_security_group_rules,
                SecurityGroupRuleIds=["sgr-0000000000000dead"]) == \
        "InvalidSecurityGroupRuleId.NotFound"
    assert code(ec2.describe_security_group_rules,
                SecurityGroupRuleIds=["sgr-?"]) == "InvalidSecurityGroupRuleId.Malformed"
    # Modify in place: same id, new rule.
    ec2.modify_security_group_rules(GroupId=gid, SecurityGroupRules=[{
        "SecurityGroupRuleId": ids[0], "SecurityGroupRule": {
            "IpProtocol": "udp", "FromPort": 500, "ToPort": 501,
            "CidrIpv4": "172.16.0.0/12", "Description": "ipsec"}}])
    (rule,) = ec2.describe_security_group_rules(
        SecurityGroupRuleIds=[ids[0]])["SecurityGroupRules"]
    assert (rule["IpProtocol"], rule["FromPort"], rule["ToPort"]) == ("udp", 500, 501)
    assert rule["CidrIpv4"] == "172.16.0.0/12" and rule["Description"] == "ipsec"
    ec2.modify_security_group_rules(GroupId=gid, SecurityGroupRules=[{
        "SecurityGroupRuleId": ids[5], "SecurityGroupRule": {
            "IpProtocol": "-1", "ReferencedGroupId": other}}])
    (rule,) = ec2.describe_security_group_rules(
        SecurityGroupRuleIds=[ids[5]])["SecurityGroupRules"]
    assert rule["ReferencedGroupInfo"]["GroupId"] == other
    for change, want in (
            ({"SecurityGroupRuleId": ids[1], "SecurityGroupRule": {
                "IpProtocol": "tcp", "FromPort": 3, "ToPort": 3,
                "CidrIpv4": "10.0.0.0/8"}}, "InvalidPermission.Duplicate"),
            ({"SecurityGroupRuleId": "sgr-0000000000000dead", "SecurityGroupRule": {
                "IpProtocol": "-1", "CidrIpv4": "10.0.0.0/8"}},
             "InvalidSecurityGroupRuleId.NotFound"),
            ({"SecurityGroupRuleId": ids[1], "SecurityGroupRule": {
                "IpProtocol": "tcp", "FromPort": 9, "ToPort": 8,
                "CidrIpv4": "10.0.0.0/8"}}, "InvalidParameterValue")):
        assert code(ec2.modify_security_group_rules, GroupId=gid,
                    SecurityGroupRules=[change]) == want
    # A rule of another group is not found through this one.
    assert code(ec2.modify_security_group_rules, GroupId=other, SecurityGroupRules=[{
        "SecurityGroupRuleId": ids[1], "SecurityGroupRule": {
            "IpProtocol": "-1", "CidrIpv4": "10.0.0.0/8"}}]) == \
        "InvalidSecurityGroupRuleId.NotFound"
    ec2.revoke_security_group_ingress(GroupId=gid, SecurityGroupRuleIds=[ids[5]])


def test_permission_filters_and_paging(ec2, groups):
    a = make(ec2, groups, "fa")
    b = make(ec2, groups, "fb")
    ec2.authorize_security_group_ingress(GroupId=a, IpPermissions=[
        tcp(22, "198.51.100.0/24"),
        {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1,
         "UserIdGroupPairs": [{"GroupId": b}]}])
    ec2.authorize_security_group_ingress(GroupId=b, IpPermissions=[
        {"IpProtocol": "udp", "FromPort": 1000, "ToPort": 2000,
         "IpRanges": [{"CidrIp": "198.51.100.0/24"}]}])
    ec2.authorize_security_group_egress(GroupId=b, IpPermissions=[
        tcp(5432, "10.9.9.0/24")])

    def ids(*filters):
        got = ec2.describe_security_groups(Filters=[
            {"Name": n, "Values": [v]} for n, v in filters])["SecurityGroups"]
        return sorted(g["GroupId"] for g in got)

    assert ids(("ip-permission.cidr", "198.51.100.0/24")) == sorted([a, b])
    assert ids(("ip-permission.protocol", "tcp")) == [a]
    assert ids(("ip-permission.protocol", "icmp")) == [a]
    assert ids(("ip-permission.from-port", "1000")) == [b]
    assert ids(("ip-permission.to-port", "2000")) == [b]
    assert ids(("ip-permission.group-id", b)) == [a]
    assert ids(("ip-permission.group-name", "fb")) == [a]
    assert ids(("egress.ip-permission.cidr", "10.9.9.0/24")) == [b]
    assert ids(("egress.ip-permission.to-port", "5432")) == [b]
    assert ids(("ip-permission.cidr", "10.9.9.0/24")) == []
    # Referenced by a's rule, b cannot go; once revoked, it can.
    assert code(ec2.delete_security_group, GroupId=b) == "DependencyViolation"
    ec2.revoke_security_group_ingress(GroupId=a, IpPermissions=[
        {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1,
         "UserIdGroupPairs": [{"GroupId": b}]}])
    # Paging over every group.
    for i in range(5):
        make(ec2, groups, "page%d" % i)
    every = ec2.describe_security_groups()["SecurityGroups"]
    seen, token = [], None
    while True:
        kw = {"NextToken": token} if token else {}
        page = ec2.describe_security_groups(MaxResults=5, **kw)
        assert len(page["SecurityGroups"]) <= 5
        seen += [g["GroupId"] for g in page["SecurityGroups"]]
        token = page.get("NextToken")
        if not token:
            break
    assert sorted(seen) == sorted(g["GroupId"] for g in every)
    assert code(ec2.describe_security_groups, MaxResults=5, GroupIds=[a]) == \
        "InvalidParameterCombination"


def test_tags(ec2, groups):
    gid = make(ec2, groups, "tagged")
    ec2.create_tags(Resources=[gid], Tags=[{"Key": "Name", "Value": "web"}])
    t = ec2.describe_tags(Filters=[{"Name": "resource-type",
                                    "Values": ["security-group"]}])["Tags"]
    assert [(x["ResourceId"], x["Key"], x["Value"]) for x in t] == [(gid, "Name", "web")]
    assert group(ec2, gid)["Tags"] == [{"Key": "Name", "Value": "web"}]
    ec2.delete_tags(Resources=[gid], Tags=[{"Key": "Name"}])
    assert group(ec2, gid)["Tags"] == []
    assert code(ec2.create_tags, Resources=["sg-0000000000000dead"],
                Tags=[{"Key": "a", "Value": "b"}]) == "InvalidGroup.NotFound"


def test_accounts_apart(ctl, ec2, groups):
    gid = make(ec2, groups, "mine")
    other = ctl.client(ctl.admin("account", "create", "sg-other"))
    assert [g["GroupName"] for g in other.describe_security_groups()["SecurityGroups"]] \
        == ["default"]
    assert code(other.describe_security_groups, GroupIds=[gid]) == \
        "InvalidGroup.NotFound"
    assert code(other.delete_security_group, GroupId=gid) == "InvalidGroup.NotFound"
    assert code(other.authorize_security_group_ingress, GroupId=gid,
                IpPermissions=[tcp(22, "0.0.0.0/0")]) == "InvalidGroup.NotFound"


# Instances on a fake host: the test registers a host and answers for
# its agent over the agents' API; nothing boots.

@pytest.fixture(scope="module")
def fleet():
    c = Fleet()
    try:
        c.start()
        c.setup()
        yield c
    finally:
        c.cleanup()


def launch(fleet, **kw):
    ec2 = fleet.client()
    r = ec2.run_instances(ImageId=fleet.image, MinCount=1, MaxCount=1, **kw)
    return r["Instances"][0]


def finish(fleet, iids):
    """Terminate iids and play the agent that removed them."""
    ec2 = fleet.client()
    ec2.terminate_instances(InstanceIds=iids)
    fleet.report({i: "none" for i in iids})
    for i in iids:
        r = ec2.describe_instances(InstanceIds=[i])
        assert r["Reservations"][0]["Instances"][0]["State"]["Name"] == "terminated"


def test_instance_groups(fleet):
    ec2 = fleet.client()
    default = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]
    web = ec2.create_security_group(GroupName="web", Description="w")["GroupId"]
    db = ec2.create_security_group(GroupName="db", Description="d")["GroupId"]
    a = launch(fleet)
    assert [g["GroupId"] for g in a["SecurityGroups"]] == [default["GroupId"]]
    b = launch(fleet, SecurityGroupIds=[db, web])
    assert [(g["GroupId"], g["GroupName"]) for g in b["SecurityGroups"]] == \
        [(db, "db"), (web, "web")]
    assert [g["GroupId"] for g in b["NetworkInterfaces"][0]["Groups"]] == [db, web]
    c = launch(fleet, SecurityGroups=["web"])
    assert [g["GroupName"] for g in c["SecurityGroups"]] == ["web"]
    d = launch(fleet, NetworkInterfaces=[{"DeviceIndex": 0, "Groups": [db]}])
    assert [g["GroupId"] for g in d["SecurityGroups"]] == [db]
    iids = [x["InstanceId"] for x in (a, b, c, d)]
    try:
        for f, v, want in (("instance.group-id", web, [b, c]),
                           ("group-id", db, [b, d]),
                           ("instance.group-name", "web", [b, c]),
                           ("group-name", "default", [a]),
                           ("network-interface.group-id", db, [b, d])):
            got = ec2.describe_instances(Filters=[{"Name": f, "Values": [v]}])
            found = sorted(i["InstanceId"] for r in got["Reservations"]
                           for i in r["Instances"])
            assert found == sorted(x["InstanceId"] for x in want), f
        enis = ec2.describe_network_interfaces(Filters=[
            {"Name": "group-id", "Values": [db]}])["NetworkInterfaces"]
        assert sorted(e["Attachment"]["InstanceId"] for e in enis) == \
            sorted([b["InstanceId"], d["InstanceId"]])
        assert [g["GroupName"] for g in enis[0]["Groups"]] in (["db", "web"], ["db"])
        # In use: neither group can go.
        for gid in (web, db):
            assert code(ec2.delete_security_group, GroupId=gid) == "DependencyViolation"
    finally:
        finish(fleet, iids)
    # Terminated instances hold no group.
    ec2.delete_security_group(GroupId=web)
    ec2.delete_security_group(GroupId=db)


def test_launch_refusals_leave_nothing(fleet):
    ec2 = fleet.client()
    before = (len(ec2.describe_instances()["Reservations"]),
              len(ec2.describe_network_interfaces()["NetworkInterfaces"]))
    six = [ec2.create_security_group(GroupName="six%d" % i,
                                     Description="x")["GroupId"] for i in range(6)]
    vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    sub = ec2.create_subnet(VpcId=vpc, CidrBlock="10.5.1.0/24")["Subnet"]["SubnetId"]
    try:
        kw = {"ImageId": fleet.image, "MinCount": 1, "MaxCount": 1}
        for extra, want in (
                ({"SecurityGroupIds": six}, "SecurityGroupsPerInstanceLimitExceeded"),
                ({"SecurityGroupIds": ["sg-0000000000000dead"]}, "InvalidGroup.NotFound"),
                ({"SecurityGroupIds": ["sg-bad"]}, "InvalidGroupId.Malformed"),
                ({"SecurityGroups": ["nope"]}, "InvalidGroup.NotFound"),
                ({"SecurityGroupIds": [six[0]], "SubnetId": sub}, "InvalidParameter"),
                ({"SecurityGroups": ["six0"], "SubnetId": sub},
                 "InvalidParameterCombination"),
                ({"SecurityGroupIds": [six[0]], "NetworkInterfaces": [
                    {"DeviceIndex": 0, "SubnetId": sub}]},
                 "InvalidParameterCombination")):
            assert code(ec2.run_instances, **kw, **extra) == want, extra
        after = (len(ec2.describe_instances()["Reservations"]),
                 len(ec2.describe_network_interfaces()["NetworkInterfaces"]))
        assert after == before
        # The other VPC's own groups are fine there.
        mine = ec2.create_security_group(GroupName="here", Description="x",
                                         VpcId=vpc)["GroupId"]
        i = launch(fleet, SubnetId=sub, SecurityGroupIds=[mine])
        assert [g["GroupId"] for g in i["SecurityGroups"]] == [mine]
        finish(fleet, [i["InstanceId"]])
        ec2.delete_security_group(GroupId=mine)
    finally:
        ec2.delete_subnet(SubnetId=sub)
        ec2.delete_vpc(VpcId=vpc)
        for gid in six:
            ec2.delete_security_group(GroupId=gid)


def test_desired_state_and_wakeup(fleet):
    ec2 = fleet.client()
    app = ec2.create_security_group(GroupName="app", Description="a")["GroupId"]
    lb = ec2.create_security_group(GroupName="lb", Description="l")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=app, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
         "UserIdGroupPairs": [{"GroupId": lb}]}])
    x = launch(fleet, SecurityGroupIds=[app])
    y = launch(fleet, SecurityGroupIds=[lb, app])
    try:
        d = fleet.desired()
        nics = {i["id"]: i["nic"]["groups"] for i in d["instances"]}
        assert nics[x["InstanceId"]] == [app]
        assert nics[y["InstanceId"]] == [lb, app]
        groups = {g["id"]: g for g in d["groups"]}
        assert set(groups) == {app, lb}
        assert groups[app]["name"] == "app"
        assert sorted(m["ip"] for m in groups[app]["members"]) == \
            sorted([x["PrivateIpAddress"], y["PrivateIpAddress"]])
        assert [m["ip"] for m in groups[lb]["members"]] == [y["PrivateIpAddress"]]
        ingress = [r for r in groups[app]["rules"] if not r["egress"]]
        assert ingress == [{"id": ingress[0]["id"], "egress": False, "proto": 6,
                            "from": 8080, "to": 8080, "cidr": "", "group": lb}]
        # A new rule reaches a waiting agent at once.
        got = {}

        def poll():
            got["d"] = fleet.desired(after=d["generation"], wait=20)
            got["t"] = time.time()

        t = threading.Thread(target=poll)
        t.start()
        time.sleep(0.5)
        start = time.time()
        ec2.authorize_security_group_ingress(GroupId=app, IpPermissions=[
            tcp(22, "192.0.2.0/24")])
        t.join(30)
        assert got["t"] - start < 1.5
        rules = {g["id"]: g for g in got["d"]["groups"]}[app]["rules"]
        assert any(r.get("cidr") == "192.0.2.0/24" and r["from"] == 22 for r in rules)
        # Groups change on a running instance; pending ones cannot.
        assert code(ec2.modify_instance_attribute, InstanceId=x["InstanceId"],
                    Groups=[lb]) == "IncorrectInstanceState"
        fleet.report({x["InstanceId"]: "running", y["InstanceId"]: "running"})
        gen = fleet.desired()["generation"]
        ec2.modify_instance_attribute(InstanceId=x["InstanceId"], Groups=[lb, app])
        a = ec2.describe_instance_attribute(InstanceId=x["InstanceId"],
                                            Attribute="groupSet")
        assert [g["GroupId"] for g in a["Groups"]] == [lb, app]
        d = fleet.desired(after=gen, wait=5)
        assert d["generation"] > gen
        groups = {g["id"]: g for g in d["groups"]}
        assert sorted(m["ip"] for m in groups[lb]["members"]) == \
            sorted([x["PrivateIpAddress"], y["PrivateIpAddress"]])
        assert code(ec2.modify_instance_attribute, InstanceId=x["InstanceId"],
                    Groups=["sg-0000000000000dead"]) == "InvalidGroup.NotFound"
        eni = y["NetworkInterfaces"][0]["NetworkInterfaceId"]
        ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, Groups=[app])
        got = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])
        assert [g["GroupId"] for g in got["NetworkInterfaces"][0]["Groups"]] == [app]
        r = ec2.describe_instances(InstanceIds=[y["InstanceId"]])
        assert [g["GroupId"] for g in
                r["Reservations"][0]["Instances"][0]["SecurityGroups"]] == [app]
    finally:
        finish(fleet, [x["InstanceId"], y["InstanceId"]])
    # Terminated, they are no one's members: the groups leave the host.
    d = fleet.desired()
    assert not d.get("groups")
    ec2.revoke_security_group_ingress(GroupId=app, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
         "UserIdGroupPairs": [{"GroupId": lb}]}])
    ec2.delete_security_group(GroupId=lb)
    ec2.delete_security_group(GroupId=app)


def test_launch_without_client_token(fleet):
    """Raw requests may leave ClientToken out (SDKs always send one)."""
    r = signed(fleet, {"Action": "RunInstances", "Version": "2016-11-15",
                       "ImageId": fleet.image, "MinCount": "1",
                       "MaxCount": "1"})
    assert r.status == 200, r.text
    iid = r.text.split("<instanceId>", 1)[1].split("<", 1)[0]
    finish(fleet, [iid])


def test_controller_survived(fleet, ctl):
    """Every bad input above was a client error, never ours."""
    for c in (fleet, ctl):
        assert c.proc.poll() is None
        log = c.log_text()
        assert "Sanitizer" not in log and "status=500" not in log
        assert "level=error" not in log, log[-3000:]
