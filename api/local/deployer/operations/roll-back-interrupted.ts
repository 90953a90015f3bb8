/**
 * A create a stopped process left in progress, rolled back as CloudFormation rolls back a failed
 * create: what it made goes (what it was about to make too: see `pending`), and the stack ends
 * ROLLBACK_COMPLETE, or ROLLBACK_FAILED naming what could not be deleted.
 */
import { dict } from "../../../prototype-safe.js";
import { handlerFor } from "../handlers/index.js";
import { reasonOf } from "../reasons.js";
import type { LocalStack } from "../stack-store.js";
import { handlerContext, type OperationDeps } from "./steps.js";

/**
 * The order the resources were made in is not known (a create saves its template once it
 * succeeds), so deletions that fail (a bus that still has rules) are tried again after the others,
 * until a round deletes nothing more.
 */
export async function rollBackInterruptedCreate(
  deps: OperationDeps,
  stack: LocalStack,
  token: string,
  reason: string,
): Promise<LocalStack> {
  await deps.journal.setStatus(stack, token, "ROLLBACK_IN_PROGRESS", reason);
  const failures = new Map<string, unknown>();
  let remaining = Object.keys(stack.resources);
  for (let progress = true; remaining.length > 0 && progress; ) {
    progress = false;
    for (const id of remaining) {
      const state = stack.resources[id]!;
      try {
        await handlerFor(state.type).delete(state, handlerContext(deps, stack, id));
      } catch (err) {
        failures.set(id, err);
        continue;
      }
      failures.delete(id);
      progress = true;
      delete stack.resources[id];
      deps.journal.resourceEvent(
        stack,
        token,
        id,
        state.type,
        "DELETE_COMPLETE",
        undefined,
        state.physicalId,
      );
    }
    remaining = remaining.filter((id) => failures.has(id));
  }
  stack.template = undefined;
  for (const [id, err] of failures) {
    const state = stack.resources[id]!;
    deps.journal.resourceEvent(
      stack,
      token,
      id,
      state.type,
      "DELETE_FAILED",
      reasonOf(err),
      state.physicalId,
    );
  }
  if (failures.size === 0) {
    stack.resources = dict();
    stack.outputs = {};
  }
  await deps.journal.setStatus(
    stack,
    token,
    failures.size > 0 ? "ROLLBACK_FAILED" : "ROLLBACK_COMPLETE",
    reason,
  );
  return stack;
}
