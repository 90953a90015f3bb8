import { z } from "@hono/zod-openapi";
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

const alarms = alarmsOf("sqs-queue");

export const SqsQueueSchema = resourceSchema(
  "sqs-queue",
  strictObject({
    ...alarms.properties,
    fifoQueue: z.boolean().optional(),
    contentBasedDeduplication: z.boolean().optional(),
    delayMessagesSec: z.number().int().min(0).max(900).optional(),
    maxMessageSizeBytes: z.number().int().min(1024).max(1048576).optional(),
    messageRetentionPeriodSec: z.number().int().min(60).max(1209600).optional(),
    longPollingWaitTimeSec: z.number().int().min(0).max(20).optional(),
    visibilityTimeoutSec: z.number().int().min(0).max(43200).optional(),
    redrivePolicy: strictObject({
      targetSqsQueueName: z.string(),
      maxReceiveCount: z.number().int().min(1).max(1000),
    }).optional(),
    events: eventsOf("sqs-queue", [busTrigger.type], [QueueBusTriggerSchema]).optional(),
  }).optional(),
);

export type SqsQueueResource = z.infer<typeof SqsQueueSchema>;

const queueId = (name: string) => logicalId(name, "AWS::SQS::Queue");

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
    if (props?.redrivePolicy) {
      checks.expectType(
        [...base, "redrivePolicy", "targetSqsQueueName"],
        props.redrivePolicy.targetSqsQueueName,
        "sqs-queue",
        "targetSqsQueueName",
      );
    }
    props?.events?.forEach((event, i) => {
      const path = [...base, "events", i, "properties"];
      checkBusTrigger(event.properties, path, checks);
      // A FIFO queue needs a message group per delivered event; a standard queue cannot take one.
      const fifo = props.fifoQueue === true;
      if (fifo && event.properties.messageGroupId === undefined) {
        checks.report(path, "A FIFO queue target needs messageGroupId.");
      } else if (!fifo && event.properties.messageGroupId !== undefined) {
        checks.report(
          [...path, "messageGroupId"],
          "messageGroupId applies only to FIFO queues (fifoQueue: true).",
        );
      }
    });
  },

  compile(name, resource, ctx) {
    const props = resource.properties ?? {};
    const fifo = props.fifoQueue === true;
    const queueName = fifo
      ? `${resourcePhysicalName(ctx.stack, name, NAME_LIMITS.queue - 5)}.fifo`
      : resourcePhysicalName(ctx.stack, name, NAME_LIMITS.queue);
    const optional = {
      FifoQueue: fifo || undefined,
      ContentBasedDeduplication: props.contentBasedDeduplication,
      DelaySeconds: props.delayMessagesSec,
      MaximumMessageSize: props.maxMessageSizeBytes,
      MessageRetentionPeriod: props.messageRetentionPeriodSec,
      ReceiveMessageWaitTimeSeconds: props.longPollingWaitTimeSec,
      VisibilityTimeout: props.visibilityTimeoutSec,
      RedrivePolicy: props.redrivePolicy
        ? {
            deadLetterTargetArn: getAtt(queueId(props.redrivePolicy.targetSqsQueueName), "Arn"),
            maxReceiveCount: props.redrivePolicy.maxReceiveCount,
          }
        : undefined,
    };
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
