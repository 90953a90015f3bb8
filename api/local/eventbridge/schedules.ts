import { randomUUID } from "node:crypto";
import { monotonicFactory } from "ulid";
import { DEFAULT_BUS } from "../../eventbridge/arns.js";
import { type EventParts, envelopeText, envelopeTime } from "../../eventbridge/envelope.js";
import { targetInput } from "../../eventbridge/input.js";
import { dueTimes } from "../../eventbridge/schedule.js";
import { type EngineContext, iso } from "./context.js";
import type { DeliveryRecord } from "./records.js";

const deliveryId = monotonicFactory();

/** Firings of one rule in one run at most: a clock that jumps far ahead keeps the newest. */
export const MAX_FIRINGS_PER_RULE = 100;

/**
 * Fires the default bus's enabled schedule rules for every time due in `(after, until]`: each firing
 * is AWS's "Scheduled Event" and is recorded as a delivery to each target, as rules matching events
 * are. Returns how many deliveries were recorded.
 */
export async function fireSchedules(ctx: EngineContext, after: Date, until: Date): Promise<number> {
  const view = await ctx.buses.get(DEFAULT_BUS);
  if (!view) return 0;
  const deliveries: DeliveryRecord[] = [];
  for (const rule of view.rules.values()) {
    if (!rule.scheduleExpression || rule.state === "DISABLED") continue;
    for (const at of dueTimes(rule.scheduleExpression, after, until, MAX_FIRINGS_PER_RULE)) {
      const event: EventParts = {
        id: randomUUID(),
        detailType: "Scheduled Event",
        source: "aws.events",
        account: ctx.scope.account,
        time: envelopeTime(at),
        region: ctx.scope.region,
        resources: [rule.arn],
        detail: "{}",
      };
      const eventText = envelopeText(event);
      for (const target of rule.targets) {
        deliveries.push({
          id: deliveryId(at.getTime()),
          bus: view.bus.name,
          rule: rule.name,
          ruleArn: rule.arn,
          targetId: target.Id!,
          targetArn: target.Arn!,
          eventId: event.id,
          deliveredAt: iso(at),
          input: targetInput(target, {
            eventText,
            ruleArn: rule.arn,
            ruleName: rule.name,
            ingestionTime: iso(at),
          }),
        });
      }
    }
  }
  await ctx.deliveries.record(deliveries, until);
  return deliveries.length;
}
