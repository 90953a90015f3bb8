import {
  type DeliveryCounts,
  type RuleDeliveryCounts,
  type RuleHealth,
  type RuleMetrics,
  zeroCounts,
} from "../buses/health.js";
import type { BusLocation, BusRule, Delivery } from "../buses/port.js";
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
   * Per rule and per target over [from, to): a target's `matched` is the events the rule sent it,
   * the rule's the events it matched (once, whatever its targets).
   */
  async deliveryCounts(
    bus: BusLocation,
    rules: readonly Pick<BusRule, "name" | "targets">[],
    window: { from: Date; to: Date },
  ): Promise<RuleDeliveryCounts[]> {
    const out = rules.map((rule) => ({
      rule: rule.name,
      counts: zeroCounts(),
      targets: rule.targets.map((t) => ({ targetId: t.id, targetArn: t.arn, counts: zeroCounts() })),
    }));
    const index = new Map(rules.map((rule, i) => [rule.name, i]));
    const matched = new Map<DeliveryCounts, Set<string>>();
    await this.eachDelivery(bus, window.from.getTime(), window.to.getTime(), (d) => {
      const r = index.get(d.rule);
      if (r === undefined) return;
      const entry = out[r]!;
      const target = entry.targets.find((t) => t.targetId === d.targetId);
      for (const counts of target ? [entry.counts, target.counts] : [entry.counts]) {
        tally(counts, d);
        const seen = matched.get(counts) ?? new Set<string>();
        matched.set(counts, seen.add(`${d.eventId}#${d.replayName ?? ""}`));
      }
    });
    for (const [counts, seen] of matched) counts.matched = seen.size;
    return out;
  }

  /**
   * Counts per window (the ones `windowsOf` names for a delivery's time) per rule, over deliveries
   * made in [since, until).
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
    await this.eachDelivery(bus, since, until, (d, at) => {
      const r = index.get(d.rule);
      if (r === undefined) return;
      for (const w of windowsOf(at)) {
        tally(windows[w]![r]!, d);
        matched[w]![r]!.add(`${d.eventId}#${d.replayName ?? ""}`);
      }
    });
    windows.forEach((perRule, w) => {
      perRule.forEach((counts, r) => {
        counts.matched = matched[w]![r]!.size;
      });
    });
    return windows;
  }

  /** Each delivery made in [since, until), reading the log newest first until it is older than `since`. */
  private async eachDelivery(
    bus: BusLocation,
    since: number,
    until: number,
    visit: (d: Delivery, at: number) => void,
  ): Promise<void> {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await this.engine.listDeliveries(bus.name, { limit: 100, ...(cursor ? { cursor } : {}) });
      for (const d of out.items) {
        const at = Date.parse(d.deliveredAt);
        if (at < since) return;
        if (at < until) visit(d, at);
      }
      cursor = out.next;
      if (!cursor) return;
    }
  }
}

/** A delivery in the counts: delivered unless a failure drill made it fail for good. */
function tally(counts: DeliveryCounts, d: Delivery): void {
  if (d.outcome === "failed" || d.outcome === "dead-lettered") counts.failed++;
  else counts.delivered++;
  if (d.outcome === "dead-lettered") counts.deadLettered++;
}
