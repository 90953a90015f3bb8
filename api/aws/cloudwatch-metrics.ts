import {
  type CloudWatchClient,
  type MetricDataQuery,
  paginateGetMetricData,
} from "@aws-sdk/client-cloudwatch";
import {
  type DeliveryCounts,
  type RuleDeliveryCounts,
  type RuleHealth,
  type RuleMetrics,
  zeroCounts,
} from "../buses/health.js";
import type { BusLocation, BusRule } from "../buses/port.js";
import { DomainError } from "../errors.js";
import { DEFAULT_BUS } from "../eventbridge/arns.js";

/** EventBridge's per-rule metrics (namespace AWS/Events) behind each count. */
const METRICS: Record<keyof DeliveryCounts, string> = {
  matched: "MatchedEvents",
  delivered: "Invocations",
  failed: "FailedInvocations",
  deadLettered: "InvocationsSentToDlq",
  throttled: "ThrottledRules",
};
const KEYS = Object.keys(METRICS) as (keyof DeliveryCounts)[];
const HOUR_MS = 3_600_000;
/** GetMetricData takes at most 500 queries: 5 metrics for each of 100 rules. */
export const MAX_RULES = 100;

/**
 * Rule health from CloudWatch: one GetMetricData request (pages read with the SDK's paginator)
 * with hourly sums of each rule's metrics over the last day; the last hour is the newest hour.
 * Rules on a custom bus carry the EventBusName dimension, the default bus's only RuleName.
 * `delivered` is Invocations minus FailedInvocations (EventBridge counts every attempt's outcome).
 */
export class CloudWatchRuleMetrics implements RuleMetrics {
  constructor(private readonly client: CloudWatchClient) {}

  async ruleHealth(bus: BusLocation, rules: readonly string[], now: Date): Promise<RuleHealth[]> {
    const end = new Date(Math.ceil(now.getTime() / HOUR_MS) * HOUR_MS);
    const health = rules
      .slice(0, MAX_RULES)
      .map((rule) => ({ rule, lastHour: zeroCounts(), lastDay: zeroCounts() }));
    await this.sums(
      bus,
      rules,
      { from: new Date(end.getTime() - 24 * HOUR_MS), to: end },
      3600,
      (r, key, at, value) => {
        health[r]!.lastDay[key] += value;
        if (at.getTime() >= end.getTime() - HOUR_MS) health[r]!.lastHour[key] += value;
      },
    );
    for (const entry of health) {
      for (const w of [entry.lastHour, entry.lastDay]) w.delivered = Math.max(0, w.delivered - w.failed);
    }
    return health;
  }

  async ruleCounts(bus: BusLocation, rules: readonly string[], window: { from: Date; to: Date }) {
    // One datapoint per metric: the whole window as one period (a multiple of 60 seconds).
    const period = Math.max(60, Math.ceil((window.to.getTime() - window.from.getTime()) / 60_000) * 60);
    const counts = rules.slice(0, MAX_RULES).map((rule) => ({ rule, counts: zeroCounts() }));
    await this.sums(bus, rules, window, period, (r, key, _at, value) => {
      counts[r]!.counts[key] += value;
    });
    for (const { counts: c } of counts) c.delivered = Math.max(0, c.delivered - c.failed);
    return counts;
  }

  /**
   * Per rule and target: the rule's counts (one GetMetricData request, as ruleCounts). AWS/Events
   * has no target dimension, so only a rule's only target is given the rule's counts.
   */
  async deliveryCounts(
    bus: BusLocation,
    rules: readonly Pick<BusRule, "name" | "targets">[],
    window: { from: Date; to: Date },
  ): Promise<RuleDeliveryCounts[]> {
    const counts = await this.ruleCounts(
      bus,
      rules.map((r) => r.name),
      window,
    );
    return counts.map(({ rule, counts: c }, i) => {
      const targets = rules[i]!.targets;
      return {
        rule,
        counts: c,
        targets: targets.map((t) => ({
          targetId: t.id,
          targetArn: t.arn,
          ...(targets.length === 1 ? { counts: { ...c } } : {}),
        })),
      };
    });
  }

  /** One GetMetricData request (all its pages) of each rule's metrics, summed by `add`. */
  private async sums(
    bus: BusLocation,
    rules: readonly string[],
    window: { from: Date; to: Date },
    period: number,
    add: (rule: number, key: keyof DeliveryCounts, at: Date, value: number) => void,
  ): Promise<void> {
    const queries: MetricDataQuery[] = rules.slice(0, MAX_RULES).flatMap((rule, r) =>
      KEYS.map((key) => ({
        Id: `r${r}_${key}`,
        ReturnData: true,
        MetricStat: {
          Metric: {
            Namespace: "AWS/Events",
            MetricName: METRICS[key],
            Dimensions: [
              ...(bus.name === DEFAULT_BUS ? [] : [{ Name: "EventBusName", Value: bus.name }]),
              { Name: "RuleName", Value: rule },
            ],
          },
          Period: period,
          Stat: "Sum",
        },
      })),
    );
    if (queries.length === 0) return;
    try {
      for await (const page of paginateGetMetricData(
        { client: this.client },
        {
          MetricDataQueries: queries,
          StartTime: window.from,
          EndTime: window.to,
          ScanBy: "TimestampDescending",
        },
      )) {
        for (const result of page.MetricDataResults ?? []) {
          const [, index, key] = /^r(\d+)_(\w+)$/.exec(result.Id ?? "") ?? [];
          if (index === undefined || !KEYS.includes(key as keyof DeliveryCounts)) continue;
          (result.Timestamps ?? []).forEach((at, i) => {
            add(Number(index), key as keyof DeliveryCounts, at, result.Values?.[i] ?? 0);
          });
        }
      }
    } catch (err) {
      if ((err as Error).name === "Throttling" || (err as Error).name === "ThrottlingException") {
        throw new DomainError(
          "throttled",
          "CloudWatch is throttling GetMetricData for this account; try again in a few seconds.",
        );
      }
      throw err;
    }
  }
}
