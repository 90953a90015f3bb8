/**
 * Templates over CloudFormation's 51,200-byte inline limit: uploaded to the template bucket and
 * passed as TemplateURL (up to 1,000,000 bytes), or refused with a detail saying how to lift the
 * limit when no bucket is configured.
 */
import { createHash } from "node:crypto";
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
} from "@aws-sdk/client-cloudformation";
import { PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  CloudFormationDeployer,
  MAX_TEMPLATE_BODY_BYTES,
  MAX_TEMPLATE_URL_BYTES,
} from "../../../api/aws/cloudformation.js";
import { objectUrl, S3TemplateStore } from "../../../api/aws/s3-template-store.js";
import type { Template } from "../../../api/deployments/port.js";
import { createDeployer } from "../../../api/entry/aws-adapters.js";
import {
  acceptNewStack,
  createdChangeSet,
  describedChangeSet,
  describedStack,
  meta,
  resourceChange,
  stackRef,
  TOKEN,
} from "../../support/cloudformation-fixtures.js";

const SHOP = stackRef("sy-shop-dev");
const { StackName: STACK, StackId: STACK_ID } = SHOP;
const BUCKET = "switchyard-templatebucket3f1a2b4c-1x2y3z4w5v6u";

/** A template of `buses` event buses with rules: about 310 bytes per bus. */
function templateWith(buses: number, description = "orders"): Template {
  const resources: Template["Resources"] = {};
  for (let i = 0; i < buses; i++) {
    resources[`Orders${i}EventBus`] = {
      Type: "AWS::Events::EventBus",
      Properties: { Name: `sy-shop-dev-orders-${i}`, Description: `${description} bus ${i}` },
    };
    resources[`Orders${i}Rule`] = {
      Type: "AWS::Events::Rule",
      Properties: {
        Name: `sy-shop-dev-orders-${i}-rule`,
        EventBusName: { Ref: `Orders${i}EventBus` },
        EventPattern: { source: ["shop.orders"] },
      },
    };
  }
  return { AWSTemplateFormatVersion: "2010-09-09", Resources: resources };
}
const bytesOf = (t: Template) => Buffer.byteLength(JSON.stringify(t), "utf8");
const sha256 = (text: string, encoding: "hex" | "base64") =>
  createHash("sha256").update(text, "utf8").digest(encoding);

const large = templateWith(200);
const small = templateWith(2);

const cfn = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
// Test files share a worker's modules: the real client comes back for the next file.
afterAll(() => {
  cfn.restore();
  s3.restore();
});

const store = new S3TemplateStore({
  client: new S3Client({ region: "eu-west-1" }),
  bucket: BUCKET,
  region: "eu-west-1",
});
const withBucket = new CloudFormationDeployer({
  client: new CloudFormationClient({ region: "eu-west-1" }),
  templateStore: store,
  pollMs: 5,
  sleep: async () => {},
});
const withoutBucket = new CloudFormationDeployer({
  client: new CloudFormationClient({ region: "eu-west-1" }),
  pollMs: 5,
  sleep: async () => {},
});

/** CloudFormation for a new stack whose change set is created and becomes executable. */
const newStackAccepts = () => acceptNewStack(cfn, SHOP);

/** S3's answer to a PutObject into a bucket with SSE-S3 default encryption. */
function s3Accepts() {
  s3.on(PutObjectCommand).callsFake((input: { ChecksumSHA256?: string }) => ({
    ...meta,
    ETag: '"6805f2cfc46c0f04559748bb039d69ae"',
    ServerSideEncryption: "AES256",
    ChecksumSHA256: input.ChecksumSHA256,
  }));
}

const deploy = (deployer: CloudFormationDeployer, template: Template, token = TOKEN) =>
  deployer.start({ stackName: STACK, template, parameters: {}, token });

beforeEach(() => {
  cfn.reset();
  s3.reset();
});

