import { z } from "@hono/zod-openapi";
import type { CompileContext } from "../../compiler/context.js";
import { resolveDirectives } from "../../compiler/directives.js";
import { eventLogicalId } from "../../compiler/naming.js";
import { allow, getAtt, type IamStatement } from "../../compiler/template.js";
import type { ConfigPath } from "../../config/problem.js";
import { strictObject } from "../../config/schema/strict.js";
import { queueArn } from "../sqs-queue.js";
import type { LambdaTarget, LambdaTrigger } from "./lambda-trigger.js";

/**
 * Triggers that Lambda polls (`sqs`, `kinesis-stream`, `dynamo-db-stream`, `kafka-topic`): each is
 * one `AWS::Lambda::EventSourceMapping` (`<Function>Event<i>EventSourceMapping`), and the function's
 * role gets what polling the source needs, as Stacktape compiles them.
 */

const mapping = (
  ctx: CompileContext,
  target: LambdaTarget,
  index: number,
  properties: Record<string, unknown>,
  /** The config property the source's ARN came from, where the tenant check points. */
  source?: ConfigPath,
): void => {
  const id = eventLogicalId(target.name, index, "AWS::Lambda::EventSourceMapping");
  if (source) ctx.origin(id, "EventSourceArn", source);
  ctx.add(target.name, id, {
    Type: "AWS::Lambda::EventSourceMapping",
    Properties: Object.fromEntries(
      Object.entries({ FunctionName: target.arn, Enabled: true, ...properties }).filter(
        ([, v]) => v !== undefined,
      ),
    ),
  });
};

/** A name or ARN the user wrote, directives resolved (an ARN may be `$ResourceParam(...)`). */
const given = (ctx: CompileContext, value: unknown, path: ConfigPath) => resolveDirectives(value, path, ctx);

const SqsTriggerSchema = strictObject({
  type: z.literal("sqs"),
  properties: strictObject({
    sqsQueueName: z.string().optional(),
    sqsQueueArn: z.string().optional(),
    batchSize: z.number().int().min(1).max(10000).optional(),
    maxBatchWindowSeconds: z.number().int().min(0).max(300).optional(),
  }),
});

export const sqsTrigger: LambdaTrigger<typeof SqsTriggerSchema> = {
  type: "sqs",
  schema: SqsTriggerSchema,
  external: true,
  cloudformationTypes: ["AWS::Lambda::EventSourceMapping"],
  check(props, path, checks) {
    if ((props.sqsQueueName === undefined) === (props.sqsQueueArn === undefined))
      checks.report(path, "An sqs trigger needs exactly one of sqsQueueName or sqsQueueArn.");
    else if (props.sqsQueueName !== undefined)
      checks.expectType([...path, "sqsQueueName"], props.sqsQueueName, "sqs-queue", "sqsQueueName");
  },
  compile(ctx, target, index, props, path) {
    const arn =
      props.sqsQueueName !== undefined
        ? queueArn(props.sqsQueueName)
        : given(ctx, props.sqsQueueArn, [...path, "sqsQueueArn"]);
    mapping(
      ctx,
      target,
      index,
      {
        EventSourceArn: arn,
        BatchSize: props.batchSize,
        MaximumBatchingWindowInSeconds: props.maxBatchWindowSeconds,
      },
      [...path, props.sqsQueueName !== undefined ? "sqsQueueName" : "sqsQueueArn"],
    );
    return [
      allow(
        [
          "sqs:ReceiveMessage",
          "sqs:ChangeMessageVisibility",
          "sqs:GetQueueUrl",
          "sqs:DeleteMessage",
          "sqs:GetQueueAttributes",
        ],
        [arn],
      ),
    ];
  },
};

/** Where a stream trigger sends the batches that failed every retry. */
const OnFailureSchema = strictObject({ arn: z.string(), type: z.enum(["sns", "sqs"]) });

const streamProperties = {
  maxBatchWindowSeconds: z.number().int().min(0).max(300).optional(),
  batchSize: z.number().int().min(1).max(10000).optional(),
  maximumRetryAttempts: z.number().int().min(-1).max(10000).optional(),
  onFailure: OnFailureSchema.optional(),
  parallelizationFactor: z.number().int().min(1).max(10).optional(),
  bisectBatchOnFunctionError: z.boolean().optional(),
};

type StreamProps = {
  [K in keyof typeof streamProperties]?: z.infer<(typeof streamProperties)[K]>;
} & { startingPosition?: string };

