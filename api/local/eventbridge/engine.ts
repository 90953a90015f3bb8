import type {
  CancelReplayCommandInput,
  CreateArchiveCommandInput,
  CreateEventBusCommandInput,
  DeleteArchiveCommandInput,
  DeleteEventBusCommandInput,
  DeleteRuleCommandInput,
  DescribeArchiveCommandInput,
  DescribeEventBusCommandInput,
  DescribeReplayCommandInput,
  DescribeRuleCommandInput,
  ListRulesCommandInput,
  ListTargetsByRuleCommandInput,
  PutEventsCommandInput,
  PutRuleCommandInput,
  PutTargetsCommandInput,
  RemoveTargetsCommandInput,
  StartReplayCommandInput,
  TestEventPatternCommandInput,
  TestEventPatternCommandOutput,
  UpdateArchiveCommandInput,
} from "@aws-sdk/client-eventbridge";
import { busNameOf } from "../../eventbridge/arns.js";
import { DEFAULT_MAX_REQUEST_BYTES } from "../../eventbridge/entries.js";
import { envelopeText } from "../../eventbridge/envelope.js";
import { busNotFound, validation } from "../../eventbridge/errors.js";
import { matchesEventPattern } from "../../eventbridge/pattern/index.js";
import type { Logger } from "../../http/logger.js";
import type { Table } from "../../store/table.js";
import { DEFAULT_LOCAL_REGION, type EventBridgeApi, LOCAL_ACCOUNT_ID } from "./api.js";
import * as archives from "./archives.js";
import { BusCache } from "./bus-cache.js";
import * as buses from "./buses.js";
import type { EngineContext } from "./context.js";
import { DeliveryLog, type DeliveryRetention } from "./delivery-log.js";
import { TargetFailures } from "./failures.js";
import { compilePattern } from "./patterns.js";
import { putEvents } from "./publish.js";
import type { DeadLetterRecord, DeliveryRecord, RuleRecord } from "./records.js";
import { Replays } from "./replays.js";
import * as rules from "./rules.js";
import { fireSchedules } from "./schedules.js";
import { EngineStore, InvalidTokenError, type Page } from "./store.js";

type Out<T> = Omit<T, "$metadata">;

export interface LocalEventBridgeOptions {
  table: Table;
  now?: () => Date;
  region?: string;
  account?: string;
  /** Summed entry sizes allowed per PutEvents call; 256 KiB by default (AWS before 2026). */
  maxRequestBytes?: number;
  log?: Logger;
  /** When a started replay runs; by default at once, in this process. */
  scheduleReplay?: (run: () => Promise<void>) => Promise<void>;
  /** Draws for probability drills (failures.ts); Math.random by default. */
  random?: () => number;
  /** How many deliveries each bus keeps, and for how long (DEFAULT_DELIVERY_RETENTION). */
  deliveryRetention?: DeliveryRetention;
}

/**
 * Fields TestEventPattern requires in the event. AWS documents `resources` as mandatory too, but
 * the recorded `minimal` conformance case (an event without `resources`) matches on real AWS.
 */
const REQUIRED_EVENT_FIELDS = ["id", "account", "source", "time", "region", "detail-type"];

/**
 * The embedded EventBridge: buses, rules and targets, archives and replays, PutEvents, with its
 * state in the DynamoDB table (see store.ts) and each bus's rules compiled once into a RuleIndex
 * kept in memory until they change. Targets are never invoked: each invocation is recorded as a
 * delivery with exactly the input the target would have received.
 */
export class LocalEventBridge implements EventBridgeApi {
  private readonly ctx: EngineContext;
  private readonly replays: Replays;
  /** Up to when schedule rules have fired (see runSchedules). */
  private schedulesRunUntil?: Date;
  /** Failure drills on targets (failures.ts). */
  readonly failures: TargetFailures;

