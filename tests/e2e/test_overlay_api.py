"""The overlay's part of the desired state, without a VM: hosts that
register an underlay address are told, for each VPC they have an
instance in, where that VPC's instances on other hosts are (their
address and their host's underlay address); a host without an underlay
address is nobody's peer; the lists follow launches and terminations,
and waiting agents are woken."""
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


def host_of(ec2, iid):
    r = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]
    return r["Instances"][0]["Placement"]["HostId"]


def test_peers_follow_instances(fleet):
    ec2 = fleet.client()
    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    sub = ec2.create_subnet(VpcId=vpc, CidrBlock="10.60.1.0/24",
                            AvailabilityZone=ZONE)["Subnet"]["SubnetId"]
    made = []
    try:
        # Spread: three launches, one on each host.
        for _ in range(3):
            i = ec2.run_instances(ImageId=fleet.image, MinCount=1,
                                  MaxCount=1, SubnetId=sub)["Instances"][0]
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
