"""Instance networking with real VMs: DHCP, the metadata service, VPCs
(reachability inside one, isolation between two with the same block),
NAT to the outside and Elastic IPs from it, and launches that must fail.

The test AMI gets its address by DHCP, prints its metadata (fetched with
IMDSv2) on the console and runs a "#!" user-data; the scripts below are
that user-data.  The "outside" host is a namespace on the test LAN
(conftest.make_lan)."""
import signal
import subprocess
import time

import pytest

from conftest import (AWS2, LAN_HOST, LAN_OUTSIDE, OUTSIDE_NS, console,
                      default_group, err_code, lan_ingress, run_aws, terminate,
                      wait_for, wait_state, wait_text)

SCRIPT = "#!/bin/sh\n"


def run(ec2, cloud, script=None, **kw):
    args = dict(ImageId=cloud.image, InstanceType="t2.nano", MinCount=1,
                MaxCount=1)
    if script is not None:
        args["UserData"] = SCRIPT + script
    args.update(kw)
    return ec2.run_instances(**args)["Instances"][0]


def describe(ec2, iid):
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]


# An IMDSv1 request from the guest: prints V1=<status>; then its key
# through IMDSv2.
V1_PROBE = ("echo V1=$(curl -s -o /dev/null -w '%{http_code}' -m 5 "
            "http://169.254.169.254/latest/meta-data/instance-id)\n"
            "t=$(curl -s -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' "
            "http://169.254.169.254/latest/api/token)\n"
            "echo KEY=$(curl -s -H \"X-aws-ec2-metadata-token: $t\" "
            "http://169.254.169.254/latest/meta-data/public-keys/0/openssh-key)\n")


