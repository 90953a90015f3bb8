/**
 * `alarms` and `disabledGlobalAlarms` on functions, queues and HTTP APIs, as Stacktape has them:
 * each alarm is an AWS::CloudWatch::Alarm named and shaped as Stacktape's (`<Trigger>For<Resource><i>`,
 * `<stack>-<that name>`, the same metric queries and defaults), and its notification targets are
 * compiled by notifications.ts. The team's global alarms (global.ts) that watch the resource are
 * compiled with them, named `<Trigger>For<Resource><global name>` as Stacktape names them. A type
 * plugs it in with `...alarms.properties` in its schema and `concerns: [alarms]`, where
 * `alarms = alarmsOf("<type>")`.
 */
import { z } from "@hono/zod-openapi";
import type { CompileContext } from "../../../compiler/context.js";
import { TEMPLATE_LIMITS } from "../../../compiler/limits.js";
import { logicalId, NAME_LIMITS, pascalCase } from "../../../compiler/naming.js";
import { ref } from "../../../compiler/template.js";
import type { ConfigPath } from "../../../config/problem.js";
import { strictObject } from "../../../config/schema/strict.js";
import { didYouMean } from "../../../config/suggest.js";
import type { Concern } from "../../definition.js";
import { type GlobalAlarm, globalAlarmsFor } from "./global.js";
import {
  compileNotificationRole,
  compileNotifications,
  NOTIFICATION_CLOUDFORMATION_TYPES,
} from "./notifications.js";
import { alarmSettings, checkAlarmSettings } from "./settings.js";
import { ALARM_TRIGGERS, type AlarmTriggerKind, comparisonOf, statisticOf } from "./triggers.js";

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
    ...alarmSettings,
  });
}

type Alarm = z.infer<ReturnType<typeof alarmSchema>> & {
  trigger: { type: string; properties?: unknown };
};
interface WithAlarms {
  alarms?: Alarm[];
  disabledGlobalAlarms?: string[];
}

/**
 * Stacktape's name of an alarm: `LambdaErrorRateForMyFunction0` for a resource's alarm 0,
 * `LambdaErrorRateForMyFunctionapi-errors` for global alarm `api-errors`.
 */
export const alarmName = (resourceName: string, triggerType: string, indexOrGlobalName: number | string) =>
  `${pascalCase(triggerType)}For${pascalCase(resourceName)}${indexOrGlobalName}`;

/** The param (and stage output) holding a global alarm's name; a resource's own are `alarm<i>`. */
export const globalAlarmParam = (globalName: string) => `alarm-${globalName}`;

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
        checkAlarmSettings(alarm, ["resources", name, "properties", "alarms", i], checks.report);
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
      const alarms = props?.alarms ?? [];
      const alias = options.alias?.(resource.properties);
      const destinations: unknown[] = [];
      for (const [i, alarm] of alarms.entries()) {
        if (!roomFor(ctx, name)) break;
        destinations.push(
          ...compileAlarm(ctx, name, alarm, i, ["resources", name, "properties", "alarms", i], alias),
        );
      }
      for (const global of globalAlarmsOf(ctx, name, type, props?.disabledGlobalAlarms)) {
        if (!roomFor(ctx, name)) break;
        const compiled = alarmName(name, global.trigger.type, global.name);
        ctx.addParam(name, globalAlarmParam(global.name), ref(alarmLogicalId(compiled)));
        destinations.push(
          ...compileAlarm(ctx, name, global, global.name, ["globalAlarms", global.name], alias),
        );
      }
      compileNotificationRole(ctx, name, destinations);
    },
  };
  return concern;
}

/** Compilations already told that their alarms pass CloudFormation's resources per stack. */
const overflowing = new WeakSet<CompileContext>();

/**
 * Whether the stack has room for another alarm. Past CloudFormation's resources per stack it says so
 * once and no more alarms are compiled: a team's global alarms times a config's resources could
 * otherwise make hundreds of thousands of resources, holding the event loop for seconds.
 */
function roomFor(ctx: CompileContext, name: string): boolean {
  if (Object.keys(ctx.resources).length < TEMPLATE_LIMITS.resources) return true;
  if (!overflowing.has(ctx)) {
    overflowing.add(ctx);
    ctx.error(
      ["resources", name],
      `With its alarms (the team's global alarms included) the stack passes CloudFormation's ${TEMPLATE_LIMITS.resources} resources here; no alarm was compiled from this one on. Leave global alarms out with disabledGlobalAlarms, or split the config into several projects.`,
    );
  }
  return false;
}

/**
 * The team's global alarms that apply to the resource, its `disabledGlobalAlarms` left out. A name
 * no global alarm of the team has is an error (a typo would otherwise leave an alarm on). Without
 * the team's list (a compilation outside any team) there are none, and nothing is checked.
 */
function globalAlarmsOf(
  ctx: CompileContext,
  name: string,
  type: AlarmType,
  disabled: readonly string[] = [],
): GlobalAlarm[] {
  // Parsed by GlobalAlarmSchema when the team set them (api/routes/global-alarms.ts).
  const all = ctx.target.globalAlarms as readonly GlobalAlarm[] | undefined;
  if (!all) return [];
  const names = all.map((a) => a.name);
  disabled.forEach((d, i) => {
    if (!names.includes(d))
      ctx.error(
        ["resources", name, "properties", "disabledGlobalAlarms", i],
        names.length === 0
          ? `No global alarm is named ${d}: the team has none (GET /v1/teams/{team}/global-alarms).`
          : `No global alarm is named ${d}.${didYouMean(d, names)} The team's global alarms: ${names.join(", ")}.`,
      );
  });
  return globalAlarmsFor(all, ctx.target, type).filter((a) => !disabled.includes(a.name));
}

/** The alarm and its notifications; returns the API destinations its notifications call. */
function compileAlarm(
  ctx: CompileContext,
  resourceName: string,
  alarm: Alarm | GlobalAlarm,
  indexOrGlobalName: number | string,
  path: ConfigPath,
  alias: string | undefined,
): unknown[] {
  const kind = ALARM_TRIGGERS.find((k) => k.type === alarm.trigger.type)!;
  const name = alarmName(resourceName, kind.type, indexOrGlobalName);
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
    path,
  });
}

/**
 * What a type Stacktape gives no alarms says to `alarms` and `disabledGlobalAlarms` (its schema's
 * `notHere` hints): Stacktape's alarm triggers watch functions, queues, HTTP APIs, load balancers
 * and databases only.
 */
export function noAlarmsOn(type: string): Record<"alarms" | "disabledGlobalAlarms", string> {
  const watched = [...new Set(ALARM_TRIGGERS.map((k) => k.resourceType))].join(", ");
  return {
    alarms: `Stacktape defines no alarm triggers for a ${type} (here they watch a ${watched}). Put an AWS::CloudWatch::Alarm of your own in cloudformationResources instead.`,
    disabledGlobalAlarms: `no global alarm applies to a ${type}: Stacktape's alarm triggers watch a ${watched} here.`,
  };
}
