/**
 * The DeadLetterQueues port: the events a target's dead-letter queue (its `onDeliveryFailure`)
 * holds, and the two things a team does with them: re-drive them to the bus, or purge them. Two
 * adapters: SQS (api/aws/sqs-dead-letters.ts) and the embedded engine's queues
 * (api/local/dead-letters.ts). The use cases below find the queue from the bus's rules.
 */
import { DomainError } from "../errors.js";
import { JsonText } from "../eventbridge/json-path.js";
import { viaEventBridge } from "./errors.js";
import type { BusLocation, BusOps, BusTarget, PublishEntry } from "./port.js";

export interface DeadLetter {
  /** The message's id in its queue (SQS's MessageId). */
  id: string;
  /** The event as the bus received it (the message body). */
  event: string;
  /** Why the last attempt failed (SQS's ERROR_CODE / ERROR_MESSAGE attributes). */
  errorCode?: string;
  errorMessage?: string;
  /** Attempts made (RETRY_ATTEMPTS + 1), when the queue says. */
  attempts?: number;
  ruleArn?: string;
  targetArn?: string;
  /** When the queue received it. */
  sentAt?: string;
}

/** A message received from a dead-letter queue, held for this caller until deleted or released. */
export interface ReceivedDeadLetter extends DeadLetter {
  /** What deletes or releases this receipt of it (SQS's ReceiptHandle). */
  handle: string;
}

export interface DeadLetterQueues {
  readonly kind: "aws" | "local";
  /**
   * Up to `limit` messages, oldest first as the queue hands them out, held from other readers until
   * deleted or released (SQS's visibility timeout).
   */
  receive(queueArn: string, limit: number): Promise<ReceivedDeadLetter[]>;
  /** Makes received messages visible again at once: read, not consumed. */
  release(queueArn: string, handles: readonly string[]): Promise<void>;
  /** Deletes received messages for good. */
  delete(queueArn: string, handles: readonly string[]): Promise<void>;
  /** Deletes every message of the queue. */
  purge(queueArn: string): Promise<void>;
}

/** The queue's messages, read without consuming them: received, then released at once. */
export async function peekDeadLetters(
  queues: DeadLetterQueues,
  queueArn: string,
  limit: number,
): Promise<DeadLetter[]> {
  const received = await queues.receive(queueArn, limit);
  await queues.release(
    queueArn,
    received.map((m) => m.handle),
  );
  return received.map(({ handle: _handle, ...letter }) => letter);
}

/** Messages a redrive reads at most. */
export const MAX_REDRIVE = 100;

/**
 * Re-publishes the chosen messages (`ids`; all it receives, up to MAX_REDRIVE, when absent) to the
 * bus as new events, and deletes each one the bus accepted; the rest are released. At least once:
 * a message whose deletion fails after its event was published is re-driven again next time.
 */
export async function redriveDeadLetters(
  queues: DeadLetterQueues,
  ops: BusOps,
  queueArn: string,
  bus: BusLocation,
  ids?: readonly string[],
): Promise<{ redriven: number; notFound: string[] }> {
  const received = await queues.receive(queueArn, MAX_REDRIVE);
  const chosen = ids ? received.filter((m) => ids.includes(m.id)) : received;
  const accepted: string[] = [];
  try {
    for (let i = 0; i < chosen.length; i += 10) {
      const batch = chosen.slice(i, i + 10);
      const result = await viaEventBridge(() =>
        ops.publish(
          bus,
          batch.map((m) => publishEntryOf(m.event)),
        ),
      );
      batch.forEach((m, j) => {
        if (result.entries[j] && "eventId" in result.entries[j]!) accepted.push(m.handle);
      });
    }
  } finally {
    await queues.delete(queueArn, accepted);
    await queues.release(
      queueArn,
      received.filter((m) => !accepted.includes(m.handle)).map((m) => m.handle),
    );
  }
  return {
    redriven: accepted.length,
    notFound: ids ? ids.filter((id) => !received.some((m) => m.id === id)) : [],
  };
}

/** The PutEvents entry that publishes an event again: its source, detail-type, detail (as written), resources and time. */
export function publishEntryOf(eventText: string): PublishEntry {
  const event = new JsonText(eventText);
  const value = (name: string): unknown => {
    const member = event.child(name);
    return member ? JSON.parse(member.json()) : undefined;
  };
  const time = value("time");
  const resources = value("resources");
  return {
    source: String(value("source") ?? ""),
    detailType: String(value("detail-type") ?? ""),
    detail: event.child("detail")?.json() ?? "{}",
    ...(Array.isArray(resources) ? { resources: resources.map(String) } : {}),
    ...(typeof time === "string" && !Number.isNaN(Date.parse(time)) ? { time: new Date(time) } : {}),
  };
}

/** A rule's target whose deliveries fail over to a dead-letter queue. */
export interface DeadLetterTarget {
  rule: string;
  target: BusTarget & { deadLetterArn: string };
}

/** The targets of the bus's rules (or of `rule` only) with a dead-letter queue. */
export async function deadLetterTargets(
  ops: BusOps,
  bus: BusLocation,
  rule?: string,
): Promise<DeadLetterTarget[]> {
  const rules = await viaEventBridge(() => ops.listRules(bus));
  const found = rules
    .filter((r) => rule === undefined || r.name === rule)
    .flatMap((r) =>
      r.targets
        .filter((t): t is BusTarget & { deadLetterArn: string } => Boolean(t.deadLetterArn))
        .map((target) => ({ rule: r.name, target })),
    );
  if (rule !== undefined && !rules.some((r) => r.name === rule)) {
    throw new DomainError("not-found", `Event bus ${bus.name} has no rule ${rule}.`);
  }
  return found;
}

/** The one dead-letter target a request means: the rule's (and the target id's, if it has several). */
export async function deadLetterTarget(
  ops: BusOps,
  bus: BusLocation,
  rule: string,
  targetId?: string,
): Promise<DeadLetterTarget> {
  const targets = (await deadLetterTargets(ops, bus, rule)).filter(
    (t) => targetId === undefined || t.target.id === targetId,
  );
  if (targets.length === 0) {
    throw new DomainError(
      "not-found",
      `Rule ${rule} has no target${targetId ? ` ${targetId}` : ""} with a dead-letter queue (onDeliveryFailure).`,
    );
  }
  if (targets.length > 1) {
    throw new DomainError(
      "bad-request",
      `Rule ${rule} has ${targets.length} targets with a dead-letter queue; name one with target (${targets.map((t) => t.target.id).join(", ")}).`,
    );
  }
  return targets[0]!;
}
