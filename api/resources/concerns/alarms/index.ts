/**
 * `alarms` and `disabledGlobalAlarms` on functions, queues and HTTP APIs, as Stacktape has them:
 * each alarm is an AWS::CloudWatch::Alarm named and shaped as Stacktape's (`<Trigger>For<Resource><i>`,
 * `<stack>-<that name>`, the same metric queries and defaults), and its notification targets are
 * compiled by notifications.ts. A type plugs it in with `...alarms.properties` in its schema and
 * `concerns: [alarms]`, where `alarms = alarmsOf("<type>")`.
 */
import { z } from "@hono/zod-openapi";
import type { CompileContext } from "../../../compiler/context.js";
import { logicalId, NAME_LIMITS, pascalCase } from "../../../compiler/naming.js";
import { ref } from "../../../compiler/template.js";
import { strictObject } from "../../../config/schema/strict.js";
import type { Concern } from "../../definition.js";
import {
  checkNotificationTarget,
  compileNotificationRole,
  compileNotifications,
  NOTIFICATION_CLOUDFORMATION_TYPES,
  NotificationTargetSchema,
} from "./notifications.js";
import { ALARM_TRIGGERS, type AlarmTriggerKind, comparisonOf, statisticOf } from "./triggers.js";

/** CloudWatch evaluates at most a day of data for periods of a minute or more. */
const MAX_EVALUATED_SECONDS = 86_400;

const EvaluationSchema = strictObject({
  period: z.number().int().min(60).multipleOf(60, "The period is a multiple of 60 seconds.").optional(),
  evaluationPeriods: z.number().int().min(1).optional(),
  breachedPeriods: z.number().int().min(1).optional(),
});

type AlarmType = AlarmTriggerKind["resourceType"];

function alarmSchema(type: AlarmType) {
  const kinds = ALARM_TRIGGERS.filter((k) => k.resourceType === type);
  const names = kinds.map((k) => k.type).join(", ");
  return strictObject({
    trigger: z.discriminatedUnion(
      "type",
      kinds.map((k) => k.schema) as unknown as [z.ZodObject, ...z.ZodObject[]],
      {
        error: (issue) =>
          issue.code === "invalid_union"
            ? `Unsupported alarm trigger on a ${type}. Supported types here: ${names}.`
            : undefined,
      },
    ),
    evaluation: EvaluationSchema.optional(),
    notificationTargets: z.array(NotificationTargetSchema).optional(),
    includeInHistory: z.boolean().optional(),
    description: z.string().max(1024).optional(),
  });
}

type Alarm = z.infer<ReturnType<typeof alarmSchema>> & {
  trigger: { type: string; properties?: unknown };
};
interface WithAlarms {
  alarms?: Alarm[];
  disabledGlobalAlarms?: string[];
}

/** Stacktape's name of an alarm: `LambdaErrorRateForMyFunction0`. */
export const alarmName = (resourceName: string, triggerType: string, index: number) =>
  `${pascalCase(triggerType)}For${pascalCase(resourceName)}${index}`;

export const alarmLogicalId = (name: string) => logicalId(name, "AWS::CloudWatch::Alarm");

export interface AlarmsOptions {
  /** The alias that takes the resource's invocations, if any (a function's `stp-live`). */
  alias?(properties: unknown): string | undefined;
}

