/**
 * A stage's delivery health: per rule of each bus, events matched, delivered, failed and sent to a
 * dead-letter queue over the last hour and the last day. The RuleMetrics port answers it per bus:
 * CloudWatch's AWS/Events metrics on AWS (api/aws/cloudwatch-metrics.ts), the delivery log on the
 * embedded default (api/local/bus-ops.ts).
 */
import type { BusLocation, BusRule } from "./port.js";

export interface DeliveryCounts {
  /** Events the rule matched. */
  matched: number;
  /** Successful target invocations. */
  delivered: number;
  /** Invocations that failed for good (dropped or dead-lettered). */
  failed: number;
  /** Events sent to a dead-letter queue. */
  deadLettered: number;
  /** Invocations EventBridge throttled (AWS only; 0 locally). */
  throttled: number;
}

export interface RuleHealth {
  /** The rule's physical name. */
  rule: string;
  lastHour: DeliveryCounts;
  lastDay: DeliveryCounts;
}

/** A target's share of its rule's counts. */
export interface TargetDeliveryCounts {
  targetId: string;
  targetArn: string;
  /**
   * Absent when the adapter cannot tell the rule's targets apart: CloudWatch's AWS/Events metrics
   * are per rule, so on AWS only a rule's only target gets the rule's counts.
   */
  counts?: DeliveryCounts;
}

export interface RuleDeliveryCounts {
  rule: string;
  counts: DeliveryCounts;
  targets: TargetDeliveryCounts[];
}

export interface RuleMetrics {
  /** Counts per rule of the bus for the hour and the day before `now`, in the order given. */
  ruleHealth(bus: BusLocation, rules: readonly string[], now: Date): Promise<RuleHealth[]>;
  /** Counts per rule of the bus over [from, to), in the order given. */
  ruleCounts(
    bus: BusLocation,
    rules: readonly string[],
    window: { from: Date; to: Date },
  ): Promise<{ rule: string; counts: DeliveryCounts }[]>;
  /**
   * Counts per rule and per target over [from, to), in the order given; a rule the adapter cannot
   * count in one request (CloudWatch: past the first 100) is left out.
   */
  deliveryCounts(
    bus: BusLocation,
    rules: readonly Pick<BusRule, "name" | "targets">[],
    window: { from: Date; to: Date },
  ): Promise<RuleDeliveryCounts[]>;
}

export const zeroCounts = (): DeliveryCounts => ({
  matched: 0,
  delivered: 0,
  failed: 0,
  deadLettered: 0,
  throttled: 0,
});
