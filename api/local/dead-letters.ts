import type { DeadLetterQueues, ReceivedDeadLetter } from "../buses/dead-letters.js";
import type { LocalEventBridge } from "./eventbridge/index.js";

/**
 * The embedded engine's dead-letter queues (filled by failure drills: failures.ts). One caller at a
 * time works on them, so a received message needs no hiding: release is nothing, and the handle is
 * the message's id.
 */
export class LocalDeadLetterQueues implements DeadLetterQueues {
  readonly kind = "local" as const;

  constructor(private readonly engine: LocalEventBridge) {}

  async receive(queueArn: string, limit: number): Promise<ReceivedDeadLetter[]> {
    return (await this.engine.deadLetters(queueArn, limit)).map((d) => ({
      id: d.id,
      handle: d.id,
      event: d.event,
      errorCode: d.errorCode,
      errorMessage: d.errorMessage,
      attempts: d.attempts,
      ruleArn: d.ruleArn,
      targetArn: d.targetArn,
      sentAt: d.sentAt,
    }));
  }

  async release(): Promise<void> {}

  delete(queueArn: string, handles: readonly string[]): Promise<void> {
    return this.engine.deleteDeadLetters(queueArn, handles);
  }

  purge(queueArn: string): Promise<void> {
    return this.engine.purgeDeadLetters(queueArn);
  }
}
