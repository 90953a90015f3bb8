/**
 * The Deployer over the embedded engine: a small CloudFormation. It applies a compiled template in
 * dependency order, resolving intrinsics against what it already created, rolls back on failure,
 * writes stack-like events and ends in CloudFormation's statuses. Operations run in-process after
 * `start` returns; `onSettled` tells the control plane when one ends (the "engine reports as it goes").
 */
import { isDeepStrictEqual } from "node:util";
import { monotonicFactory } from "ulid";
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
  type Template,
} from "../../deployments/port.js";
import {
  isInProgress,
  needsAction,
  type OperationKindForPhase,
  phaseOf,
} from "../../deployments/stack-status.js";
import type { Logger } from "../../http/logger.js";
import { dict, own } from "../../prototype-safe.js";
import type { Table } from "../../store/table.js";
import { DEFAULT_LOCAL_REGION, type EventBridgeApi, LOCAL_ACCOUNT_ID } from "../eventbridge/api.js";
import { diffTemplates } from "./diff.js";
import {
  evaluateConditions,
  importArguments,
  type ResolveContext,
  resolve,
  TemplateError,
} from "./intrinsics.js";
import { creationOrder } from "./order.js";
import { type HandlerContext, handlerFor, type ResourceState } from "./resource-types.js";
import {
  ExportTakenError,
  type LocalStack,
  type LocalStackEvent,
  LocalStackStore,
  type OperationKind,
} from "./stack-store.js";

export interface LocalDeployerOptions {
  engine: EventBridgeApi;
  table: Table;
  region?: string;
  account?: string;
  now?: () => Date;
  log?: Logger;
  /** Called when an operation settles, so the deployment it belongs to can be reconciled. */
  onSettled?: (stackName: string, token: string) => void | Promise<void>;
}

