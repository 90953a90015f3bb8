import type { DeadLetter, DeadLetterQueues } from "../buses/dead-letters.js";
import type { BusLocation } from "../buses/port.js";
import { JsonText } from "../eventbridge/json-path.js";
import type { LocalEventBridge } from "./eventbridge/index.js";

/** The embedded engine's dead-letter queues (filled by failure drills: failures.ts). */
export class LocalDeadLetterQueues implements DeadLetterQueues {
  readonly kind = "local" as const;

  constructor(private readonly engine: LocalEventBridge) {}

  async list(queueArn: string, limit: number): Promise<DeadLetter[]> {
    return (await this.engine.deadLetters(queueArn, limit)).map((d) => ({
      id: d.id,
      event: d.event,
      errorCode: d.errorCode,
      errorMessage: d.errorMessage,
      attempts: d.attempts,
      ruleArn: d.ruleArn,
      targetArn: d.targetArn,
      sentAt: d.sentAt,
    }));
  }

  async redrive(queueArn: string, bus: BusLocation, select: { ids?: readonly string[]; limit: number }) {
    const held = await this.engine.deadLetters(queueArn, select.ids ? 10_000 : select.limit);
    const chosen = select.ids ? held.filter((d) => select.ids!.includes(d.id)) : held;
    const notFound = select.ids ? select.ids.filter((id) => !held.some((d) => d.id === id)) : [];
    let redriven = 0;
    // PutEvents takes 10 entries at a time; each accepted one leaves the queue.
    for (let i = 0; i < chosen.length; i += 10) {
      const batch = chosen.slice(i, i + 10);
      const out = await this.engine.putEvents({
        Entries: batch.map((d) => {
          const event = new JsonText(d.event);
          const text = (name: string) => JSON.parse(event.child(name)?.json() ?? "null");
          return {
            EventBusName: bus.arn,
            Source: text("source"),
            DetailType: text("detail-type"),
            Detail: event.child("detail")?.json() ?? "{}",
            Resources: text("resources") ?? [],
            Time: new Date(text("time")),
          };
        }),
      });
      const accepted = batch.filter((_, j) => out.Entries?.[j]?.EventId);
      await this.engine.deleteDeadLetters(
        queueArn,
        accepted.map((d) => d.id),
      );
      redriven += accepted.length;
    }
    return { redriven, notFound };
  }

  purge(queueArn: string): Promise<void> {
    return this.engine.purgeDeadLetters(queueArn);
  }
}
