"""The overlay's part of the desired state, without a VM: hosts that
register an underlay address are told, for each VPC they have an
instance in, where that VPC's instances on other hosts are (their
address and their host's underlay address); a host without an underlay
address is nobody's peer; the lists follow launches and terminations,
and waiting agents are woken.  The view they come from goes to a host
whole once, then as its changes; bad view queries are refused."""
import http.client
import json

import pytest

from conftest import Fleet

ZONE = "mc-1a"


@pytest.fixture(scope="module")
def fleet():
    c = Fleet(["--zone", ZONE, "--placement", "spread"])
    try:
        c.start()
        c.setup()
        c.register("fake-1", ZONE, underlay="198.18.0.11")
        c.register("fake-2", ZONE, underlay="198.18.0.12")
        c.register("fake-3", ZONE)		# no overlay
        yield c
    finally:
        c.cleanup()


def peers(fleet, host):
    return sorted((p["vpc"], p["ip"], p["host_ip"])
                  for p in fleet.desired(host=host).get("peers", []))


def vpc_and_subnet(ec2, n):
    """A VPC 10.n.0.0/16 with a subnet 10.n.1.0/24 in ZONE."""
    vpc = ec2.create_vpc(CidrBlock="10.%d.0.0/16" % n)["Vpc"]["VpcId"]
    sub = ec2.create_subnet(VpcId=vpc, CidrBlock="10.%d.1.0/24" % n,
                            AvailabilityZone=ZONE)["Subnet"]["SubnetId"]
    return vpc, sub


def launch(fleet, ec2, sub):
    return ec2.run_instances(ImageId=fleet.image, MinCount=1, MaxCount=1,
                             SubnetId=sub)["Instances"][0]


def host_of(ec2, iid):
    r = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]
    return r["Instances"][0]["Placement"]["HostId"]


def test_peers_follow_instances(fleet):
    ec2 = fleet.client()
    vpc, sub = vpc_and_subnet(ec2, 60)
    made = []
    try:
        # Spread: three launches, one on each host.
        for _ in range(3):
            i = launch(fleet, ec2, sub)
            made.append((i["InstanceId"], i["PrivateIpAddress"]))
        where = {host_of(ec2, iid): (iid, ip) for iid, ip in made}
        assert sorted(where) == ["fake-1", "fake-2", "fake-3"], where
        ip1, ip2 = where["fake-1"][1], where["fake-2"][1]
        # Each host is told of the others' instances that have an
        # overlay; fake-3's instance has none, so nobody is told of it.
        assert peers(fleet, "fake-1") == [(vpc, ip2, "198.18.0.12")]
        assert peers(fleet, "fake-2") == [(vpc, ip1, "198.18.0.11")]
        assert peers(fleet, "fake-3") == sorted(
            [(vpc, ip1, "198.18.0.11"), (vpc, ip2, "198.18.0.12")])
        # A termination takes its instance out of the others' lists.
        gen = fleet.desired(host="fake-1")["generation"]
        ec2.terminate_instances(InstanceIds=[where["fake-2"][0]])
        fleet.report({where["fake-2"][0]: "none"}, host="fake-2")
        assert fleet.desired(host="fake-1")["generation"] > gen
        assert peers(fleet, "fake-1") == []
    finally:
        ec2.terminate_instances(InstanceIds=[iid for iid, _ in made])
        for host in ("fake-1", "fake-2", "fake-3"):
            fleet.report({iid: "none" for iid, _ in made}, host=host)


def agent_status(fleet, path):
    conn = http.client.HTTPConnection("127.0.0.1", fleet.agent_port,
                                      timeout=30)
    try:
        conn.request("GET", path,
                     headers={"Authorization": "Bearer " + fleet.token})
        r = conn.getresponse()
        data = r.read()
        try:
            return r.status, json.loads(data or b"{}")
        except ValueError:
            return r.status, {"message": data.decode("latin-1")}
    finally:
        conn.close()


def test_view_sends_changes_only(fleet):
    """A VPC's view goes to a host whole once, then as what changed."""
    ec2 = fleet.client()
    vpc, sub = vpc_and_subnet(ec2, 61)
    made = []
    try:
        for _ in range(3):
            made.append(launch(fleet, ec2, sub)["InstanceId"])
        fleet.views.pop("fake-1", None)
        d = fleet.desired(host="fake-1", raw=True)
        whole = [v for v in d["view"]["vpcs"] if v["id"] == vpc][0]
        assert whole["full"] and len(whole["enis"]) == 3
        fleet.desired(host="fake-1")        # now holds it
        seq = fleet.views["fake-1"]["seq"]
        d = fleet.desired(host="fake-1", raw=True)
        same = [v for v in d["view"]["vpcs"] if v["id"] == vpc][0]
        assert not same["full"] and same["enis"] == []
        assert d["view"]["seq"] == seq
        # One more instance: the one new interface is all that is sent.
        i = launch(fleet, ec2, sub)
        made.append(i["InstanceId"])
        d = fleet.desired(host="fake-1", raw=True)
        new = [v for v in d["view"]["vpcs"] if v["id"] == vpc][0]
        assert not new["full"]
        assert [e["ip"] for e in new["enis"]] == [i["PrivateIpAddress"]]
        assert d["view"]["seq"] > seq
        # A sequence the controller never gave is answered whole.
        d = fleet.agent("GET", "/v1/hosts/fake-1/desired?view=%d&vpcs=%s"
                        % (d["view"]["seq"] + 1000, vpc))
        again = [v for v in d["view"]["vpcs"] if v["id"] == vpc][0]
        assert again["full"] and len(again["enis"]) == 4
    finally:
        ec2.terminate_instances(InstanceIds=made)
        for host in ("fake-1", "fake-2", "fake-3"):
            fleet.report({iid: "none" for iid in made}, host=host)


@pytest.mark.parametrize("query", [
    "view=abc", "view=-1", "view=1&vpcs=vpc-x", "view=1&vpcs=,",
    "view=1&vpcs=vpc-0123456789abcdef0,", "view=99999999999999999999"])
def test_view_bad_query(fleet, query):
    status, body = agent_status(fleet, "/v1/hosts/fake-1/desired?" + query)
    assert status == 400, (status, body)
    assert "view" in body["message"]


def test_view_too_many_vpcs(fleet):
    # Past what a host may hold (or past the URL's limit): refused.
    for n in (4097, 20000):
        status, _ = agent_status(fleet, "/v1/hosts/fake-1/desired?vpcs=" +
                                 ",".join(["vpc-0123456789abcdef0"] * n))
        assert 400 <= status < 500, (n, status)
    assert agent_status(fleet, "/v1/hosts/fake-1/desired")[0] == 200