const STACK_TYPE = "AWS::CloudFormation::Stack";
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
  private readonly now: () => Date;
  private readonly nextId = monotonicFactory();
  /** Operations running in this process, by stack name. */
  /** Interrupted creates being rolled back by this process, by stack name. */
  private readonly rollingBack = new Map<string, Promise<LocalStack>>();
  private readonly running = new Map<
    string,
    { token: string; stackId: string; kind: OperationKind; done: Promise<void> }
  >();
  /** Events not saved yet, by stack: they go out with the next save of the stack. */
  private readonly unsaved = new Map<string, LocalStackEvent[]>();
  onSettled?: LocalDeployerOptions["onSettled"];

  constructor(private readonly options: LocalDeployerOptions) {
    this.store = new LocalStackStore(options.table);
    this.region = options.region ?? DEFAULT_LOCAL_REGION;
    this.account = options.account ?? LOCAL_ACCOUNT_ID;
    this.now = options.now ?? (() => new Date());
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
      this.apply(s, kind, input.token, input.template, input.parameters),
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
    this.launch(stack, "DELETE", input.token, (s) => this.destroy(s, input.token));
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
    if (skip.length > 0) await this.checkSkippable(stack, skip);
    const target = { template: stack.template, parameters: stack.parameters };
    this.launch(stack, "CONTINUE_ROLLBACK", input.token, (s) =>
      this.continueRolling(s, input.token, target, new Set(skip)),
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
    stack.operations = [...stack.operations, { token, kind, status, since: this.nextId() }];
    const done = (async () => {
      this.stackEvent(stack, token, status, stack.statusReason);
      await this.save(stack);
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

  private async apply(
    stack: LocalStack,
    kind: OperationKind,
    token: string,
    template: Template,
    parameters: Record<string, string>,
  ): Promise<void> {
    const previous = { template: stack.template, parameters: stack.parameters };
    const before = { ...stack.resources };
    const created: string[] = [];
    const replaced = new Map<string, ResourceState>();
    const updated = new Map<string, ResourceState>();
    let order: string[];
    let ctx: ResolveContext;
    try {
      ({ order, ctx } = this.prepare(stack, template, parameters));
      await this.loadImports(template, ctx);
      await this.checkExports(stack, template, ctx);
    } catch (err) {
      return this.fail(stack, kind, token, reasonOf(err));
    }
    for (const logicalId of order) {
      const spec = template.Resources[logicalId]!;
      const handler = handlerFor(spec.Type);
      const hctx = this.handlerContext(stack, logicalId);
      let phase = "CREATE";
      try {
        // Recorded as about to be made by an operation that stopped: it may or may not exist, so
        // it goes (if it does) and is made afresh.
        const pending = stack.resources[logicalId];
        if (pending?.pending) {
          await handlerFor(pending.type).delete(pending, hctx);
          delete stack.resources[logicalId];
        }
        const current = stack.resources[logicalId];
        const props = (resolve(spec.Properties ?? {}, ctx) ?? {}) as Record<string, unknown>;
        if (
          !current ||
          current.type !== spec.Type ||
          handler.replaceOn.some((p) => !isDeepStrictEqual(props[p], current.properties[p]))
        ) {
          phase = current ? "UPDATE" : "CREATE";
          this.resourceEvent(
            stack,
            token,
            logicalId,
            spec.Type,
            `${phase}_IN_PROGRESS`,
            current
              ? "Requested update requires the creation of a new physical resource; hence creating one."
              : undefined,
          );
          const planned = current ? undefined : handler.plannedName?.(props);
          if (planned !== undefined) {
            stack.resources[logicalId] = {
              type: spec.Type,
              properties: props,
              physicalId: planned,
              ref: planned,
              attributes: {},
              pending: true,
            };
            await this.save(stack);
          }
          let made: Awaited<ReturnType<typeof handler.create>>;
          try {
            made = await handler.create(props, hctx);
          } catch (err) {
            if (planned !== undefined) delete stack.resources[logicalId];
            throw err;
          }
          if (current) replaced.set(logicalId, current);
          created.push(logicalId);
          stack.resources[logicalId] = { type: spec.Type, properties: props, ...made };
        } else if (!isDeepStrictEqual(props, current.properties)) {
          phase = "UPDATE";
          this.resourceEvent(stack, token, logicalId, spec.Type, "UPDATE_IN_PROGRESS");
          const made = await handler.update(current, props, hctx);
          updated.set(logicalId, current);
          stack.resources[logicalId] = { type: spec.Type, properties: props, ...made };
        } else {
          continue;
        }
        this.resourceEvent(
          stack,
          token,
          logicalId,
          spec.Type,
          `${phase}_COMPLETE`,
          undefined,
          stack.resources[logicalId]!.physicalId,
        );
        await this.save(stack);
      } catch (err) {
        this.resourceEvent(stack, token, logicalId, spec.Type, `${phase}_FAILED`, reasonOf(err));
        return this.rollBack(stack, kind, token, { before, created, replaced, updated, previous });
      }
    }
    // Cleanup: what the new template no longer has, and the old halves of replacements.
    if (kind === "UPDATE") await this.setStatus(stack, token, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS");
    const desired = new Set(order);
    const leftovers = previous.template
      ? creationOrder(previous.template, (id) => id in before && !desired.has(id)).reverse()
      : [];
    for (const id of Object.keys(before)) if (!desired.has(id) && !leftovers.includes(id)) leftovers.push(id);
    for (const id of leftovers) {
      if (!this.retained(stack, token, id, before[id]!))
        await this.deleteResource(stack, token, id, before[id]!, true);
      delete stack.resources[id];
    }
    for (const [id, old] of replaced) await this.deleteResource(stack, token, id, old, true);
    stack.template = template;
    stack.parameters = parameters;
    stack.outputs = this.outputs(template, ctx);
    try {
      await this.publishExports(stack, template, ctx);
    } catch (err) {
      // CloudFormation checks exports before it changes anything; here the stack stays as applied.
      this.resourceEvent(stack, token, stack.stackName, STACK_TYPE, `${kind}_FAILED`, reasonOf(err));
      await this.setStatus(
        stack,
        token,
        kind === "CREATE" ? "CREATE_FAILED" : "UPDATE_FAILED",
        reasonOf(err),
      );
      return;
    }
    await this.setStatus(stack, token, `${kind}_COMPLETE`);
  }

  private async rollBack(
    stack: LocalStack,
    kind: OperationKind,
    token: string,
    work: {
      before: Record<string, ResourceState>;
      created: string[];
      replaced: Map<string, ResourceState>;
      updated: Map<string, ResourceState>;
      previous: { template?: Template; parameters: Record<string, string> };
    },
  ): Promise<void> {
    const rolling = kind === "CREATE" ? "ROLLBACK" : "UPDATE_ROLLBACK";
    await this.setStatus(
      stack,
      token,
      `${rolling}_IN_PROGRESS`,
      "The following resource(s) failed to create or update.",
    );
    try {
      for (const id of [...work.created].reverse()) {
        await this.deleteResource(stack, token, id, stack.resources[id]!, false);
        delete stack.resources[id];
        const old = work.replaced.get(id);
        if (old) stack.resources[id] = old;
      }
      for (const [id, old] of work.updated) {
        const now = stack.resources[id]!;
        this.resourceEvent(stack, token, id, old.type, "UPDATE_IN_PROGRESS", undefined, old.physicalId);
        let restored: Omit<ResourceState, "type" | "properties">;
        try {
          restored = await handlerFor(old.type).update(now, old.properties, this.handlerContext(stack, id));
        } catch (err) {
          // The resource the rollback could not restore: what ContinueUpdateRollback may skip.
          this.resourceEvent(stack, token, id, old.type, "UPDATE_FAILED", reasonOf(err), old.physicalId);
          throw err;
        }
        stack.resources[id] = { ...old, ...restored };
        this.resourceEvent(stack, token, id, old.type, "UPDATE_COMPLETE", undefined, old.physicalId);
      }
    } catch (err) {
      await this.setStatus(stack, token, `${rolling}_FAILED`, reasonOf(err));
      return;
    }
    if (kind === "CREATE") {
      stack.resources = dict();
      stack.outputs = {};
    }
    await this.setStatus(stack, token, `${rolling}_COMPLETE`);
  }

  /**
   * ContinueUpdateRollback: brings every resource back to the last applied template from wherever
   * the failed rollback left it (restores in place, re-creates what is gone, deletes what the failed
   * update added). Skipped resources are marked rolled back without being touched, as CloudFormation
   * does, and may no longer match the template.
   */
  private async continueRolling(
    stack: LocalStack,
    token: string,
    target: { template: Template; parameters: Record<string, string> },
    skip: Set<string>,
  ): Promise<void> {
    let order: string[];
    let ctx: ResolveContext;
    try {
      ({ order, ctx } = this.prepare(stack, target.template, target.parameters));
      await this.loadImports(target.template, ctx);
    } catch (err) {
      return this.setStatus(stack, token, "UPDATE_ROLLBACK_FAILED", reasonOf(err));
    }
    const wanted = new Set(order);
    for (const logicalId of order) {
      const spec = target.template.Resources[logicalId]!;
      const current = stack.resources[logicalId];
      if (skip.has(logicalId)) {
        this.resourceEvent(
          stack,
          token,
          logicalId,
          spec.Type,
          "UPDATE_COMPLETE",
          "Resource skipped during continue update rollback",
          current?.physicalId,
        );
        continue;
      }
      const handler = handlerFor(spec.Type);
      const hctx = this.handlerContext(stack, logicalId);
      try {
        const props = (resolve(spec.Properties ?? {}, ctx) ?? {}) as Record<string, unknown>;
        if (current && current.type === spec.Type && isDeepStrictEqual(props, current.properties)) continue;
        this.resourceEvent(
          stack,
          token,
          logicalId,
          spec.Type,
          "UPDATE_IN_PROGRESS",
          undefined,
          current?.physicalId,
        );
        const replace =
          !current ||
          current.type !== spec.Type ||
          handler.replaceOn.some((p) => !isDeepStrictEqual(props[p], current.properties[p]));
        const made = replace ? await handler.create(props, hctx) : await handler.update(current, props, hctx);
        // The physical resource the failed update put in its place goes.
        if (replace && current) await this.deleteResource(stack, token, logicalId, current, false);
        stack.resources[logicalId] = { type: spec.Type, properties: props, ...made };
        this.resourceEvent(stack, token, logicalId, spec.Type, "UPDATE_COMPLETE", undefined, made.physicalId);
        await this.save(stack);
      } catch (err) {
        this.resourceEvent(
          stack,
          token,
          logicalId,
          spec.Type,
          "UPDATE_FAILED",
          reasonOf(err),
          current?.physicalId,
        );
        return this.setStatus(stack, token, "UPDATE_ROLLBACK_FAILED", reasonOf(err));
      }
    }
    // What the failed update added and its rollback did not delete yet.
    await this.setStatus(stack, token, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS");
    for (const [id, state] of Object.entries(stack.resources)) {
      if (wanted.has(id)) continue;
      if (!skip.has(id)) await this.deleteResource(stack, token, id, state, true);
      delete stack.resources[id];
    }
    stack.outputs = this.outputs(target.template, ctx);
    await this.setStatus(stack, token, "UPDATE_ROLLBACK_COMPLETE");
  }

  /** Like CloudFormation, only resources the failed rollback left in UPDATE_FAILED may be skipped. */
  private async checkSkippable(stack: LocalStack, skip: string[]): Promise<void> {
    const failedOp = stack.operations.at(-1);
    const last = new Map<string, string>();
    if (failedOp) {
      for (const e of await this.store.events(stack.stackName, failedOp.token))
        last.set(e.logicalId, e.status);
    }
    const wrong = skip.flatMap((id) => {
      const status = last.get(id);
      if (status === "UPDATE_FAILED") return [];
      if (status) return [`${id} is in ${status}`];
      const known = id in stack.resources || id in (stack.template?.Resources ?? {});
      return [known ? `${id} was not changed by the failed update` : `${id} is not a resource of the stack`];
    });
    if (wrong.length > 0) {
      throw new DeployerError(
        "resources-not-skippable",
        `Only resources in UPDATE_FAILED can be skipped when continuing the rollback of stack ${stack.stackName}: ${wrong.join("; ")}.`,
      );
    }
  }

  private async destroy(stack: LocalStack, token: string): Promise<void> {
    const known = stack.template
      ? creationOrder(stack.template, (id) => id in stack.resources).reverse()
      : [];
    const order = [...Object.keys(stack.resources).filter((id) => !known.includes(id)), ...known];
    for (const id of order) {
      const state = stack.resources[id]!;
      try {
        if (!this.retained(stack, token, id, state))
          await this.deleteResource(stack, token, id, state, false);
      } catch {
        await this.setStatus(
          stack,
          token,
          "DELETE_FAILED",
          `The following resource(s) failed to delete: [${id}].`,
        );
        return;
      }
      delete stack.resources[id];
      await this.save(stack);
    }
    stack.outputs = {};
    for (const name of stack.exports ?? []) await this.store.deleteExport(name, stack.stackName);
    stack.exports = [];
    await this.setStatus(stack, token, "DELETE_COMPLETE");
  }

  private async fail(stack: LocalStack, kind: OperationKind, token: string, reason: string): Promise<void> {
    this.resourceEvent(stack, token, stack.stackName, STACK_TYPE, `${kind}_FAILED`, reason);
    await this.setStatus(
      stack,
      token,
      kind === "CREATE" ? "ROLLBACK_COMPLETE" : "UPDATE_ROLLBACK_COMPLETE",
      reason,
    );
  }

  /** `DeletionPolicy: Retain` keeps the resource when it leaves the stack, as CloudFormation does. */
  private retained(stack: LocalStack, token: string, logicalId: string, state: ResourceState): boolean {
    const policy = own(stack.template?.Resources, logicalId)?.DeletionPolicy;
    if (policy !== "Retain" && policy !== "RetainExceptOnCreate") return false;
    this.resourceEvent(stack, token, logicalId, state.type, "DELETE_SKIPPED", undefined, state.physicalId);
    return true;
  }

  private async deleteResource(
    stack: LocalStack,
    token: string,
    logicalId: string,
    state: ResourceState,
    tolerate: boolean,
  ): Promise<void> {
    this.resourceEvent(
      stack,
      token,
      logicalId,
      state.type,
      "DELETE_IN_PROGRESS",
      undefined,
      state.physicalId,
    );
    try {
      await handlerFor(state.type).delete(state, this.handlerContext(stack, logicalId));
    } catch (err) {
      this.resourceEvent(
        stack,
        token,
        logicalId,
        state.type,
        "DELETE_FAILED",
        reasonOf(err),
        state.physicalId,
      );
      // CloudFormation skips a failed cleanup delete after a successful update, but not in a teardown.
      if (tolerate) return;
      throw err;
    }
    this.resourceEvent(stack, token, logicalId, state.type, "DELETE_COMPLETE", undefined, state.physicalId);
  }

  /** Parameters, conditions and the order of the resources to create. */
  private prepare(
    stack: LocalStack,
    template: Template,
    parameters: Record<string, string>,
  ): { order: string[]; ctx: ResolveContext } {
    const params: Record<string, unknown> = {
      "AWS::Region": this.region,
      "AWS::AccountId": this.account,
      "AWS::StackName": stack.stackName,
      "AWS::StackId": stack.stackId,
      "AWS::Partition": "aws",
      "AWS::URLSuffix": "amazonaws.com",
      "AWS::NotificationARNs": [],
    };
    const missing: string[] = [];
    for (const [name, decl] of Object.entries(template.Parameters ?? {})) {
      const raw = parameters[name] ?? (decl.Default === undefined ? undefined : String(decl.Default));
      if (raw === undefined) {
        missing.push(name);
        continue;
      }
      params[name] =
        decl.Type.startsWith("List<") || decl.Type === "CommaDelimitedList"
          ? raw.split(",").filter(Boolean)
          : raw;
    }
    if (missing.length > 0) throw new TemplateError(`Parameters: [${missing.join(", ")}] must have values`);
    const base = {
      params,
      region: this.region,
      mappings: template.Mappings as ResolveContext["mappings"],
      ref: (id: string) => {
        const r = own(stack.resources, id);
        if (!r)
          throw new TemplateError(
            `Template format error: Unresolved resource dependencies [${id}] in the Resources block of the template`,
          );
        return r.ref;
      },
      getAtt: (id: string, attribute: string) => {
        const r = own(stack.resources, id);
        if (!r)
          throw new TemplateError(
            `Template format error: Unresolved resource dependencies [${id}] in the Resources block of the template`,
          );
        const value = own(r.attributes, attribute);
        if (value === undefined)
          throw new TemplateError(
            `Template error: resource ${id} does not support attribute type ${attribute} in Fn::GetAtt`,
          );
        return value;
      },
    };
    const conditions = evaluateConditions(template.Conditions, base);
    const order = creationOrder(template, (id) => {
      const cond = own(template.Resources, id)?.Condition;
      return cond === undefined || conditions[cond] === true;
    });
    return { order, ctx: { ...base, conditions } };
  }

  /** Fn::ImportValue reads other stacks' exports, fetched once before the resources are applied. */
  private async loadImports(template: Template, ctx: ResolveContext): Promise<void> {
    const args = importArguments([template.Resources, template.Outputs ?? {}]);
    if (args.length === 0) return;
    const names = args.map((a) => String(resolve(a, ctx)));
    const found = await this.store.exports(names);
    ctx.importValue = (name) => {
      const value = found[name];
      if (value === undefined) throw new TemplateError(`No export named ${name} found`);
      return value;
    };
  }

  /** Like CloudFormation, refuse an export name another stack owns before changing anything. */
  private async checkExports(stack: LocalStack, template: Template, ctx: ResolveContext): Promise<void> {
    const names: string[] = [];
    for (const output of Object.values(template.Outputs ?? {})) {
      const exportName = (output.Export as { Name?: unknown } | undefined)?.Name;
      if (exportName === undefined) continue;
      try {
        names.push(String(resolve(exportName, ctx)));
      } catch {
        // A name built from resource attributes is checked when it is published.
      }
    }
    const owners = await this.store.exportOwners(names);
    for (const [name, owner] of Object.entries(owners)) {
      if (owner !== stack.stackName) throw new ExportTakenError(name, owner);
    }
  }

  /** Outputs with `Export` become exports other stacks can import; ones no longer exported go. */
  private async publishExports(stack: LocalStack, template: Template, ctx: ResolveContext): Promise<void> {
    const now: string[] = [];
    for (const [key, output] of Object.entries(template.Outputs ?? {})) {
      const exportName = (output.Export as { Name?: unknown } | undefined)?.Name;
      const value = stack.outputs[key];
      if (exportName === undefined || value === undefined) continue;
      const name = String(resolve(exportName, ctx));
      await this.store.putExport(name, value, stack.stackName);
      now.push(name);
    }
    for (const name of stack.exports ?? []) {
      if (!now.includes(name)) await this.store.deleteExport(name, stack.stackName);
    }
    stack.exports = now;
  }

  /** Each output resolved on its own: one that cannot resolve locally is left out, not fatal. */
  private outputs(template: Template, ctx: ResolveContext): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, output] of Object.entries(template.Outputs ?? {})) {
      const cond = (output as { Condition?: string }).Condition;
      if (cond && !ctx.conditions[cond]) continue;
      try {
        const value = resolve(output.Value, ctx);
        if (value !== undefined) out[key] = Array.isArray(value) ? value.join(",") : String(value);
      } catch (err) {
        this.options.log?.warn("local deployer left out an output", { output: key, error: reasonOf(err) });
      }
    }
    return out;
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
    // A create that did not finish is rolled back as CloudFormation rolls back a failed create: what
    // it made goes, the stack ends ROLLBACK_COMPLETE, and nothing is left half-deployed. Readers that
    // arrive meanwhile wait for the same rollback.
    if (op?.kind === "CREATE") {
      let rollback = this.rollingBack.get(stack.stackName);
      if (!rollback) {
        rollback = this.rollBackInterruptedCreate(stack, token).finally(() =>
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
    await this.setStatus(stack, token, failed, INTERRUPTED);
    return stack;
  }

  /**
   * Deletes every resource an interrupted create recorded. Their order is not known (the template is
   * saved only once a create succeeds), so deletions that fail (a bus that still has rules) are
   * tried again after the others, until a round deletes nothing more.
   */
  private async rollBackInterruptedCreate(stack: LocalStack, token: string): Promise<LocalStack> {
    await this.setStatus(stack, token, "ROLLBACK_IN_PROGRESS", INTERRUPTED);
    let remaining = Object.keys(stack.resources);
    const failures = new Map<string, unknown>();
    for (let progress = true; remaining.length > 0 && progress; ) {
      progress = false;
      for (const id of remaining) {
        const state = stack.resources[id]!;
        try {
          await handlerFor(state.type).delete(state, this.handlerContext(stack, id));
        } catch (err) {
          failures.set(id, err);
          continue;
        }
        failures.delete(id);
        progress = true;
        delete stack.resources[id];
        this.resourceEvent(stack, token, id, state.type, "DELETE_COMPLETE", undefined, state.physicalId);
      }
      remaining = remaining.filter((id) => failures.has(id));
    }
    stack.template = undefined;
    if (failures.size > 0) {
      for (const [id, err] of failures) {
        const state = stack.resources[id]!;
        this.resourceEvent(stack, token, id, state.type, "DELETE_FAILED", reasonOf(err), state.physicalId);
      }
      await this.setStatus(stack, token, "ROLLBACK_FAILED", INTERRUPTED);
      return stack;
    }
    stack.outputs = {};
    await this.setStatus(stack, token, "ROLLBACK_COMPLETE", INTERRUPTED);
    return stack;
  }

  private async setStatus(stack: LocalStack, token: string, status: string, reason?: string): Promise<void> {
    stack.status = status;
    stack.statusReason = reason;
    stack.operations = stack.operations.map((op) =>
      op.token === token ? { ...op, status, ...(reason ? { reason } : {}) } : op,
    );
    this.stackEvent(stack, token, status, reason);
    await this.save(stack);
  }

  /** Saves the stack with its unsaved events: the events of each step become visible with its state. */
  private async save(stack: LocalStack): Promise<void> {
    const events = this.unsaved.get(stack.stackName) ?? [];
    this.unsaved.delete(stack.stackName);
    await this.store.commit(stack, events);
  }

  private stackEvent(stack: LocalStack, token: string, status: string, reason?: string): void {
    this.resourceEvent(stack, token, stack.stackName, STACK_TYPE, status, reason, stack.stackId);
  }

  /** Records an event; it is saved with the stack's next save. */
  private resourceEvent(
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

  private handlerContext(stack: LocalStack, logicalId: string): HandlerContext {
    return {
      engine: this.options.engine,
      region: this.region,
      account: this.account,
      stackName: stack.stackName,
      logicalId,
    };
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

function reasonOf(err: unknown): string {
  if (err instanceof Error) {
    // AWS service errors carry their name (ResourceNotFoundException: ...); our own do not.
    const plain = ["Error", "TemplateError", "ExportTakenError"];
    return err.name && !plain.includes(err.name) ? `${err.name}: ${err.message}` : err.message;
  }
  return String(err);
}
