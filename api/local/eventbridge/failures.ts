/**
 * Failure drills: a deployer makes a target's deliveries fail (every attempt, the next N attempts,
 * or each attempt with a probability) so retries, the retry policy's limit, dead-lettering and
 * redrive can be exercised on the embedded default. Targets never run here, so a drill is the only
 * way a local delivery fails.
 *
 * A delivery to a drilled target is attempted up to 1 + the target's MaximumRetryAttempts times
 * (EventBridge's default: 185), at once rather than with EventBridge's backoff over up to 24 hours;
 * it ends delivered on the first attempt that does not fail, else in the target's dead-letter queue
 * (DeadLetterConfig) with SQS's attributes of the failure, else dropped. The delivery log records
 * how it ended and after how many attempts.
 */
import type { Target } from "@aws-sdk/client-eventbridge";
import { monotonicFactory } from "ulid";
import type { BusCache } from "./bus-cache.js";
import type { DeadLetterRecord, DeliveryRecord, FailureDrill } from "./records.js";
import type { EngineStore } from "./store.js";

/** EventBridge's default MaximumRetryAttempts. */
export const DEFAULT_RETRY_ATTEMPTS = 185;

const deadLetterId = monotonicFactory();

export class TargetFailures {
  /** Drills per bus, loaded once and kept in step with every change made through this engine. */
  private readonly drills = new Map<string, Map<string, FailureDrill>>();

  constructor(
    private readonly store: EngineStore,
    private readonly buses: BusCache,
    private readonly random: () => number = Math.random,
  ) {}

  private async drillsOf(bus: string): Promise<Map<string, FailureDrill>> {
    let found = this.drills.get(bus);
    if (!found) {
      found = new Map((await this.store.drillsOfBus(bus)).map((d) => [`${d.rule}#${d.targetId}`, d]));
      this.drills.set(bus, found);
    }
    return found;
  }

  async list(bus: string): Promise<FailureDrill[]> {
    return [...(await this.drillsOf(bus)).values()];
  }

  async set(drill: FailureDrill): Promise<void> {
    await this.store.putDrill(drill);
    (await this.drillsOf(drill.bus)).set(`${drill.rule}#${drill.targetId}`, drill);
  }

  /** Clears the drill on a target; false when there was none. */
  async clear(bus: string, rule: string, targetId: string): Promise<boolean> {
    const drills = await this.drillsOf(bus);
    if (!drills.delete(`${rule}#${targetId}`)) return false;
    await this.store.deleteDrill(bus, rule, targetId);
    return true;
  }

  /**
   * The deliveries as they end under the drills on their targets, and the events they leave in
   * dead-letter queues. `events`: each event's text by id (the body a dead-letter queue keeps).
   */
  async apply(
    deliveries: readonly DeliveryRecord[],
    events: ReadonlyMap<string, string>,
    now: Date,
  ): Promise<{ deliveries: DeliveryRecord[]; deadLetters: DeadLetterRecord[] }> {
    const out: DeliveryRecord[] = [];
    const deadLetters: DeadLetterRecord[] = [];
    const changed = new Set<FailureDrill>();
    for (const delivery of deliveries) {
      const drills = await this.drillsOf(delivery.bus);
      const drill = drills.size > 0 ? drills.get(`${delivery.rule}#${delivery.targetId}`) : undefined;
      if (!drill) {
        out.push(delivery);
        continue;
      }
      const target = await this.targetOf(delivery);
      const maxAttempts = 1 + (target?.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_RETRY_ATTEMPTS);
      let attempts = 0;
      let delivered = false;
      while (attempts < maxAttempts && !delivered) {
        attempts++;
        delivered = !this.fails(drill);
        if (drill.mode === "count") changed.add(drill);
      }
      const error = { code: drill.errorCode, message: drill.errorMessage };
      const queueArn = target?.DeadLetterConfig?.Arn;
      if (delivered) {
        out.push({ ...delivery, outcome: "delivered", attempts, ...(attempts > 1 ? { error } : {}) });
      } else if (queueArn) {
        out.push({ ...delivery, outcome: "dead-lettered", attempts, error, deadLetterArn: queueArn });
        deadLetters.push({
          id: deadLetterId(now.getTime()),
          queueArn,
          bus: delivery.bus,
          rule: delivery.rule,
          ruleArn: delivery.ruleArn,
          targetId: delivery.targetId,
          targetArn: delivery.targetArn,
          eventId: delivery.eventId,
          event: events.get(delivery.eventId) ?? delivery.input,
          errorCode: drill.errorCode,
          errorMessage: drill.errorMessage,
          attempts,
          sentAt: now.toISOString(),
        });
      } else {
        out.push({ ...delivery, outcome: "failed", attempts, error });
      }
    }
    for (const drill of changed) await this.store.putDrill(drill);
    return { deliveries: out, deadLetters };
  }

  private fails(drill: FailureDrill): boolean {
    switch (drill.mode) {
      case "always":
        return true;
      case "count":
        if ((drill.remaining ?? 0) <= 0) return false;
        drill.remaining = (drill.remaining ?? 0) - 1;
        return true;
      case "probability":
        return this.random() < (drill.probability ?? 0);
    }
  }

  private async targetOf(delivery: DeliveryRecord): Promise<Target | undefined> {
    const view = await this.buses.get(delivery.bus);
    return view?.rules.get(delivery.rule)?.targets.find((t) => t.Id === delivery.targetId);
  }
}
