"""SigV4 authentication: every way a request can fail to prove who sent
it gets EC2's error and reaches no action."""
import datetime
import urllib.request

import boto3
import botocore.config
import botocore.exceptions
import pytest

from conftest import REGION, raw, signed

PARAMS = {"Action": "DescribeRegions", "Version": "2016-11-15"}


def accounts(ctl):
    return ctl.admin("account", "list", check=False).stdout


def test_signed_request_ok(ctl):
    r = signed(ctl, PARAMS)
    assert r.status == 200, r.text
    assert "<DescribeRegionsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">" in r.text
    rid = r.headers["x-amzn-requestid"]
    assert "<requestId>%s</requestId>" % rid in r.text


def test_no_signature(ctl):
    before = accounts(ctl)
    r = raw(ctl, body=b"Action=DescribeRegions&Version=2016-11-15",
            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (r.status, r.code()) == (403, "MissingAuthenticationToken")
    assert "<RequestID>%s</RequestID>" % r.headers["x-amzn-requestid"] in r.text
    assert accounts(ctl) == before


def test_wrong_secret(ctl):
    keys = dict(ctl.keys, AWS_SECRET_ACCESS_KEY="x" * 40)
    r = signed(ctl, PARAMS, keys=keys)
    assert (r.status, r.code()) == (403, "SignatureDoesNotMatch")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ctl.client(keys=keys).describe_regions()
    assert e.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_unknown_and_deleted_key(ctl):
    r = signed(ctl, PARAMS, keys=dict(ctl.keys, AWS_ACCESS_KEY_ID="AKIAAAAAAAAAAAAAAAAA"))
    assert (r.status, r.code()) == (401, "AuthFailure")
    extra = ctl.admin("key", "create", "e2e")
    assert signed(ctl, PARAMS, keys=extra).status == 200
    ctl.admin("key", "delete", extra["AWS_ACCESS_KEY_ID"])
    r = signed(ctl, PARAMS, keys=extra)
    assert (r.status, r.code()) == (401, "AuthFailure")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ctl.client(keys=extra).describe_regions()
    assert e.value.response["Error"]["Code"] == "AuthFailure"


@pytest.mark.parametrize("minutes", [-16, 16, -60 * 24])
def test_date_outside_window(ctl, minutes):
    when = datetime.datetime.now(datetime.timezone.utc) + \
        datetime.timedelta(minutes=minutes)
    r = signed(ctl, PARAMS, when=when)
    # EC2's code for a request signed more than 15 minutes off.
    assert (r.status, r.code()) == (400, "RequestExpired")


def test_date_inside_window(ctl):
    when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=14)
    assert signed(ctl, PARAMS, when=when).status == 200


def test_body_changed_after_signing(ctl):
    r = signed(ctl, PARAMS, mutate=lambda b: b.replace(b"Regions", b"Regionz"))
    assert (r.status, r.code()) == (403, "SignatureDoesNotMatch")
    r = signed(ctl, PARAMS, mutate=lambda b: b + b"&AllRegions=true")
    assert (r.status, r.code()) == (403, "SignatureDoesNotMatch")


def test_wrong_region_or_service(ctl):
    r = signed(ctl, PARAMS, region="us-east-1")
    assert (r.status, r.code()) == (401, "AuthFailure")
    r = signed(ctl, PARAMS, service="s3")
    assert (r.status, r.code()) == (401, "AuthFailure")


def test_malformed_authorization(ctl):
    body = b"Action=DescribeRegions&Version=2016-11-15"
    for authz in ("AWS4-HMAC-SHA256", "Basic dXNlcjpwYXNz",
                  "AWS4-HMAC-SHA256 Credential=A/1/2/3/4, SignedHeaders=host, Signature=zz"):
        r = raw(ctl, body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Amz-Date": "20261122T000000Z", "Authorization": authz})
        assert (r.status, r.code()) == (400, "IncompleteSignature"), authz


def test_signed_extra_header_must_match(ctl):
    # A header covered by SignedHeaders is part of the signature.
    hdrs_ok = signed(ctl, PARAMS, headers={"x-amz-user-agent": "test/1"})
    assert hdrs_ok.status == 200


def test_presigned_url(ctl):
    c = ctl.client()
    url = c.generate_presigned_url("describe_regions", Params={},
                                   ExpiresIn=300, HttpMethod="GET")
    assert "X-Amz-Signature=" in url
    with urllib.request.urlopen(url, timeout=30) as r:
        body = r.read().decode()
        assert r.status == 200
    assert "<regionName>%s</regionName>" % REGION in body
    # Tampering with a presigned URL breaks it.
    bad = url.replace("Action=DescribeRegions", "Action=DescribeAvailabilityZones")
    r = raw(ctl, method="GET", target=bad.split(str(ctl.port), 1)[1])
    assert (r.status, r.code()) == (403, "SignatureDoesNotMatch")


def test_other_account_keys_work_separately(ctl):
    other = ctl.admin("account", "create", "e2e-other")
    assert other["MINICLOUD_ACCOUNT_ID"] != ctl.keys["MINICLOUD_ACCOUNT_ID"]
    c = boto3.client("ec2", endpoint_url=ctl.endpoint, region_name=REGION,
                     aws_access_key_id=other["AWS_ACCESS_KEY_ID"],
                     aws_secret_access_key=other["AWS_SECRET_ACCESS_KEY"],
                     config=botocore.config.Config(retries={"max_attempts": 0}))
    assert c.describe_regions()["Regions"]
    assert other["MINICLOUD_ACCOUNT_ID"] in ctl.log_text()