/** The alarms concern of one resource type. */
export function alarmsOf(type: AlarmType, options: AlarmsOptions = {}) {
  const schema = alarmSchema(type);
  const properties = {
    alarms: z.array(schema).optional(),
    disabledGlobalAlarms: z.array(z.string()).optional(),
  };
  const concern: Concern & { properties: typeof properties } = {
    name: "alarms",
    properties,
    cloudformationTypes: ["AWS::CloudWatch::Alarm", ...NOTIFICATION_CLOUDFORMATION_TYPES],

    check(name, resource, checks) {
      const props = resource.properties as WithAlarms | undefined;
      props?.alarms?.forEach((alarm, i) => {
        alarm.notificationTargets?.forEach((target, j) => {
          const at = ["resources", name, "properties", "alarms", i, "notificationTargets", j];
          checkNotificationTarget(target, at, checks.report);
        });
        const path = ["resources", name, "properties", "alarms", i, "evaluation"];
        const { period = 60, evaluationPeriods = 1, breachedPeriods } = alarm.evaluation ?? {};
        if (breachedPeriods !== undefined && breachedPeriods > evaluationPeriods)
          checks.report(
            [...path, "breachedPeriods"],
            `breachedPeriods (${breachedPeriods}) is at most evaluationPeriods (${evaluationPeriods}).`,
          );
        if (period * evaluationPeriods > MAX_EVALUATED_SECONDS)
          checks.report(
            [...path, "evaluationPeriods"],
            `period × evaluationPeriods is ${period * evaluationPeriods} seconds; CloudWatch evaluates at most ${MAX_EVALUATED_SECONDS} (a day).`,
          );
      });
    },

    // Each alarm's name (Ref of the alarm) as `alarm<i>`: `$ResourceParam`, and a stage output.
    paramNames: (resource) =>
      ((resource.properties as WithAlarms | undefined)?.alarms ?? []).map((_, i) => `alarm${i}`),
    params: (name, resource) =>
      Object.fromEntries(
        ((resource.properties as WithAlarms | undefined)?.alarms ?? []).map((alarm, i) => [
          `alarm${i}`,
          ref(alarmLogicalId(alarmName(name, alarm.trigger.type, i))),
        ]),
      ),

    compile(name, resource, ctx) {
      const props = resource.properties as WithAlarms | undefined;
      // Stacktape's global alarms live in its console; Switchyard has none, so nothing is disabled.
      if (props?.disabledGlobalAlarms?.length)
        ctx.warn(
          ["resources", name, "properties", "disabledGlobalAlarms"],
          "Switchyard has no global alarms (Stacktape defines them in its console): disabledGlobalAlarms disables nothing.",
        );
      const alarms = props?.alarms ?? [];
      const alias = options.alias?.(resource.properties);
      const destinations = alarms.flatMap((alarm, i) => compileAlarm(ctx, name, alarm, i, alias));
      compileNotificationRole(ctx, name, destinations);
    },
  };
  return concern;
}

/** The alarm and its notifications; returns the API destinations its notifications call. */
function compileAlarm(
  ctx: CompileContext,
  resourceName: string,
  alarm: Alarm,
  index: number,
  alias: string | undefined,
): unknown[] {
  const kind = ALARM_TRIGGERS.find((k) => k.type === alarm.trigger.type)!;
  const name = alarmName(resourceName, kind.type, index);
  const id = alarmLogicalId(name);
  const period = alarm.evaluation?.period ?? 60;
  const comparison = comparisonOf(alarm.trigger.properties);
  const statistic = statisticOf(kind, alarm.trigger.properties);
  const threshold = kind.threshold(alarm.trigger.properties);
  const description =
    alarm.description ??
    `Monitors${statistic ? ` ${statistic}` : ""} ${kind.type} of ${resourceName} in stack ${ctx.stack}. Triggered when ${comparison} (${threshold}).`;
  ctx.add(resourceName, id, {
    Type: "AWS::CloudWatch::Alarm",
    Properties: {
      AlarmName: ctx.physicalName(name, NAME_LIMITS.alarm),
      AlarmDescription: description,
      EvaluationPeriods: alarm.evaluation?.evaluationPeriods ?? 1,
      ...(alarm.evaluation?.breachedPeriods !== undefined
        ? { DatapointsToAlarm: alarm.evaluation.breachedPeriods }
        : {}),
      ComparisonOperator: comparison,
      Threshold: threshold,
      ...(kind.treatMissingData ? { TreatMissingData: kind.treatMissingData } : {}),
      Metrics: kind.metrics(resourceName, period, statistic ?? "Sum", kind.type, alias),
    },
  });
  if (!alarm.notificationTargets?.length) return [];
  return compileNotifications(ctx, {
    owner: resourceName,
    name,
    alarmLogicalId: id,
    description,
    includeResolved: alarm.includeInHistory !== false,
    targets: alarm.notificationTargets,
    path: ["resources", resourceName, "properties", "alarms", index],
  });
}