describe("a template over 51,200 bytes with a template bucket", () => {
  it("is uploaded once and CloudFormation gets its URL instead of the body", async () => {
    expect(bytesOf(large)).toBeGreaterThan(60_000);
    expect(bytesOf(large)).toBeLessThan(70_000);
    newStackAccepts();
    s3Accepts();

    expect(await deploy(withBucket, large)).toEqual({ kind: "started", stackId: STACK_ID });

    const body = JSON.stringify(large);
    const key = `templates/${STACK}/${sha256(body, "hex")}.json`;
    const puts = s3.commandCalls(PutObjectCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0]!.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: key,
      Body: body,
      ContentType: "application/json",
      ChecksumSHA256: sha256(body, "base64"),
    });
    const creates = cfn.commandCalls(CreateChangeSetCommand);
    expect(creates).toHaveLength(1);
    const input = creates[0]!.args[0].input;
    expect(input.TemplateURL).toBe(`https://${BUCKET}.s3.eu-west-1.amazonaws.com/${key}`);
    expect(input).not.toHaveProperty("TemplateBody");
    expect(input).toMatchObject({ StackName: STACK, ChangeSetName: TOKEN, ChangeSetType: "CREATE" });
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(1);
  });

  it("is stored under a key that is the hash of its content: the same template, the same object", async () => {
    newStackAccepts();
    s3Accepts();
    await deploy(withBucket, large, TOKEN);
    cfn.reset();
    newStackAccepts();
    await deploy(withBucket, structuredClone(large), "sy-01JD5Z3M9X2Q8R7T6Y5W4V3Q2T");
    cfn.reset();
    newStackAccepts();
    const changed = templateWith(200, "payments");
    await deploy(withBucket, changed, "sy-01JD5Z3M9X2Q8R7T6Y5W4V3Q2U");

    const keys = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(keys[2]).toBe(`templates/${STACK}/${sha256(JSON.stringify(changed), "hex")}.json`);
  });

  it("is not uploaded again when a retried start finds its change set already created", async () => {
    cfn.on(DescribeStacksCommand).resolves(describedStack(SHOP, "REVIEW_IN_PROGRESS"));
    cfn
      .on(DescribeChangeSetCommand)
      .resolves(describedChangeSet(SHOP, TOKEN, "CREATE_COMPLETE", "AVAILABLE"));
    cfn.on(ExecuteChangeSetCommand).resolves(meta);
    s3Accepts();
    expect(await deploy(withBucket, large)).toEqual({ kind: "started", stackId: STACK_ID });
    expect(s3.calls()).toHaveLength(0);
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
  });

  it("is previewed through S3 too", async () => {
    cfn.on(DescribeStacksCommand).resolves(describedStack(SHOP, "UPDATE_COMPLETE"));
    cfn.on(CreateChangeSetCommand).resolves(createdChangeSet(SHOP, TOKEN));
    cfn.on(DescribeChangeSetCommand).resolves(
      describedChangeSet(SHOP, TOKEN, "CREATE_COMPLETE", "AVAILABLE", {
        Changes: [resourceChange("Add", "Orders199EventBus", "AWS::Events::EventBus")],
      }),
    );
    cfn.on(DeleteChangeSetCommand).resolves(meta);
    s3Accepts();
    const changes = await withBucket.preview({ stackName: STACK, template: large, parameters: {} });
    expect(changes).toEqual([
      { action: "Add", logicalId: "Orders199EventBus", resourceType: "AWS::Events::EventBus" },
    ]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
    const input = cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input;
    expect(input.TemplateURL).toMatch(new RegExp(`^https://${BUCKET}\\.s3\\.eu-west-1\\.amazonaws\\.com/`));
    expect(input).not.toHaveProperty("TemplateBody");
  });

  it("fails the start with the bucket and S3's reason when the upload is refused, before CloudFormation", async () => {
    newStackAccepts();
    s3.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: "AccessDenied",
        message: `User: arn:aws:sts::123456789012:assumed-role/Switchyard-ApiRole/Switchyard-Api is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${BUCKET}/templates/${STACK}/x.json" because no identity-based policy allows the s3:PutObject action`,
        $fault: "client",
        $metadata: { httpStatusCode: 403, requestId: "R1", extendedRequestId: "E1" },
      }),
    );
    const err = await deploy(withBucket, large).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^Uploading the template to s3://${BUCKET}/templates/${STACK}/[0-9a-f]{64}\\.json failed: AccessDenied: `,
      ),
    );
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
  });
});

describe("templates CloudFormation takes inline", () => {
  it("go inline even when a bucket is configured, without touching S3", async () => {
    newStackAccepts();
    s3Accepts();
    await deploy(withBucket, small);
    expect(s3.calls()).toHaveLength(0);
    const input = cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input;
    expect(JSON.parse(input.TemplateBody!)).toEqual(small);
    expect(input).not.toHaveProperty("TemplateURL");
  });

  it("include one of exactly 51,200 bytes", async () => {
    const base = templateWith(1);
    const padded = structuredClone(base);
    padded.Description = "";
    padded.Description = "x".repeat(MAX_TEMPLATE_BODY_BYTES - bytesOf(padded));
    expect(bytesOf(padded)).toBe(MAX_TEMPLATE_BODY_BYTES);
    newStackAccepts();
    await deploy(withBucket, padded);
    expect(s3.calls()).toHaveLength(0);
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.TemplateBody).toBeDefined();
  });
});

