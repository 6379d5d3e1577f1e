"""Bad requests get a clean EC2 error (a 4xx, never a 5xx), and the
controller keeps serving."""
import pytest

from conftest import raw, signed


def test_unknown_action(ctl):
    r = signed(ctl, {"Action": "LaunchRockets", "Version": "2016-11-15"})
    assert (r.status, r.code()) == (400, "InvalidAction")


def test_missing_action_and_version(ctl):
    r = signed(ctl, {"Version": "2016-11-15"})
    assert (r.status, r.code()) == (400, "MissingParameter")
    r = signed(ctl, {"Action": "DescribeRegions"})
    assert (r.status, r.code()) == (400, "MissingParameter")
    assert "Version" in r.text
    r = signed(ctl, {"Action": "DescribeRegions", "Version": "2014-01-01"})
    assert (r.status, r.code()) == (400, "InvalidParameterValue")


def test_unknown_and_bad_parameters(ctl):
    base = {"Action": "DescribeInstanceTypes", "Version": "2016-11-15"}
    r = signed(ctl, dict(base, Bogus="1"))
    assert (r.status, r.code()) == (400, "UnknownParameter")
    r = signed(ctl, dict(base, MaxResults="many"))
    assert (r.status, r.code()) == (400, "InvalidParameterValue")
    r = signed(ctl, dict(base, DryRun="maybe"))
    assert (r.status, r.code()) == (400, "InvalidParameterValue")
    r = signed(ctl, dict(base, **{"InstanceType.0": "t3.micro"}))
    assert (r.status, r.code()) == (400, "UnknownParameter")
    r = signed(ctl, dict(base, **{"Filter.1.Value.1": "x"}))
    assert (r.status, r.code()) == (400, "InvalidParameterValue")


@pytest.mark.parametrize("body", [
    b"Action=DescribeRegions&Version=2016-11-15&RegionName.1=%zz",
    b"Action=DescribeRegions&Version=2016-11-15&RegionName.1=%4",
    b"Action=DescribeRegions&Version=2016-11-15&RegionName.1=%00",
    b"Action=DescribeRegions&Version=2016-11-15&RegionName.1=%ff%fe",
    b"Action=DescribeRegions&Version=2016-11-15&Version=2016-11-15",
    b"Action=DescribeRegions&Version=2016-11-15&=x",
])
def test_broken_encoding(ctl, body):
    r = signed(ctl, body)
    assert (r.status, r.code()) == (400, "InvalidParameterValue")


def test_oversized_body(ctl):
    body = b"Action=DescribeRegions&Version=2016-11-15&RegionName.1=" + b"a" * 300000
    r = signed(ctl, body)
    assert (r.status, r.code()) == (413, "InvalidParameterValue")
    # Unsigned and oversized: refused before anything else.
    r = raw(ctl, body=b"x" * 300000,
            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 413
    assert signed(ctl, {"Action": "DescribeRegions", "Version": "2016-11-15"}).status == 200


def test_transport_errors(ctl):
    r = raw(ctl, method="PUT", body=b"x")
    assert r.status == 405 and r.code() == "InvalidAction"
    r = raw(ctl, method="GET", target="/ec2/")
    assert r.status == 400 and r.code() == "InvalidAction"
    r = raw(ctl, body=b'{"Action":"DescribeRegions"}',
            headers={"Content-Type": "application/json"})
    assert (r.status, r.code()) == (400, "InvalidParameterValue")


def test_every_reply_is_well_formed(ctl):
    import xml.etree.ElementTree as ET
    for body in (b"Action=DescribeRegions&Version=2016-11-15&RegionName.1=%3C%26%3E%22'",
                 b"Action=No%3CSuch%3E&Version=2016-11-15"):
        r = signed(ctl, body)
        assert 400 <= r.status < 500
        root = ET.fromstring(r.body)
        assert root.tag == "Response"
        assert root.find("Errors/Error/Code").text
        assert root.find("RequestID").text == r.headers["x-amzn-requestid"]
        assert "date" in r.headers


def test_log_lines(ctl):
    r = signed(ctl, {"Action": "DescribeAvailabilityZones", "Version": "2016-11-15"})
    rid = r.headers["x-amzn-requestid"]
    lines = [line for line in ctl.log_text().splitlines() if rid in line]
    assert len(lines) == 1
    line = lines[0]
    for key in ("level=info", 'msg="api request"', "req=" + rid,
                "account=" + ctl.keys["MINICLOUD_ACCOUNT_ID"],
                "action=DescribeAvailabilityZones", "status=200", "ms="):
        assert key in line, line
    assert ctl.proc.poll() is None


def test_endless_chunked_body_is_cut_off(ctl):
    """A chunked body (no Content-Length) past the limit closes the
    connection early instead of being read to its end."""
    import http.client

    def endless():
        for _ in range(100000):
            yield b"a" * 1000

    conn = http.client.HTTPConnection("127.0.0.1", ctl.port, timeout=30)
    try:
        with pytest.raises((BrokenPipeError, ConnectionResetError,
                            http.client.RemoteDisconnected)):
            conn.request("POST", "/", body=endless(), encode_chunked=True,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
            conn.getresponse().read()
    finally:
        conn.close()
    assert signed(ctl, {"Action": "DescribeRegions", "Version": "2016-11-15"}).status == 200
