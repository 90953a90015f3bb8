/** ContinueUpdateRollback on a stack whose rollback failed (UPDATE_ROLLBACK_FAILED). */
import { isDeepStrictEqual } from "node:util";
import { DeployerError, type Template } from "../../../deployments/port.js";
import { handlerFor } from "../handlers/index.js";
import { type ResolveContext, resolve } from "../intrinsics.js";
import { reasonOf } from "../reasons.js";
import type { LocalStack } from "../stack-store.js";
import { loadImports, outputsOf, prepareTemplate } from "../template.js";
import { deleteResource, handlerContext, type OperationDeps } from "./steps.js";

/**
 * ContinueUpdateRollback: brings every resource back to the last applied template from wherever
 * the failed rollback left it (restores in place, re-creates what is gone, deletes what the failed
 * update added). Skipped resources are marked rolled back without being touched, as CloudFormation
 * does, and may no longer match the template.
 */
export async function continueRolling(
  deps: OperationDeps,
  stack: LocalStack,
  token: string,
  target: { template: Template; parameters: Record<string, string> },
  skip: Set<string>,
): Promise<void> {
  let order: string[];
  let ctx: ResolveContext;
  try {
    ({ order, ctx } = prepareTemplate(stack, target.template, target.parameters, deps.scope));
    await loadImports(target.template, ctx, deps.store);
  } catch (err) {
    return deps.journal.setStatus(stack, token, "UPDATE_ROLLBACK_FAILED", reasonOf(err));
  }
  const wanted = new Set(order);
  for (const logicalId of order) {
    const spec = target.template.Resources[logicalId]!;
    const current = stack.resources[logicalId];
    if (skip.has(logicalId)) {
      deps.journal.resourceEvent(
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
    const hctx = handlerContext(deps, stack, logicalId);
    try {
      const props = (resolve(spec.Properties ?? {}, ctx) ?? {}) as Record<string, unknown>;
      if (current && current.type === spec.Type && isDeepStrictEqual(props, current.properties)) continue;
      deps.journal.resourceEvent(
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
      if (replace && current) await deleteResource(deps, stack, token, logicalId, current, false);
      stack.resources[logicalId] = { type: spec.Type, properties: props, ...made };
      deps.journal.resourceEvent(
        stack,
        token,
        logicalId,
        spec.Type,
        "UPDATE_COMPLETE",
        undefined,
        made.physicalId,
      );
      await deps.journal.save(stack);
    } catch (err) {
      deps.journal.resourceEvent(
        stack,
        token,
        logicalId,
        spec.Type,
        "UPDATE_FAILED",
        reasonOf(err),
        current?.physicalId,
      );
      return deps.journal.setStatus(stack, token, "UPDATE_ROLLBACK_FAILED", reasonOf(err));
    }
  }
  // What the failed update added and its rollback did not delete yet.
  await deps.journal.setStatus(stack, token, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS");
  for (const [id, state] of Object.entries(stack.resources)) {
    if (wanted.has(id)) continue;
    if (!skip.has(id)) await deleteResource(deps, stack, token, id, state, true);
    delete stack.resources[id];
  }
  stack.outputs = outputsOf(target.template, ctx, deps.log);
  await deps.journal.setStatus(stack, token, "UPDATE_ROLLBACK_COMPLETE");
}

/** Like CloudFormation, only resources the failed rollback left in UPDATE_FAILED may be skipped. */
export async function checkSkippable(deps: OperationDeps, stack: LocalStack, skip: string[]): Promise<void> {
  const failedOp = stack.operations.at(-1);
  const last = new Map<string, string>();
  if (failedOp) {
    for (const e of await deps.store.events(stack.stackName, failedOp.token)) last.set(e.logicalId, e.status);
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
