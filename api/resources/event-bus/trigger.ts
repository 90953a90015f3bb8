import type { CompileContext } from "../../compiler/context.js";
import { resolveDirectives } from "../../compiler/directives.js";
import { eventLogicalId, logicalId, NAME_LIMITS, physicalName } from "../../compiler/naming.js";
import { allow, getAtt, policyDocument, stringifyForCfn, trustPolicy } from "../../compiler/template.js";
import type { ConfigPath } from "../../config/problem.js";
import type { EventBusIntegration } from "../../config/schema/event-bus-subscription.js";

/** How a rule reaches its target: a resource policy (Lambda, SQS) or a role EventBridge assumes. */
export type SubscriptionTarget =
  | { kind: "lambda"; arn: unknown; functionLogicalId: string }
  | { kind: "sqs"; arn: unknown; queueName: string; messageGroupId?: string }
  | { kind: "role"; arn: unknown; actions: string[] };

/**
 * One `events: - type: event-bus` entry → one `AWS::Events::Rule` with one target, plus what the
 * target needs: a Lambda permission, a queue policy statement, or a role; and a DLQ policy statement
 * when the dead-letter queue is a queue of this stack.
 */
export function compileSubscription(
  ctx: CompileContext,
  consumer: string,
  index: number,
  sub: EventBusIntegration,
  path: ConfigPath,
  target: SubscriptionTarget,
): void {
  const ruleId = eventLogicalId(consumer, index, "AWS::Events::Rule");
  const ruleArn = getAtt(ruleId, "Arn");
  const targetProps: Record<string, unknown> = {
    Id: physicalName(`${consumer}-event-${index}-event-rule`, 64),
    Arn: target.arn,
  };

  if (sub.input !== undefined)
    targetProps.Input = stringifyForCfn(resolveDirectives(sub.input, [...path, "input"], ctx));
  if (sub.inputPath !== undefined) targetProps.InputPath = sub.inputPath;
  if (sub.inputTransformer) {
    targetProps.InputTransformer = {
      ...(sub.inputTransformer.inputPathsMap ? { InputPathsMap: sub.inputTransformer.inputPathsMap } : {}),
      InputTemplate: stringifyForCfn(
        resolveDirectives(
          sub.inputTransformer.inputTemplate,
          [...path, "inputTransformer", "inputTemplate"],
          ctx,
        ),
      ),
    };
  }
  if (sub.retryPolicy) {
    targetProps.RetryPolicy = {
      ...(sub.retryPolicy.maximumEventAgeInSeconds !== undefined
        ? { MaximumEventAgeInSeconds: sub.retryPolicy.maximumEventAgeInSeconds }
        : {}),
      ...(sub.retryPolicy.maximumRetryAttempts !== undefined
        ? { MaximumRetryAttempts: sub.retryPolicy.maximumRetryAttempts }
        : {}),
    };
  }
  if (sub.onDeliveryFailure) {
    const { sqsQueueArn, sqsQueueName } = sub.onDeliveryFailure;
    const dlqArn = sqsQueueName ? getAtt(logicalId(sqsQueueName, "AWS::SQS::Queue"), "Arn") : sqsQueueArn;
    targetProps.DeadLetterConfig = { Arn: dlqArn };
    if (sqsQueueName) ctx.addQueuePolicyStatement(sqsQueueName, sendFromRule(dlqArn, ruleArn));
    else {
      ctx.warn(
        [...path, "onDeliveryFailure", "sqsQueueArn"],
        "A queue outside this stack needs its own policy allowing events.amazonaws.com to sqs:SendMessage from this rule; without it, failed events are dropped.",
      );
    }
  }

  if (target.kind === "sqs") {
    if (target.messageGroupId) targetProps.SqsParameters = { MessageGroupId: target.messageGroupId };
    ctx.addQueuePolicyStatement(target.queueName, sendFromRule(target.arn, ruleArn));
  } else if (target.kind === "lambda") {
    ctx.add(consumer, eventLogicalId(consumer, index, "AWS::Lambda::Permission"), {
      Type: "AWS::Lambda::Permission",
      Properties: {
        Action: "lambda:InvokeFunction",
        FunctionName: getAtt(target.functionLogicalId, "Arn"),
        Principal: "events.amazonaws.com",
        SourceArn: ruleArn,
      },
    });
  } else {
    const roleId = eventLogicalId(consumer, index, "AWS::IAM::Role");
    ctx.add(consumer, roleId, {
      Type: "AWS::IAM::Role",
      Properties: {
        RoleName: ctx.roleName(`${consumer}-event-${index}`),
        AssumeRolePolicyDocument: trustPolicy("events.amazonaws.com"),
        Policies: [
          {
            PolicyName: "invoke-target",
            PolicyDocument: policyDocument([allow(target.actions, [target.arn])]),
          },
        ],
      },
    });
    targetProps.RoleArn = getAtt(roleId, "Arn");
  }

  const busName = sub.eventBusName
    ? getAtt(logicalId(sub.eventBusName, "AWS::Events::EventBus"), "Arn")
    : sub.eventBusArn !== undefined
      ? resolveDirectives(sub.eventBusArn, [...path, "eventBusArn"], ctx)
      : undefined;
  ctx.add(consumer, ruleId, {
    Type: "AWS::Events::Rule",
    Properties: {
      Name: physicalName(`${ctx.stack}-${consumer}-event-${index}`, NAME_LIMITS.rule),
      ...(busName !== undefined ? { EventBusName: busName } : {}),
      EventPattern: resolveDirectives(sub.eventPattern, [...path, "eventPattern"], ctx),
      State: sub.enabled === false ? "DISABLED" : "ENABLED",
      Targets: [targetProps],
    },
  });
}

const sendFromRule = (queueArn: unknown, ruleArn: unknown) => ({
  Effect: "Allow",
  Principal: { Service: "events.amazonaws.com" },
  Action: "sqs:SendMessage",
  Resource: queueArn,
  Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
});
