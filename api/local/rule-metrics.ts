import { type RuleHealth, type RuleMetrics, zeroCounts } from "../buses/health.js";
import type { BusLocation } from "../buses/port.js";
import type { LocalEventBridge } from "./eventbridge/index.js";

const HOUR_MS = 3_600_000;
/** Delivery-log pages read at most (the log keeps a bus's newest 1,000 deliveries by default). */
const MAX_PAGES = 20;

/**
 * Rule health on the embedded default, counted from the bus's delivery log: an event matched once
 * per rule however many targets it went to; a delivery delivered unless a failure drill made it
 * fail for good (`failed`, `dead-lettered`). Counts reach as far back as the log does.
 */
export class LocalRuleMetrics implements RuleMetrics {
  constructor(private readonly engine: LocalEventBridge) {}

  async ruleHealth(bus: BusLocation, rules: readonly string[], now: Date): Promise<RuleHealth[]> {
    const health = new Map<string, RuleHealth>(
      rules.map((rule) => [rule, { rule, lastHour: zeroCounts(), lastDay: zeroCounts() }]),
    );
    const matched = new Map<string, { hour: Set<string>; day: Set<string> }>();
    const dayAgo = now.getTime() - 24 * HOUR_MS;
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await this.engine.listDeliveries(bus.name, { limit: 100, ...(cursor ? { cursor } : {}) });
      let older = false;
      for (const d of out.items) {
        const at = Date.parse(d.deliveredAt);
        if (at < dayAgo) {
          older = true;
          break;
        }
        const entry = health.get(d.rule);
        if (!entry) continue;
        const windows = at >= now.getTime() - HOUR_MS ? [entry.lastHour, entry.lastDay] : [entry.lastDay];
        for (const w of windows) {
          if (d.outcome === "failed" || d.outcome === "dead-lettered") w.failed++;
          else w.delivered++;
          if (d.outcome === "dead-lettered") w.deadLettered++;
        }
        const seen = matched.get(d.rule) ?? { hour: new Set<string>(), day: new Set<string>() };
        matched.set(d.rule, seen);
        const key = `${d.eventId}#${d.replayName ?? ""}`;
        seen.day.add(key);
        if (windows.length === 2) seen.hour.add(key);
      }
      cursor = out.next;
      if (older || !cursor) break;
    }
    for (const [rule, seen] of matched) {
      const entry = health.get(rule)!;
      entry.lastHour.matched = seen.hour.size;
      entry.lastDay.matched = seen.day.size;
    }
    return rules.map((rule) => health.get(rule)!);
  }
}
