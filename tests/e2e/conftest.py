"""Fixtures for minicloud's end-to-end tests.

A real controller is started on free loopback ports with a fresh state
directory; tests talk to it with Debian's aws CLI v2, boto3, the aws CLI
v1 when one is on PATH, and raw HTTP for requests no client would send.
Leftovers of an interrupted earlier run are removed first.
"""
import datetime
import glob
import hashlib
import hmac
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

import boto3
import botocore.config
import botocore.exceptions
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("MC_BIN_DIR", os.path.join(ROOT, "bin"))
TMP_PREFIX = "mc-e2e-"
REGION = "mc-1"
AWS2 = "/usr/bin/aws"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("controller exited with %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("controller did not listen on %d" % port)


VIRSH = ["virsh", "-q", "-c", "qemu:///system"]


def our_domains(under):
    """Names of libvirt domains whose files lie under the directory under."""
    out = subprocess.run(VIRSH + ["list", "--all", "--name"], capture_output=True,
                         text=True).stdout.split()
    names = []
    for name in out:
        if not name.startswith("i-"):
            continue
        xml = subprocess.run(VIRSH + ["dumpxml", name], capture_output=True,
                             text=True).stdout
        if under in xml:
            names.append(name)
    return names


def remove_domains(under):
    for name in our_domains(under):
        subprocess.run(VIRSH + ["destroy", name], capture_output=True)
        subprocess.run(VIRSH + ["undefine", name], capture_output=True)


# The agents of the tests name what they make with this prefix (never
# "mc", the default a real cloud on this machine would use), and a test
# LAN joins the host to an "outside" namespace: public addresses live on
# it, and NAT goes out to it.
NET_PREFIX = "mcx"
LAN_LINK = "mcxlan0"
OUTSIDE_NS = "mcx-outside"
EMBED_DIR = "embed"     # a simulated host's libvirt root, in its directory
LAN_HOST, LAN_OUTSIDE = "203.0.113.1", "203.0.113.2"
PUBLIC_IPS = "203.0.113.10-203.0.113.40"


def ip(*args, check=True):
    return subprocess.run(["ip"] + list(args), capture_output=True, text=True,
                          check=check)


def remove_network():
    """Everything the test agents, the test LAN and the underlay of
    multihost.py make: dnsmasqs, namespaces (and every process in them:
    the embedded QEMUs of simulated hosts), links and the host's nft
    table of NET_PREFIX."""
    subprocess.run(["pkill", "-KILL", "-f", "dnsmasq --conf-file=" +
                    os.path.join(tempfile.gettempdir(), TMP_PREFIX)], check=False)
    for ns in ip("netns", "list", check=False).stdout.split("\n"):
        name = ns.split(" ")[0]
        # mcx-...: the single host's VPCs, the outside host, the simulated
        # hosts of multihost.py; mcx1-..., mcx2-...: those hosts' VPCs.
        if name.split("-")[0].rstrip("0123456789") == NET_PREFIX and "-" in name:
            for pid in ip("netns", "pids", name, check=False).stdout.split():
                subprocess.run(["kill", "-KILL", pid], check=False)
            ip("netns", "delete", name, check=False)
    for line in ip("-o", "link", "show", check=False).stdout.splitlines():
        name = line.split(":")[1].strip().split("@")[0]
        if name.startswith(NET_PREFIX):
            ip("link", "delete", name, check=False)
    subprocess.run(["nft", "delete", "table", "ip", NET_PREFIX],
                   capture_output=True, check=False)


def make_lan():
    """The test LAN: LAN_LINK on the host, its peer in OUTSIDE_NS."""
    ip("netns", "add", OUTSIDE_NS)
    ip("link", "add", LAN_LINK, "type", "veth", "peer", "name", "eth0",
       "netns", OUTSIDE_NS)
    ip("addr", "add", LAN_HOST + "/24", "dev", LAN_LINK)
    ip("link", "set", LAN_LINK, "up")
    ip("-n", OUTSIDE_NS, "addr", "add", LAN_OUTSIDE + "/24", "dev", "eth0")
    ip("-n", OUTSIDE_NS, "link", "set", "eth0", "up")
    ip("-n", OUTSIDE_NS, "link", "set", "lo", "up")


def remove_leftovers():
    """Stop daemons, remove domains, networks and state dirs of an
    interrupted run."""
    for d in glob.glob(os.path.join(tempfile.gettempdir(), TMP_PREFIX + "*")):
        for prog in ("minicloud-agent", "minicloud-controller"):
            subprocess.run(["pkill", "-KILL", "-f", prog + ".*" + d], check=False)
    remove_domains(os.path.join(tempfile.gettempdir(), TMP_PREFIX))
    # QEMUs of libvirt's embedded driver (multihost.py): their root dirs
    # are EMBED_DIR under a test directory.
    subprocess.run(["pkill", "-KILL", "-f", "qemu-system.*" + os.path.join(
        tempfile.gettempdir(), TMP_PREFIX) + "[^ ]*/" + EMBED_DIR + "/"],
        check=False)
    remove_network()
    for d in glob.glob(os.path.join(tempfile.gettempdir(), TMP_PREFIX + "*")):
        shutil.rmtree(d, ignore_errors=True)


def parse_env(text):
    out = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            out[k] = v
    return out


class Controller:
    """A running minicloud-controller and what tests need to reach it."""

    def __init__(self, extra_args=()):
        self.dir = tempfile.mkdtemp(prefix=TMP_PREFIX)
        self.state_dir = os.path.join(self.dir, "state")
        self.port = free_port()
        self.agent_port = free_port()
        self.agent_ip = "127.0.0.1"     # where the agents' API listens
        self.endpoint = "http://127.0.0.1:%d" % self.port
        self.log_path = os.path.join(self.dir, "controller.log")
        self.extra_args = list(extra_args)
        self.proc = None
        self.keys = self.admin("account", "create", "e2e")

    def admin(self, *args, check=True):
        r = subprocess.run([os.path.join(BIN, "minicloud"), "--state-dir",
                            self.state_dir] + list(args),
                           capture_output=True, text=True, timeout=30)
        if check and r.returncode != 0:
            raise AssertionError("minicloud %s: %s" % (args, r.stderr))
        return parse_env(r.stdout) if check else r

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [os.path.join(BIN, "minicloud-controller"), "--config", "/dev/null",
             "--state-dir", self.state_dir,
             "--listen", "127.0.0.1:%d" % self.port,
             "--agent-listen", "%s:%d" % (self.agent_ip, self.agent_port),
             "--region", REGION] + self.extra_args,
            stdout=self.log, stderr=self.log)
        wait_port(self.port, self.proc)
        return self

    def stop(self):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        rc, self.proc = self.proc.returncode, None
        return rc

    def log_text(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def client(self, keys=None, region=REGION):
        keys = keys or self.keys
        return boto3.client(
            "ec2", endpoint_url=self.endpoint, region_name=region,
            aws_access_key_id=keys["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"],
            config=botocore.config.Config(retries={"max_attempts": 0}))

    def cleanup(self):
        """Stop and remove everything; fail if the controller did not exit
        cleanly or a sanitizer reported anything (make test-asan)."""
        rc = self.stop()
        log = self.log_text() if os.path.exists(self.log_path) else ""
        shutil.rmtree(self.dir, ignore_errors=True)
        assert rc in (None, 0), "controller exited with %s:\n%s" % (rc, log[-3000:])
        assert "Sanitizer" not in log and "runtime error" not in log, log[-3000:]


@pytest.fixture(scope="session", autouse=True)
def _clean_machine():
    remove_leftovers()
    yield
    remove_leftovers()


@pytest.fixture(scope="module")
def ctl():
    c = Controller()
    try:
        c.start()
        yield c
    finally:
        c.cleanup()


@pytest.fixture
def ec2(ctl):
    return ctl.client()


def cli_env(keys, region=REGION):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=keys["AWS_ACCESS_KEY_ID"],
               AWS_SECRET_ACCESS_KEY=keys["AWS_SECRET_ACCESS_KEY"],
               AWS_DEFAULT_REGION=region, AWS_EC2_METADATA_DISABLED="true",
               AWS_PAGER="", AWS_MAX_ATTEMPTS="1",
               AWS_CONFIG_FILE="/dev/null",
               AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    return env


def run_aws(aws, ctl, *args, keys=None):
    """Run an aws CLI (v1 or v2) against ctl; returns CompletedProcess."""
    return subprocess.run([aws, "--endpoint-url", ctl.endpoint, "--output",
                           "json"] + list(args),
                          env=cli_env(keys or ctl.keys), capture_output=True,
                          text=True, timeout=120)


def aws_v1():
    """The aws CLI v1 first on PATH (not Debian's v2), or None."""
    for d in os.environ.get("PATH", "").split(os.pathsep):
        p = os.path.join(d, "aws")
        if os.path.isfile(p) and os.access(p, os.X_OK) and \
                os.path.realpath(p) != os.path.realpath(AWS2):
            out = subprocess.run([p, "--version"], capture_output=True,
                                 text=True).stdout + ""
            if out.startswith("aws-cli/1."):
                return p
    return None


# Raw requests, signed by a small independent SigV4 signer, for what no
# real client sends (a stale date, a body changed after signing...).

def _hmac(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def sign(keys, body, host, when=None, region=REGION, service="ec2",
         headers=None):
    """Headers for a POST / of body signed like botocore does."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    hdrs = {"content-type": "application/x-www-form-urlencoded; charset=utf-8",
            "host": host, "x-amz-date": amz_date}
    hdrs.update(headers or {})
    signed = ";".join(sorted(hdrs))
    canon = "".join("%s:%s\n" % (k, " ".join(hdrs[k].split()))
                    for k in sorted(hdrs))
    creq = "\n".join(["POST", "/", "", canon, signed,
                      hashlib.sha256(body).hexdigest()])
    scope = "%s/%s/%s/aws4_request" % (date, region, service)
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(_hmac(("AWS4" + keys["AWS_SECRET_ACCESS_KEY"]).encode(),
                                  date), region), service), "aws4_request")
    sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    hdrs["authorization"] = ("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, "
                             "Signature=%s" % (keys["AWS_ACCESS_KEY_ID"], scope,
                                               signed, sig))
    return hdrs


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self.text = body.decode("utf-8", "replace")

    def code(self):
        """The EC2 error code of an error reply, or None."""
        if "<Code>" not in self.text:
            return None
        return self.text.split("<Code>", 1)[1].split("</Code>", 1)[0]


def raw(ctl, method="POST", target="/", body=b"", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", ctl.port, timeout=30)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        r = conn.getresponse()
        return Reply(r.status, {k.lower(): v for k, v in r.getheaders()},
                     r.read())
    finally:
        conn.close()


def signed(ctl, params, keys=None, mutate=None, **kw):
    """POST params (a dict or raw bytes) signed with keys; mutate(body)
    may change the body after signing."""
    body = params if isinstance(params, bytes) else \
        urllib.parse.urlencode(params).encode()
    hdrs = sign(keys or ctl.keys, body, "127.0.0.1:%d" % ctl.port, **kw)
    if mutate is not None:
        body = mutate(body)
    return raw(ctl, body=body, headers=hdrs)


class Fleet(Controller):
    """A controller whose hosts are played by the test over the agents'
    API (nothing boots), and a raw public image to launch.  By default
    one host, "fake-1" in zone REGION + "a"; extra_args may configure
    more zones (--zone) for hosts registered with register()."""

    def __init__(self, extra_args=()):
        super().__init__(["--cluster-token-file", "PLACEHOLDER",
                          "--host-timeout", "3600"] + list(extra_args))
        self.token = "e2e-" + os.urandom(16).hex()
        path = os.path.join(self.dir, "cluster.token")
        with open(path, "w") as f:
            f.write(self.token + "\n")
        self.extra_args[1] = path
        self.image = None
        self.views = {}     # host -> the VPC views it holds, as an agent

    def agent(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.agent_port, timeout=30)
        try:
            conn.request(method, path, body=json.dumps(body) if body else None,
                         headers={"Authorization": "Bearer " + self.token,
                                  "Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
            assert r.status == 200, (path, r.status, data)
            return json.loads(data)
        finally:
            conn.close()

    def register(self, host="fake-1", zone=REGION + "a", underlay=None):
        self.agent("POST", "/v1/hosts/register", dict({
            "name": host, "zone": zone, "vcpus": 64,
            "mem_mib": 262144, "disk_gib": 4096, "accel": "tcg"},
            **({"underlay": underlay} if underlay else {})))

    def setup(self):
        self.register()
        raw = os.path.join(self.dir, "tiny.raw")
        with open(raw, "wb") as f:
            f.write(b"\0" * (1 << 20))
        r = self.admin("image", "import", raw, "--name", "tiny", "--public",
                       check=False)
        assert r.returncode == 0, r.stderr
        self.image = r.stdout.strip()

    def desired(self, after=0, wait=0, host="fake-1", raw=False):
        """The host's desired state as its agent sees it: asked with the
        VPC views the host holds (kept here per host, as minicloud-agent
        keeps them), the answer's changes applied, and each group's
        "members" and the "peers" filled in from the views.  raw: the
        answer itself, with the views kept as they were."""
        held = self.views.setdefault(host, {"seq": 0, "vpcs": {}})
        d = self.agent("GET", "/v1/hosts/%s/desired?after=%d&wait=%d&view=%d"
                       "&vpcs=%s" % (host, after, wait, held["seq"],
                                     ",".join(sorted(held["vpcs"]))))
        if raw:
            return d
        vpcs = {}
        for v in d["view"]["vpcs"]:
            assert v.get("full") or v["id"] in held["vpcs"], v
            enis = {} if v.get("full") else dict(held["vpcs"][v["id"]])
            for e in v["enis"]:
                enis.pop(e["id"], None)
                if not e.get("gone"):
                    enis[e["id"]] = e
            vpcs[v["id"]] = enis
        held.update(seq=d["view"]["seq"], vpcs=vpcs)
        by_ip = lambda ip: tuple(int(x) for x in ip.split("."))  # noqa: E731
        for g in d.get("groups", []):
            g["members"] = [{"ip": ip} for ip in sorted(
                (e["ip"] for e in vpcs.get(g["vpc"], {}).values()
                 if g["id"] in e["groups"]), key=by_ip)]
        d["peers"] = sorted(
            ({"vpc": v, "ip": e["ip"], "host_ip": e["host_ip"]}
             for v, enis in vpcs.items() for e in enis.values()
             if e["host_ip"]), key=lambda p: (p["vpc"], by_ip(p["ip"])))
        return d

    def report(self, states, host="fake-1", vols=None):
        """Report each instance's state; vols maps an instance to the
        (volume, device) pairs its domain has."""
        vols = vols or {}
        self.agent("POST", "/v1/hosts/%s/report" % host, {
            "generation": 0, "instances": [
                dict({"id": i, "state": s},
                     **({"vols": [{"vol": v, "device": d} for v, d in vols[i]]}
                        if i in vols else {}))
                for i, s in states.items()]})


AMI = os.environ.get("MC_AMI", os.path.join(ROOT, "build", "images",
                                            "minicloud-test.qcow2"))


def stop_agent_proc(proc, log, sig=signal.SIGTERM):
    """Send sig to an agent (None: not running), wait for it (kill it
    after 20 s), close its log; returns its exit code or None."""
    if proc is None:
        return None
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    log.close()
    return proc.returncode


class Cloud(Controller):
    """A controller and one agent (a real libvirt host), with the test AMI
    imported as a public image."""

    def __init__(self, extra_args=()):
        super().__init__(["--cluster-token-file", "PLACEHOLDER",
                          "--stop-timeout", "20", "--host-timeout", "10",
                          "--public-ips", PUBLIC_IPS]
                         + list(extra_args))
        # QEMU runs as another user: it must reach the agent's files.
        os.chmod(self.dir, 0o711)
        self.token = os.path.join(self.dir, "cluster.token")
        with open(self.token, "w") as f:
            f.write("e2e-" + os.urandom(16).hex() + "\n")
        self.extra_args[1] = self.token
        self.host = "e2e-" + os.path.basename(self.dir)[len(TMP_PREFIX):].lower()
        self.host = "".join(c for c in self.host if c.isalnum() or c == "-")[:40]
        self.agent_dir = os.path.join(self.dir, "agent")
        self.agent_log_path = os.path.join(self.dir, "agent.log")
        self.agent = None
        self.image = None

    def start_agent(self):
        self.agent_log = open(self.agent_log_path, "ab")
        self.agent = subprocess.Popen(
            [os.path.join(BIN, "minicloud-agent"), "--config", "/dev/null",
             "--controller", "http://127.0.0.1:%d" % self.agent_port,
             "--host-name", self.host, "--zone", REGION + "a",
             "--state-dir", self.agent_dir, "--cluster-token-file", self.token,
             "--report-interval", "2", "--poll-wait", "20",
             "--net-prefix", NET_PREFIX, "--uplink", LAN_LINK,
             "--dns-server", LAN_OUTSIDE],
            stdout=self.agent_log, stderr=self.agent_log)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.agent.poll() is not None:
                raise RuntimeError("agent exited: " + self.agent_log_text()[-2000:])
            if " up " in self.admin("host", "list", check=False).stdout:
                return self
            time.sleep(0.2)
        raise RuntimeError("agent did not register: " + self.agent_log_text()[-2000:])

    def stop_agent(self, sig=signal.SIGTERM):
        rc, self.agent = stop_agent_proc(self.agent, self.agent_log, sig), None
        return rc

    def agent_log_text(self):
        with open(self.agent_log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def import_ami(self, name="e2e-demo"):
        r = self.admin("image", "import", AMI, "--name", name, "--public",
                       check=False)
        assert r.returncode == 0, r.stderr
        self.image = r.stdout.strip()
        return self.image

    @staticmethod
    def make_network():
        """A fresh test LAN (an earlier one's leftovers removed)."""
        remove_network()
        make_lan()

    def outside(self, *cmd, **kw):
        """Run cmd on the test LAN's outside host."""
        return subprocess.run(["ip", "netns", "exec", OUTSIDE_NS] + list(cmd),
                              capture_output=True, text=True, **kw)

    def cleanup(self):
        arc = self.stop_agent()
        remove_domains(self.dir)
        remove_network()
        log = self.agent_log_text() if os.path.exists(self.agent_log_path) else ""
        if os.environ.get("MC_KEEP_LOGS"):
            for name in ("agent.log", "controller.log"):
                shutil.copy(os.path.join(self.dir, name),
                            os.path.join(os.environ["MC_KEEP_LOGS"], name))
        try:
            super().cleanup()
        finally:
            assert arc in (None, 0), "agent exited with %s:\n%s" % (arc, log[-3000:])
            assert "Sanitizer" not in log and "runtime error" not in log, log[-3000:]


@pytest.fixture(scope="module")
def cloud():
    assert os.path.exists(AMI), "no test AMI at %s (make ami)" % AMI
    c = Cloud()
    try:
        c.make_network()
        c.start()
        c.start_agent()
        c.import_ami()
        yield c
    finally:
        c.cleanup()


def wait_for(fn, timeout, what, step=0.5):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(step)
    raise AssertionError("timed out after %ss waiting for %s (last: %r)"
                         % (timeout, what, last))


def state_of(ec2, iid):
    r = ec2.describe_instances(InstanceIds=[iid])
    return r["Reservations"][0]["Instances"][0]["State"]["Name"]


def wait_state(ec2, iid, want, timeout=120):
    return wait_for(lambda: state_of(ec2, iid) == want, timeout,
                    "%s to be %s" % (iid, want))


def console(ec2, iid):
    return ec2.get_console_output(InstanceId=iid).get("Output", "") or ""


def wait_console(ec2, iid, count=1, timeout=120):
    """Wait until the guest printed its line `count` times (boots)."""
    line = "minicloud-test-ami: instance %s up" % iid
    return wait_for(lambda: console(ec2, iid).count(line) >= count, timeout,
                    "boot %d of %s on the console" % (count, iid))


def err_of(fn, **kw):
    """The EC2 error (Code, Message) fn(**kw) fails with."""
    with pytest.raises(botocore.exceptions.ClientError) as e:
        fn(**kw)
    return e.value.response["Error"]


def err_code(fn, **kw):
    """The EC2 error code fn(**kw) fails with."""
    return err_of(fn, **kw)["Code"]


def terminate(ec2, ids):
    ids = [i for i in ids if i]
    if not ids:
        return
    ec2.terminate_instances(InstanceIds=list(ids))
    for iid in ids:
        wait_state(ec2, iid, "terminated", timeout=90)


def default_group(ec2):
    """The id of the default VPC's default security group."""
    got = ec2.describe_security_groups(Filters=[
        {"Name": "group-name", "Values": ["default"]},
        {"Name": "vpc-id", "Values": [default_vpc(ec2)]}])["SecurityGroups"]
    return got[0]["GroupId"]


def default_vpc(ec2):
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])
    return vpcs["Vpcs"][0]["VpcId"]


def lan_ingress(port):
    """A permission: tcp port from the test LAN."""
    return [{"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
             "IpRanges": [{"CidrIp": "203.0.113.0/24"}]}]


def wait_text(ec2, iid, text, timeout=180):
    """Wait until the console of iid shows text; returns the console."""
    return wait_for(lambda: text in console(ec2, iid) and console(ec2, iid),
                    timeout, "%r on the console of %s" % (text, iid), step=1)


def qemu_running(iid):
    return subprocess.run(["pgrep", "-f", "guest=" + iid + ","],
                          capture_output=True).returncode == 0


def domain_exists(iid):
    return subprocess.run(VIRSH + ["dominfo", iid], capture_output=True).returncode == 0


# The API tests of volumes, snapshots and images share one Fleet per
# module: `fleet, ec2 = fleet_fixtures(zones, hosts)` at their top.

def fleet_fixtures(zones, hosts=()):
    """A test module's fixtures: fleet, a started Fleet with these zones,
    set up (the image, "fake-1" in REGION + "a") and the (name, zone)
    pairs of hosts registered too, for the module; and ec2, a client of
    it (in place of ctl's)."""
    @pytest.fixture(scope="module")
    def fleet():
        c = Fleet([a for z in zones for a in ("--zone", z)])
        try:
            c.start()
            c.setup()
            for name, zone in hosts:
                c.register(name, zone)
            yield c
        finally:
            c.cleanup()

    @pytest.fixture
    def ec2(fleet):
        return fleet.client()

    return fleet, ec2


def agent_request(fleet, method, path, body=None, headers=None):
    """method path on the agents' API, as a host: (status, body), whatever
    the status."""
    conn = http.client.HTTPConnection("127.0.0.1", fleet.agent_port,
                                      timeout=30)
    try:
        conn.request(method, path, body=body, headers=dict(
            {"Authorization": "Bearer " + fleet.token}, **(headers or {})))
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def agent_get(fleet, path, headers=None):
    return agent_request(fleet, "GET", path, headers=headers)


def snapshot_put(fleet, sid, body, host="fake-1"):
    """Upload body as snapshot sid, as host does."""
    return agent_request(fleet, "PUT", "/v1/snapshots/%s?host=%s" % (sid, host),
                         body)


def snapshot_jobs(fleet, host="fake-1"):
    """The snapshot jobs of host's desired state, by snapshot id."""
    return {j["id"]: j for j in fleet.desired(host=host).get("snapshots", [])}
