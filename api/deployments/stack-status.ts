/**
 * CloudFormation's 23 stack statuses, classified (reference/eventbridge.md §7.2). Both adapters use
 * this, so a status means the same thing whichever deployer produced it.
 */
import type { OperationPhase } from "./port.js";

const IN_PROGRESS = new Set([
  "CREATE_IN_PROGRESS",
  "ROLLBACK_IN_PROGRESS",
  "DELETE_IN_PROGRESS",
  "UPDATE_IN_PROGRESS",
  "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
  "UPDATE_ROLLBACK_IN_PROGRESS",
  "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
  "IMPORT_IN_PROGRESS",
  "IMPORT_ROLLBACK_IN_PROGRESS",
  "REVIEW_IN_PROGRESS",
]);

const SUCCEEDED = new Set(["CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE", "DELETE_COMPLETE"]);

/** Settled and failed, and the stack cannot take the next operation until someone acts. */
const NEEDS_ACTION = new Set([
  "ROLLBACK_FAILED",
  "DELETE_FAILED",
  "UPDATE_ROLLBACK_FAILED",
  "UPDATE_FAILED",
  "IMPORT_ROLLBACK_FAILED",
]);

export const isInProgress = (status: string): boolean => IN_PROGRESS.has(status);
export const needsAction = (status: string): boolean => NEEDS_ACTION.has(status);

/** The phase of an operation whose stack is in `status`; `deleting` for a teardown. */
export function phaseOf(status: string, deleting = false): OperationPhase {
  if (IN_PROGRESS.has(status)) return "IN_PROGRESS";
  if (deleting) return status === "DELETE_COMPLETE" ? "SUCCEEDED" : "FAILED";
  return SUCCEEDED.has(status) && status !== "DELETE_COMPLETE" ? "SUCCEEDED" : "FAILED";
}