  constructor(options: LocalEventBridgeOptions) {
    const store = new EngineStore(options.table);
    const scope = {
      region: options.region ?? DEFAULT_LOCAL_REGION,
      account: options.account ?? LOCAL_ACCOUNT_ID,
    };
    const buses = new BusCache(store, scope);
    this.failures = new TargetFailures(store, buses, options.random);
    this.ctx = {
      store,
      scope,
      now: options.now ?? (() => new Date()),
      buses,
      deliveries: new DeliveryLog(store, options.deliveryRetention, this.failures),
      maxRequestBytes: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      ...(options.log ? { log: options.log } : {}),
    };
    this.replays = new Replays(this.ctx, options.scheduleReplay);
  }

  get region(): string {
    return this.ctx.scope.region;
  }

  get account(): string {
    return this.ctx.scope.account;
  }

  createEventBus(input: CreateEventBusCommandInput) {
    return buses.createEventBus(this.ctx, input);
  }
  describeEventBus(input: DescribeEventBusCommandInput) {
    return buses.describeEventBus(this.ctx, input);
  }
  deleteEventBus(input: DeleteEventBusCommandInput) {
    return buses.deleteEventBus(this.ctx, input);
  }

  putRule(input: PutRuleCommandInput) {
    return rules.putRule(this.ctx, input);
  }
  describeRule(input: DescribeRuleCommandInput) {
    return rules.describeRule(this.ctx, input);
  }
  listRules(input: ListRulesCommandInput) {
    return rules.listRules(this.ctx, input);
  }
  deleteRule(input: DeleteRuleCommandInput) {
    return rules.deleteRule(this.ctx, input);
  }
  putTargets(input: PutTargetsCommandInput) {
    return rules.putTargets(this.ctx, input);
  }
  removeTargets(input: RemoveTargetsCommandInput) {
    return rules.removeTargets(this.ctx, input);
  }
  listTargetsByRule(input: ListTargetsByRuleCommandInput) {
    return rules.listTargetsByRule(this.ctx, input);
  }

  createArchive(input: CreateArchiveCommandInput) {
    return archives.createArchive(this.ctx, input);
  }
  updateArchive(input: UpdateArchiveCommandInput) {
    return archives.updateArchive(this.ctx, input);
  }
  describeArchive(input: DescribeArchiveCommandInput) {
    return archives.describeArchive(this.ctx, input);
  }
  deleteArchive(input: DeleteArchiveCommandInput) {
    return archives.deleteArchive(this.ctx, input);
  }

  putEvents(input: PutEventsCommandInput) {
    return putEvents(this.ctx, input);
  }

  async testEventPattern(input: TestEventPatternCommandInput): Promise<Out<TestEventPatternCommandOutput>> {
    const pattern = compilePattern(input.EventPattern ?? "");
    let event: unknown;
    try {
      event = JSON.parse(input.Event ?? "");
    } catch {
      throw validation("Parameter Event is not valid.");
    }
    if (typeof event !== "object" || event === null || Array.isArray(event)) {
      throw validation("Parameter Event is not valid.");
    }
    const missing = REQUIRED_EVENT_FIELDS.filter((f) => !(f in event));
    if (missing.length > 0) {
      throw validation(
        `Parameter Event is not valid. Reason: missing required field(s) ${missing.join(", ")}.`,
      );
    }
    return { Result: matchesEventPattern(pattern, input.Event!) };
  }

  startReplay(input: StartReplayCommandInput) {
    return this.replays.start(input);
  }
  describeReplay(input: DescribeReplayCommandInput) {
    return this.replays.describe(input);
  }
  cancelReplay(input: CancelReplayCommandInput) {
    return this.replays.cancel(input);
  }

  // Beyond the EventBridge API: what the bus operations need locally.

  /** Every rule of a bus with its targets, from the compiled view. */
  async rulesOfBus(busName: string): Promise<RuleRecord[]> {
    const bus = busNameOf(busName);
    const view = await this.ctx.buses.get(bus);
    if (!view) throw busNotFound(bus);
    return [...view.rules.values()];
  }