/** The mapping properties and role statements every stream trigger shares. */
function streamMapping(
  ctx: CompileContext,
  props: StreamProps,
  path: ConfigPath,
): { properties: Record<string, unknown>; statements: IamStatement[] } {
  const onFailure = props.onFailure
    ? given(ctx, props.onFailure.arn, [...path, "onFailure", "arn"])
    : undefined;
  return {
    properties: {
      BatchSize: props.batchSize,
      StartingPosition: props.startingPosition ?? "TRIM_HORIZON",
      MaximumBatchingWindowInSeconds: props.maxBatchWindowSeconds,
      MaximumRetryAttempts: props.maximumRetryAttempts,
      ParallelizationFactor: props.parallelizationFactor,
      BisectBatchOnFunctionError: props.bisectBatchOnFunctionError,
      DestinationConfig: onFailure ? { OnFailure: { Destination: onFailure } } : undefined,
    },
    statements:
      onFailure === undefined
        ? []
        : props.onFailure?.type === "sns"
          ? [allow(["sns:Publish"], [onFailure])]
          : [allow(["sqs:ListQueues", "sqs:SendMessage"], [onFailure])],
  };
}

const KinesisTriggerSchema = strictObject({
  type: z.literal("kinesis-stream"),
  properties: strictObject({
    kinesisStreamName: z.string().optional(),
    streamArn: z.string().optional(),
    consumerArn: z.string().optional(),
    autoCreateConsumer: z.boolean().optional(),
    startingPosition: z.enum(["LATEST", "TRIM_HORIZON"]).optional(),
    ...streamProperties,
  }),
});

/**
 * A kinesis-stream trigger reads a stream given by ARN, through a consumer given by ARN or, with
 * `autoCreateConsumer`, one registered for it (`<Function>Event<i>StreamConsumer`, enhanced fan-out:
 * its own throughput per shard, records pushed to the function), as Stacktape does.
 */
export const kinesisTrigger: LambdaTrigger<typeof KinesisTriggerSchema> = {
  type: "kinesis-stream",
  schema: KinesisTriggerSchema,
  external: true,
  cloudformationTypes: ["AWS::Lambda::EventSourceMapping", "AWS::Kinesis::StreamConsumer"],
  check(props, path, checks) {
    if (props.kinesisStreamName !== undefined)
      checks.report(
        [...path, "kinesisStreamName"],
        "Switchyard does not manage kinesis-stream resources: name the stream by streamArn.",
      );
    else if (props.streamArn === undefined) checks.report(path, "A kinesis-stream trigger needs streamArn.");
    if (props.autoCreateConsumer && props.consumerArn !== undefined)
      checks.report(
        [...path, "autoCreateConsumer"],
        "autoCreateConsumer registers a consumer for this trigger; it cannot be used with consumerArn. Remove one of them.",
      );
  },
  compile(ctx, target, index, props, path) {
    const stream = given(ctx, props.streamArn, [...path, "streamArn"]);
    let consumer: unknown;
    if (props.consumerArn !== undefined) consumer = given(ctx, props.consumerArn, [...path, "consumerArn"]);
    else if (props.autoCreateConsumer) {
      // Named by the compiler (api/compiler/scoped-names.ts): `<stack>-<Function>Event<i>StreamConsumer`.
      const consumerId = eventLogicalId(target.name, index, "AWS::Kinesis::StreamConsumer");
      ctx.origin(consumerId, "StreamARN", [...path, "streamArn"]);
      ctx.add(target.name, consumerId, {
        Type: "AWS::Kinesis::StreamConsumer",
        Properties: { StreamARN: stream },
      });
      consumer = getAtt(consumerId, "ConsumerARN");
    }
    const { properties, statements } = streamMapping(ctx, props, path);
    mapping(ctx, target, index, { EventSourceArn: consumer ?? stream, ...properties }, [
      ...path,
      props.consumerArn === undefined ? "streamArn" : "consumerArn",
    ]);
    const read =
      consumer === undefined
        ? [
            allow(
              [
                "kinesis:GetRecords",
                "kinesis:GetShardIterator",
                "kinesis:DescribeStream",
                "kinesis:ListStreams",
              ],
              [stream],
            ),
          ]
        : [
            allow(["kinesis:SubscribeToShard"], [consumer]),
            allow(
              [
                "kinesis:GetRecords",
                "kinesis:GetShardIterator",
                "kinesis:DescribeStreamSummary",
                "kinesis:ListShards",
              ],
              [stream],
            ),
          ];
    return [...read, ...statements];
  },
};

