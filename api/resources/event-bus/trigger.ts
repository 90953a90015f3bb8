import { z } from "@hono/zod-openapi";
import type { CompileContext } from "../../compiler/context.js";
import { resolveDirectives } from "../../compiler/directives.js";
import { eventLogicalId, NAME_LIMITS, physicalName } from "../../compiler/naming.js";
import { sharedBusArn } from "../../compiler/shared-buses.js";
import { allow, getAtt, policyDocument, stringifyForCfn, trustPolicy } from "../../compiler/template.js";
import type { ConfigChecks } from "../../config/checks.js";
import type { ConfigPath } from "../../config/problem.js";
import { strictObject } from "../../config/schema/strict.js";
import { SHARE_REF } from "../../config/share-ref.js";
import { validateEventPattern } from "../../eventbridge/pattern/index.js";
import type { Trigger } from "../definition.js";
import { busId } from "./names.js";

/**
 * The event-bus trigger (`events: - type: event-bus`), which functions, batch jobs and queues accept:
 * its schema, its checks and the rule it compiles to.
 */

/** What a rule passes its target instead of the event: parts of it placed into a template. */
export const InputTransformerSchema = strictObject({
  inputPathsMap: z.record(z.string(), z.string()).optional(),
  inputTemplate: z.unknown(),
});

/** Stacktape's EventBusIntegrationProps, plus `retryPolicy` and `enabled` (what its users ask for). */
export const busTriggerProperties = {
  eventBusName: z.string().optional(),
  eventBusArn: z.string().optional(),
  useDefaultBus: z.boolean().optional(),
  eventPattern: z.record(z.string(), z.unknown()),
  onDeliveryFailure: strictObject({
    sqsQueueArn: z.string().optional(),
    sqsQueueName: z.string().optional(),
  }).optional(),
  input: z.unknown().optional(),
  inputPath: z.string().optional(),
  inputTransformer: InputTransformerSchema.optional(),
  retryPolicy: strictObject({
    maximumEventAgeInSeconds: z.number().int().min(60).max(86400).optional(),
    maximumRetryAttempts: z.number().int().min(0).max(185).optional(),
  }).optional(),
  enabled: z.boolean().optional(),
};

/** The trigger with properties of its own for one kind of target (e.g. a FIFO queue's message group). */
export function busTriggerWith<T extends z.ZodRawShape>(extra: T) {
  return strictObject({
    type: z.literal("event-bus"),
    properties: strictObject({ ...busTriggerProperties, ...extra }),
  });
}

export const busTrigger = {
  type: "event-bus" as const,
  schema: busTriggerWith({}),
  cloudformationTypes: ["AWS::Events::Rule", "AWS::Lambda::Permission", "AWS::IAM::Role"],
} satisfies Trigger;

export type BusTriggerProperties = z.infer<typeof busTrigger.schema>["properties"] & {
  messageGroupId?: string;
};

/** EventBridge's hard maximum for a pattern; the default quota is 2,048. */
const MAX_EVENT_PATTERN_CHARS = 4096;

/** One bus selector, an existing bus, one input setting, a dead-letter queue, a valid pattern. */
export function checkBusTrigger(sub: BusTriggerProperties, path: ConfigPath, checks: ConfigChecks): void {
  const selectors = [sub.eventBusName, sub.eventBusArn, sub.useDefaultBus].filter(
    (v) => v !== undefined && v !== false,
  );
  if (selectors.length !== 1) {
    checks.report(
      path,
      "When referencing event bus you must specify exactly one of eventBusName, eventBusArn or useDefaultBus properties.",
    );
  }
  if (sub.eventBusName !== undefined)
    checks.expectType([...path, "eventBusName"], sub.eventBusName, "event-bus", "eventBusName");
  if (
    sub.eventBusArn !== undefined &&
    !/^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[/.\-_A-Za-z0-9]+$/.test(sub.eventBusArn) &&
    !SHARE_REF.test(sub.eventBusArn) &&
    !sub.eventBusArn.startsWith("$")
  ) {
    checks.report(
      [...path, "eventBusArn"],
      `"${sub.eventBusArn}" is not an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>), nor a bus shared with the team (<team>:<project>/<stage>/<bus>).`,
    );
  }

  checkRuleInput(sub, path, checks);

  if (sub.onDeliveryFailure) {
    const { sqsQueueArn, sqsQueueName } = sub.onDeliveryFailure;
    if ((sqsQueueArn === undefined) === (sqsQueueName === undefined)) {
      checks.report(
        [...path, "onDeliveryFailure"],
        "onDeliveryFailure needs exactly one of sqsQueueName or sqsQueueArn.",
      );
    } else if (sqsQueueName !== undefined) {
      checks.expectOffer(
        [...path, "onDeliveryFailure", "sqsQueueName"],
        sqsQueueName,
        "deadLetterQueue",
        "sqsQueueName",
      );
    }
  }

  const patternLength = JSON.stringify(sub.eventPattern).length;
  if (patternLength > MAX_EVENT_PATTERN_CHARS) {
    checks.report(
      [...path, "eventPattern"],
      `The event pattern is ${patternLength} characters; EventBridge accepts at most ${MAX_EVENT_PATTERN_CHARS} (2,048 unless the quota was raised).`,
    );
  }
  const pattern = validateEventPattern(sub.eventPattern);
  if (!pattern.ok) checks.report([...path, "eventPattern"], pattern.message);
}

/** What a rule passes its target: at most one of input, inputPath or inputTransformer. */
export interface RuleInput {
  input?: unknown;
  inputPath?: string;
  inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate?: unknown };
}

