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


def remove_leftovers():
    """Stop controllers and remove state dirs of an interrupted run."""
    for d in glob.glob(os.path.join(tempfile.gettempdir(), TMP_PREFIX + "*")):
        subprocess.run(["pkill", "-TERM", "-f", "minicloud-controller.*" + d],
                       check=False)
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
             "--agent-listen", "127.0.0.1:%d" % self.agent_port,
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
