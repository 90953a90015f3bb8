/**
 * Applying a template, as CloudFormation does: each resource in dependency order is created,
 * updated in place or replaced through its type's handler, and saved with its events as it happens;
 * then what the template no longer has is cleaned up. A failed step rolls the stack back.
 */

import { isDeepStrictEqual } from "node:util";
import { checkTenancy } from "../../../compiler/tenancy/check.js";
import type { TenantScope } from "../../../compiler/tenancy/scope.js";
import type { Template } from "../../../deployments/port.js";
import { dict } from "../../../prototype-safe.js";
import { handlerFor, type ResourceState } from "../handlers/index.js";
import { type ResolveContext, resolve } from "../intrinsics.js";
import { STACK_TYPE } from "../journal.js";
import { creationOrder } from "../order.js";
import { reasonOf } from "../reasons.js";
import type { LocalStack, OperationKind } from "../stack-store.js";
import { checkExports, loadImports, outputsOf, prepareTemplate, publishExports } from "../template.js";
import { deleteResource, handlerContext, type OperationDeps, paced, retained } from "./steps.js";

export async function apply(
  deps: OperationDeps,
  stack: LocalStack,
  kind: OperationKind,
  token: string,
  template: Template,
  parameters: Record<string, string>,
  tenancy?: TenantScope,
): Promise<void> {
  const previous = { template: stack.template, parameters: stack.parameters };
  const before = { ...stack.resources };
  const created: string[] = [];
  const replaced = new Map<string, ResourceState>();
  const updated = new Map<string, ResourceState>();
  let order: string[];
  let ctx: ResolveContext;
  try {
    ({ order, ctx } = prepareTemplate(stack, template, parameters, deps.scope));
    await loadImports(template, ctx, deps.store);
    await checkExports(stack, template, ctx, deps.store);
  } catch (err) {
    return fail(deps, stack, kind, token, reasonOf(err));
  }
  for (const logicalId of order) {
    const spec = template.Resources[logicalId]!;
    const handler = handlerFor(spec.Type);
    const hctx = handlerContext(deps, stack, logicalId);
    let phase = "CREATE";
    try {
      // Recorded as about to be made by an operation that stopped: it may or may not exist, so it
      // goes (if it does) and is made afresh.
      const pending = stack.resources[logicalId];
      if (pending?.pending) {
        await handlerFor(pending.type).delete(pending, hctx);
        delete stack.resources[logicalId];
      }
      const current = stack.resources[logicalId];
      const props = (resolve(spec.Properties ?? {}, ctx) ?? {}) as Record<string, unknown>;
      if (!current || !isDeepStrictEqual(props, current.properties)) await paced(deps);
      // Defence in depth: the compiler checked the template, this checks what would be applied.
      if (tenancy) refuseForeignNames(stack.stackName, logicalId, spec.Type, props, tenancy);
      if (
        !current ||
        current.type !== spec.Type ||
        handler.replaceOn.some((p) => !isDeepStrictEqual(props[p], current.properties[p]))
      ) {
        phase = current ? "UPDATE" : "CREATE";
        deps.journal.resourceEvent(
          stack,
          token,
          logicalId,
          spec.Type,
          `${phase}_IN_PROGRESS`,
          current
            ? "Requested update requires the creation of a new physical resource; hence creating one."
            : undefined,
        );
        const made = await createRecordedFirst(
          deps,
          stack,
          logicalId,
          spec.Type,
          props,
          current === undefined,
        );
        if (current) replaced.set(logicalId, current);
        created.push(logicalId);
        stack.resources[logicalId] = { type: spec.Type, properties: props, ...made };
      } else if (!isDeepStrictEqual(props, current.properties)) {
        phase = "UPDATE";
        deps.journal.resourceEvent(stack, token, logicalId, spec.Type, "UPDATE_IN_PROGRESS");
        const made = await handler.update(current, props, hctx);
        updated.set(logicalId, current);
        stack.resources[logicalId] = { type: spec.Type, properties: props, ...made };
      } else {
        continue;
      }
      deps.journal.resourceEvent(
        stack,
        token,
        logicalId,
        spec.Type,
        `${phase}_COMPLETE`,
        undefined,
        stack.resources[logicalId]!.physicalId,
      );
      await deps.journal.save(stack);
    } catch (err) {
      deps.journal.resourceEvent(stack, token, logicalId, spec.Type, `${phase}_FAILED`, reasonOf(err));
      return rollBack(deps, stack, kind, token, { before, created, replaced, updated, previous });
    }
  }
  // Cleanup: what the new template no longer has, and the old halves of replacements.
  if (kind === "UPDATE") await deps.journal.setStatus(stack, token, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS");
  const desired = new Set(order);
  const leftovers = previous.template
    ? creationOrder(previous.template, (id) => id in before && !desired.has(id)).reverse()
    : [];
  for (const id of Object.keys(before)) if (!desired.has(id) && !leftovers.includes(id)) leftovers.push(id);
  for (const id of leftovers) {
    if (!retained(deps, stack, token, id, before[id]!))
      await deleteResource(deps, stack, token, id, before[id]!, true);
    delete stack.resources[id];
  }
  for (const [id, old] of replaced) await deleteResource(deps, stack, token, id, old, true);
  stack.template = template;
  stack.parameters = parameters;
  stack.outputs = outputsOf(template, ctx, deps.log);
  try {
    await publishExports(stack, template, ctx, deps.store);
  } catch (err) {
    // CloudFormation checks exports before it changes anything; here the stack stays as applied.
    deps.journal.resourceEvent(stack, token, stack.stackName, STACK_TYPE, `${kind}_FAILED`, reasonOf(err));
    await deps.journal.setStatus(
      stack,
      token,
      kind === "CREATE" ? "CREATE_FAILED" : "UPDATE_FAILED",
      reasonOf(err),
    );
    return;
  }
  await deps.journal.setStatus(stack, token, `${kind}_COMPLETE`);
}

export async function rollBack(
  deps: OperationDeps,
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
  await deps.journal.setStatus(
    stack,
    token,
    `${rolling}_IN_PROGRESS`,
    "The following resource(s) failed to create or update.",
  );
  try {
    for (const id of [...work.created].reverse()) {
      await deleteResource(deps, stack, token, id, stack.resources[id]!, false);
      delete stack.resources[id];
      const old = work.replaced.get(id);
      if (old) stack.resources[id] = old;
    }
    for (const [id, old] of work.updated) {
      const now = stack.resources[id]!;
      deps.journal.resourceEvent(stack, token, id, old.type, "UPDATE_IN_PROGRESS", undefined, old.physicalId);
      let restored: Omit<ResourceState, "type" | "properties">;
      try {
        restored = await handlerFor(old.type).update(now, old.properties, handlerContext(deps, stack, id));
      } catch (err) {
        // The resource the rollback could not restore: what ContinueUpdateRollback may skip.
        deps.journal.resourceEvent(
          stack,
          token,
          id,
          old.type,
          "UPDATE_FAILED",
          reasonOf(err),
          old.physicalId,
        );
        throw err;
      }
      stack.resources[id] = { ...old, ...restored };
      deps.journal.resourceEvent(stack, token, id, old.type, "UPDATE_COMPLETE", undefined, old.physicalId);
    }
  } catch (err) {
    await deps.journal.setStatus(stack, token, `${rolling}_FAILED`, reasonOf(err));
    return;
  }
  if (kind === "CREATE") {
    stack.resources = dict();
    stack.outputs = {};
  }
  await deps.journal.setStatus(stack, token, `${rolling}_COMPLETE`);
}

export async function fail(
  deps: OperationDeps,
  stack: LocalStack,
  kind: OperationKind,
  token: string,
  reason: string,
): Promise<void> {
  deps.journal.resourceEvent(stack, token, stack.stackName, STACK_TYPE, `${kind}_FAILED`, reason);
  await deps.journal.setStatus(
    stack,
    token,
    kind === "CREATE" ? "ROLLBACK_COMPLETE" : "UPDATE_ROLLBACK_COMPLETE",
    reason,
  );
}

/**
 * Refuses a resource whose resolved properties name what the team may not (another team's bus,
 * rule or target): the same rule the compiler applies (api/compiler/tenancy), on final values.
 */
function refuseForeignNames(
  stackName: string,
  logicalId: string,
  type: string,
  properties: Record<string, unknown>,
  scope: TenantScope,
): void {
  const [violation] = checkTenancy({
    resources: { [logicalId]: { Type: type, Properties: properties } },
    scope,
    stack: stackName,
  });
  if (violation) throw new Error(`Refused by Switchyard's tenant check: ${violation.message}`);
}

/**
 * Creates a resource; one the engine really makes is recorded as `pending` first (one more write),
 * so a process that stops between the two leaves a record of it for the rollback, not an orphan.
 * A replacement keeps the record of the old resource until the new one exists.
 */
async function createRecordedFirst(
  deps: OperationDeps,
  stack: LocalStack,
  logicalId: string,
  type: string,
  props: Record<string, unknown>,
  fresh: boolean,
): Promise<Omit<ResourceState, "type" | "properties">> {
  const handler = handlerFor(type);
  const planned = fresh ? handler.plannedName?.(props) : undefined;
  if (planned !== undefined) {
    stack.resources[logicalId] = {
      type,
      properties: props,
      physicalId: planned,
      ref: planned,
      attributes: {},
      pending: true,
    };
    await deps.journal.save(stack);
  }
  try {
    return await handler.create(props, handlerContext(deps, stack, logicalId));
  } catch (err) {
    if (planned !== undefined) delete stack.resources[logicalId];
    throw err;
  }
}