describe("templates refused", () => {
  it("over 51,200 bytes without a bucket: the detail tells the operator's setting that lifts the limit", async () => {
    const err = await deploy(withoutBucket, large).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "DeployerError", code: "template-too-large" });
    expect((err as Error).message).toBe(
      `The compiled template is ${bytesOf(large)} bytes; CloudFormation accepts at most 51200 bytes inline, and this Switchyard has no template bucket for larger ones. Split the config into fewer resources per stage, or ask the platform operator to set SWITCHYARD_TEMPLATE_BUCKET (infra/ sets it), which lifts the limit to 1000000 bytes.`,
    );
    expect(cfn.calls()).toHaveLength(0);
    const previewErr = await withoutBucket
      .preview({ stackName: STACK, template: large, parameters: {} })
      .catch((e: unknown) => e);
    expect(previewErr).toMatchObject({ code: "template-too-large" });
    expect(cfn.calls()).toHaveLength(0);
  });

  it("over 1,000,000 bytes even with a bucket, before any S3 or CloudFormation call", async () => {
    const huge = templateWith(4_000);
    expect(bytesOf(huge)).toBeGreaterThan(MAX_TEMPLATE_URL_BYTES);
    s3Accepts();
    for (const attempt of [
      () => deploy(withBucket, huge),
      () => withBucket.preview({ stackName: STACK, template: huge, parameters: {} }),
    ]) {
      const err = await attempt().catch((e: unknown) => e);
      expect(err).toMatchObject({ name: "DeployerError", code: "template-too-large" });
      expect((err as Error).message).toBe(
        `The compiled template is ${bytesOf(huge)} bytes; CloudFormation accepts at most 1000000 bytes, even from S3. Split the config into several projects (fewer resources per stage).`,
      );
    }
    expect(s3.calls()).toHaveLength(0);
    expect(cfn.calls()).toHaveLength(0);
  });
});

describe("the template's URL", () => {
  it("uses the regional endpoint, China's domain in China, and the path style for bucket names with dots", () => {
    const key = "templates/sy-shop-dev/ab12.json";
    expect(objectUrl("sy-templates", "eu-west-1", key)).toBe(
      "https://sy-templates.s3.eu-west-1.amazonaws.com/templates/sy-shop-dev/ab12.json",
    );
    expect(objectUrl("sy-templates", "cn-north-1", key)).toBe(
      "https://sy-templates.s3.cn-north-1.amazonaws.com.cn/templates/sy-shop-dev/ab12.json",
    );
    expect(objectUrl("acme.templates", "us-gov-west-1", key)).toBe(
      "https://s3.us-gov-west-1.amazonaws.com/acme.templates/templates/sy-shop-dev/ab12.json",
    );
  });
});

describe("the Lambda's deployer (api/entry/aws-adapters.ts)", () => {
  it("uploads to the bucket named by SWITCHYARD_TEMPLATE_BUCKET, in the Lambda's region", async () => {
    const deployer = createDeployer({
      AWS_REGION: "ap-southeast-2",
      SWITCHYARD_TEMPLATE_BUCKET: BUCKET,
      SWITCHYARD_CFN_ROLE_ARN: "arn:aws:iam::123456789012:role/Switchyard-CloudFormationServiceRole",
    });
    newStackAccepts();
    s3Accepts();
    await deploy(deployer, large);
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input.Bucket).toBe(BUCKET);
    const input = cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input;
    expect(input.TemplateURL).toMatch(
      new RegExp(`^https://${BUCKET}\\.s3\\.ap-southeast-2\\.amazonaws\\.com/`),
    );
    expect(input.RoleARN).toBe("arn:aws:iam::123456789012:role/Switchyard-CloudFormationServiceRole");
  });

  it("refuses large templates when the variable is not set", async () => {
    const deployer = createDeployer({ AWS_REGION: "ap-southeast-2" });
    await expect(deploy(deployer, large)).rejects.toMatchObject({
      code: "template-too-large",
      message: expect.stringContaining("SWITCHYARD_TEMPLATE_BUCKET"),
    });
    expect(s3.calls()).toHaveLength(0);
    expect(cfn.calls()).toHaveLength(0);
  });
});
