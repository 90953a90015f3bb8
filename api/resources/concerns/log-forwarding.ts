/**
 * `logging.logForwarding`: a resource's CloudWatch log group forwarded to an HTTP endpoint, Datadog
 * or Highlight, as Stacktape does it: a subscription filter to a Kinesis Data Firehose delivery
 * stream with an HTTP endpoint destination, failed records kept in an S3 bucket, and the two roles
 * (CloudWatch Logs → Firehose, Firehose → the bucket). An access key or API key is a secret: given
 * as `$Secret()` only, it enters the template as a dynamic reference that CloudFormation resolves.
 */
import { z } from "@hono/zod-openapi";
import type { CompileContext } from "../../compiler/context.js";
import { logicalId, NAME_LIMITS } from "../../compiler/naming.js";
import { getAtt, policyDocument, ref, sub } from "../../compiler/template.js";
import type { ConfigPath } from "../../config/problem.js";
import { strictObject } from "../../config/schema/strict.js";
import type { Concern } from "../definition.js";
import { dynamicReference, secretReference } from "./alarms/secrets.js";

const HttpsUrl = z
  .string()
  .regex(/^https:\/\/[^\s]+$/, "An https:// URL (Firehose delivers over HTTPS only).");

export const LogForwardingSchema = z.discriminatedUnion(
  "type",
  [
    strictObject({
      type: z.literal("http-endpoint"),
      properties: strictObject({
        endpointUrl: HttpsUrl,
        gzipEncodingEnabled: z.boolean().optional(),
        parameters: z.record(z.string(), z.string()).optional(),
        retryDuration: z.number().int().min(0).max(7200).optional(),
        accessKey: secretReference("An endpoint's access key").optional(),
      }),
    }),
    strictObject({
      type: z.literal("highlight"),
      properties: strictObject({ projectId: z.string().min(1), endpointUrl: HttpsUrl.optional() }),
    }),
    strictObject({
      type: z.literal("datadog"),
      properties: strictObject({
        apiKey: secretReference("A Datadog API key"),
        endpointUrl: HttpsUrl.optional(),
      }),
    }),
  ],
  {
    error: (issue) =>
      issue.code === "invalid_union"
        ? "Unsupported log forwarding. Supported types: http-endpoint, datadog, highlight."
        : undefined,
  },
);

export type LogForwarding = z.infer<typeof LogForwardingSchema>;

export const LOG_FORWARDING_CLOUDFORMATION_TYPES = [
  "AWS::Logs::SubscriptionFilter",
  "AWS::KinesisFirehose::DeliveryStream",
  "AWS::S3::Bucket",
  "AWS::IAM::Role",
];

const DATADOG = "https://aws-kinesis-http-intake.logs.datadoghq.com/v1/input";
const HIGHLIGHT = "https://pub.highlight.io/v1/logs/firehose";

/** The log group Switchyard gives a function, batch job or HTTP API (`<Name>LogGroup`), unless disabled. */
export function logGroupOf(name: string, properties: unknown): string | undefined {
  const logging = (properties as { logging?: { disabled?: boolean } } | undefined)?.logging;
  return logging?.disabled ? undefined : logicalId(name, "AWS::Logs::LogGroup");
}

/**
 * The log-forwarding concern of a type whose `logging` has a log group: `logGroupOf` names the
 * log group's logical ID for a resource (undefined when it keeps none, e.g. logging disabled).
 */
export function logForwardingOf(
  logGroupOf: (name: string, properties: unknown) => string | undefined,
): Concern {
  return {
    name: "log forwarding",
    properties: {},
    cloudformationTypes: LOG_FORWARDING_CLOUDFORMATION_TYPES,
    compile(name, resource, ctx) {
      const forwarding = (resource.properties as { logging?: { logForwarding?: LogForwarding } } | undefined)
        ?.logging?.logForwarding;
      if (!forwarding) return;
      const path = ["resources", name, "properties", "logging", "logForwarding"];
      const logGroupId = logGroupOf(name, resource.properties);
      if (!logGroupId) {
        ctx.error(
          path,
          "Logs are forwarded from the resource's log group, and logging.disabled turns it off.",
        );
        return;
      }
      compileLogForwarding(ctx, name, logGroupId, forwarding, path);
    },
  };
}

/**
 * Forwards one log group of `owner`. A resource with several log groups (a workload's containers)
 * forwards each through a stream of its own, named after `streamOf` (`<stack>-<streamOf>-logs`), and
 * shares one failed-records bucket and its role.
 */
