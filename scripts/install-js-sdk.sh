#!/bin/sh
# Install the AWS SDK for JavaScript v3 for the end-to-end tests, at the
# exact versions in tests/e2e/js/package-lock.json, from the npm
# registry.  Idempotent: nothing happens when it is already there.
set -eu

cd "$(dirname "$0")/../tests/e2e/js"
if [ -f node_modules/@aws-sdk/client-ec2/package.json ] &&
    [ node_modules/.package-lock.json -nt package-lock.json ]; then
	echo "install-js-sdk: @aws-sdk/client-ec2 present"
	exit 0
fi
echo "install-js-sdk: npm ci in tests/e2e/js"
npm ci --no-audit --no-fund --loglevel=error
