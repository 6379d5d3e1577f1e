"""Key pairs through real clients: CreateKeyPair (RSA and ED25519),
ImportKeyPair, DescribeKeyPairs, DeleteKeyPair and tags on key pairs.
Private keys must work with ssh-keygen, and fingerprints must be what
the commands in EC2's documentation print."""
import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import botocore.exceptions
import pytest

from conftest import AWS2, aws_v1, run_aws, signed

KEY_ID = re.compile(r"^key-[0-9a-f]{17}$")
SHA1_HEX = re.compile(r"^([0-9a-f]{2}:){19}[0-9a-f]{2}$")
MD5_HEX = re.compile(r"^([0-9a-f]{2}:){15}[0-9a-f]{2}$")


@pytest.fixture
def tmp():
    d = tempfile.mkdtemp(prefix="mc-e2e-keys-")
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def names(ec2):
    """Key names a test uses; whatever is left of them is deleted."""
    used = []
    yield used
    for n in used:
        ec2.delete_key_pair(KeyName=n)


def sh(cmd, cwd):
    r = subprocess.run(cmd, shell=True, cwd=cwd, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, "%s: %s" % (cmd, r.stderr)
    return r.stdout.strip()


def write_private(d, name, text):
    path = os.path.join(d, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


def key_part(line):
    return " ".join(line.split()[:2])


def error_code(fn, **kw):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        fn(**kw)
    return e.value.response["Error"]["Code"]


def describe_one(ec2, name, **kw):
    r = ec2.describe_key_pairs(KeyNames=[name], **kw)["KeyPairs"]
    assert len(r) == 1
    return r[0]


def test_create_rsa(ec2, tmp, names):
    names.append("e2e-rsa")
    before = time.time()
    r = ec2.create_key_pair(KeyName="e2e-rsa")
    assert KEY_ID.match(r["KeyPairId"])
    assert r["KeyName"] == "e2e-rsa"
    assert SHA1_HEX.match(r["KeyFingerprint"])
    assert r["KeyMaterial"].startswith("-----BEGIN RSA PRIVATE KEY-----\n")
    write_private(tmp, "k.pem", r["KeyMaterial"])

    # The private key works, gives the stored public key, and the
    # fingerprint is what EC2's documentation says to check.
    pub = sh("ssh-keygen -y -f k.pem", tmp)
    kp = describe_one(ec2, "e2e-rsa", IncludePublicKey=True)
    assert key_part(kp["PublicKey"]) == pub
    assert kp["PublicKey"] == pub + " e2e-rsa"
    fp = sh("openssl pkcs8 -in k.pem -inform PEM -outform DER -topk8 -nocrypt"
            " | openssl sha1 -c", tmp).split("= ")[1]
    assert r["KeyFingerprint"] == fp == kp["KeyFingerprint"]
    assert kp["KeyType"] == "rsa" and kp["KeyPairId"] == r["KeyPairId"]
    assert before - 2 <= kp["CreateTime"].timestamp() <= time.time() + 2
    assert "(2048 bit" in sh("openssl rsa -in k.pem -noout -text | head -1", tmp)


def test_create_ed25519_aws_cli(ctl, ec2, tmp, names):
    names.append("e2e-ed")
    r = run_aws(AWS2, ctl, "ec2", "create-key-pair", "--key-name", "e2e-ed",
                "--key-type", "ed25519", "--key-format", "pem")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["KeyMaterial"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    write_private(tmp, "ed", out["KeyMaterial"])
    pub = sh("ssh-keygen -y -f ed", tmp)
    kp = describe_one(ec2, "e2e-ed", IncludePublicKey=True)
    assert kp["PublicKey"] == pub
    assert kp["KeyType"] == "ed25519"
    # ssh-keygen drops the base64 padding that EC2 keeps.
    fp = sh("ssh-keygen -l -E sha256 -f ed", tmp).split()[1]
    assert fp == "SHA256:" + out["KeyFingerprint"].rstrip("=")
    assert out["KeyFingerprint"].endswith("=")


def test_import_aws_cli(ctl, ec2, tmp, names):
    sh("ssh-keygen -q -t rsa -b 3072 -m PEM -N '' -C 'me@e2e' -f r && "
       "ssh-keygen -q -t ed25519 -N '' -C 'ed@e2e' -f e", tmp)
    for name, key in (("e2e-imp-rsa", "r"), ("e2e-imp-ed", "e")):
        names.append(name)
        r = run_aws(AWS2, ctl, "ec2", "import-key-pair", "--key-name", name,
                    "--public-key-material",
                    "fileb://" + os.path.join(tmp, key + ".pub"))
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout)
        assert KEY_ID.match(out["KeyPairId"])
        kp = describe_one(ec2, name, IncludePublicKey=True)
        assert kp["PublicKey"] == sh("cat %s.pub" % key, tmp)
        assert kp["KeyFingerprint"] == out["KeyFingerprint"]
    rsa = describe_one(ec2, "e2e-imp-rsa")
    assert MD5_HEX.match(rsa["KeyFingerprint"])
    assert rsa["KeyFingerprint"] == sh(
        "openssl rsa -in r -pubout -outform DER 2>/dev/null | openssl md5 -c",
        tmp).split("= ")[1]
    ed = describe_one(ec2, "e2e-imp-ed")
    assert "SHA256:" + ed["KeyFingerprint"].rstrip("=") == \
        sh("ssh-keygen -l -E sha256 -f e.pub", tmp).split()[1]


def test_aws_cli_v1(ctl, ec2, tmp, names):
    """CLI v1 reads a blob argument's file:// as is; newer botocore models
    DeleteKeyPair's output, so its KeyPairId comes through."""
    aws = aws_v1()
    if aws is None:
        pytest.skip("no aws CLI v1 on PATH")
    names.append("e2e-v1")
    sh("ssh-keygen -q -t ed25519 -N '' -f e", tmp)
    r = run_aws(aws, ctl, "ec2", "import-key-pair", "--key-name", "e2e-v1",
                "--public-key-material", "file://" + os.path.join(tmp, "e.pub"))
    assert r.returncode == 0, r.stderr
    kid = json.loads(r.stdout)["KeyPairId"]
    r = run_aws(aws, ctl, "ec2", "create-key-pair", "--key-name", "e2e-v1")
    assert r.returncode == 255 and "InvalidKeyPair.Duplicate" in r.stderr
    r = run_aws(aws, ctl, "ec2", "delete-key-pair", "--key-name", "e2e-v1")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["Return"] is True and out["KeyPairId"] == kid


def test_import_other_formats_with_tags(ec2, tmp, names):
    sh("ssh-keygen -q -t rsa -b 2048 -N '' -f r && "
       "ssh-keygen -e -f r.pub > r.rfc4716 && "
       "ssh-keygen -e -m PKCS8 -f r.pub > r.pem", tmp)
    fps = set()
    for fmt in ("r.pub", "r.rfc4716", "r.pem"):
        name = "e2e-fmt-" + fmt
        names.append(name)
        with open(os.path.join(tmp, fmt), "rb") as f:
            r = ec2.import_key_pair(
                KeyName=name, PublicKeyMaterial=f.read(),
                TagSpecifications=[{"ResourceType": "key-pair",
                                    "Tags": [{"Key": "fmt", "Value": fmt}]}])
        assert r["Tags"] == [{"Key": "fmt", "Value": fmt}]
        fps.add(r["KeyFingerprint"])
    assert len(fps) == 1


def test_describe_filters(ctl, ec2, names):
    made = {}
    for name, kind in (("e2e-f-a", "rsa"), ("e2e-f-b", "ed25519"),
                       ("other-f-c", "ed25519")):
        names.append(name)
        made[name] = ec2.create_key_pair(
            KeyName=name, KeyType=kind,
            TagSpecifications=[{"ResourceType": "key-pair", "Tags": [
                {"Key": "Env", "Value": "dev" if name != "e2e-f-b" else "prod"},
                {"Key": "only-" + name, "Value": "x"}]}])

    def got(**kw):
        return sorted(k["KeyName"] for k in ec2.describe_key_pairs(**kw)["KeyPairs"])

    assert got(Filters=[{"Name": "key-name", "Values": ["e2e-f-*"]}]) == \
        ["e2e-f-a", "e2e-f-b"]
    assert got(Filters=[{"Name": "key-type", "Values": ["ed25519"]},
                        {"Name": "key-name", "Values": ["*-f-*"]}]) == \
        ["e2e-f-b", "other-f-c"]
    assert got(Filters=[{"Name": "key-pair-id",
                         "Values": [made["e2e-f-a"]["KeyPairId"]]}]) == ["e2e-f-a"]
    assert got(Filters=[{"Name": "fingerprint",
                         "Values": [made["other-f-c"]["KeyFingerprint"]]}]) == \
        ["other-f-c"]
    assert got(Filters=[{"Name": "tag:Env", "Values": ["dev"]},
                        {"Name": "key-name", "Values": ["*-f-*"]}]) == \
        ["e2e-f-a", "other-f-c"]
    assert got(Filters=[{"Name": "tag-key", "Values": ["only-e2e-f-b"]}]) == \
        ["e2e-f-b"]
    assert got(Filters=[{"Name": "tag-value", "Values": ["prod"]}]) == ["e2e-f-b"]
    assert got(KeyNames=["e2e-f-a"], KeyPairIds=[made["e2e-f-b"]["KeyPairId"]]) == \
        ["e2e-f-a", "e2e-f-b"]
    kp = ec2.describe_key_pairs(KeyNames=["e2e-f-a"])["KeyPairs"][0]
    assert "PublicKey" not in kp
    assert {"Key": "Env", "Value": "dev"} in kp["Tags"]
    ec2.get_waiter("key_pair_exists").wait(KeyNames=["e2e-f-a"])

    assert error_code(ec2.describe_key_pairs, KeyNames=["e2e-f-a", "nope"]) == \
        "InvalidKeyPair.NotFound"
    for bad in ("key-0123456789abcdef0", "key-nothex", "sg-1"):
        assert error_code(ec2.describe_key_pairs, KeyPairIds=[bad]) == \
            "InvalidKeyPair.NotFound"
    assert error_code(ec2.describe_key_pairs, Filters=[
        {"Name": "no-such", "Values": ["x"]}]) == "InvalidParameterValue"
    r = run_aws(AWS2, ctl, "ec2", "describe-key-pairs", "--filters",
                "Name=key-name,Values=e2e-f-b", "--include-public-key")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["KeyPairs"][0]["PublicKey"].startswith(
        "ssh-ed25519 ")


def test_duplicates_and_accounts(ctl, ec2, tmp, names):
    names.append("e2e-dup")
    ec2.create_key_pair(KeyName="e2e-dup")
    assert error_code(ec2.create_key_pair, KeyName="e2e-dup") == \
        "InvalidKeyPair.Duplicate"
    sh("ssh-keygen -q -t ed25519 -N '' -f e", tmp)
    with open(os.path.join(tmp, "e.pub"), "rb") as f:
        material = f.read()
    assert error_code(ec2.import_key_pair, KeyName="e2e-dup",
                      PublicKeyMaterial=material) == "InvalidKeyPair.Duplicate"

    # Names are per account: another account has its own e2e-dup.
    other_keys = ctl.admin("account", "create", "e2e-keys-other")
    other = ctl.client(keys=other_keys)
    mine = describe_one(ec2, "e2e-dup")
    theirs = other.import_key_pair(KeyName="e2e-dup", PublicKeyMaterial=material)
    assert theirs["KeyPairId"] != mine["KeyPairId"]
    assert other.describe_key_pairs()["KeyPairs"][0]["KeyName"] == "e2e-dup"
    assert error_code(other.delete_key_pair, KeyPairId=mine["KeyPairId"]) == \
        "InvalidKeyPair.NotFound"
    assert error_code(other.describe_key_pairs, KeyPairIds=[mine["KeyPairId"]]) \
        == "InvalidKeyPair.NotFound"
    other.delete_key_pair(KeyName="e2e-dup")
    assert describe_one(ec2, "e2e-dup")["KeyPairId"] == mine["KeyPairId"]


def raw_call(ctl, action, **params):
    return signed(ctl, dict(Action=action, Version="2016-11-15", **params))


def test_malformed(ctl, ec2, tmp):
    sh("ssh-keygen -q -t ecdsa -N '' -f ec && ssh-keygen -q -t dsa -N '' -f d",
       tmp)
    bad = [b"", b"ssh-rsa", b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDL865HeM3pz",
           b"ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIDL865HeM3pzh+RObU9gXkJS9qN/lQvm2"
           b"Nl8N+ht0aR/", b"\x00\x01garbage", b"-----BEGIN RSA PRIVATE KEY-----"]
    for f in ("ec.pub", "d.pub", "d"):
        with open(os.path.join(tmp, f), "rb") as fh:
            bad.append(fh.read())
    for material in bad:
        r = raw_call(ctl, "ImportKeyPair", KeyName="e2e-bad",
                     PublicKeyMaterial=base64.b64encode(material).decode())
        assert (r.status, r.code()) == (400, "InvalidKey.Format"), material
    with pytest.raises(botocore.exceptions.ClientError) as e:
        with open(os.path.join(tmp, "ec.pub"), "rb") as fh:
            ec2.import_key_pair(KeyName="e2e-bad", PublicKeyMaterial=fh.read())
    assert "ECDSA" in e.value.response["Error"]["Message"]

    cases = [
        ("ImportKeyPair", {"KeyName": "e2e-bad", "PublicKeyMaterial": "!!"},
         "InvalidParameterValue"),
        ("ImportKeyPair", {"KeyName": "e2e-bad"}, "MissingParameter"),
        ("ImportKeyPair", {"PublicKeyMaterial": "AAAA"}, "MissingParameter"),
        ("CreateKeyPair", {}, "MissingParameter"),
        ("CreateKeyPair", {"KeyName": ""}, "InvalidParameterValue"),
        ("CreateKeyPair", {"KeyName": "x" * 256}, "InvalidParameterValue"),
        ("CreateKeyPair", {"KeyName": "tab\there"}, "InvalidParameterValue"),
        ("CreateKeyPair", {"KeyName": "caf\u00e9"}, "InvalidParameterValue"),
        ("CreateKeyPair", {"KeyName": "e2e-bad", "KeyType": "dsa"},
         "InvalidParameterValue"),
        ("CreateKeyPair", {"KeyName": "e2e-bad", "KeyFormat": "ppk"},
         "InvalidParameterValue"),
        ("CreateKeyPair", {"KeyName": "e2e-bad", "KeyFormat": "der"},
         "InvalidParameterValue"),
        ("CreateKeyPair", {"KeyName": "e2e-bad", "Bogus": "1"},
         "UnknownParameter"),
        ("CreateKeyPair", {"KeyName": "e2e-bad",
                           "TagSpecification.1.ResourceType": "instance",
                           "TagSpecification.1.Tag.1.Key": "k"},
         "InvalidParameterValue"),
        ("DescribeKeyPairs", {"IncludePublicKey": "maybe"},
         "InvalidParameterValue"),
        ("DeleteKeyPair", {}, "MissingParameter"),
        ("DeleteKeyPair", {"KeyName": "a", "KeyPairId": "key-0123456789abcdef0"},
         "InvalidParameterCombination"),
    ]
    for action, params, want in cases:
        r = raw_call(ctl, action, **params)
        assert (r.status, r.code()) == (400, want), (action, params, r.text)
    assert "e2e-bad" not in [k["KeyName"] for k in
                             ec2.describe_key_pairs()["KeyPairs"]]
    # The longest name is fine.
    ec2.create_key_pair(KeyName="y" * 255, KeyType="ed25519")
    ec2.delete_key_pair(KeyName="y" * 255)


def test_delete(ctl, ec2):
    # Debian's botocore models no output for DeleteKeyPair: read the XML.
    kp = ec2.create_key_pair(KeyName="e2e-del", KeyType="ed25519")
    r = raw_call(ctl, "DeleteKeyPair", KeyName="e2e-del")
    assert r.status == 200
    assert "<return>true</return>" in r.text
    assert "<keyPairId>%s</keyPairId>" % kp["KeyPairId"] in r.text
    assert error_code(ec2.describe_key_pairs, KeyNames=["e2e-del"]) == \
        "InvalidKeyPair.NotFound"
    # As on EC2: an unknown name is no error, an unknown id is.
    r = raw_call(ctl, "DeleteKeyPair", KeyName="e2e-del")
    assert r.status == 200 and "<return>true</return>" in r.text
    assert "keyPairId" not in r.text
    for bad in (kp["KeyPairId"], "key-12345678", "nonsense"):
        assert error_code(ec2.delete_key_pair, KeyPairId=bad) == \
            "InvalidKeyPair.NotFound"
    kp = ec2.create_key_pair(KeyName="e2e-del", KeyType="ed25519")
    ec2.delete_key_pair(KeyPairId=kp["KeyPairId"])
    assert ec2.describe_key_pairs(Filters=[
        {"Name": "key-name", "Values": ["e2e-del"]}])["KeyPairs"] == []


def test_tags(ec2):
    kp = ec2.create_key_pair(KeyName="e2e-tags", KeyType="ed25519")
    kid = kp["KeyPairId"]
    assert kp["Tags"] == []
    try:
        ec2.create_tags(Resources=[kid], Tags=[{"Key": "team", "Value": "a"},
                                               {"Key": "x", "Value": ""}])
        tags = ec2.describe_tags(Filters=[{"Name": "resource-id",
                                           "Values": [kid]}])["Tags"]
        assert sorted((t["Key"], t["ResourceType"]) for t in tags) == \
            [("team", "key-pair"), ("x", "key-pair")]
        assert ec2.describe_tags(Filters=[
            {"Name": "resource-type", "Values": ["key-pair"]},
            {"Name": "key", "Values": ["team"]}])["Tags"][0]["ResourceId"] == kid
        ec2.delete_tags(Resources=[kid], Tags=[{"Key": "x"}])
        assert describe_one(ec2, "e2e-tags")["Tags"] == \
            [{"Key": "team", "Value": "a"}]
        assert error_code(ec2.create_tags, Resources=["key-0123456789abcdef0"],
                          Tags=[{"Key": "k", "Value": "v"}]) == \
            "InvalidKeyPair.NotFound"
    finally:
        ec2.delete_key_pair(KeyName="e2e-tags")
    # The key's tags went with it.
    assert ec2.describe_tags(Filters=[{"Name": "resource-id",
                                       "Values": [kid]}])["Tags"] == []


def test_dry_run(ec2, tmp):
    def dry(fn, **kw):
        with pytest.raises(botocore.exceptions.ClientError) as e:
            fn(DryRun=True, **kw)
        assert e.value.response["Error"]["Code"] == "DryRunOperation"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412

    sh("ssh-keygen -q -t ed25519 -N '' -f e", tmp)
    with open(os.path.join(tmp, "e.pub"), "rb") as f:
        material = f.read()
    dry(ec2.create_key_pair, KeyName="e2e-dry")
    dry(ec2.import_key_pair, KeyName="e2e-dry", PublicKeyMaterial=material)
    dry(ec2.describe_key_pairs)
    assert error_code(ec2.describe_key_pairs, KeyNames=["e2e-dry"]) == \
        "InvalidKeyPair.NotFound"
    ec2.create_key_pair(KeyName="e2e-dry", KeyType="ed25519")
    try:
        dry(ec2.delete_key_pair, KeyName="e2e-dry")
        describe_one(ec2, "e2e-dry")
        # A DryRun is checked after the input: bad input is still an error.
        assert error_code(ec2.create_key_pair, KeyName="e2e-dry",
                          DryRun=True) == "InvalidKeyPair.Duplicate"
        assert error_code(ec2.import_key_pair, KeyName="e2e-dry",
                          PublicKeyMaterial=material, DryRun=True) == \
            "InvalidKeyPair.Duplicate"
    finally:
        ec2.delete_key_pair(KeyName="e2e-dry")
