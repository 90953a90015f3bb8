/**
 * The DeadLetterQueues port: the events a target's dead-letter queue (its `onDeliveryFailure`)
 * holds, and the two things a team does with them: re-drive them to the bus, or purge them. Two
 * adapters: SQS (api/aws/sqs-dead-letters.ts) and the embedded engine's queues
 * (api/local/dead-letters.ts). The use cases below find the queue from the bus's rules.
 */
import { DomainError } from "../errors.js";
import { viaEventBridge } from "./errors.js";
import type { BusLocation, BusOps, BusTarget } from "./port.js";

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

export interface DeadLetterQueues {
  readonly kind: "aws" | "local";
  /** Up to `limit` messages, read without consuming them: they stay in the queue. */
  list(queueArn: string, limit: number): Promise<DeadLetter[]>;
  /**
   * Re-publishes the messages chosen (`ids`; all when absent, up to `limit`) to the bus as new
   * events, deleting each from the queue once the bus accepted it. At least once: a message whose
   * deletion fails stays and may be re-driven again.
   */
  redrive(
    queueArn: string,
    bus: BusLocation,
    select: { ids?: readonly string[]; limit: number },
  ): Promise<{ redriven: number; notFound: string[] }>;
  /** Deletes every message of the queue. */
  purge(queueArn: string): Promise<void>;
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
