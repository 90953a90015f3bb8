/**
 * The Deployer over the embedded engine: a small CloudFormation. It decides which stack operation
 * may start (one per stack, retries by token, stuck and interrupted stacks), runs it in-process after
 * `start` returns and describes it as CloudFormation would; `onSettled` tells the control plane when
 * one ends (the "engine reports as it goes"). The operations themselves are operations/ (apply in
 * dependency order through one handler per CloudFormation type, handlers/, roll back, continue a
 * rollback, delete), over template.ts (parameters, conditions, order, exports), intrinsics.ts and the
 * stack's bookkeeping (journal.ts, stack-store.ts).
 */
import { isDeepStrictEqual } from "node:util";
import {
  type ContinueRollbackInput,
  type Deployer,
  DeployerError,
  type DescribeInput,
  type OperationStatus,
  type PreviewInput,
  type StackChange,
  type StackTarget,
  type StartInput,
  type StartResult,
} from "../../deployments/port.js";
import {
  isInProgress,
  needsAction,
  type OperationKindForPhase,
  phaseOf,
} from "../../deployments/stack-status.js";
import type { Logger } from "../../http/logger.js";
import { dict } from "../../prototype-safe.js";
import type { Table } from "../../store/table.js";
import { DEFAULT_LOCAL_REGION, type EventBridgeApi, LOCAL_ACCOUNT_ID } from "../eventbridge/api.js";
import { diffTemplates } from "./diff.js";
import { STACK_TYPE, StackJournal } from "./journal.js";
import { apply } from "./operations/apply.js";
import { checkSkippable, continueRolling } from "./operations/continue-rollback.js";
import { destroy } from "./operations/destroy.js";
import { rollBackInterruptedCreate } from "./operations/roll-back-interrupted.js";
import type { OperationDeps } from "./operations/steps.js";
import { type LocalStack, LocalStackStore, type OperationKind } from "./stack-store.js";

export interface LocalDeployerOptions {
  engine: EventBridgeApi;
  table: Table;
  region?: string;
  account?: string;
  now?: () => Date;
  log?: Logger;
  /**
   * Each resource the engine creates, updates or deletes takes at least this long (default 0):
   * to watch a deployment progress as on AWS, or to stop a process in the middle of one.
   */
  resourceDelayMs?: number;
  /** Called when an operation settles, so the deployment it belongs to can be reconciled. */
  onSettled?: (stackName: string, token: string) => void | Promise<void>;
}

const INTERRUPTED = "The local engine stopped while this operation was running.";
const PHASE_KIND: Record<OperationKind, OperationKindForPhase> = {
  CREATE: "apply",
  UPDATE: "apply",
  DELETE: "delete",
  CONTINUE_ROLLBACK: "continue-rollback",
};
/** A continued rollback runs in the status the failed rollback was in, as in CloudFormation. */
const inProgressStatus = (kind: OperationKind) =>
  kind === "CONTINUE_ROLLBACK" ? "UPDATE_ROLLBACK_IN_PROGRESS" : `${kind}_IN_PROGRESS`;

export class LocalDeployer implements Deployer {
  private readonly store: LocalStackStore;
  private readonly region: string;
  private readonly account: string;
  private readonly journal: StackJournal;
  /** What the stack operations (operations/) work with. */
  private readonly ops: OperationDeps;
  /** Interrupted creates being rolled back by this process, by stack name. */
  private readonly rollingBack = new Map<string, Promise<LocalStack>>();
  /** Operations running in this process, by stack name. */
  private readonly running = new Map<
    string,
    { token: string; stackId: string; kind: OperationKind; done: Promise<void> }
  >();
  onSettled?: LocalDeployerOptions["onSettled"];

  constructor(private readonly options: LocalDeployerOptions) {
    this.store = new LocalStackStore(options.table);
    this.region = options.region ?? DEFAULT_LOCAL_REGION;
    this.account = options.account ?? LOCAL_ACCOUNT_ID;
    this.journal = new StackJournal(this.store, options.now ?? (() => new Date()));
    this.ops = {
      engine: options.engine,
      store: this.store,
      journal: this.journal,
      scope: { region: this.region, account: this.account },
      ...(options.log ? { log: options.log } : {}),
      ...(options.resourceDelayMs ? { resourceDelayMs: options.resourceDelayMs } : {}),
    };
    this.onSettled = options.onSettled;
  }

