/** What every stack operation works with, and the steps they share on one resource. */

import type { Logger } from "../../../http/logger.js";
import { own } from "../../../prototype-safe.js";
import type { EventBridgeApi } from "../../eventbridge/api.js";
import { type HandlerContext, handlerFor, type ResourceState } from "../handlers/index.js";
import type { StackJournal } from "../journal.js";
import { reasonOf } from "../reasons.js";
import type { LocalStack, LocalStackStore } from "../stack-store.js";
import type { StackScope } from "../template.js";

export interface OperationDeps {
  engine: EventBridgeApi;
  store: LocalStackStore;
  journal: StackJournal;
  scope: StackScope;
  log?: Logger;
  /** The least time each resource change takes (LocalDeployerOptions.resourceDelayMs). */
  resourceDelayMs?: number;
}

/** Waits out the configured pace before a resource change (nothing when unset). */
export async function paced(deps: OperationDeps): Promise<void> {
  if (deps.resourceDelayMs) await new Promise((resolve) => setTimeout(resolve, deps.resourceDelayMs));
}

/** `DeletionPolicy: Retain` keeps the resource when it leaves the stack, as CloudFormation does. */
export function retained(
  deps: OperationDeps,
  stack: LocalStack,
  token: string,
  logicalId: string,
  state: ResourceState,
): boolean {
  const policy = own(stack.template?.Resources, logicalId)?.DeletionPolicy;
  if (policy !== "Retain" && policy !== "RetainExceptOnCreate") return false;
  deps.journal.resourceEvent(
    stack,
    token,
    logicalId,
    state.type,
    "DELETE_SKIPPED",
    undefined,
    state.physicalId,
  );
  return true;
}

export async function deleteResource(
  deps: OperationDeps,
  stack: LocalStack,
  token: string,
  logicalId: string,
  state: ResourceState,
  tolerate: boolean,
): Promise<void> {
  deps.journal.resourceEvent(
    stack,
    token,
    logicalId,
    state.type,
    "DELETE_IN_PROGRESS",
    undefined,
    state.physicalId,
  );
  try {
    await handlerFor(state.type).delete(state, handlerContext(deps, stack, logicalId));
  } catch (err) {
    deps.journal.resourceEvent(
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
  deps.journal.resourceEvent(
    stack,
    token,
    logicalId,
    state.type,
    "DELETE_COMPLETE",
    undefined,
    state.physicalId,
  );
}

export function handlerContext(deps: OperationDeps, stack: LocalStack, logicalId: string): HandlerContext {
  return {
    engine: deps.engine,
    region: deps.scope.region,
    account: deps.scope.account,
    stackName: stack.stackName,
    logicalId,
  };
}
