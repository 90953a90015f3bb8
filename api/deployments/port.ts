import type { TenantScope } from "../compiler/tenancy/scope.js";

/**
 * The Deployer port: what the deployment use cases need from "something that runs CloudFormation
 * templates". Two adapters implement it: CloudFormation change sets (api/aws/cloudformation.ts) and
 * the embedded engine (api/local/deployer/). Use cases never know which one runs.
 */

/** A CloudFormation template as JSON (the compiler's output). */
export type Template = {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters?: Record<string, { Type: string; Default?: unknown; [k: string]: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<
    string,
    {
      Type: string;
      Properties?: Record<string, unknown>;
      DependsOn?: string | string[];
      Condition?: string;
      DeletionPolicy?: string;
    }
  >;
  Outputs?: Record<string, { Value: unknown; Description?: string; Export?: unknown }>;
  [k: string]: unknown;
};

/** One planned change, by logical ID and type, as a change set or the local diff reports it. */
export interface StackChange {
  action: "Add" | "Modify" | "Remove";
  logicalId: string;
  resourceType: string;
  /** Only for Modify: whether the resource is replaced (a new physical resource). */
  replacement?: "True" | "False" | "Conditional";
  /** Top-level property names that differ (Modify only), when known. */
  properties?: string[];
}

/** A stack event, newest-last once returned by `describe`. */
export interface StackEvent {
  /** Unique per stack; used as the cursor for "events since". */
  id: string;
  timestamp: string;
  logicalId: string;
  resourceType: string;
  status: string;
  reason?: string;
  physicalId?: string;
}

/** Where an operation stands, independent of the adapter. */
export type OperationPhase = "IN_PROGRESS" | "SUCCEEDED" | "FAILED";

export interface StackTarget {
  stackName: string;
  /** The ID the deployer returned on a previous start, if any (needed to read deleted stacks). */
  stackId?: string;
}

export interface StartInput extends StackTarget {
  template: Template;
  /** Template parameter values (artifacts, network settings), already filled. */
  parameters: Record<string, string>;
  /** Idempotency token of this operation; stamped on its events. Must match /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/. */
  token: string;
  tags?: Record<string, string>;
  /**
   * What the team's stack may name (api/compiler/tenancy). The local engine checks each resource
   * against it again as it applies it, with every value resolved; on AWS the team's service role
   * enforces the same.
   */
  tenancy?: TenantScope;
}

export type StartResult =
  | { kind: "started"; stackId: string }
  /** Nothing to change: the stack already matches (an empty change set). */
  | { kind: "noop"; stackId?: string };

export interface DescribeInput extends StackTarget {
  token: string;
  /** Only events after this one (the `id` of the last event seen). */
  afterEventId?: string;
}

export interface OperationStatus {
  phase: OperationPhase;
  /** The raw stack status (CREATE_COMPLETE, UPDATE_ROLLBACK_FAILED, ...), or DELETE_COMPLETE when gone. */
  stackStatus: string;
  /** Why it failed: the reasons of the failed resources, else the stack's own reason. */
  reason?: string;
  /** The stack needs a human (UPDATE_ROLLBACK_FAILED, DELETE_FAILED, ...) before the next deployment. */
  needsAction?: boolean;
  /** New events since `afterEventId`, oldest first, only those of this operation. */
  events: StackEvent[];
  /** Stack outputs by output key, once the stack exists. */
  outputs: Record<string, string>;
  stackId?: string;
  /** The deployer has no record of this token: the operation never started (or is not ours). */
  unknownOperation?: boolean;
}

/** Continues the rollback of a stack stuck in UPDATE_ROLLBACK_FAILED (CloudFormation's ContinueUpdateRollback). */
export interface ContinueRollbackInput extends StackTarget {
  token: string;
  /** Logical IDs of resources in UPDATE_FAILED to mark rolled back without acting on them. */
  resourcesToSkip?: string[];
}

export interface PreviewInput extends StackTarget {
  template: Template;
  parameters: Record<string, string>;
  /** The template last applied to this stage, if the control plane has it (used by the local diff). */
  previousTemplate?: Template;
}

export interface Deployer {
  /** The changes applying `template` would make, without making them. */
  preview(input: PreviewInput): Promise<StackChange[]>;
  /** Creates or updates the stack. Idempotent per `token`. */
  start(input: StartInput): Promise<StartResult>;
  /** Status, new events and outputs of the operation identified by `token`. */
  describe(input: DescribeInput): Promise<OperationStatus>;
  /** Deletes the stack and everything in it. Idempotent per `token`; a missing stack is a no-op. */
  teardown(input: StackTarget & { token: string }): Promise<StartResult>;
  /**
   * Continues a failed update rollback back to UPDATE_ROLLBACK_COMPLETE, which `describe` then reports
   * as SUCCEEDED (for this operation, the rollback finishing is the success). Idempotent per `token`.
   * A stack not in UPDATE_ROLLBACK_FAILED is refused (`nothing-to-continue`), and so is a resource to
   * skip that is not in UPDATE_FAILED (`resources-not-skippable`), before anything changes.
   */
  continueRollback(input: ContinueRollbackInput): Promise<StartResult>;
}

/** Thrown by adapters for problems the user must fix (too-large template, stack needing action). */
export class DeployerError extends Error {
  constructor(
    readonly code:
      | "template-too-large"
      | "stack-needs-action"
      | "stack-busy"
      | "invalid-template"
      | "nothing-to-continue"
      | "resources-not-skippable",
    message: string,
  ) {
    super(message);
    this.name = "DeployerError";
  }
}
