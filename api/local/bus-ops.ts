import type {
  BusLocation,
  BusOps,
  BusRule,
  DeliveryPage,
  FailureDrill,
  PublishEntry,
  PublishResult,
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
} from "../buses/sdk-shapes.js";
import { DomainError } from "../errors.js";
import type { LocalEventBridge } from "./eventbridge/index.js";
import type { RuleRecord } from "./eventbridge/records.js";

const toBusRule = (rule: RuleRecord): BusRule =>
  busRule(
    {
      Name: rule.name,
      Arn: rule.arn,
      State: rule.state,
      ...(rule.eventPattern ? { EventPattern: rule.eventPattern } : {}),
      ...(rule.scheduleExpression ? { ScheduleExpression: rule.scheduleExpression } : {}),
      ...(rule.description ? { Description: rule.description } : {}),
    },
    rule.targets,
  );

/** BusOps over the embedded engine: the same EventBridge calls, plus the delivery log only it has. */
export class LocalBusOps implements BusOps {
  readonly kind = "local" as const;

  constructor(private readonly engine: LocalEventBridge) {}

  async publish(bus: BusLocation, entries: PublishEntry[]): Promise<PublishResult> {
    return publishResult(await this.engine.putEvents({ Entries: putEventsEntries(bus, entries) }));
  }

  async listRules(bus: BusLocation): Promise<BusRule[]> {
    return (await this.engine.rulesOfBus(bus.name)).map(toBusRule);
  }

  async matchRules(bus: BusLocation, eventText: string): Promise<BusRule[]> {
    return (await this.engine.matchingRules(bus.name, eventText)).map(toBusRule);
  }

  async describeArchive(archiveArn: string) {
    const out = await unlessNotFound(() => this.engine.describeArchive(describeArchiveRequest(archiveArn)));
    return out && archiveRetention(out);
  }

  async startReplay(bus: BusLocation, input: StartReplayInput): Promise<ReplayStatus> {
    await this.engine.startReplay(startReplayRequest(bus, input));
    return replayStatus(await this.engine.describeReplay({ ReplayName: input.name }));
  }

  async describeReplay(name: string): Promise<ReplayStatus | undefined> {
    const out = await unlessNotFound(() => this.engine.describeReplay({ ReplayName: name }));
    return out && replayStatus(out);
  }

  async cancelReplay(name: string): Promise<ReplayStatus> {
    await this.engine.cancelReplay({ ReplayName: name });
    return replayStatus(await this.engine.describeReplay({ ReplayName: name }));
  }

  recentEvents(bus: string, limit: number) {
    return this.engine.recentEvents(bus, limit);
  }

  async listDrills(bus: BusLocation): Promise<FailureDrill[]> {
    return (await this.engine.failures.list(bus.name)).map(({ bus: _bus, ...drill }) => drill);
  }

  async setDrill(bus: BusLocation, drill: Omit<FailureDrill, "createdAt">, now: Date): Promise<FailureDrill> {
    const rule = (await this.engine.rulesOfBus(bus.name)).find((r) => r.name === drill.rule);
    if (!rule?.targets.some((t) => t.Id === drill.targetId)) {
      throw new DomainError(
        "not-found",
        rule
          ? `Rule ${drill.rule} has no target ${drill.targetId} (its targets: ${rule.targets.map((t) => t.Id).join(", ")}).`
          : `Event bus ${bus.name} has no rule ${drill.rule}.`,
      );
    }
    const set = { ...drill, createdAt: now.toISOString() };
    await this.engine.failures.set({ ...set, bus: bus.name });
    return set;
  }

  clearDrill(bus: BusLocation, rule: string, targetId: string): Promise<boolean> {
    return this.engine.failures.clear(bus.name, rule, targetId);
  }

  async listDeliveries(
    bus: BusLocation,
    options: { rule?: string; limit: number; cursor?: string },
  ): Promise<DeliveryPage> {
    const page = await this.engine.listDeliveries(bus.name, options);
    return {
      items: page.items.map(({ bus: _bus, ...delivery }) => delivery),
      ...(page.next ? { nextCursor: page.next } : {}),
    };
  }
}
