import { z } from "@hono/zod-openapi";
import { resolveDirectives } from "../../compiler/directives.js";
import { eventLogicalId } from "../../compiler/naming.js";
import { strictObject } from "../../config/schema/strict.js";
import { topicArn } from "../sns-topic/names.js";
import { queueArn } from "../sqs-queue.js";
import type { LambdaTrigger } from "./lambda-trigger.js";

const SnsTriggerSchema = strictObject({
  type: z.literal("sns"),
  properties: strictObject({
    snsTopicName: z.string().optional(),
    snsTopicArn: z.string().optional(),
    filterPolicy: z.record(z.string(), z.unknown()).optional(),
    onDeliveryFailure: strictObject({
      sqsQueueArn: z.string().optional(),
      sqsQueueName: z.string().optional(),
    }).optional(),
  }),
});

/**
 * The sns trigger (`events: - type: sns`): a subscription of the function to a topic of the config
 * (`snsTopicName`) or any topic by ARN, and the permission for SNS to invoke it
 * (`<Function>Event<i>Subscription`, `<Function>Event<i>Permission`), as Stacktape compiles it.
 */
export const snsTrigger: LambdaTrigger<typeof SnsTriggerSchema> = {
  type: "sns",
  schema: SnsTriggerSchema,
  cloudformationTypes: ["AWS::SNS::Subscription", "AWS::Lambda::Permission"],
  check(props, path, checks) {
    if ((props.snsTopicName === undefined) === (props.snsTopicArn === undefined))
      checks.report(path, "An sns trigger needs exactly one of snsTopicName or snsTopicArn.");
    else if (props.snsTopicName !== undefined) {
      checks.expectType([...path, "snsTopicName"], props.snsTopicName, "sns-topic", "snsTopicName");
      const topic = checks.config.resources[props.snsTopicName] as
        | { type?: string; properties?: { fifoEnabled?: boolean } }
        | undefined;
      if (topic?.type === "sns-topic" && topic.properties?.fifoEnabled)
        checks.report(
          [...path, "snsTopicName"],
          `"${props.snsTopicName}" is a FIFO topic, and FIFO topics deliver only to SQS queues, not to functions.`,
        );
    }
    const failure = props.onDeliveryFailure;
    if (failure) {
      if ((failure.sqsQueueName === undefined) === (failure.sqsQueueArn === undefined))
        checks.report(
          [...path, "onDeliveryFailure"],
          "onDeliveryFailure needs exactly one of sqsQueueName or sqsQueueArn.",
        );
      else if (failure.sqsQueueName !== undefined)
        checks.expectType(
          [...path, "onDeliveryFailure", "sqsQueueName"],
          failure.sqsQueueName,
          "sqs-queue",
          "sqsQueueName",
        );
    }
  },
  compile(ctx, target, index, props, path) {
    const topic =
      props.snsTopicName !== undefined
        ? topicArn(props.snsTopicName)
        : resolveDirectives(props.snsTopicArn, [...path, "snsTopicArn"], ctx);
    const failure = props.onDeliveryFailure;
    const deadLetter =
      failure?.sqsQueueName !== undefined
        ? queueArn(failure.sqsQueueName)
        : failure?.sqsQueueArn !== undefined
          ? resolveDirectives(failure.sqsQueueArn, [...path, "onDeliveryFailure", "sqsQueueArn"], ctx)
          : undefined;
    ctx.add(target.name, eventLogicalId(target.name, index, "AWS::SNS::Subscription"), {
      Type: "AWS::SNS::Subscription",
      Properties: {
        TopicArn: topic,
        Protocol: "lambda",
        Endpoint: target.arn,
        ...(props.filterPolicy ? { FilterPolicy: props.filterPolicy } : {}),
        ...(deadLetter !== undefined ? { RedrivePolicy: { deadLetterTargetArn: deadLetter } } : {}),
      },
    });
    ctx.add(target.name, eventLogicalId(target.name, index, "AWS::Lambda::Permission"), {
      Type: "AWS::Lambda::Permission",
      Properties: {
        FunctionName: target.arn,
        Action: "lambda:InvokeFunction",
        Principal: "sns.amazonaws.com",
        SourceArn: topic,
      },
    });
    // SNS needs the dead-letter queue's leave to send to it, as EventBridge does.
    if (failure?.sqsQueueName !== undefined)
      ctx.addResourcePolicyStatement(failure.sqsQueueName, {
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: deadLetter,
        Condition: { ArnEquals: { "aws:SourceArn": topic } },
      });
    return [];
  },
};