/** At most one input setting; `input` an object or a JSON string (Stacktape's rules). */
export function checkRuleInput(sub: RuleInput, path: ConfigPath, checks: ConfigChecks): void {
  const inputs = (["input", "inputPath", "inputTransformer"] as const).filter((k) => sub[k] !== undefined);
  if (inputs.length > 1) {
    checks.report(
      [...path, inputs[1]!],
      `At most one of input, inputPath or inputTransformer may be set; found ${inputs.join(" and ")}.`,
    );
  }
  if (typeof sub.input === "string" && !isJson(sub.input)) {
    checks.report([...path, "input"], "input must be an object or a valid JSON string.");
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** How a rule reaches its target: a resource policy (Lambda, SQS) or a role EventBridge assumes. */
export type BusTriggerTarget =
  | { kind: "lambda"; arn: unknown; functionLogicalId: string }
  | { kind: "sqs"; arn: unknown; queueName: string; messageGroupId?: string }
  | { kind: "sns"; arn: unknown; topicName: string }
  | { kind: "role"; arn: unknown; actions: string[] };

/**
 * One `events: - type: event-bus` entry → one `AWS::Events::Rule` with one target, plus what the
 * target needs: a Lambda permission, a queue policy statement, or a role; and a DLQ policy statement
 * when the dead-letter queue is a queue of this stack.
 */
export function compileBusTrigger(
  ctx: CompileContext,
  consumer: string,
  index: number,
  sub: BusTriggerProperties,
  path: ConfigPath,
  target: BusTriggerTarget,
): void {
  const ruleId = eventLogicalId(consumer, index, "AWS::Events::Rule");
  const busName = sub.eventBusName
    ? getAtt(busId(sub.eventBusName), "Arn")
    : sub.eventBusArn !== undefined
      ? SHARE_REF.test(sub.eventBusArn)
        ? (sharedBusArn(ctx, sub.eventBusArn, [...path, "eventBusArn"], "subscribe") ?? sub.eventBusArn)
        : resolveDirectives(sub.eventBusArn, [...path, "eventBusArn"], ctx)
      : undefined;
  compileRule(ctx, consumer, index, sub, path, target, {
    ...(busName !== undefined ? { EventBusName: busName } : {}),
    EventPattern: resolveDirectives(sub.eventPattern, [...path, "eventPattern"], ctx),
    State: sub.enabled === false ? "DISABLED" : "ENABLED",
  });
  // Where the tenant check (api/compiler/tenancy) points when the rule names a bus it may not use.
  if (!sub.eventBusName)
    ctx.origin(ruleId, "EventBusName", [
      ...path,
      sub.eventBusArn !== undefined ? "eventBusArn" : "useDefaultBus",
    ]);
}

/** What a rule's target may carry besides its input: retries and a dead-letter queue. */
export interface RuleDelivery extends RuleInput {
  retryPolicy?: { maximumEventAgeInSeconds?: number; maximumRetryAttempts?: number };
  onDeliveryFailure?: { sqsQueueArn?: string; sqsQueueName?: string };
}

/**
 * The `index`th event of `consumer` as one `AWS::Events::Rule` (`<Consumer>Event<i>Rule`) with one
 * target, and what the target needs: a Lambda permission, a queue policy statement, or a role; and
 * a DLQ policy statement when the dead-letter queue is a queue of this stack. `rule` is what selects
 * events: a bus and pattern, or a schedule.
 */
export function compileRule(
  ctx: CompileContext,
  consumer: string,
  index: number,
  sub: RuleDelivery,
  path: ConfigPath,
  target: BusTriggerTarget,
  rule: Record<string, unknown>,
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
    const dlqArn = sqsQueueName ? ctx.deadLetterQueueArn(sqsQueueName) : sqsQueueArn;
    targetProps.DeadLetterConfig = { Arn: dlqArn };
    if (sqsQueueName) ctx.addResourcePolicyStatement(sqsQueueName, sendFromRule(dlqArn, ruleArn));
    else {
      ctx.warn(
        [...path, "onDeliveryFailure", "sqsQueueArn"],
        "A queue outside this stack needs its own policy allowing events.amazonaws.com to sqs:SendMessage from this rule; without it, failed events are dropped.",
      );
    }
  }

  if (target.kind === "sqs") {
    if (target.messageGroupId) targetProps.SqsParameters = { MessageGroupId: target.messageGroupId };
    ctx.addResourcePolicyStatement(target.queueName, sendFromRule(target.arn, ruleArn));
  } else if (target.kind === "sns") {
    ctx.addResourcePolicyStatement(target.topicName, {
      ...sendFromRule(target.arn, ruleArn),
      Action: "sns:Publish",
    });
  } else if (target.kind === "lambda") {
    ctx.add(consumer, eventLogicalId(consumer, index, "AWS::Lambda::Permission"), {
      Type: "AWS::Lambda::Permission",
      Properties: {
        Action: "lambda:InvokeFunction",
        FunctionName: target.arn,
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

  ctx.add(consumer, ruleId, {
    Type: "AWS::Events::Rule",
    Properties: {
      Name: physicalName(`${ctx.stack}-${consumer}-event-${index}`, NAME_LIMITS.rule),
      ...rule,
      Targets: [targetProps],
    },
  });
  if (sub.onDeliveryFailure?.sqsQueueArn !== undefined)
    ctx.origin(ruleId, "Targets.0.DeadLetterConfig", [...path, "onDeliveryFailure", "sqsQueueArn"]);
}

const sendFromRule = (queueArn: unknown, ruleArn: unknown) => ({
  Effect: "Allow",
  Principal: { Service: "events.amazonaws.com" },
  Action: "sqs:SendMessage",
  Resource: queueArn,
  Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
});
