/**
 * What every alarm has besides its trigger, resource alarms and global alarms alike: `evaluation`,
 * `notificationTargets`, `includeInHistory`, `description` (Stacktape's `AlarmDefinitionBase`), and
 * the checks of them that zod cannot express.
 */
import { z } from "@hono/zod-openapi";
import type { ConfigPath } from "../../../config/problem.js";
import { strictObject } from "../../../config/schema/strict.js";
import {
  checkNotificationTarget,
  MAX_NOTIFICATION_TARGETS,
  type NotificationTarget,
  NotificationTargetSchema,
} from "./notifications.js";

/** CloudWatch evaluates at most a day of data for periods of a minute or more. */
const MAX_EVALUATED_SECONDS = 86_400;

export const EvaluationSchema = strictObject({
  period: z
    .number()
    .int()
    .min(60)
    .multipleOf(60, "The period is a multiple of 60 seconds.")
    .openapi({ multipleOf: 60 })
    .optional(),
  evaluationPeriods: z.number().int().min(1).optional(),
  breachedPeriods: z.number().int().min(1).optional(),
});

export const alarmSettings = {
  evaluation: EvaluationSchema.optional(),
  notificationTargets: z.array(NotificationTargetSchema).optional(),
  includeInHistory: z.boolean().optional(),
  description: z.string().max(1024).optional(),
};

export interface AlarmSettings {
  evaluation?: z.infer<typeof EvaluationSchema>;
  notificationTargets?: NotificationTarget[];
}

/**
 * The checks of an alarm at `path` zod leaves to code. `strict` adds those the compiler makes of a
 * resource's alarms (target count, signed webhooks), for alarms checked before any compilation.
 */
export function checkAlarmSettings(
  alarm: AlarmSettings,
  path: ConfigPath,
  report: (path: ConfigPath, message: string) => void,
  strict = false,
): void {
  alarm.notificationTargets?.forEach((target, j) => {
    const at = [...path, "notificationTargets", j];
    checkNotificationTarget(target, at, report);
    if (strict && target.type === "webhook" && target.properties?.secret !== undefined)
      report(
        [...at, "properties", "secret"],
        "A signed webhook is not supported: EventBridge API destinations cannot sign a payload. Authenticate with a header instead.",
      );
  });
  if (strict && (alarm.notificationTargets?.length ?? 0) > MAX_NOTIFICATION_TARGETS)
    report(
      [...path, "notificationTargets", MAX_NOTIFICATION_TARGETS],
      `An alarm has at most ${MAX_NOTIFICATION_TARGETS} notification targets (EventBridge's targets per rule).`,
    );
  const at = [...path, "evaluation"];
  const { period = 60, evaluationPeriods = 1, breachedPeriods } = alarm.evaluation ?? {};
  if (breachedPeriods !== undefined && breachedPeriods > evaluationPeriods)
    report(
      [...at, "breachedPeriods"],
      `breachedPeriods (${breachedPeriods}) is at most evaluationPeriods (${evaluationPeriods}).`,
    );
  if (period * evaluationPeriods > MAX_EVALUATED_SECONDS)
    report(
      [...at, "evaluationPeriods"],
      `period × evaluationPeriods is ${period * evaluationPeriods} seconds; CloudWatch evaluates at most ${MAX_EVALUATED_SECONDS} (a day).`,
    );
}
