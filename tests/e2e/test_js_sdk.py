"""The AWS SDK for JavaScript v3 (pinned in tests/e2e/js) against a real
controller: it needs <item> lists, the x-amzn-RequestId header, a right
Date header, and signs eight headers where botocore signs three."""
import json
import os
import subprocess

import pytest

from conftest import REGION, ROOT

JS = os.path.join(ROOT, "tests", "e2e", "js")


def node_major():
    try:
        out = subprocess.run(["node", "--version"], capture_output=True,
                             text=True).stdout
    except FileNotFoundError:
        return 0
    return int(out.strip().lstrip("v").split(".")[0] or 0)


def test_js_sdk(ctl):
    if node_major() < 20:
        pytest.skip("the pinned @aws-sdk/client-ec2 needs node >= 20")
    assert os.path.isdir(os.path.join(JS, "node_modules", "@aws-sdk", "client-ec2")), \
        "run scripts/install-js-sdk.sh (make test does)"
    env = dict(os.environ, MC_ENDPOINT=ctl.endpoint, MC_REGION=REGION,
               MC_KEY_ID=ctl.keys["AWS_ACCESS_KEY_ID"],
               MC_SECRET=ctl.keys["AWS_SECRET_ACCESS_KEY"],
               AWS_EC2_METADATA_DISABLED="true")
    r = subprocess.run(["node", "ec2_calls.mjs"], cwd=JS, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert sorted(out["types"]) == [["m5.large", 2, 8192], ["t3.micro", 2, 1024]]
    assert out["requestId"]
    assert out["pageSize"] == 5 and out["nextToken"]
    assert out["regions"] == [REGION]
    assert out["zones"] == [REGION + "a"]
    assert out["badSecret"]["name"] == "SignatureDoesNotMatch"
    assert out["badSecret"]["status"] == 403 and out["badSecret"]["fault"] == "client"
    assert out["badSecret"]["requestId"]
    assert out["badType"]["name"] == "InvalidInstanceType"
    assert out["dryRun"]["name"] == "DryRunOperation" and out["dryRun"]["status"] == 412
