import {
  type CloudWatchClient,
  type MetricDataQuery,
  paginateGetMetricData,
} from "@aws-sdk/client-cloudwatch";
import { type DeliveryCounts, type RuleHealth, type RuleMetrics, zeroCounts } from "../buses/health.js";
import type { BusLocation } from "../buses/port.js";
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
    const measured = rules.slice(0, MAX_RULES);
    const queries: MetricDataQuery[] = measured.flatMap((rule, r) =>
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
          Period: 3600,
          Stat: "Sum",
        },
      })),
    );
    const end = new Date(Math.ceil(now.getTime() / HOUR_MS) * HOUR_MS);
    const health = measured.map((rule) => ({ rule, lastHour: zeroCounts(), lastDay: zeroCounts() }));
    if (queries.length === 0) return health;
    try {
      for await (const page of paginateGetMetricData(
        { client: this.client },
        {
          MetricDataQueries: queries,
          StartTime: new Date(end.getTime() - 24 * HOUR_MS),
          EndTime: end,
          ScanBy: "TimestampDescending",
        },
      )) {
        for (const result of page.MetricDataResults ?? []) {
          const [, index, key] = /^r(\d+)_(\w+)$/.exec(result.Id ?? "") ?? [];
          const entry = health[Number(index)];
          if (!entry || !KEYS.includes(key as keyof DeliveryCounts)) continue;
          const k = key as keyof DeliveryCounts;
          (result.Timestamps ?? []).forEach((at, i) => {
            const value = result.Values?.[i] ?? 0;
            entry.lastDay[k] += value;
            if (at.getTime() >= end.getTime() - HOUR_MS) entry.lastHour[k] += value;
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
    for (const entry of health) {
      for (const window of [entry.lastHour, entry.lastDay])
        window.delivered = Math.max(0, window.delivered - window.failed);
    }
    return health;
  }
}