  /** Resolves when no operation runs any more (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  async preview(input: PreviewInput): Promise<StackChange[]> {
    const stack = await this.liveStack(input.stackName);
    return diffTemplates(stack ? { template: stack.template, parameters: stack.parameters } : {}, {
      template: input.template,
      parameters: input.parameters,
    });
  }

  async start(input: StartInput): Promise<StartResult> {
    const running = this.runningOperation(input.stackName, input.token);
    if (running) return running;
    let stack = await this.store.get(input.stackName);
    if (stack?.operations.some((op) => op.token === input.token))
      return { kind: "started", stackId: stack.stackId };
    if (stack) stack = await this.settleInterrupted(stack);
    if (stack && isInProgress(stack.status)) {
      throw new DeployerError(
        "stack-busy",
        `Stack ${input.stackName} is in ${stack.status} state and can not be updated.`,
      );
    }
    // An interrupted operation left accurate resource records, so the next one converges from them.
    if (stack && needsAction(stack.status) && stack.statusReason !== INTERRUPTED) {
      throw new DeployerError(
        "stack-needs-action",
        `Stack ${input.stackName} is in ${stack.status} state and needs action before it can be updated.`,
      );
    }
    // A failed create leaves nothing behind (ROLLBACK_COMPLETE); CloudFormation needs it deleted first.
    const fresh = !stack || stack.status === "ROLLBACK_COMPLETE" || stack.status === "DELETE_COMPLETE";
    if (
      stack &&
      !fresh &&
      isDeepStrictEqual(stack.template, input.template) &&
      isDeepStrictEqual(stack.parameters, input.parameters) &&
      stack.status !== "UPDATE_ROLLBACK_COMPLETE" &&
      !stack.status.endsWith("_FAILED")
    ) {
      return { kind: "noop", stackId: stack.stackId };
    }
    const kind: OperationKind = fresh ? "CREATE" : "UPDATE";
    const next: LocalStack =
      fresh || !stack
        ? {
            stackName: input.stackName,
            stackId: this.newStackId(input.stackName),
            status: "CREATE_IN_PROGRESS",
            parameters: {},
            resources: dict(),
            outputs: {},
            operations: stack?.operations ?? [],
          }
        : stack;
    this.launch(next, kind, input.token, (s) =>
      apply(this.ops, s, kind, input.token, input.template, input.parameters, input.tenancy),
    );
    return { kind: "started", stackId: next.stackId };
  }

  async teardown(input: StackTarget & { token: string }): Promise<StartResult> {
    const running = this.runningOperation(input.stackName, input.token);
    if (running) return running;
    let stack = await this.store.get(input.stackName);
    if (!stack || stack.status === "DELETE_COMPLETE") return { kind: "noop", stackId: stack?.stackId };
    if (stack.operations.some((op) => op.token === input.token))
      return { kind: "started", stackId: stack.stackId };
    stack = await this.settleInterrupted(stack);
    if (isInProgress(stack.status)) {
      throw new DeployerError(
        "stack-busy",
        `Stack ${input.stackName} is in ${stack.status} state and can not be deleted.`,
      );
    }
    this.launch(stack, "DELETE", input.token, (s) => destroy(this.ops, s, input.token));
    return { kind: "started", stackId: stack.stackId };
  }

  async continueRollback(input: ContinueRollbackInput): Promise<StartResult> {
    const running = this.runningOperation(input.stackName, input.token);
    if (running) return running;
    let stack = await this.store.get(input.stackName);
    if (stack?.operations.some((op) => op.token === input.token))
      return { kind: "started", stackId: stack.stackId };
    if (stack) stack = await this.settleInterrupted(stack);
    if (!stack || stack.status === "DELETE_COMPLETE") {
      throw new DeployerError(
        "nothing-to-continue",
        `Stack ${input.stackName} does not exist, so it has no rollback to continue.`,
      );
    }
    if (stack.status !== "UPDATE_ROLLBACK_FAILED" || !stack.template) {
      throw new DeployerError(
        "nothing-to-continue",
        `Stack ${input.stackName} is in ${stack.status}, not UPDATE_ROLLBACK_FAILED: there is no failed rollback to continue.`,
      );
    }
    const skip = [...new Set(input.resourcesToSkip ?? [])];
    if (skip.length > 0) await checkSkippable(this.ops, stack, skip);
    const target = { template: stack.template, parameters: stack.parameters };
    this.launch(stack, "CONTINUE_ROLLBACK", input.token, (s) =>
      continueRolling(this.ops, s, input.token, target, new Set(skip)),
    );
    return { kind: "started", stackId: stack.stackId };
  }

  async describe(input: DescribeInput): Promise<OperationStatus> {
    // Polled while operations run: the stack's status item only, not its resources.
    let stack = await this.store.status(input.stackName);
    const op = stack?.operations.find((o) => o.token === input.token);
    if (!stack || !op) {
      return {
        phase: "FAILED",
        stackStatus: stack?.status ?? "DELETE_COMPLETE",
        reason: `Stack ${input.stackName} has no operation ${input.token}.`,
        events: [],
        outputs: {},
        unknownOperation: true,
      };
    }
    stack = await this.settleInterrupted(stack);
    const settledOp = stack.operations.find((o) => o.token === input.token) ?? op;
    const phase = phaseOf(settledOp.status, PHASE_KIND[settledOp.kind]);
    const events = (
      await this.store.events(input.stackName, input.token, input.afterEventId, settledOp.since)
    ).map(({ token: _t, ...e }) => e);
    let reason = settledOp.reason;
    if (phase === "FAILED") {
      const all = input.afterEventId
        ? await this.store.events(input.stackName, input.token, undefined, settledOp.since)
        : events;
      const failed = all.filter(
        (e) => e.status.endsWith("_FAILED") && e.resourceType !== STACK_TYPE && e.reason,
      );
      if (failed.length > 0) reason = failed.map((e) => `${e.logicalId}: ${e.reason}`).join("; ");
    }
    return {
      phase,
      stackStatus: settledOp.status,
      ...(reason ? { reason } : {}),
      ...(needsAction(settledOp.status) && settledOp.reason !== INTERRUPTED ? { needsAction: true } : {}),
      events,
      outputs: stack.status === "DELETE_COMPLETE" ? {} : stack.outputs,
      stackId: stack.stackId,
    };
  }

  // --- operations -------------------------------------------------------------------------------

  /**
   * One operation per stack at a time, decided in memory before any await (no read-then-write race):
   * the same token again is that operation, another token is refused.
   */
  private runningOperation(stackName: string, token: string): StartResult | undefined {
    const running = this.running.get(stackName);
    if (!running) return undefined;
    if (running.token === token) return { kind: "started", stackId: running.stackId };
    throw new DeployerError(
      "stack-busy",
      `Stack ${stackName} is in ${inProgressStatus(running.kind)} state and can not be updated.`,
    );
  }

