/**
 * The BusOps port: what bus operations need from "something that runs EventBridge". Two adapters
 * implement it: EventBridge itself (api/aws/eventbridge.ts) and the embedded engine
 * (api/local/bus-ops.ts). Use cases never know which one runs.
 */

/** A deployed bus, as the stage's outputs name it. */
export interface BusLocation {
  /** The physical bus name in EventBridge. */
  name: string;
  arn: string;
  /** Present when the bus has archivation on. */
  archiveArn?: string;
}

export interface PublishEntry {
  source: string;
  detailType: string;
  /**
   * A JSON object as text, sent as PutEvents' `Detail` unchanged: text keeps every number exactly
   * as written (a parsed object would round integers past 2^53 and long decimals).
   */
  detail: string;
  resources?: string[];
  time?: Date;
}

export type PublishResultEntry = { eventId: string } | { errorCode: string; errorMessage: string };

export interface PublishResult {
  failedEntryCount: number;
  /** Same length and order as the entries sent. */
  entries: PublishResultEntry[];
}

export interface BusTarget {
  id: string;
  arn: string;
  input?: string;
  inputPath?: string;
  inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string };
  retryPolicy?: { maximumRetryAttempts?: number; maximumEventAgeInSeconds?: number };
  deadLetterArn?: string;
}

export interface BusRule {
  name: string;
  arn: string;
  state: string;
  /** The pattern as a JSON value; absent for scheduled rules. */
  eventPattern?: unknown;
  scheduleExpression?: string;
  description?: string;
  targets: BusTarget[];
}

export type ReplayState = "STARTING" | "RUNNING" | "CANCELLING" | "COMPLETED" | "CANCELLED" | "FAILED";

export interface ReplayStatus {
  name: string;
  arn: string;
  state: ReplayState;
  stateReason?: string;
  /** The archive replayed from. */
  archiveArn: string;
  destinationArn: string;
  /** Rule ARNs the replay is limited to; absent means every rule of the bus. */
  ruleArns?: string[];
  from: Date;
  to: Date;
  startedAt?: Date;
  endedAt?: Date;
  lastReplayedEventTime?: Date;
}

export interface StartReplayInput {
  name: string;
  archiveArn: string;
  from: Date;
  to: Date;
  ruleArns?: string[];
  description?: string;
}

export interface Delivery {
  id: string;
  rule: string;
  ruleArn: string;
  targetId: string;
  targetArn: string;
  eventId: string;
  replayName?: string;
  deliveredAt: string;
  /** Exactly what the target received. */
  input: string;
  /** Set when a failure drill made attempts fail (embedded default). */
  outcome?: "delivered" | "failed" | "dead-lettered";
  attempts?: number;
  error?: { code: string; message: string };
  deadLetterArn?: string;
}

export interface DeliveryPage {
  items: Delivery[];
  nextCursor?: string;
}

/** Recent events of a bus as BusOps.recentEvents answers them. */
export interface RecentEvents {
  /** `archive`, `delivery-log` (embedded default), `log-sample` (AWS), or `none`. */
  source: string;
  events: string[];
  note?: string;
}

/** A failure injected into a target's deliveries (embedded default only; api/local/eventbridge/failures.ts). */
export interface FailureDrill {
  /** The rule's physical name. */
  rule: string;
  targetId: string;
  /** Every attempt fails; the next `remaining` attempts fail; each attempt fails with `probability`. */
  mode: "always" | "count" | "probability";
  remaining?: number;
  probability?: number;
  errorCode: string;
  errorMessage: string;
  createdAt: string;
}

export interface BusOps {
  /** "aws" or "local": shown in problems that only one adapter can answer. */
  readonly kind: "aws" | "local";
  publish(bus: BusLocation, entries: PublishEntry[]): Promise<PublishResult>;
  listRules(bus: BusLocation): Promise<BusRule[]>;
  /**
   * The rules of the bus whose pattern matches the event: the JSON text of an object, matched as
   * given (not completed), so its numbers keep their digits.
   */
  matchRules(bus: BusLocation, eventText: string): Promise<BusRule[]>;
  /** The archive's retention (0: indefinitely); undefined when it does not exist. */
  describeArchive(archiveArn: string): Promise<{ retentionDays: number } | undefined>;
  startReplay(bus: BusLocation, input: StartReplayInput): Promise<ReplayStatus>;
  /** undefined when no replay has that name. */
  describeReplay(name: string): Promise<ReplayStatus | undefined>;
  cancelReplay(name: string): Promise<ReplayStatus>;
  /**
   * Recent events of a bus (by physical name) as JSON text, newest first, at most `limit`, read
   * until `deadline` (epoch ms) at the latest; `source` says where they came from, `note` why there
   * are none or fewer.
   */
  recentEvents(bus: string, limit: number, deadline?: number): Promise<RecentEvents>;
  /** Failure drills on the bus's targets; adapters that cannot inject failures throw a 501 problem. */
  listDrills(bus: BusLocation): Promise<FailureDrill[]>;
  /** Sets (or replaces) the drill on a target of a rule of the bus; 404 for an unknown rule or target. */
  setDrill(bus: BusLocation, drill: Omit<FailureDrill, "createdAt">, now: Date): Promise<FailureDrill>;
  /** Clears a target's drill; false when it had none. */
  clearDrill(bus: BusLocation, rule: string, targetId: string): Promise<boolean>;
  /** Recorded target invocations, newest first; adapters that cannot record them throw a 501 problem. */
  listDeliveries(
    bus: BusLocation,
    options: { rule?: string; limit: number; cursor?: string },
  ): Promise<DeliveryPage>;
}
