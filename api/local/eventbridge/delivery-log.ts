/**
 * The delivery log's retention: each bus keeps its newest `count` deliveries, none older than
 * `days`. Age is an `expiresAt` on each delivery (the expiry sweep deletes it, api/store/
 * expired-items.ts); the count is held by trimming a bus's log after every `count / 10` deliveries
 * written to it, so a burst cannot fill the disk before the deliveries age out.
 */
import type { TargetFailures } from "./failures.js";
import type { DeliveryRecord } from "./records.js";
import type { EngineStore } from "./store.js";

export interface DeliveryRetention {
  /** Newest deliveries kept per bus. */
  count: number;
  /** Days a delivery is kept. */
  days: number;
}

export const DEFAULT_DELIVERY_RETENTION: DeliveryRetention = { count: 1000, days: 7 };

/** Buses whose writes since their last trim are counted; beyond, the counts start over. */
const COUNTED_BUSES = 1024;
/** Deliveries deleted per trim at most: a larger excess goes over the following trims. */
const MAX_DELETES_PER_TRIM = 500;

export class DeliveryLog {
  private readonly sinceTrim = new Map<string, number>();
  private readonly trimEvery: number;

  constructor(
    private readonly store: EngineStore,
    private readonly retention: DeliveryRetention = DEFAULT_DELIVERY_RETENTION,
    private readonly failures?: TargetFailures,
  ) {
    this.trimEvery = Math.max(1, Math.ceil(retention.count / 10));
  }

  /**
   * Stores deliveries made at `now` as they end under the targets' failure drills (and what they
   * dead-letter), then trims the logs that grew past their count. `events`: event texts by id.
   */
  async record(
    made: readonly DeliveryRecord[],
    now: Date,
    events: ReadonlyMap<string, string> = new Map(),
  ): Promise<void> {
    if (made.length === 0) return;
    const { deliveries, deadLetters } = this.failures
      ? await this.failures.apply(made, events, now)
      : { deliveries: made, deadLetters: [] };
    const expiresAt = Math.floor(now.getTime() / 1000) + this.retention.days * 86_400;
    await this.store.putDeliveries(deliveries, expiresAt);
    if (deadLetters.length > 0) await this.store.putDeadLetters(deadLetters);
    const written = new Map<string, number>();
    for (const d of deliveries) written.set(d.bus, (written.get(d.bus) ?? 0) + 1);
    for (const [bus, n] of written) {
      const count = (this.sinceTrim.get(bus) ?? 0) + n;
      if (count < this.trimEvery) {
        if (!this.sinceTrim.has(bus) && this.sinceTrim.size >= COUNTED_BUSES) this.sinceTrim.clear();
        this.sinceTrim.set(bus, count);
        continue;
      }
      this.sinceTrim.delete(bus);
      await this.store.trimDeliveries(bus, this.retention.count, MAX_DELETES_PER_TRIM);
    }
  }
}
