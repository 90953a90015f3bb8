import { z } from "@hono/zod-openapi";
import { resolveDirectives } from "../compiler/directives.js";
import { logicalId, NAME_LIMITS, resourcePhysicalName } from "../compiler/naming.js";
import { allow, getAtt, ref } from "../compiler/template.js";
import { envVarName } from "../config/params.js";
import { resourceSchema } from "../config/schema/common.js";
import { eventsOf } from "../config/schema/events.js";
import { strictObject } from "../config/schema/strict.js";
import { alarmsOf } from "./concerns/alarms/index.js";
import type { ResourceDefinition } from "./definition.js";
import { busTrigger, busTriggerWith, checkBusTrigger, compileBusTrigger } from "./event-bus/trigger.js";

/** A queue's bus triggers may name the message group of a FIFO queue. */
const QueueBusTriggerSchema = busTriggerWith({ messageGroupId: z.string().max(100).optional() });

/** What Switchyard took before it spoke Stacktape's names (#17): each answers with its new name. */
const RENAMED = {
  fifoQueue: "fifoEnabled",
  delayMessagesSec: "delayMessagesSecond",
  messageRetentionPeriodSec: "messageRetentionPeriodSeconds",
  longPollingWaitTimeSec: "longPollingSeconds",
  visibilityTimeoutSec: "visibilityTimeoutSeconds",
};

/** A statement of the queue's resource policy; its Resource is always the queue itself. */
const QueuePolicyStatementSchema = strictObject({
  Sid: z.string().optional(),
  Effect: z
    .string()
    .refine((e) => e === "Allow" || e === "Deny", { message: 'Effect is "Allow" or "Deny".' }),
  Action: z.array(z.string()).min(1),
  Principal: z.unknown(),
  Condition: z.record(z.string(), z.unknown()).optional(),
});

const alarms = alarmsOf("sqs-queue");

export const SqsQueueSchema = resourceSchema(
  "sqs-queue",
  strictObject(
    {
      ...alarms.properties,
      fifoEnabled: z.boolean().optional(),
      fifoHighThroughput: z.boolean().optional(),
      contentBasedDeduplication: z.boolean().optional(),
      delayMessagesSecond: z.number().int().min(0).max(900).optional(),
      maxMessageSizeBytes: z.number().int().min(1024).max(1048576).optional(),
      messageRetentionPeriodSeconds: z.number().int().min(60).max(1209600).optional(),
      longPollingSeconds: z.number().int().min(0).max(20).optional(),
      visibilityTimeoutSeconds: z.number().int().min(0).max(43200).optional(),
      redrivePolicy: strictObject({
        targetSqsQueueName: z.string().optional(),
        targetSqsQueueArn: z.string().optional(),
        maxReceiveCount: z.number().int().min(1).max(1000),
      }).optional(),
      policyStatements: z.array(QueuePolicyStatementSchema).optional(),
      events: eventsOf("sqs-queue", [busTrigger.type], [QueueBusTriggerSchema]).optional(),
    },
    { renamed: RENAMED },
  ).optional(),
);

export type SqsQueueResource = z.infer<typeof SqsQueueSchema>;

const queueId = (name: string) => logicalId(name, "AWS::SQS::Queue");

/** The ARN of a queue of the config. */
export const queueArn = (name: string) => getAtt(queueId(name), "Arn");

const QUEUE_ACTIONS = [
  "sqs:ChangeMessageVisibility",
  "sqs:DeleteMessage",
  "sqs:GetQueueAttributes",
  "sqs:GetQueueUrl",
  "sqs:ListQueueTags",
  "sqs:PurgeQueue",
  "sqs:ReceiveMessage",
  "sqs:SendMessage",
];

/**
 * sqs-queue → AWS::SQS::Queue and its bus triggers; the dead-letter queue of other resources' bus
 * triggers. Its policy (one AWS::SQS::QueuePolicy) is assembled once every rule that delivers to
 * it exists.
 */
