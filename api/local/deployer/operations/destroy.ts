/** Deleting a stack: its resources in reverse dependency order, retained ones left in place. */
import { creationOrder } from "../order.js";
import type { LocalStack } from "../stack-store.js";
import { deleteResource, type OperationDeps, retained } from "./steps.js";

export async function destroy(deps: OperationDeps, stack: LocalStack, token: string): Promise<void> {
  const known = stack.template ? creationOrder(stack.template, (id) => id in stack.resources).reverse() : [];
  const order = [...Object.keys(stack.resources).filter((id) => !known.includes(id)), ...known];
  for (const id of order) {
    const state = stack.resources[id]!;
    try {
      if (!retained(deps, stack, token, id, state))
        await deleteResource(deps, stack, token, id, state, false);
    } catch {
      await deps.journal.setStatus(
        stack,
        token,
        "DELETE_FAILED",
        `The following resource(s) failed to delete: [${id}].`,
      );
      return;
    }
    delete stack.resources[id];
    await deps.journal.save(stack);
  }
  stack.outputs = {};
  for (const name of stack.exports ?? []) await deps.store.deleteExport(name, stack.stackName);
  stack.exports = [];
  await deps.journal.setStatus(stack, token, "DELETE_COMPLETE");
}
