"""The controller as a daemon: config, flags, start-up failures, logs,
signals, the admin CLI, and the rate limit."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile

import botocore.exceptions
import pytest

from conftest import BIN, ROOT, TMP_PREFIX, Controller, free_port, parse_env, signed

CTL = os.path.join(BIN, "minicloud-controller")
ADMIN = os.path.join(BIN, "minicloud")


@pytest.fixture
def tmp():
    d = tempfile.mkdtemp(prefix=TMP_PREFIX)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def run_ctl(*args, timeout=10):
    return subprocess.run([CTL] + list(args), capture_output=True, text=True,
                          timeout=timeout)


def test_help_and_check_config(tmp):
    r = run_ctl("--help")
    assert r.returncode == 0
    for flag in ("--state-dir", "--listen", "--agent-listen", "--region", "--config"):
        assert flag in r.stdout
    conf = os.path.join(tmp, "c.conf")
    with open(conf, "w") as f:
        f.write("# test\nregion = mc-2\nzone = mc-2a\nzone = mc-2b\n"
                "instance-type = mc.tiny 1 256\n")
    r = run_ctl("--config", conf, "--check-config")
    assert r.returncode == 0, r.stderr
    # The shipped example, with every setting uncommented, is valid.
    with open(os.path.join(ROOT, "etc", "controller.conf")) as f:
        example = f.read()
    token = os.path.join(tmp, "token")
    with open(token, "w") as f:
        f.write("0123456789abcdef0123\n")
    with open(conf, "w") as f:
        f.write(re.sub(r"(?m)^#([a-z])", r"\1", example).replace(
            "/etc/minicloud/cluster.token", token))
    r = run_ctl("--config", conf, "--check-config")
    assert r.returncode == 0, r.stderr
    # And the agent's.
    with open(os.path.join(ROOT, "etc", "agent.conf")) as f:
        example = f.read()
    with open(conf, "w") as f:
        f.write(re.sub(r"(?m)^#([a-z])", r"\1", example).replace(
            "/etc/minicloud/cluster.token", token))
    r = subprocess.run([os.path.join(BIN, "minicloud-agent"), "--config", conf,
                        "--check-config"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("text,want", [
    ("region = Bad_Region\n", "c.conf:1: region:"),
    ("\nlisten = 127.0.0.1\n", "c.conf:2: listen:"),
    ("nonsense\n", "c.conf:1: expected 'name = value'"),
    ("no-such-setting = 1\n", "c.conf:1: unknown setting 'no-such-setting'"),
    ("instance-type = mc.tiny 0 256\n", "c.conf:1: instance-type:"),
    ("api-threads = 0\n", "c.conf:1: api-threads:"),
    ("default-instance-type = x9.huge\n", "default-instance-type"),
])
def test_bad_config(tmp, text, want):
    conf = os.path.join(tmp, "c.conf")
    with open(conf, "w") as f:
        f.write(text)
    r = run_ctl("--config", conf, "--state-dir", os.path.join(tmp, "s"))
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and want in lines[0], r.stderr
    assert not os.path.exists(os.path.join(tmp, "s"))


def test_bad_flags(tmp):
    for args in (["--listen", "nowhere"], ["--bogus"], ["--config", "/nonexistent.conf"],
                 ["--api-rate", "-1"]):
        r = run_ctl(*args, "--state-dir", tmp)
        assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1, args


def test_taken_port(tmp):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        r = run_ctl("--config", "/dev/null", "--state-dir", tmp, "--listen",
                    "127.0.0.1:%d" % port, "--agent-listen",
                    "127.0.0.1:%d" % free_port())
    assert r.returncode == 1
    assert "127.0.0.1:%d" % port in r.stderr and "in use" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_unwritable_state_dir(tmp):
    for state in ("/proc/minicloud-state", os.path.join(tmp, "file", "sub")):
        open(os.path.join(tmp, "file"), "w").close()
        r = run_ctl("--config", "/dev/null", "--state-dir", state,
                    "--listen", "127.0.0.1:%d" % free_port(),
                    "--agent-listen", "127.0.0.1:%d" % free_port())
        assert r.returncode == 1, state
        assert state.split("/")[1] in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1


def test_sigterm_and_restart_keep_state():
    c = Controller()
    try:
        c.start()
        assert signed(c, {"Action": "DescribeRegions", "Version": "2016-11-15"}).status == 200
        assert c.stop() == 0
        log = c.log_text()
        assert 'msg="controller started"' in log and 'msg="controller stopped"' in log
        for line in log.splitlines():
            assert line.startswith("ts=") and " level=" in line and " msg=" in line
        # The same keys work after a restart: state is on disk.
        c.start()
        assert signed(c, {"Action": "DescribeRegions", "Version": "2016-11-15"}).status == 200
        c.proc.send_signal(signal.SIGINT)
        assert c.proc.wait(timeout=10) == 0
        c.proc = None
        c.log.close()
        db = os.path.join(c.state_dir, "controller.db")
        assert oct(os.stat(db).st_mode & 0o777) == "0o600"
        assert oct(os.stat(c.state_dir).st_mode & 0o777) == "0o700"
    finally:
        c.cleanup()


def test_agent_listener():
    c = Controller()
    try:
        c.start()
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", c.agent_port, timeout=10)
        conn.request("GET", "/v1/health")
        r = conn.getresponse()
        assert r.status == 200 and b'"status":"ok"' in r.read()
        conn.close()
    finally:
        c.cleanup()


def test_admin_cli(tmp):
    state = os.path.join(tmp, "state")

    def admin(*args):
        return subprocess.run([ADMIN, "--state-dir", state] + list(args),
                              capture_output=True, text=True, timeout=30)

    r = admin("account", "create", "alice")
    assert r.returncode == 0, r.stderr
    env = parse_env(r.stdout)
    assert len(env["MINICLOUD_ACCOUNT_ID"]) == 12 and env["MINICLOUD_ACCOUNT_ID"].isdigit()
    assert env["AWS_ACCESS_KEY_ID"].startswith("AKIA") and len(env["AWS_SECRET_ACCESS_KEY"]) == 40
    # The output is shell assignments.
    sh = subprocess.run(["sh", "-c", 'eval "$1"; echo "$AWS_ACCESS_KEY_ID"', "sh", r.stdout],
                        capture_output=True, text=True)
    assert sh.stdout.strip() == env["AWS_ACCESS_KEY_ID"]
    bad = admin("account", "create", "alice")
    assert bad.returncode == 1 and "exists" in bad.stderr
    for name in ("", "bad name", "-x", "x" * 65, "semi;colon"):
        assert admin("account", "create", name).returncode == 1, name
    k2 = parse_env(admin("key", "create", "alice").stdout)
    listed = admin("key", "list", "alice").stdout
    assert env["AWS_ACCESS_KEY_ID"] in listed and k2["AWS_ACCESS_KEY_ID"] in listed
    assert env["AWS_SECRET_ACCESS_KEY"] not in listed
    assert admin("key", "delete", k2["AWS_ACCESS_KEY_ID"]).returncode == 0
    assert admin("key", "delete", k2["AWS_ACCESS_KEY_ID"]).returncode == 1
    assert admin("key", "create", "nobody").returncode == 1
    assert "alice" in admin("account", "list").stdout
    assert admin("no", "such").returncode == 1
    assert admin("--help").returncode == 0


def test_rate_limit():
    c = Controller(["--api-rate", "1", "--api-burst", "3"])
    try:
        c.start()
        codes = [signed(c, {"Action": "DescribeRegions", "Version": "2016-11-15"})
                 for _ in range(5)]
        assert [r.status for r in codes[:3]] == [200, 200, 200]
        assert codes[4].status == 503 and codes[4].code() == "RequestLimitExceeded"
        with pytest.raises(botocore.exceptions.ClientError) as e:
            c.client().describe_regions()
        assert e.value.response["Error"]["Code"] == "RequestLimitExceeded"
    finally:
        c.cleanup()