export const sqsQueue: ResourceDefinition<SqsQueueResource> = {
  type: "sqs-queue",
  schema: SqsQueueSchema,
  triggers: [busTrigger],
  concerns: [alarms],
  offers: { deadLetterQueue: (name) => getAtt(queueId(name), "Arn") },
  cloudformationTypes: ["AWS::SQS::Queue", "AWS::SQS::QueuePolicy", ...busTrigger.cloudformationTypes],

  paramNames: () => ["arn", "name", "url"],

  check(name, resource, checks) {
    const base = ["resources", name, "properties"];
    const props = resource.properties;
    const redrive = props?.redrivePolicy;
    if (redrive) {
      const path = [...base, "redrivePolicy"];
      if ((redrive.targetSqsQueueName === undefined) === (redrive.targetSqsQueueArn === undefined))
        checks.report(path, "redrivePolicy needs exactly one of targetSqsQueueName or targetSqsQueueArn.");
      else if (redrive.targetSqsQueueName !== undefined)
        checks.expectType(
          [...path, "targetSqsQueueName"],
          redrive.targetSqsQueueName,
          "sqs-queue",
          "targetSqsQueueName",
        );
    }
    const fifo = props?.fifoEnabled === true;
    if (!fifo && props?.fifoHighThroughput)
      checks.report(
        [...base, "fifoHighThroughput"],
        "fifoHighThroughput applies only to FIFO queues (fifoEnabled: true).",
      );
    if (!fifo && props?.contentBasedDeduplication)
      checks.report(
        [...base, "contentBasedDeduplication"],
        "contentBasedDeduplication applies only to FIFO queues (fifoEnabled: true).",
      );
    props?.events?.forEach((event, i) => {
      const path = [...base, "events", i, "properties"];
      checkBusTrigger(event.properties, path, checks);
      // A FIFO queue needs a message group per delivered event; a standard queue cannot take one.
      if (fifo && event.properties.messageGroupId === undefined) {
        checks.report(path, "A FIFO queue target needs messageGroupId.");
      } else if (!fifo && event.properties.messageGroupId !== undefined) {
        checks.report(
          [...path, "messageGroupId"],
          "messageGroupId applies only to FIFO queues (fifoEnabled: true).",
        );
      }
    });
  },

  compile(name, resource, ctx) {
    const props = resource.properties ?? {};
    const path = ["resources", name, "properties"];
    const fifo = props.fifoEnabled === true;
    const queueName = fifo
      ? `${resourcePhysicalName(ctx.stack, name, NAME_LIMITS.queue - 5)}.fifo`
      : resourcePhysicalName(ctx.stack, name, NAME_LIMITS.queue);
    const redrive = props.redrivePolicy;
    const optional = {
      FifoQueue: fifo || undefined,
      ContentBasedDeduplication: props.contentBasedDeduplication,
      // As Stacktape: high throughput deduplicates and throttles per message group, else per queue.
      DeduplicationScope: fifo ? (props.fifoHighThroughput ? "messageGroup" : "queue") : undefined,
      FifoThroughputLimit: fifo ? (props.fifoHighThroughput ? "perMessageGroupId" : "perQueue") : undefined,
      DelaySeconds: props.delayMessagesSecond,
      MaximumMessageSize: props.maxMessageSizeBytes,
      MessageRetentionPeriod: props.messageRetentionPeriodSeconds,
      ReceiveMessageWaitTimeSeconds: props.longPollingSeconds,
      VisibilityTimeout: props.visibilityTimeoutSeconds,
      RedrivePolicy: redrive
        ? {
            deadLetterTargetArn: redrive.targetSqsQueueName
              ? getAtt(queueId(redrive.targetSqsQueueName), "Arn")
              : resolveDirectives(
                  redrive.targetSqsQueueArn,
                  [...path, "redrivePolicy", "targetSqsQueueArn"],
                  ctx,
                ),
            maxReceiveCount: redrive.maxReceiveCount,
          }
        : undefined,
    };
    if (redrive?.targetSqsQueueArn !== undefined)
      ctx.origin(queueId(name), "RedrivePolicy", [...path, "redrivePolicy", "targetSqsQueueArn"]);
    // The user's statements are about this queue: each gets the queue as its Resource, as in Stacktape.
    for (const statement of props.policyStatements ?? [])
      ctx.addResourcePolicyStatement(name, { ...statement, Resource: [getAtt(queueId(name), "Arn")] });
    ctx.add(name, queueId(name), {
      Type: "AWS::SQS::Queue",
      Properties: {
        QueueName: queueName,
        ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
      },
    });
    props.events?.forEach((event, i) => {
      const { messageGroupId, ...subscription } = event.properties;
      compileBusTrigger(
        ctx,
        name,
        i,
        subscription,
        ["resources", name, "properties", "events", i, "properties"],
        {
          kind: "sqs",
          arn: getAtt(queueId(name), "Arn"),
          queueName: name,
          ...(messageGroupId ? { messageGroupId } : {}),
        },
      );
    });
  },

  /** One AWS::SQS::QueuePolicy per queue that rules deliver to (as target or dead-letter queue). */
  resourcePolicy(name, statements, ctx) {
    ctx.add(name, logicalId(name, "AWS::SQS::QueuePolicy"), {
      Type: "AWS::SQS::QueuePolicy",
      Properties: {
        Queues: [ref(queueId(name))],
        PolicyDocument: { Version: "2012-10-17", Statement: statements },
      },
    });
  },

  params: (name) => queueParams(name),

  connect(name) {
    const params = queueParams(name);
    return {
      statements: [allow(QUEUE_ACTIONS, [params.arn])],
      environment: Object.fromEntries(Object.entries(params).map(([p, v]) => [envVarName(name, p), v])),
    };
  },
};

const queueParams = (name: string) => ({
  arn: getAtt(queueId(name), "Arn"),
  name: getAtt(queueId(name), "QueueName"),
  url: ref(queueId(name)),
});