export function compileLogForwarding(
  ctx: CompileContext,
  owner: string,
  logGroupId: string,
  forwarding: LogForwarding,
  path: ConfigPath,
  streamOf = owner,
): void {
  // Where its key was written: the tenant check reports a secret the team may not resolve there.
  const key =
    forwarding.type === "datadog" ? "apiKey" : forwarding.type === "http-endpoint" ? "accessKey" : undefined;
  const secret = key && (forwarding.properties as Record<string, string | undefined>)[key];
  if (key && secret) ctx.dynamicReferenceOrigins.set(dynamicReference(secret), [...path, "properties", key]);
  const streamId = logicalId(logGroupId, "AWS::KinesisFirehose::DeliveryStream");
  const bucketId = logicalId(owner, "AWS::S3::Bucket", "LogForwardingFailedRecords");
  const toS3RoleId = logicalId(owner, "AWS::IAM::Role", "LogForwardingS3");
  const toFirehoseRoleId = logicalId(logGroupId, "AWS::IAM::Role", "CwToFirehose");

  if (!ctx.resources[bucketId]) compileFailedRecords(ctx, owner, bucketId, toS3RoleId);
  ctx.add(owner, toFirehoseRoleId, {
    Type: "AWS::IAM::Role",
    Properties: {
      AssumeRolePolicyDocument: policyDocument([
        {
          Effect: "Allow",
          Principal: { Service: "logs.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringLike: { "aws:SourceArn": getAtt(logGroupId, "Arn") } },
        },
      ]),
      Policies: [
        {
          PolicyName: "logs-to-firehose",
          PolicyDocument: policyDocument([
            { Effect: "Allow", Action: ["firehose:PutRecord"], Resource: [getAtt(streamId, "Arn")] },
          ]),
        },
      ],
    },
  });
  ctx.add(owner, streamId, {
    Type: "AWS::KinesisFirehose::DeliveryStream",
    Properties: {
      DeliveryStreamName: ctx.physicalName(`${streamOf}-logs`, NAME_LIMITS.deliveryStream),
      DeliveryStreamType: "DirectPut",
      HttpEndpointDestinationConfiguration: destination(forwarding, bucketId, toS3RoleId),
    },
  });
  ctx.add(owner, logicalId(logGroupId, "AWS::Logs::SubscriptionFilter"), {
    Type: "AWS::Logs::SubscriptionFilter",
    Properties: {
      LogGroupName: ref(logGroupId),
      DestinationArn: getAtt(streamId, "Arn"),
      FilterPattern: "",
      RoleArn: getAtt(toFirehoseRoleId, "Arn"),
    },
  });
}

/** The bucket failed records go to, and the role Firehose writes it with: one per resource. */
function compileFailedRecords(
  ctx: CompileContext,
  owner: string,
  bucketId: string,
  toS3RoleId: string,
): void {
  // Failed records only; its name is CloudFormation's (`<stack>-<logical id>-<suffix>`), unique worldwide.
  ctx.add(owner, bucketId, {
    Type: "AWS::S3::Bucket",
    Properties: {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    },
  });
  ctx.add(owner, toS3RoleId, {
    Type: "AWS::IAM::Role",
    Properties: {
      AssumeRolePolicyDocument: policyDocument([
        {
          Effect: "Allow",
          Principal: { Service: "firehose.amazonaws.com" },
          Action: "sts:AssumeRole",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
          Condition: { StringEquals: { "sts:ExternalId": sub("${AWS::AccountId}") } },
        },
      ]),
      Policies: [
        {
          PolicyName: "failed-logs-to-s3",
          PolicyDocument: policyDocument([
            {
              Effect: "Allow",
              Action: [
                "s3:AbortMultipartUpload",
                "s3:GetBucketLocation",
                "s3:GetObject",
                "s3:ListBucket",
                "s3:ListBucketMultipartUploads",
                "s3:PutObject",
              ],
              // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
              Resource: [getAtt(bucketId, "Arn"), sub("${Bucket}/*", { Bucket: getAtt(bucketId, "Arn") })],
            },
          ]),
        },
      ],
    },
  });
}

/** Stacktape's settings per kind of endpoint: buffering, encoding, retries. */
function destination(forwarding: LogForwarding, bucketId: string, roleId: string): Record<string, unknown> {
  const s3 = {
    BucketARN: getAtt(bucketId, "Arn"),
    RoleARN: getAtt(roleId, "Arn"),
    BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 },
  };
  const endpoint = (url: string, accessKey?: string) => ({
    Url: url,
    Name: url.replace("https://", "").slice(0, 256),
    ...(accessKey ? { AccessKey: dynamicReference(accessKey) } : {}),
  });
  const common = { S3Configuration: s3, S3BackupMode: "FailedDataOnly" };
  switch (forwarding.type) {
    case "http-endpoint": {
      const p = forwarding.properties;
      return {
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 },
        EndpointConfiguration: endpoint(p.endpointUrl, p.accessKey),
        RequestConfiguration: {
          CommonAttributes: Object.entries(p.parameters ?? {}).map(([AttributeName, AttributeValue]) => ({
            AttributeName,
            AttributeValue,
          })),
          ContentEncoding: p.gzipEncodingEnabled ? "GZIP" : "NONE",
        },
        RetryOptions: { DurationInSeconds: p.retryDuration ?? 300 },
        ...common,
      };
    }
    case "highlight":
      return {
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 },
        EndpointConfiguration: endpoint(forwarding.properties.endpointUrl ?? HIGHLIGHT),
        RequestConfiguration: {
          CommonAttributes: [
            { AttributeName: "x-highlight-project", AttributeValue: forwarding.properties.projectId },
          ],
          ContentEncoding: "GZIP",
        },
        RetryOptions: { DurationInSeconds: 300 },
        ...common,
      };
    case "datadog":
      return {
        BufferingHints: { SizeInMBs: 4, IntervalInSeconds: 60 },
        EndpointConfiguration: endpoint(
          forwarding.properties.endpointUrl ?? DATADOG,
          forwarding.properties.apiKey,
        ),
        RequestConfiguration: { ContentEncoding: "GZIP" },
        RetryOptions: { DurationInSeconds: 60 },
        ...common,
      };
  }
}
