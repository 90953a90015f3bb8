/**
 * Stack bookkeeping: the events of each step, as CloudFormation writes them, and the stack's status,
 * saved together so a step's events become visible with its state.
 */
import { monotonicFactory } from "ulid";
import type { LocalStack, LocalStackEvent, LocalStackStore } from "./stack-store.js";

export const STACK_TYPE = "AWS::CloudFormation::Stack";

export class StackJournal {
  /** Monotonic ids: events and operations sort in the order they happened. */
  readonly nextId = monotonicFactory();
  /** Events not saved yet, by stack: they go out with the next save of the stack. */
  private readonly unsaved = new Map<string, LocalStackEvent[]>();

  constructor(
    private readonly store: LocalStackStore,
    private readonly now: () => Date,
  ) {}

  async setStatus(stack: LocalStack, token: string, status: string, reason?: string): Promise<void> {
    stack.status = status;
    stack.statusReason = reason;
    stack.operations = stack.operations.map((op) =>
      op.token === token ? { ...op, status, ...(reason ? { reason } : {}) } : op,
    );
    this.stackEvent(stack, token, status, reason);
    await this.save(stack);
  }

  /** Saves the stack with its unsaved events: the events of each step become visible with its state. */
  async save(stack: LocalStack): Promise<void> {
    const events = this.unsaved.get(stack.stackName) ?? [];
    this.unsaved.delete(stack.stackName);
    await this.store.commit(stack, events);
  }

  stackEvent(stack: LocalStack, token: string, status: string, reason?: string): void {
    this.resourceEvent(stack, token, stack.stackName, STACK_TYPE, status, reason, stack.stackId);
  }

  /** Records an event; it is saved with the stack's next save. */
  resourceEvent(
    stack: LocalStack,
    token: string,
    logicalId: string,
    resourceType: string,
    status: string,
    reason?: string,
    physicalId?: string,
  ): void {
    const events = this.unsaved.get(stack.stackName) ?? [];
    events.push({
      id: this.nextId(),
      token,
      timestamp: this.now().toISOString(),
      logicalId,
      resourceType,
      status,
      ...(reason ? { reason } : {}),
      ...(physicalId ? { physicalId } : {}),
    });
    this.unsaved.set(stack.stackName, events);
  }
}
