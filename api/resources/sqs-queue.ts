import type { CompileContext } from "../compiler/context.js";
import { logicalId, NAME_LIMITS, resourcePhysicalName } from "../compiler/naming.js";
import type { ResourceCompiler } from "../compiler/registry.js";
import { allow, getAtt, ref } from "../compiler/template.js";
import { envVarName, type SqsQueueResource } from "../config/index.js";
import { compileSubscription } from "./event-bus/trigger.js";

export const queueId = (name: string) => logicalId(name, "AWS::SQS::Queue");

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

/** sqs-queue → AWS::SQS::Queue and its subscriptions; its policy is assembled once all rules exist. */
export const sqsQueue: ResourceCompiler<SqsQueueResource> = {
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
      compileSubscription(
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

/** One AWS::SQS::QueuePolicy per queue that rules deliver to (as target or dead-letter queue). */
export function queuePolicies(ctx: CompileContext): void {
  for (const [queue, statements] of ctx.queuePolicyStatements) {
    ctx.add(queue, logicalId(queue, "AWS::SQS::QueuePolicy"), {
      Type: "AWS::SQS::QueuePolicy",
      Properties: {
        Queues: [ref(queueId(queue))],
        PolicyDocument: { Version: "2012-10-17", Statement: statements },
      },
    });
  }
}
