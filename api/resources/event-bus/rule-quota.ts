import type { ConfigChecks } from "../../config/checks.js";
import type { ConfigPath } from "../../config/problem.js";
import type { ConfigBase } from "../../config/schema/root.js";
import { MAX_RULES_PER_BUS } from "../../eventbridge/quotas.js";

type EventBusProperties = { switchyardEventSample?: { enabled?: boolean } };

/**
 * Each `event-bus` trigger compiles to one rule on its bus, and EventBridge refuses a bus's 301st
 * rule (LimitExceededException), failing the deployment halfway. A bus the config makes is its own,
 * so its count is exact here; the default bus and buses named by ARN are shared with other stacks,
 * so their count is only known when deploying.
 */
export function checkRulesPerBus(config: ConfigBase, checks: ConfigChecks): void {
  const triggersByBus = new Map<string, ConfigPath[]>();
  for (const [name, resource] of Object.entries(config.resources)) {
    const events = (resource.properties as { events?: { type: string; properties: unknown }[] } | undefined)
      ?.events;
    events?.forEach((event, i) => {
      if (event.type !== "event-bus") return;
      const bus = (event.properties as { eventBusName?: string }).eventBusName;
      if (bus === undefined || config.resources[bus]?.type !== "event-bus") return;
      const path = ["resources", name, "properties", "events", i, "properties", "eventBusName"];
      triggersByBus.set(bus, [...(triggersByBus.get(bus) ?? []), path]);
    });
  }
  for (const [bus, triggers] of triggersByBus) {
    // The bus's event sample (./sample.ts) is a rule of its own.
    const sampled = (config.resources[bus]?.properties as EventBusProperties | undefined)
      ?.switchyardEventSample?.enabled;
    const room = MAX_RULES_PER_BUS - (sampled ? 1 : 0);
    if (triggers.length <= room) continue;
    checks.report(
      // The first trigger over the quota: the one whose rule EventBridge would refuse.
      triggers[room]!,
      `Event bus "${bus}" would have ${triggers.length + (sampled ? 1 : 0)} rules (one per event-bus trigger${sampled ? ", and its switchyardEventSample" : ""}); EventBridge allows at most ${MAX_RULES_PER_BUS} rules per event bus. Split the subscribers across several buses.`,
    );
  }
}
