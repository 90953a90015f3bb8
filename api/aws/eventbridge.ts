import { randomUUID } from "node:crypto";
import {
  CancelReplayCommand,
  DescribeArchiveCommand,
  DescribeReplayCommand,
  type EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  type Rule,
  StartReplayCommand,
  TestEventPatternCommand,
} from "@aws-sdk/client-eventbridge";
import type {
  BusLocation,
  BusOps,
  BusRule,
  DeliveryPage,
  FailureDrill,
  PublishEntry,
  PublishResult,
  RecentEvents,
  ReplayStatus,
  StartReplayInput,
} from "../buses/port.js";
import {
  archiveRetention,
  busRule,
  describeArchiveRequest,
  publishResult,
  putEventsEntries,
  replayStatus,
  startReplayRequest,
  unlessNotFound,
  withDefaultMembers,
} from "../buses/sdk-shapes.js";
import { DomainError } from "../errors.js";

/** TestEventPattern calls in flight at once while matching an event against a bus's rules. */
const MATCH_CONCURRENCY = 5;

/** Region and account of an event-bus ARN (`arn:aws:events:<region>:<account>:event-bus/<name>`). */
function arnScope(arn: string): { region: string; account: string } {
  const [, , , region = "", account = ""] = arn.split(":");
  return { region, account };
}

/**
 * BusOps on Amazon EventBridge: PutEvents, ListRules + ListTargetsByRule, TestEventPattern,
 * StartReplay / DescribeReplay / CancelReplay. EventBridge keeps no log of what it delivered, so
 * the list of deliveries answers 501 and points to the counts (RuleMetrics) and dead letters.
 */
export class AwsBusOps implements BusOps {
  readonly kind = "aws" as const;

  constructor(
    private readonly client: EventBridgeClient,
    /** Where a bus's recent events are read on AWS: its event sample's log group. */
    private readonly samples?: Pick<BusOps, "recentEvents">,
  ) {}

  async publish(bus: BusLocation, entries: PublishEntry[]): Promise<PublishResult> {
    return publishResult(
      await this.client.send(new PutEventsCommand({ Entries: putEventsEntries(bus, entries) })),
    );
  }

  async listRules(bus: BusLocation): Promise<BusRule[]> {
    const rules = await this.allRules(bus);
    return Promise.all(rules.map(async (rule) => busRule(rule, await this.targetsOf(bus, rule))));
  }

  /**
   * AWS's own matcher decides: TestEventPattern for each rule with a pattern. TestEventPattern
   * requires a full envelope, so missing envelope fields are filled with neutral values first.
   */
  async matchRules(bus: BusLocation, eventText: string): Promise<BusRule[]> {
    const rules = (await this.allRules(bus)).filter((r) => r.EventPattern);
    const { region, account } = arnScope(bus.arn);
    const text = withDefaultMembers(eventText, {
      version: "0",
      id: randomUUID(),
      "detail-type": "",
      source: "",
      account,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      region,
      resources: [],
    });
    const matched: Rule[] = [];
    for (let i = 0; i < rules.length; i += MATCH_CONCURRENCY) {
      const batch = rules.slice(i, i + MATCH_CONCURRENCY);
      const results = await Promise.all(
        batch.map((rule) =>
          this.client.send(new TestEventPatternCommand({ EventPattern: rule.EventPattern, Event: text })),
        ),
      );
      batch.forEach((rule, j) => {
        if (results[j]?.Result) matched.push(rule);
      });
    }
    return Promise.all(matched.map(async (rule) => busRule(rule, await this.targetsOf(bus, rule))));
  }

  async describeArchive(archiveArn: string) {
    const out = await unlessNotFound(() =>
      this.client.send(new DescribeArchiveCommand(describeArchiveRequest(archiveArn))),
    );
    return out && archiveRetention(out);
  }

  async startReplay(bus: BusLocation, input: StartReplayInput): Promise<ReplayStatus> {
    const out = await this.client.send(new StartReplayCommand(startReplayRequest(bus, input)));
    return {
      name: input.name,
      arn: out.ReplayArn ?? "",
      state: (out.State ?? "STARTING") as ReplayStatus["state"],
      ...(out.StateReason ? { stateReason: out.StateReason } : {}),
      archiveArn: input.archiveArn,
      destinationArn: bus.arn,
      ...(input.ruleArns?.length ? { ruleArns: input.ruleArns } : {}),
      from: input.from,
      to: input.to,
      ...(out.ReplayStartTime ? { startedAt: out.ReplayStartTime } : {}),
    };
  }

  async describeReplay(name: string): Promise<ReplayStatus | undefined> {
    const out = await unlessNotFound(() => this.client.send(new DescribeReplayCommand({ ReplayName: name })));
    return out && replayStatus(out);
  }

  async cancelReplay(name: string): Promise<ReplayStatus> {
    await this.client.send(new CancelReplayCommand({ ReplayName: name }));
    return replayStatus(await this.client.send(new DescribeReplayCommand({ ReplayName: name })));
  }

  /** From the bus's event sample when it has one (`samples`: api/aws/event-sample.ts). */
  async recentEvents(bus: string, limit: number, deadline?: number): Promise<RecentEvents> {
    if (this.samples) return this.samples.recentEvents(bus, limit, deadline);
    return {
      source: "none",
      events: [],
      note: "EventBridge keeps no record of the events a bus received, and this server reads no event samples; previews evaluate no recent events.",
    };
  }

  private noDrills(): never {
    throw new DomainError(
      "not-implemented",
      "Failure drills run on the embedded default only: on AWS, targets are real and fail for real. Use the dead-letter routes to inspect and re-drive what failed.",
    );
  }

  async listDrills(): Promise<FailureDrill[]> {
    this.noDrills();
  }

  async setDrill(): Promise<FailureDrill> {
    this.noDrills();
  }

  async clearDrill(): Promise<boolean> {
    this.noDrills();
  }

  async listDeliveries(): Promise<DeliveryPage> {
    throw new DomainError(
      "not-implemented",
      "Amazon EventBridge keeps no log of single deliveries. This bus's /deliveries/counts answers per rule and target what was matched, delivered, failed, dead-lettered and throttled over a window (from CloudWatch's AWS/Events metrics), /dead-letters what failed; for single events look at the target's own logs (the function's or job's CloudWatch Logs, the queue's messages).",
    );
  }

  private async allRules(bus: BusLocation): Promise<Rule[]> {
    const rules: Rule[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListRulesCommand({ EventBusName: bus.name, Limit: 100, ...(token ? { NextToken: token } : {}) }),
      );
      rules.push(...(out.Rules ?? []));
      token = out.NextToken;
    } while (token);
    return rules;
  }

  private async targetsOf(bus: BusLocation, rule: Rule) {
    const targets = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListTargetsByRuleCommand({
          Rule: rule.Name,
          EventBusName: bus.name,
          ...(token ? { NextToken: token } : {}),
        }),
      );
      targets.push(...(out.Targets ?? []));
      token = out.NextToken;
    } while (token);
    return targets;
  }
}
