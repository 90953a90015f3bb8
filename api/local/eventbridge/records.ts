import type { Target } from "@aws-sdk/client-eventbridge";
import type { EventParts } from "../../eventbridge/envelope.js";

/** What the engine persists. Times are ISO strings. */

export interface BusRecord {
  name: string;
  arn: string;
  description?: string;
  createdAt: string;
  updatedAt: string;
}

export type RuleState = "ENABLED" | "DISABLED" | "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";

export interface RuleRecord {
  bus: string;
  name: string;
  arn: string;
  eventPattern?: string;
  scheduleExpression?: string;
  state: RuleState;
  description?: string;
  roleArn?: string;
  /** Targets keep every field PutTargets accepted (retry policy and dead-letter queue included). */
  targets: Target[];
  createdAt: string;
}

export interface ArchiveRecord {
  name: string;
  arn: string;
  bus: string;
  eventSourceArn: string;
  description?: string;
  eventPattern?: string;
  /** 0 keeps events forever. */
  retentionDays: number;
  state: "ENABLED" | "DISABLED";
  createdAt: string;
  eventCount: number;
  sizeBytes: number;
}

export interface ArchivedEvent {
  archive: string;
  event: EventParts;
  /** When the bus received it (ISO, milliseconds): retention counts from here. */
  ingestedAt: string;
}

export type ReplayState = "STARTING" | "RUNNING" | "CANCELLING" | "COMPLETED" | "CANCELLED" | "FAILED";

export interface ReplayRecord {
  name: string;
  arn: string;
  description?: string;
  archive: string;
  eventSourceArn: string;
  destinationArn: string;
  filterArns?: string[];
  eventStartTime: string;
  eventEndTime: string;
  state: ReplayState;
  stateReason?: string;
  replayStartTime: string;
  replayEndTime?: string;
  eventLastReplayedTime?: string;
}

/** One target invocation the engine recorded instead of running it. */
/** A failure a deployer injected into a target's deliveries (failures.ts). */
export interface FailureDrill {
  bus: string;
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

/** An event a target's dead-letter queue holds, with SQS's attributes of the failure. */
export interface DeadLetterRecord {
  /** ULID: the queue hands them out oldest first. */
  id: string;
  queueArn: string;
  bus: string;
  rule: string;
  ruleArn: string;
  targetId: string;
  targetArn: string;
  eventId: string;
  /** The event as the bus received it (the message body EventBridge sends to the queue). */
  event: string;
  errorCode: string;
  errorMessage: string;
  attempts: number;
  sentAt: string;
}

export interface DeliveryRecord {
  /** ULID: sorts by delivery time. */
  id: string;
  bus: string;
  rule: string;
  ruleArn: string;
  targetId: string;
  targetArn: string;
  eventId: string;
  replayName?: string;
  deliveredAt: string;
  /** Exactly what the target received, after Input / InputPath / InputTransformer. */
  input: string;
  /** Set when a failure drill made attempts fail: how it ended, after how many attempts, and why. */
  outcome?: "delivered" | "failed" | "dead-lettered";
  attempts?: number;
  error?: { code: string; message: string };
  deadLetterArn?: string;
}
