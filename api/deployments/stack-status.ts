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

/**
 * Which kind of stack operation a phase is asked for: an apply (create or update) succeeds in
 * *_COMPLETE, a delete in DELETE_COMPLETE, and a continued rollback in UPDATE_ROLLBACK_COMPLETE
 * (its whole purpose is to bring the stack back there).
 */
export type OperationKindForPhase = "apply" | "delete" | "continue-rollback";

/** The phase of an operation of `kind` whose stack is in `status`. */
export function phaseOf(status: string, kind: OperationKindForPhase = "apply"): OperationPhase {
  if (IN_PROGRESS.has(status)) return "IN_PROGRESS";
  if (kind === "delete") return status === "DELETE_COMPLETE" ? "SUCCEEDED" : "FAILED";
  if (kind === "continue-rollback") return status === "UPDATE_ROLLBACK_COMPLETE" ? "SUCCEEDED" : "FAILED";
  return SUCCEEDED.has(status) && status !== "DELETE_COMPLETE" ? "SUCCEEDED" : "FAILED";
}
