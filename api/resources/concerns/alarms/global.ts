/**
 * Global alarms: Stacktape's console keeps an organization's `AlarmDefinition`s (a name, a trigger,
 * `forServices`, `forStages`, and what every alarm has) and applies each to every resource its
 * trigger watches, in every stage of the projects it is for, unless the resource lists its name in
 * `disabledGlobalAlarms`. Switchyard keeps them per team (`/v1/teams/{team}/global-alarms`) and
 * hands the deploying team's list to the compiler (`CompileTarget.globalAlarms`); the alarms concern
 * compiles them next to the resource's own.
 */
import { z } from "@hono/zod-openapi";
import { pascalCase } from "../../../compiler/naming.js";
import type { ConfigPath } from "../../../config/problem.js";
import { strictObject } from "../../../config/schema/strict.js";
import { type AlarmSettings, alarmSettings, checkAlarmSettings } from "./settings.js";
import { ALARM_TRIGGERS, type AlarmTriggerKind } from "./triggers.js";

/** A team keeps at most this many: each may become an alarm on every resource of every stage. */
export const MAX_GLOBAL_ALARMS = 50;
/** What the list may take as JSON: it is one DynamoDB item (400 KB at most) with room to spare. */
export const MAX_GLOBAL_ALARMS_BYTES = 300_000;

/**
 * Stacktape's examples: `api-error-rate`, `db-cpu-high`. A letter first, so that a global alarm's
 * name (`<Trigger>For<Resource><global name>`) never ends like a resource alarm's (`...<index>`).
 */
const NAME = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;
const NAME_RULE = "a letter, then up to 62 letters, digits or hyphens";

/** A project or stage name, or `*` for all of them. */
const Scope = z
  .array(z.string().regex(/^(\*|[a-z0-9][a-z0-9-]{0,63})$/, "A project or stage name, or * for all."))
  .max(100);

const TRIGGER_TYPES = ALARM_TRIGGERS.map((k) => k.type);

export const GlobalAlarmSchema = strictObject({
  name: z.string().regex(NAME, `A global alarm's name is ${NAME_RULE}.`),
  trigger: z.discriminatedUnion(
    "type",
    ALARM_TRIGGERS.map((k) => k.schema) as unknown as [z.ZodObject, ...z.ZodObject[]],
    {
      error: (issue) =>
        issue.code === "invalid_union"
          ? `Unsupported alarm trigger. Supported types: ${TRIGGER_TYPES.join(", ")}.`
          : undefined,
    },
  ),
  forServices: Scope.optional().openapi({
    description: "The projects it applies to (`*`: all, the default).",
  }),
  forStages: Scope.optional().openapi({ description: "The stages it applies to (`*`: all, the default)." }),
  ...alarmSettings,
}).openapi("GlobalAlarm", {
  description:
    "Applied to every resource of the team's stacks that its trigger watches (functions, queues or HTTP APIs), in the projects and stages it is for, unless the resource lists its name in disabledGlobalAlarms.",
  example: {
    name: "api-error-rate",
    trigger: { type: "lambda-error-rate", properties: { thresholdPercent: 5 } },
    forStages: ["prod"],
    notificationTargets: [
      { type: "slack", properties: { conversationId: "C0123456789", accessToken: "$Secret('slack.token')" } },
    ],
  },
});

export type GlobalAlarm = z.infer<typeof GlobalAlarmSchema> & {
  trigger: { type: string; properties?: unknown };
};

/**
 * The checks of a team's list zod cannot make: names unique, settings sound, no directive (the
 * list is no config: nothing would resolve it), its size within what is stored.
 */
export function checkGlobalAlarms(
  alarms: readonly GlobalAlarm[],
  report: (path: ConfigPath, message: string) => void,
): void {
  if (alarms.length > MAX_GLOBAL_ALARMS)
    report([MAX_GLOBAL_ALARMS], `A team has at most ${MAX_GLOBAL_ALARMS} global alarms.`);
  const bytes = Buffer.byteLength(JSON.stringify(alarms));
  if (bytes > MAX_GLOBAL_ALARMS_BYTES)
    report(
      [],
      `The global alarms take ${bytes} bytes as JSON; a team's take at most ${MAX_GLOBAL_ALARMS_BYTES}.`,
    );
  // Two names that differ only in case or hyphens would name the same CloudFormation resource.
  const seen = new Map<string, string>();
  alarms.forEach((alarm, i) => {
    const key = pascalCase(alarm.name).toLowerCase();
    const other = seen.get(key);
    if (other !== undefined)
      report(
        [i, "name"],
        other === alarm.name
          ? `Global alarm ${alarm.name} is defined twice.`
          : `Global alarms ${other} and ${alarm.name} differ only in case or hyphens; their CloudFormation resources would be one. Rename one.`,
      );
    else seen.set(key, alarm.name);
    checkAlarmSettings(alarm as AlarmSettings, [i], report, true);
    alarm.notificationTargets?.forEach((target, j) => {
      if (target.type === "slack" && target.properties && DIRECTIVE.test(target.properties.conversationId))
        report(
          [i, "notificationTargets", j, "properties", "conversationId"],
          "A global alarm is not config: directives are not resolved in it. Give the channel's ID.",
        );
    });
  });
}

/** What starts a directive (`$Var(`, `$ResourceParam(`, ...). */
const DIRECTIVE = /\$[A-Za-z]+\(/;

const covers = (scope: readonly string[] | undefined, value: string) =>
  scope === undefined || scope.includes("*") || scope.includes(value);

/** The global alarms of a stage (Stacktape's `forServices` are projects) that watch `resourceType`. */
export function globalAlarmsFor(
  alarms: readonly GlobalAlarm[],
  stage: { project: string; stage: string },
  resourceType: AlarmTriggerKind["resourceType"],
): GlobalAlarm[] {
  return alarms.filter(
    (a) =>
      covers(a.forServices, stage.project) &&
      covers(a.forStages, stage.stage) &&
      ALARM_TRIGGERS.find((k) => k.type === a.trigger.type)?.resourceType === resourceType,
  );
}
