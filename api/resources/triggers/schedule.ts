import { z } from "@hono/zod-openapi";
import type { CompileContext } from "../../compiler/context.js";
import type { ConfigChecks } from "../../config/checks.js";
import type { ConfigPath } from "../../config/problem.js";
import { strictObject } from "../../config/schema/strict.js";
import {
  type BusTriggerTarget,
  checkRuleInput,
  compileRule,
  InputTransformerSchema,
} from "../event-bus/trigger.js";
import type { LambdaTrigger } from "./lambda-trigger.js";

/**
 * The schedule trigger (`events: - type: schedule`): an EventBridge rule with a rate or cron
 * expression on the default bus, invoking a function or starting a batch job, as in Stacktape.
 */
export const ScheduleTriggerSchema = strictObject({
  type: z.literal("schedule"),
  properties: strictObject({
    scheduleRate: z.string().max(256),
    input: z.unknown().optional(),
    inputPath: z.string().optional(),
    inputTransformer: InputTransformerSchema.optional(),
  }),
});

export type ScheduleProperties = z.infer<typeof ScheduleTriggerSchema>["properties"];

/** EventBridge's rate syntax, as Stacktape checks it: `rate(1 minute)`, `rate(5 minutes)`. */
const RATE = /^rate\((?:1 (?:minute|hour|day)|(?:1\d+|[2-9]\d*) (?:minute|hour|day)s)\)$/;
/** A field of EventBridge's six-field cron: digits, names, `* ? , - / L W #`. */
const CRON_FIELD = /^[0-9A-Za-z*?,\-/LW#]+$/;

/** Why `rate` is not a schedule EventBridge takes, or undefined when it is. */
export function scheduleProblem(rate: string): string | undefined {
  if (rate.startsWith("rate(")) {
    return RATE.test(rate)
      ? undefined
      : `"${rate}" is not a rate: write rate(1 minute), rate(5 minutes), rate(1 hour), rate(2 days), ...`;
  }
  const cron = /^cron\((.*)\)$/.exec(rate);
  if (cron) {
    const fields = cron[1]!.trim().split(/\s+/);
    if (fields.length !== 6 || !fields.every((f) => CRON_FIELD.test(f)))
      return `"${rate}" is not an EventBridge cron expression: six fields, cron(minutes hours day-of-month month day-of-week year).`;
    if ((fields[2] === "?") === (fields[4] === "?"))
      return `"${rate}": exactly one of day-of-month and day-of-week must be "?".`;
    return undefined;
  }
  return `"${rate}" is neither rate(...) nor cron(...).`;
}

export function checkSchedule(props: ScheduleProperties, path: ConfigPath, checks: ConfigChecks): void {
  const problem = scheduleProblem(props.scheduleRate);
  if (problem) checks.report([...path, "scheduleRate"], problem);
  checkRuleInput(props, path, checks);
}

/** `<Consumer>Event<i>Rule` with the schedule, targeting the consumer. */
export function compileSchedule(
  ctx: CompileContext,
  consumer: string,
  index: number,
  props: ScheduleProperties,
  path: ConfigPath,
  target: BusTriggerTarget,
): void {
  compileRule(ctx, consumer, index, props, path, target, {
    ScheduleExpression: props.scheduleRate,
    State: "ENABLED",
  });
}

export const scheduleTrigger: LambdaTrigger<typeof ScheduleTriggerSchema> = {
  type: "schedule",
  schema: ScheduleTriggerSchema,
  external: true,
  cloudformationTypes: ["AWS::Events::Rule", "AWS::Lambda::Permission"],
  check: checkSchedule,
  compile(ctx, target, index, props, path) {
    compileSchedule(ctx, target.name, index, props, path, {
      kind: "lambda",
      arn: target.arn,
      functionLogicalId: target.functionLogicalId,
    });
    return [];
  },
};