  private launch(
    stack: LocalStack,
    kind: OperationKind,
    token: string,
    run: (s: LocalStack) => Promise<void>,
  ): void {
    // Checked again synchronously with the set below: two starts may have raced past their reads.
    if (this.runningOperation(stack.stackName, token)) return;
    const status = inProgressStatus(kind);
    stack.status = status;
    stack.statusReason = kind === "CREATE" ? "User Initiated" : undefined;
    stack.operations = [...stack.operations, { token, kind, status, since: this.journal.nextId() }];
    const done = (async () => {
      this.journal.stackEvent(stack, token, status, stack.statusReason);
      await this.journal.save(stack);
      try {
        await run(stack);
      } catch (err) {
        // Only a store failure gets here; the operation's own failures are recorded by run().
        this.options.log?.error("local deployer operation crashed", {
          stack: stack.stackName,
          error: String(err),
        });
      }
    })().finally(() => {
      this.running.delete(stack.stackName);
      void Promise.resolve(this.onSettled?.(stack.stackName, token)).catch((err) =>
        this.options.log?.error("reconcile after local operation failed", { error: String(err) }),
      );
    });
    this.running.set(stack.stackName, { token, stackId: stack.stackId, kind, done });
  }

  /** A stack left in progress by a process that stopped: its operation can no longer finish. */
  private async settleInterrupted(stack: LocalStack): Promise<LocalStack> {
    if (!isInProgress(stack.status) || this.running.has(stack.stackName)) return stack;
    if (this.store.isPartial(stack)) {
      const whole = await this.store.get(stack.stackName);
      return whole ? this.settleInterrupted(whole) : stack;
    }
    const op = stack.operations.at(-1);
    const token = op?.token ?? "unknown";
    // A create that did not finish is rolled back, as CloudFormation rolls back a failed create:
    // nothing is left half-made. Readers that arrive meanwhile wait for the same rollback.
    if (op?.kind === "CREATE") {
      let rollback = this.rollingBack.get(stack.stackName);
      if (!rollback) {
        rollback = rollBackInterruptedCreate(this.ops, stack, token, INTERRUPTED).finally(() =>
          this.rollingBack.delete(stack.stackName),
        );
        this.rollingBack.set(stack.stackName, rollback);
      }
      return rollback;
    }
    const failed =
      op?.kind === "DELETE"
        ? "DELETE_FAILED"
        : op?.kind === "CONTINUE_ROLLBACK"
          ? "UPDATE_ROLLBACK_FAILED"
          : "UPDATE_FAILED";
    // Resources are saved after every step, so the record still says exactly what exists; the next
    // operation converges from there. DELETE_FAILED is retried by the next teardown; an interrupted
    // continued rollback keeps the template it was rolling back to, so it can be continued again.
    if (op?.kind !== "CONTINUE_ROLLBACK") stack.template = undefined;
    await this.journal.setStatus(stack, token, failed, INTERRUPTED);
    return stack;
  }

  private newStackId(stackName: string): string {
    return `arn:aws:cloudformation:${this.region}:${this.account}:stack/${stackName}/${crypto.randomUUID()}`;
  }

  private async liveStack(stackName: string): Promise<LocalStack | undefined> {
    const stack = await this.store.get(stackName);
    return stack && stack.status !== "DELETE_COMPLETE" && stack.status !== "ROLLBACK_COMPLETE"
      ? stack
      : undefined;
  }
}