const DynamoTriggerSchema = strictObject({
  type: z.literal("dynamo-db-stream"),
  properties: strictObject({
    streamArn: z.string(),
    // Stacktape types it as any string; DynamoDB streams start at one of these two.
    startingPosition: z
      .string()
      .refine((p) => p === "LATEST" || p === "TRIM_HORIZON", {
        message: 'startingPosition is "LATEST" or "TRIM_HORIZON".',
      })
      .optional(),
    ...streamProperties,
  }),
});

export const dynamoTrigger: LambdaTrigger<typeof DynamoTriggerSchema> = {
  type: "dynamo-db-stream",
  schema: DynamoTriggerSchema,
  external: true,
  cloudformationTypes: ["AWS::Lambda::EventSourceMapping"],
  compile(ctx, target, index, props, path) {
    const stream = given(ctx, props.streamArn, [...path, "streamArn"]);
    const { properties, statements } = streamMapping(ctx, props, path);
    mapping(ctx, target, index, { EventSourceArn: stream, ...properties }, [...path, "streamArn"]);
    return [
      allow(
        [
          "dynamodb:GetRecords",
          "dynamodb:GetShardIterator",
          "dynamodb:DescribeStream",
          "dynamodb:ListStreams",
        ],
        [stream],
      ),
      ...statements,
    ];
  },
};

const KafkaTriggerSchema = strictObject({
  type: z.literal("kafka-topic"),
  properties: strictObject({
    customKafkaConfiguration: strictObject({
      bootstrapServers: z.array(z.string()).min(1),
      topicName: z.string(),
      authentication: z.discriminatedUnion("type", [
        strictObject({
          type: z.enum(["BASIC_AUTH", "SASL_SCRAM_256_AUTH", "SASL_SCRAM_512_AUTH"]),
          properties: strictObject({ authenticationSecretArn: z.string() }),
        }),
        strictObject({
          type: z.literal("MTLS"),
          properties: strictObject({
            clientCertificate: z.string(),
            serverRootCaCertificate: z.string().optional(),
          }),
        }),
      ]),
    }).optional(),
    batchSize: z.number().int().min(1).max(10000).optional(),
    maxBatchWindowSeconds: z.number().int().min(0).max(300).optional(),
  }),
});

export const kafkaTrigger: LambdaTrigger<typeof KafkaTriggerSchema> = {
  type: "kafka-topic",
  schema: KafkaTriggerSchema,
  external: true,
  cloudformationTypes: ["AWS::Lambda::EventSourceMapping"],
  check(props, path, checks) {
    if (props.customKafkaConfiguration === undefined)
      checks.report(
        path,
        "A kafka-topic trigger needs customKafkaConfiguration (bootstrapServers, topicName, authentication).",
      );
  },
  compile(ctx, target, index, props, path) {
    const kafka = props.customKafkaConfiguration!;
    const authPath = [...path, "customKafkaConfiguration", "authentication", "properties"];
    const auth = kafka.authentication;
    const access =
      auth.type === "MTLS"
        ? [
            {
              Type: "CLIENT_CERTIFICATE_TLS_AUTH",
              URI: given(ctx, auth.properties.clientCertificate, [...authPath, "clientCertificate"]),
            },
            ...(auth.properties.serverRootCaCertificate !== undefined
              ? [
                  {
                    Type: "SERVER_ROOT_CA_CERTIFICATE",
                    URI: given(ctx, auth.properties.serverRootCaCertificate, [
                      ...authPath,
                      "serverRootCaCertificate",
                    ]),
                  },
                ]
              : []),
          ]
        : [
            {
              Type: auth.type,
              URI: given(ctx, auth.properties.authenticationSecretArn, [
                ...authPath,
                "authenticationSecretArn",
              ]),
            },
          ];
    mapping(ctx, target, index, {
      BatchSize: props.batchSize,
      MaximumBatchingWindowInSeconds: props.maxBatchWindowSeconds,
      SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: kafka.bootstrapServers } },
      Topics: [kafka.topicName],
      SourceAccessConfigurations: access,
    });
    return [
      allow(
        ["secretsmanager:GetSecretValue"],
        access.map((a) => a.URI),
      ),
    ];
  },
};
