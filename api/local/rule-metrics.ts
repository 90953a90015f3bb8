import { type DeliveryCounts, type RuleHealth, type RuleMetrics, zeroCounts } from "../buses/health.js";
import type { BusLocation } from "../buses/port.js";
import type { LocalEventBridge } from "./eventbridge/index.js";

const HOUR_MS = 3_600_000;
/** Delivery-log pages read at most (the log keeps a bus's newest 1,000 deliveries by default). */
const MAX_PAGES = 20;

/**
 * Rule counts on the embedded default, counted from the bus's delivery log: an event matched once
 * per rule however many targets it went to; a delivery delivered unless a failure drill made it
 * fail for good (`failed`, `dead-lettered`). Counts reach as far back as the log does.
 */
export class LocalRuleMetrics implements RuleMetrics {
  constructor(private readonly engine: LocalEventBridge) {}

  async ruleHealth(bus: BusLocation, rules: readonly string[], now: Date): Promise<RuleHealth[]> {
    const hourAgo = now.getTime() - HOUR_MS;
    const [hour, day] = await this.count(bus, rules, now.getTime() - 24 * HOUR_MS, now.getTime() + 1, (at) =>
      at >= hourAgo ? [0, 1] : [1],
    );
    return rules.map((rule, i) => ({ rule, lastHour: hour![i]!, lastDay: day![i]! }));
  }

  async ruleCounts(bus: BusLocation, rules: readonly string[], window: { from: Date; to: Date }) {
    const [counts] = await this.count(bus, rules, window.from.getTime(), window.to.getTime(), () => [0]);
    return rules.map((rule, i) => ({ rule, counts: counts![i]! }));
  }

  /**
   * Counts per window (the ones `windowsOf` names for a delivery's time) per rule, over deliveries
   * made in [since, until), reading the log newest first until it is older than `since`.
   */
  private async count(
    bus: BusLocation,
    rules: readonly string[],
    since: number,
    until: number,
    windowsOf: (at: number) => number[],
  ): Promise<DeliveryCounts[][]> {
    const index = new Map(rules.map((rule, i) => [rule, i]));
    const windows = [zeroCounts, zeroCounts].map(() => rules.map(() => zeroCounts()));
    const matched = windows.map(() => rules.map(() => new Set<string>()));
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await this.engine.listDeliveries(bus.name, { limit: 100, ...(cursor ? { cursor } : {}) });
      let older = false;
      for (const d of out.items) {
        const at = Date.parse(d.deliveredAt);
        if (at < since) {
          older = true;
          break;
        }
        const r = index.get(d.rule);
        if (r === undefined || at >= until) continue;
        for (const w of windowsOf(at)) {
          const counts = windows[w]![r]!;
          if (d.outcome === "failed" || d.outcome === "dead-lettered") counts.failed++;
          else counts.delivered++;
          if (d.outcome === "dead-lettered") counts.deadLettered++;
          matched[w]![r]!.add(`${d.eventId}#${d.replayName ?? ""}`);
        }
      }
      cursor = out.next;
      if (older || !cursor) break;
    }
    windows.forEach((perRule, w) => {
      perRule.forEach((counts, r) => {
        counts.matched = matched[w]![r]!.size;
      });
    });
    return windows;
  }
}