def test_dhcp_metadata_and_options(cloud):
    """DHCP gives the address, the guest's IMDSv2 client gets its own
    metadata and user-data; IMDSv1 works until tokens are required."""
    ec2 = cloud.client()
    key = ec2.create_key_pair(KeyName="net-e2e", KeyType="ed25519")
    inst = run(ec2, cloud, V1_PROBE + "echo UD-DONE $(hostname)\n",
               KeyName="net-e2e")
    iid = inst["InstanceId"]
    try:
        ip = inst["PrivateIpAddress"]
        assert ip.startswith("172.31.")
        assert inst["PrivateDnsName"] == "ip-%s.mc-1.compute.internal" % ip.replace(".", "-")
        assert inst["SubnetId"].startswith("subnet-") and inst["VpcId"].startswith("vpc-")
        eni = inst["NetworkInterfaces"][0]
        assert eni["Attachment"]["DeviceIndex"] == 0
        assert eni["MacAddress"].startswith("02:")
        pub = inst.get("PublicIpAddress")
        assert pub is not None and pub.startswith("203.0.113.")  # default subnet
        assert inst["MetadataOptions"]["HttpTokens"] == "optional"

        out = wait_text(ec2, iid, "UD-DONE")
        host = "ip-" + ip.replace(".", "-")
        assert "minicloud-test-ami: eth0 %s/20" % ip in out
        assert "meta-data instance-id=%s" % iid in out
        assert "meta-data local-ipv4=%s" % ip in out
        assert "meta-data mac=%s" % eni["MacAddress"] in out
        assert "meta-data local-hostname=%s.mc-1.compute.internal" % host in out
        assert "meta-data placement/availability-zone=mc-1a" in out
        assert "meta-data public-ipv4=%s" % pub in out
        assert "V1=200" in out
        assert "UD-DONE %s" % host in out        # DHCP gave the hostname
        public = ec2.describe_key_pairs(KeyNames=["net-e2e"], IncludePublicKey=True)
        line = public["KeyPairs"][0]["PublicKey"].strip()
        assert line.startswith("ssh-ed25519 ") and "KEY=" + line in out
        assert key["KeyMaterial"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")

        enis = ec2.describe_network_interfaces(Filters=[
            {"Name": "attachment.instance-id", "Values": [iid]}])["NetworkInterfaces"]
        assert [e["NetworkInterfaceId"] for e in enis] == [eni["NetworkInterfaceId"]]
        assert enis[0]["Status"] == "in-use" and enis[0]["PrivateIpAddress"] == ip
        assert enis[0]["Association"]["PublicIp"] == pub
        got = ec2.describe_instances(Filters=[{"Name": "private-ip-address",
                                               "Values": [ip]}])["Reservations"]
        assert [r["Instances"][0]["InstanceId"] for r in got] == [iid]

        text = cloud.admin("explain", iid, check=False).stdout
        assert "## network: interface %s" % eni["NetworkInterfaceId"] in text
        assert "%s dev mcxt" % ip in text               # its /32 route
        assert "dnat to %s" % ip in text                # its public address

        # Tokens required: after a reboot the guest's IMDSv1 probe gets 401,
        # its IMDSv2 client still works.
        r = ec2.modify_instance_metadata_options(InstanceId=iid, HttpTokens="required",
                                                 HttpPutResponseHopLimit=2)
        assert r["InstanceMetadataOptions"]["HttpTokens"] == "required"
        assert describe(ec2, iid)["MetadataOptions"]["HttpPutResponseHopLimit"] == 2
        ec2.reboot_instances(InstanceIds=[iid])
        wait_for(lambda: console(ec2, iid).count("UD-DONE") >= 2, 120,
                 "the user-data after the reboot", step=1)
        out = console(ec2, iid)
        assert "V1=401" in out.split("UD-DONE")[1]
        assert out.count("meta-data instance-id=%s" % iid) == 2
        assert err_code(ec2.modify_instance_metadata_options, InstanceId=iid,
                        HttpTokens="sometimes") == "InvalidParameterValue"
    finally:
        terminate(ec2, [iid])
        ec2.delete_key_pair(KeyName="net-e2e")
    assert ec2.describe_network_interfaces(Filters=[
        {"Name": "attachment.instance-id", "Values": [iid]}])["NetworkInterfaces"] == []


def net_setup(ec2):
    """VPC a (10.10.0.0/16, two subnets) and VPC b with the same block."""
    made = {}
    made["a"] = ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
    made["b"] = ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
    made["a1"] = ec2.create_subnet(VpcId=made["a"], CidrBlock="10.10.1.0/24")["Subnet"]["SubnetId"]
    made["a2"] = ec2.create_subnet(VpcId=made["a"], CidrBlock="10.10.2.0/24")["Subnet"]["SubnetId"]
    made["b1"] = ec2.create_subnet(VpcId=made["b"], CidrBlock="10.10.1.0/24")["Subnet"]["SubnetId"]
    return made


def net_teardown(ec2, made):
    for k in ("a1", "a2", "b1"):
        if k in made:
            ec2.delete_subnet(SubnetId=made[k])
    for k in ("a", "b"):
        if k in made:
            ec2.delete_vpc(VpcId=made[k])


# Tries a while: the other instances boot at the same time.
def ping(name, addr, tries=40):
    return ("ok=; for i in $(seq %d); do ping -c 1 -W 1 %s >/dev/null 2>&1 && "
            "ok=1 && break; sleep 1; done; [ -n \"$ok\" ] && echo %s-OK || "
            "echo %s-FAIL\n" % (tries, addr, name, name))


def send(msg, addr, port=7000):
    return ("for i in $(seq 30); do echo %s | nc -w 3 %s %d | grep -q ack && "
            "break; sleep 1; done\n" % (msg, addr, port))


LISTEN = ("printf '#!/bin/sh\\nread l; echo \"GOT $l\" >/dev/console; "
          "echo ack\\n' >/tmp/h; chmod +x /tmp/h; nc -ll -p 7000 -e /tmp/h &\n"
          "echo LISTENING\n")


def test_vpc_reachability_and_isolation(cloud):
    """Instances of one VPC reach each other, in one subnet and across
    two; a VPC with the same block is another world, and its instance with
    the same address gets its own metadata; a forged source is dropped."""
    ec2 = cloud.client()
    made = net_setup(ec2)
    ids = []
    try:
        server = run(ec2, cloud, LISTEN, SubnetId=made["a1"],
                     PrivateIpAddress="10.10.1.10")
        twin = run(ec2, cloud, LISTEN + ping("TWIN-TO-A3", "10.10.2.20", 8),
                   SubnetId=made["b1"], PrivateIpAddress="10.10.1.10")
        ids += [server["InstanceId"], twin["InstanceId"]]
        same = run(ec2, cloud, ping("A2-TO-A1", "10.10.1.10") +
                   send("from-a2", "10.10.1.10") +
                   "ip addr add 10.10.1.99/32 dev eth0\n"
                   "ping -c 2 -W 2 -I 10.10.1.99 10.10.1.10 >/dev/null 2>&1 && "
                   "echo SPOOF-PASSED || echo SPOOF-BLOCKED\n",
                   SubnetId=made["a1"])
        other = run(ec2, cloud, ping("A3-TO-A1", "10.10.1.10") +
                    send("from-a3", "10.10.1.10") + "echo SENT\n",
                    SubnetId=made["a2"], PrivateIpAddress="10.10.2.20")
        ids += [same["InstanceId"], other["InstanceId"]]
        assert same["PrivateIpAddress"] == "10.10.1.4"     # the lowest free
        assert "PublicIpAddress" not in same                # not mapped here
        assert err_code(ec2.run_instances, ImageId=cloud.image, MinCount=1,
                        MaxCount=1, SubnetId=made["a1"], InstanceType="t2.nano",
                        PrivateIpAddress="10.10.1.10") == "InvalidIPAddress.InUse"

        out = wait_text(ec2, same["InstanceId"], "SPOOF-")
        assert "A2-TO-A1-OK" in out and "SPOOF-BLOCKED" in out
        out = wait_text(ec2, other["InstanceId"], "SENT")
        assert "A3-TO-A1-OK" in out
        out = wait_text(ec2, server["InstanceId"], "GOT from-a3")
        assert "GOT from-a2" in out
        # The twin: same address, its own metadata, no way into VPC a.
        out = wait_text(ec2, twin["InstanceId"], "TWIN-TO-A3-", timeout=240)
        assert "TWIN-TO-A3-FAIL" in out
        assert "meta-data instance-id=%s" % twin["InstanceId"] in out
        assert server["InstanceId"] not in out
        assert "GOT" not in out
        assert "meta-data instance-id=%s" % server["InstanceId"] in \
            console(ec2, server["InstanceId"])
        assert err_code(ec2.delete_subnet, SubnetId=made["a1"]) == "DependencyViolation"
    finally:
        terminate(ec2, ids)
        net_teardown(ec2, made)
    # The last instance of a VPC gone, its namespace went with it.
    names = subprocess.run(["ip", "netns", "list"], capture_output=True,
                           text=True).stdout
    assert made["a"] not in names and made["b"] not in names


OUTSIDE_SERVER = r"""
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 7000))
s.listen(16)
while True:
    c, peer = s.accept()
    c.settimeout(5)
    try:
        data = c.recv(256).decode(errors="replace").strip()
    except OSError:
        data = ""
    print(peer[0], data, flush=True)
    c.close()
"""


@pytest.fixture
def outside_server(cloud, tmp_path):
    """A TCP server on the outside host; yields a function that returns
    what it received as (peer, line) pairs."""
    log = tmp_path / "outside.log"
    with open(log, "w") as f:
        p = subprocess.Popen(["ip", "netns", "exec", OUTSIDE_NS, "/usr/bin/python3",
                              "-c", OUTSIDE_SERVER], stdout=f, stderr=subprocess.STDOUT)
    try:
        time.sleep(0.5)

        def seen():
            return [tuple(l.split(" ", 1)) for l in log.read_text().splitlines()
                    if " " in l]
        yield seen
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()


def outside_call(cloud, addr, port=7000, msg="from-outside"):
    """Connect from the outside host to addr:port; the answer or None."""
    code = ("import socket,sys\ntry:\n s=socket.create_connection((%r,%d),3)\n"
            " s.sendall(b'%s\\n'); print(s.recv(64).decode().strip())\n"
            "except OSError as e: print('ERR', e)\n" % (addr, port, msg))
    r = cloud.outside("/usr/bin/python3", "-c", code)
    return r.stdout.strip()


def test_nat_and_elastic_ips(cloud, outside_server):
    """Outbound traffic leaves by NAT (the host's LAN address, or the
    instance's public address); the outside reaches an instance only
    through its Elastic IP, which moves with AssociateAddress."""
    ec2 = cloud.client()
    ids, alloc = [], None
    # The default group lets in only its own members: open 7000 to the LAN.
    group = default_group(ec2)
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=lan_ingress(7000))
    out = ("for i in $(seq 30); do echo out-%s | nc -w 3 " + LAN_OUTSIDE +
           " 7000 && break; sleep 1; done\necho SENT\n")
    try:
        private = run(ec2, cloud, out % "private" + LISTEN, NetworkInterfaces=[
            {"DeviceIndex": 0, "AssociatePublicIpAddress": False}])
        public = run(ec2, cloud, out % "public" + LISTEN)
        ids = [private["InstanceId"], public["InstanceId"]]
        assert "PublicIpAddress" not in private
        pub = public["PublicIpAddress"]
        for inst in (private, public):
            wait_text(ec2, inst["InstanceId"], "LISTENING")
        seen = dict((d, p) for p, d in outside_server())
        assert seen.get("out-private") == LAN_HOST        # masqueraded
        assert seen.get("out-public") == pub               # its own address
        assert outside_call(cloud, pub) == "ack"
        wait_text(ec2, public["InstanceId"], "GOT from-outside", timeout=20)
        assert outside_call(cloud, private["PrivateIpAddress"]).startswith("ERR")

        a = ec2.allocate_address(Domain="vpc")
        alloc = a["AllocationId"]
        assert outside_call(cloud, a["PublicIp"]).startswith("ERR")
        ec2.associate_address(AllocationId=alloc, InstanceId=private["InstanceId"])
        assert describe(ec2, private["InstanceId"])["PublicIpAddress"] == a["PublicIp"]
        wait_for(lambda: outside_call(cloud, a["PublicIp"], msg="to-eip") == "ack",
                 20, "the Elastic IP to reach its instance")
        wait_text(ec2, private["InstanceId"], "GOT to-eip", timeout=20)
        # The public instance's address given back, the EIP moved onto it.
        assert err_code(ec2.associate_address, AllocationId=alloc,
                        InstanceId=public["InstanceId"]) == "Resource.AlreadyAssociated"
        ec2.associate_address(AllocationId=alloc, AllowReassociation=True,
                              NetworkInterfaceId=public["NetworkInterfaces"][0][
                                  "NetworkInterfaceId"])
        got = describe(ec2, public["InstanceId"])
        assert got["PublicIpAddress"] == a["PublicIp"]
        assert "PublicIpAddress" not in describe(ec2, private["InstanceId"])
        wait_for(lambda: outside_call(cloud, a["PublicIp"], msg="moved") == "ack",
                 20, "the Elastic IP to reach its new instance")
        wait_text(ec2, public["InstanceId"], "GOT moved", timeout=20)
        addr = ec2.describe_addresses(AllocationIds=[alloc])["Addresses"][0]
        assert addr["InstanceId"] == public["InstanceId"]
        assert err_code(ec2.release_address, AllocationId=alloc) == "InvalidIPAddress.InUse"
        ec2.disassociate_address(AssociationId=addr["AssociationId"])
        wait_for(lambda: outside_call(cloud, a["PublicIp"]).startswith("ERR"), 20,
                 "the Elastic IP to stop answering")
        r = run_aws(AWS2, cloud, "ec2", "release-address", "--allocation-id", alloc)
        assert r.returncode == 0, r.stderr
        alloc = None
    finally:
        terminate(ec2, ids)
        if alloc:
            ec2.release_address(AllocationId=alloc)
        ec2.revoke_security_group_ingress(GroupId=group,
                                          IpPermissions=lan_ingress(7000))
    # Nothing proxied or routed for them any more.
    assert subprocess.run(["ip", "neigh", "show", "proxy", "dev", "mcxlan0"],
                          capture_output=True, text=True).stdout.strip() == ""