  /** The rules of a bus whose pattern matches the event (enabled or not), from the compiled index. */
  async matchingRules(busName: string, event: string | object): Promise<RuleRecord[]> {
    const bus = busNameOf(busName);
    const view = await this.ctx.buses.get(bus);
    if (!view) throw busNotFound(bus);
    return view.index
      .match(typeof event === "string" ? event : JSON.stringify(event))
      .flatMap((entry) => (entry.kind === "rule" ? [entry.rule] : []));
  }

  /** Recorded deliveries of a bus, newest first, optionally of one rule. */
  async listDeliveries(
    busName: string,
    options: { rule?: string; limit: number; cursor?: string },
  ): Promise<Page<DeliveryRecord>> {
    try {
      return await this.ctx.store.listDeliveries(busNameOf(busName), {
        limit: options.limit,
        ...(options.rule ? { rule: options.rule } : {}),
        ...(options.cursor ? { token: options.cursor } : {}),
      });
    } catch (err) {
      if (err instanceof InvalidTokenError) throw validation("The cursor is not valid.");
      throw err;
    }
  }

  /**
   * Fires the schedule rules of the default bus for the times due since the previous run, up to
   * `until` (the engine's clock by default), recording a delivery per target. The first run only
   * sets where the clock starts. The local server runs it on a timer; tests drive it.
   */
  async runSchedules(until: Date = this.ctx.now()): Promise<number> {
    const after = this.schedulesRunUntil ?? until;
    if (until.getTime() <= after.getTime()) {
      this.schedulesRunUntil ??= until;
      return 0;
    }
    this.schedulesRunUntil = until;
    return fireSchedules(this.ctx, after, until);
  }

  /**
   * The bus's recent events as delivered (envelope JSON), newest first: from its archive when it has
   * one (every event it received), else from its delivery log (the events some rule delivered whole,
   * without Input / InputPath / InputTransformer, each once).
   */
  async recentEvents(busName: string, limit: number): Promise<{ source: string; events: string[] }> {
    const bus = busNameOf(busName);
    const [archive] = await this.ctx.store.archiveNamesOfBus(bus);
    if (archive) {
      const items = await this.ctx.store.newestArchivedEvents(archive, limit);
      return { source: "archive", events: items.map((item) => envelopeText(item.event)) };
    }
    const seen = new Set<string>();
    const events: string[] = [];
    let token: string | undefined;
    // A few pages of the log at most: deliveries of one event to several targets repeat it.
    for (let page = 0; page < 3 && events.length < limit; page++) {
      const out = await this.ctx.store.listDeliveries(bus, { limit: 100, ...(token ? { token } : {}) });
      for (const d of out.items) {
        if (d.replayName || seen.has(d.eventId) || events.length >= limit) continue;
        if (!d.input.includes(`"id":${JSON.stringify(d.eventId)},"detail-type":`)) continue;
        seen.add(d.eventId);
        events.push(d.input);
      }
      token = out.next;
      if (!token) break;
    }
    return { source: "delivery-log", events };
  }

  /** The events a dead-letter queue holds, oldest first (SQS-like: a queue, not a log). */
  async deadLetters(queueArn: string, limit: number): Promise<DeadLetterRecord[]> {
    return (await this.ctx.store.listDeadLetters(queueArn, { limit })).items;
  }

  deleteDeadLetters(queueArn: string, ids: readonly string[]): Promise<void> {
    return this.ctx.store.deleteDeadLetters(queueArn, ids);
  }

  purgeDeadLetters(queueArn: string): Promise<void> {
    return this.ctx.store.purgeDeadLetters(queueArn);
  }

  /** At start: settles the replays a stopped engine left active (see Replays.recoverInterrupted). */
  recoverInterruptedReplays() {
    return this.replays.recoverInterrupted();
  }

  /** Resolves when every replay this engine started has finished (tests, shutdown). */
  idle(): Promise<void> {
    return this.replays.idle();
  }
}
