// Runs a few EC2 calls with the AWS SDK for JavaScript v3 against the
// endpoint in MC_ENDPOINT and prints one JSON object with what came back,
// for tests/e2e/test_js_sdk.py to check.
import {
  DescribeAvailabilityZonesCommand,
  DescribeInstanceTypesCommand,
  DescribeRegionsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";

function client(secret) {
  return new EC2Client({
    endpoint: process.env.MC_ENDPOINT,
    region: process.env.MC_REGION,
    maxAttempts: 1,
    credentials: {
      accessKeyId: process.env.MC_KEY_ID,
      secretAccessKey: secret,
    },
  });
}

async function error(promise) {
  try {
    await promise;
    return null;
  } catch (e) {
    return { name: e.name, status: e.$metadata?.httpStatusCode,
      requestId: e.$metadata?.requestId, fault: e.$fault };
  }
}

const ec2 = client(process.env.MC_SECRET);
const types = await ec2.send(new DescribeInstanceTypesCommand({
  InstanceTypes: ["t3.micro", "m5.large"],
}));
const paged = await ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 5 }));
const regions = await ec2.send(new DescribeRegionsCommand({}));
const zones = await ec2.send(new DescribeAvailabilityZonesCommand({
  Filters: [{ Name: "state", Values: ["available", "unavailable"] }],
}));
const out = {
  types: types.InstanceTypes.map((t) => [t.InstanceType, t.VCpuInfo.DefaultVCpus,
    t.MemoryInfo.SizeInMiB]),
  requestId: types.$metadata.requestId,
  pageSize: paged.InstanceTypes.length,
  nextToken: paged.NextToken ?? null,
  regions: regions.Regions.map((r) => r.RegionName),
  zones: zones.AvailabilityZones.map((z) => z.ZoneName),
  badSecret: await error(client("x".repeat(40)).send(new DescribeRegionsCommand({}))),
  badType: await error(ec2.send(new DescribeInstanceTypesCommand({
    InstanceTypes: ["x9.huge"],
  }))),
  dryRun: await error(ec2.send(new DescribeRegionsCommand({ DryRun: true }))),
};
console.log(JSON.stringify(out));