def test_bad_network_launches_leave_nothing(cloud):
    ec2 = cloud.client()
    before = len(ec2.describe_network_interfaces()["NetworkInterfaces"])
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    sub = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/28")["Subnet"]["SubnetId"]
    try:
        for kw, want in (
                (dict(SubnetId="subnet-00000000000000000"), "InvalidSubnetID.NotFound"),
                (dict(SubnetId="subnet-nope"), "InvalidSubnetID.Malformed"),
                (dict(SubnetId=sub, PrivateIpAddress="10.21.1.5"), "InvalidParameterValue"),
                (dict(SubnetId=sub, PrivateIpAddress="10.20.1.1"), "InvalidParameterValue"),
                (dict(SubnetId=sub, PrivateIpAddress="10.20.1.15"), "InvalidParameterValue"),
                (dict(SubnetId=sub, PrivateIpAddress="10.20.1.300"), "InvalidParameterValue"),
                (dict(PrivateIpAddress="10.20.1.5"), "InvalidParameterCombination"),
                (dict(SubnetId=sub, PrivateIpAddress="10.20.1.5", MaxCount=2),
                 "InvalidParameterCombination"),
                (dict(KeyName="no-such-key"), "InvalidKeyPair.NotFound"),
                (dict(MetadataOptions={"HttpTokens": "maybe"}), "InvalidParameterValue"),
                (dict(MetadataOptions={"HttpPutResponseHopLimit": 65}),
                 "InvalidParameterValue"),
                (dict(MetadataOptions={"HttpProtocolIpv6": "enabled"}),
                 "InvalidParameterValue"),
                (dict(NetworkInterfaces=[{"DeviceIndex": 1, "SubnetId": sub}]),
                 "InvalidParameterValue")):
            args = dict(ImageId=cloud.image, InstanceType="t3.nano", MinCount=1,
                        MaxCount=1)
            args.update(kw)
            assert err_code(ec2.run_instances, **args) == want, kw
        assert len(ec2.describe_network_interfaces()["NetworkInterfaces"]) == before
        live = [i for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]
                if i["State"]["Name"] != "terminated"]
        assert live == []
        assert ec2.describe_subnets(SubnetIds=[sub])["Subnets"][0][
            "AvailableIpAddressCount"] == 11
    finally:
        ec2.delete_subnet(SubnetId=sub)
        ec2.delete_vpc(VpcId=vpc)
