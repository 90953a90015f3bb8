/**
 * The Deployer on AWS CloudFormation (reference/eventbridge.md §7). Creates and updates go through
 * change sets named after the deployment's token, so a retried start finds the same change set; an
 * empty change set is a successful no-op and is deleted; a stack left in ROLLBACK_COMPLETE by a
 * failed create is deleted before the next create; stacks needing a human (UPDATE_ROLLBACK_FAILED,
 * ...) are reported, not touched, except that a stack in UPDATE_ROLLBACK_FAILED can be told to
 * continue its rollback (ContinueUpdateRollback) as an operation of its own. Throttled calls are
 * retried with backoff. A template too large to send inline goes to the template store (S3) and is
 * passed by URL, when one is configured.
 */
import {
  type StackEvent as CfnStackEvent,
  type Change,
  type CloudFormationClient,
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  type DescribeChangeSetCommandOutput,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListStackResourcesCommand,
  type Stack,
} from "@aws-sdk/client-cloudformation";
import { TEMPLATE_LIMITS } from "../compiler/limits.js";
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
} from "../deployments/port.js";
import { isInProgress, needsAction, phaseOf } from "../deployments/stack-status.js";
import { namespaceOfStack } from "../teams/service-role.js";
import { isEmptyChangeSet, isStackMissing, isThrottling, withRetries } from "./cloudformation-errors.js";
import type { TeamServiceRoles } from "./team-roles.js";
import { TEMPLATE_BUCKET_ENV, type TemplateStore } from "./template-store.js";

/** CloudFormation's limit for an inline TemplateBody. */
export const MAX_TEMPLATE_BODY_BYTES = TEMPLATE_LIMITS.inlineBodyBytes;
/** CloudFormation's limit for a template read from S3 (TemplateURL). */
export const MAX_TEMPLATE_URL_BYTES = TEMPLATE_LIMITS.urlBodyBytes;

export interface CloudFormationDeployerOptions {
  client: CloudFormationClient;
  /**
   * The platform's service role CloudFormation assumes for stack operations: for every stack when
   * there are no team roles, else for stacks named before team namespaces only.
   */
  roleArn?: string;
  /**
   * Each team's service role (team-roles.ts): a stack in a team's namespace
   * (`<stackPrefix><id>--...`) is created, changed, continued and deleted under it.
   */
  teamRoles?: TeamServiceRoles;
  stackPrefix?: string;
  /** Where templates over 51,200 bytes go to be read by URL; without one they are refused. */
  templateStore?: TemplateStore;
  /** How long to wait between polls of a change set or a stack being deleted. */
  pollMs?: number;
  /** How many polls before giving up on a change set (about 2 minutes at the default interval). */
  maxPolls?: number;
  /** Attempts per call when CloudFormation throttles. */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

const CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"] as const;
const STACK_TYPE = "AWS::CloudFormation::Stack";

export class CloudFormationDeployer implements Deployer {
  private readonly client: CloudFormationClient;
  private readonly pollMs: number;
  private readonly maxPolls: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;

  constructor(private readonly options: CloudFormationDeployerOptions) {
    this.client = options.client;
    this.pollMs = options.pollMs ?? 1_000;
    this.maxPolls = options.maxPolls ?? 120;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async preview(input: PreviewInput): Promise<StackChange[]> {
    const body = this.templateBody(input.template);
    const stack = await this.findStack(input.stackId ?? input.stackName);
    const creating =
      !stack || stack.StackStatus === "REVIEW_IN_PROGRESS" || stack.StackStatus === "ROLLBACK_COMPLETE";
    if (stack?.StackStatus === "ROLLBACK_COMPLETE") {
      // A change set cannot target a stack in ROLLBACK_COMPLETE; a create from nothing is what the deploy would do.
      return Object.entries(input.template.Resources).map(([logicalId, r]) => ({
        action: "Add" as const,
        logicalId,
        resourceType: r.Type,
      }));
    }
    const name = `preview-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const source = await this.templateSource(input.stackName, body);
    const role = await this.serviceRole(input.stackName);
    const created = await this.call(() =>
      this.client.send(
        new CreateChangeSetCommand({
          StackName: input.stackName,
          ChangeSetName: name,
          ChangeSetType: creating ? "CREATE" : "UPDATE",
          ...source,
          Parameters: parameterList(input.parameters),
          Capabilities: [...CAPABILITIES],
          ...role,
        }),
      ),
    );
    const changeSetId = created.Id ?? name;
    try {
      const described = await this.waitForChangeSet(changeSetId, input.stackName);
      if (described.Status === "FAILED") {
        if (isEmptyChangeSet(described.StatusReason)) return [];
        throw new DeployerError(
          "invalid-template",
          `CloudFormation refused the change set: ${described.StatusReason}`,
        );
      }
      return await this.allChanges(changeSetId, input.stackName, described);
    } finally {
      await this.call(() =>
        this.client.send(
          new DeleteChangeSetCommand({ ChangeSetName: changeSetId, StackName: input.stackName }),
        ),
      );
      // A preview of a new stack must not leave an empty REVIEW_IN_PROGRESS stack behind.
      if (!stack && created.StackId) {
        await this.call(() =>
          this.client.send(new DeleteStackCommand({ StackName: created.StackId, ...role })),
        );
      }
    }
  }

  async start(input: StartInput): Promise<StartResult> {
    const body = this.templateBody(input.template);
    let stack = await this.findStack(input.stackName);
    const role = await this.serviceRole(input.stackName);
    if (stack?.StackStatus === "ROLLBACK_COMPLETE") {
      await this.deleteAndWait(stack.StackId!, `${input.token.slice(0, 120)}-clear`, role);
      stack = undefined;
    }
    if (stack && stack.StackStatus !== "REVIEW_IN_PROGRESS") {
      const status = stack.StackStatus!;
      if (needsAction(status)) {
        throw new DeployerError(
          "stack-needs-action",
          `Stack ${input.stackName} is in ${status}${stack.StackStatusReason ? ` (${stack.StackStatusReason})` : ""}; ${
            status === "UPDATE_ROLLBACK_FAILED"
              ? "continue the rollback (ContinueUpdateRollback) before deploying again."
              : "fix it in CloudFormation before deploying again."
          }`,
        );
      }
      if (isInProgress(status)) {
        // A retried start of our own operation finds its change set already executing.
        const mine = await this.findChangeSet(input.token, input.stackName);
        if (mine?.ExecutionStatus === "EXECUTE_IN_PROGRESS" || mine?.ExecutionStatus === "EXECUTE_COMPLETE") {
          return { kind: "started", stackId: stack.StackId! };
        }
        throw new DeployerError(
          "stack-busy",
          `Stack ${input.stackName} is in ${status} state and can not be updated.`,
        );
      }
    }
    const creating = !stack || stack.StackStatus === "REVIEW_IN_PROGRESS";

    let changeSet = await this.findChangeSet(input.token, input.stackName);
    if (!changeSet) {
      const source = await this.templateSource(input.stackName, body);
      await this.call(() =>
        this.client.send(
          new CreateChangeSetCommand({
            StackName: input.stackName,
            ChangeSetName: input.token,
            ClientToken: input.token,
            ChangeSetType: creating ? "CREATE" : "UPDATE",
            ...source,
            Parameters: parameterList(input.parameters),
            Capabilities: [...CAPABILITIES],
            ...(input.tags
              ? { Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })) }
              : {}),
            // ExecuteChangeSet takes no role: the change set runs under the one it was created with.
            ...role,
          }),
        ),
      );
    }
    changeSet = await this.waitForChangeSet(input.token, input.stackName);
    if (changeSet.Status === "FAILED") {
      if (isEmptyChangeSet(changeSet.StatusReason)) {
        await this.call(() =>
          this.client.send(
            new DeleteChangeSetCommand({ ChangeSetName: input.token, StackName: input.stackName }),
          ),
        );
        return { kind: "noop", ...(stack?.StackId ? { stackId: stack.StackId } : {}) };
      }
      throw new DeployerError(
        "invalid-template",
        `CloudFormation refused the change set: ${changeSet.StatusReason}`,
      );
    }
    if (changeSet.ExecutionStatus === "AVAILABLE") {
      await this.call(() =>
        this.client.send(
          new ExecuteChangeSetCommand({
            ChangeSetName: input.token,
            StackName: input.stackName,
            ClientRequestToken: input.token,
          }),
        ),
      );
    }
    return { kind: "started", stackId: changeSet.StackId ?? stack?.StackId ?? input.stackName };
  }

  async teardown(input: StackTarget & { token: string }): Promise<StartResult> {
    const stack = await this.findStack(input.stackId ?? input.stackName);
    if (!stack || stack.StackStatus === "DELETE_COMPLETE") return { kind: "noop" };
    if (stack.StackStatus === "DELETE_IN_PROGRESS") return { kind: "started", stackId: stack.StackId! };
    if (isInProgress(stack.StackStatus!) && stack.StackStatus !== "REVIEW_IN_PROGRESS") {
      throw new DeployerError(
        "stack-busy",
        `Stack ${input.stackName} is in ${stack.StackStatus} state and can not be deleted.`,
      );
    }
    const role = await this.serviceRole(input.stackName);
    await this.call(() =>
      this.client.send(
        new DeleteStackCommand({ StackName: stack.StackId, ClientRequestToken: input.token, ...role }),
      ),
    );
    return { kind: "started", stackId: stack.StackId! };
  }

  async continueRollback(input: ContinueRollbackInput): Promise<StartResult> {
    const stack = await this.findStack(input.stackId ?? input.stackName);
    if (!stack || stack.StackStatus === "DELETE_COMPLETE") {
      throw new DeployerError(
        "nothing-to-continue",
        `Stack ${input.stackName} does not exist, so it has no rollback to continue.`,
      );
    }
    // A retried call finds the stack's current operation is already ours (its events carry the token).
    if (await this.isCurrentOperation(stack.StackId!, input.token)) {
      return { kind: "started", stackId: stack.StackId! };
    }
    if (stack.StackStatus !== "UPDATE_ROLLBACK_FAILED") {
      throw new DeployerError(
        "nothing-to-continue",
        `Stack ${input.stackName} is in ${stack.StackStatus}, not UPDATE_ROLLBACK_FAILED: there is no failed rollback to continue.`,
      );
    }
    const skip = [...new Set(input.resourcesToSkip ?? [])];
    if (skip.length > 0) await this.checkSkippable(stack.StackId!, input.stackName, skip);
    const role = await this.serviceRole(input.stackName);
    try {
      await this.call(() =>
        this.client.send(
          new ContinueUpdateRollbackCommand({
            StackName: stack.StackId,
            ClientRequestToken: input.token,
            ...(skip.length > 0 ? { ResourcesToSkip: skip } : {}),
            ...role,
          }),
        ),
      );
    } catch (err) {
      // What CloudFormation validates beyond our checks (a state that changed since, a skip it refuses).
      if ((err as Error).name !== "ValidationError") throw err;
      throw new DeployerError(
        skip.length > 0 ? "resources-not-skippable" : "nothing-to-continue",
        `CloudFormation refused to continue the rollback of stack ${input.stackName}: ${(err as Error).message}`,
      );
    }
    return { kind: "started", stackId: stack.StackId! };
  }

  async describe(input: DescribeInput): Promise<OperationStatus> {
    const stack = await this.findStack(input.stackId ?? input.stackName);
    if (!stack) {
      return {
        phase: "FAILED",
        stackStatus: "DELETE_COMPLETE",
        reason: `Stack ${input.stackName} does not exist.`,
        events: [],
        outputs: {},
        unknownOperation: true,
      };
    }
    const { newest, operation } = await this.operationEvents(stack.StackId!, input.token);
    const fresh = input.afterEventId
      ? operation.slice(operation.findIndex((e) => e.EventId === input.afterEventId) + 1)
      : operation;
    const stackEvents = operation.filter(
      (e) => e.ResourceType === STACK_TYPE && e.LogicalResourceId === stack.StackName,
    );
    const deleting = stackEvents.some((e) => e.ResourceStatus === "DELETE_IN_PROGRESS");
    // An update begins with UPDATE_IN_PROGRESS; a continued rollback begins where the failed one was.
    const continuing = stackEvents[0]?.ResourceStatus === "UPDATE_ROLLBACK_IN_PROGRESS";
    // Our operation is the stack's current one while the newest event carries our token; before its
    // first event it is starting; after another operation began, our last stack event tells the end.
    let stackStatus: string;
    if (operation.length === 0)
      stackStatus = newest ? "REVIEW_IN_PROGRESS" : (stack.StackStatus ?? "UNKNOWN");
    else if (newest?.ClientRequestToken === input.token) stackStatus = stack.StackStatus!;
    else stackStatus = stackEvents.at(-1)?.ResourceStatus ?? stack.StackStatus!;
    const phase =
      operation.length === 0
        ? "IN_PROGRESS"
        : phaseOf(stackStatus, deleting ? "delete" : continuing ? "continue-rollback" : "apply");
    const reason = phase === "FAILED" ? failureReason(operation, stack) : undefined;
    return {
      phase,
      stackStatus,
      ...(reason ? { reason } : {}),
      ...(phase !== "IN_PROGRESS" && needsAction(stackStatus) ? { needsAction: true } : {}),
      events: fresh.map(toEvent),
      outputs: Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue ?? ""])),
      stackId: stack.StackId!,
    };
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** Whether the stack's newest event belongs to the operation with `token`. */
  private async isCurrentOperation(stackId: string, token: string): Promise<boolean> {
    const page = await this.call(() =>
      this.client.send(new DescribeStackEventsCommand({ StackName: stackId })),
    );
    return page.StackEvents?.[0]?.ClientRequestToken === token;
  }

  /**
   * CloudFormation skips only resources in UPDATE_FAILED (the ones the rollback could not restore);
   * checked here so the caller learns which names are wrong and why, before anything changes.
   */
  private async checkSkippable(stackId: string, stackName: string, skip: string[]): Promise<void> {
    const statuses = new Map<string, string>();
    let next: string | undefined;
    do {
      const page = await this.call(() =>
        this.client.send(
          new ListStackResourcesCommand({ StackName: stackId, ...(next ? { NextToken: next } : {}) }),
        ),
      );
      for (const r of page.StackResourceSummaries ?? []) {
        if (r.LogicalResourceId) statuses.set(r.LogicalResourceId, r.ResourceStatus ?? "");
      }
      next = page.NextToken;
    } while (next);
    const wrong = skip.flatMap((id) => {
      const status = statuses.get(id);
      if (status === "UPDATE_FAILED") return [];
      return [status === undefined ? `${id} is not a resource of the stack` : `${id} is in ${status}`];
    });
    if (wrong.length > 0) {
      throw new DeployerError(
        "resources-not-skippable",
        `Only resources in UPDATE_FAILED can be skipped when continuing the rollback of stack ${stackName}: ${wrong.join("; ")}.`,
      );
    }
  }

  /** The template as JSON, refused (before any call) when CloudFormation could not take it. */
  private templateBody(template: Template): string {
    const body = JSON.stringify(template);
    const bytes = Buffer.byteLength(body, "utf8");
    if (bytes > MAX_TEMPLATE_URL_BYTES) {
      throw new DeployerError(
        "template-too-large",
        `The compiled template is ${bytes} bytes; CloudFormation accepts at most ${MAX_TEMPLATE_URL_BYTES} bytes, even from S3. Split the config into several projects (fewer resources per stage).`,
      );
    }
    if (bytes > MAX_TEMPLATE_BODY_BYTES && !this.options.templateStore) {
      throw new DeployerError(
        "template-too-large",
        `The compiled template is ${bytes} bytes; CloudFormation accepts at most ${MAX_TEMPLATE_BODY_BYTES} bytes inline, and this Switchyard has no template bucket for larger ones. Split the config into fewer resources per stage, or ask the platform operator to set ${TEMPLATE_BUCKET_ENV} (infra/ sets it), which lifts the limit to ${MAX_TEMPLATE_URL_BYTES} bytes.`,
      );
    }
    return body;
  }

  /** Inline when small enough; otherwise stored, and CloudFormation reads it by URL. */
  private async templateSource(
    stackName: string,
    body: string,
  ): Promise<{ TemplateBody: string } | { TemplateURL: string }> {
    if (Buffer.byteLength(body, "utf8") <= MAX_TEMPLATE_BODY_BYTES) return { TemplateBody: body };
    // templateBody() refused this size already when there is no store.
    return { TemplateURL: await this.options.templateStore!.put(stackName, body) };
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return withRetries(fn, { attempts: this.maxAttempts, sleep: this.sleep, retryable: isThrottling });
  }

  private async findStack(nameOrId: string): Promise<Stack | undefined> {
    try {
      const out = await this.call(() => this.client.send(new DescribeStacksCommand({ StackName: nameOrId })));
      return out.Stacks?.[0];
    } catch (err) {
      if (isStackMissing(err)) return undefined;
      throw err;
    }
  }

  private async findChangeSet(
    name: string,
    stackName: string,
  ): Promise<DescribeChangeSetCommandOutput | undefined> {
    try {
      return await this.call(() =>
        this.client.send(new DescribeChangeSetCommand({ ChangeSetName: name, StackName: stackName })),
      );
    } catch (err) {
      if ((err as Error).name === "ChangeSetNotFoundException" || isStackMissing(err)) return undefined;
      throw err;
    }
  }

  private async waitForChangeSet(name: string, stackName: string): Promise<DescribeChangeSetCommandOutput> {
    for (let poll = 0; poll < this.maxPolls; poll++) {
      const out = await this.call(() =>
        this.client.send(new DescribeChangeSetCommand({ ChangeSetName: name, StackName: stackName })),
      );
      if (out.Status === "CREATE_COMPLETE" || out.Status === "FAILED") return out;
      await this.sleep(this.pollMs);
    }
    throw new Error(`Change set ${name} of stack ${stackName} did not finish creating in time.`);
  }

  private async allChanges(
    changeSetId: string,
    stackName: string,
    first: DescribeChangeSetCommandOutput,
  ): Promise<StackChange[]> {
    const changes: Change[] = [...(first.Changes ?? [])];
    let next = first.NextToken;
    while (next) {
      const token = next;
      const page = await this.call(() =>
        this.client.send(
          new DescribeChangeSetCommand({
            ChangeSetName: changeSetId,
            StackName: stackName,
            NextToken: token,
          }),
        ),
      );
      changes.push(...(page.Changes ?? []));
      next = page.NextToken;
    }
    return changes.flatMap((c) => {
      const r = c.ResourceChange;
      if (!r?.LogicalResourceId || !r.ResourceType) return [];
      const action = r.Action === "Add" || r.Action === "Remove" ? r.Action : "Modify";
      const properties = [
        ...new Set(
          (r.Details ?? []).map((d) => d.Target?.Name).filter((n): n is string => typeof n === "string"),
        ),
      ].sort();
      return [
        {
          action,
          logicalId: r.LogicalResourceId,
          resourceType: r.ResourceType,
          ...(action === "Modify" && r.Replacement ? { replacement: r.Replacement } : {}),
          ...(action === "Modify" && properties.length > 0 ? { properties } : {}),
        },
      ];
    });
  }

  /**
   * The service role for a stack's operations, as the `RoleARN` member of a request: its team's for a
   * stack in a namespace (when team roles are set up), else the platform's (none: the caller's).
   */
  private async serviceRole(stackName: string): Promise<{ RoleARN?: string }> {
    const namespace = this.options.teamRoles
      ? namespaceOfStack(this.options.stackPrefix ?? "", stackName)
      : undefined;
    if (namespace) return { RoleARN: await this.options.teamRoles!.roleArnFor(namespace) };
    return this.options.roleArn ? { RoleARN: this.options.roleArn } : {};
  }

  private async deleteAndWait(stackId: string, token: string, role: { RoleARN?: string }): Promise<void> {
    await this.call(() =>
      this.client.send(new DeleteStackCommand({ StackName: stackId, ClientRequestToken: token, ...role })),
    );
    for (let poll = 0; poll < this.maxPolls; poll++) {
      const stack = await this.findStack(stackId);
      if (!stack || stack.StackStatus === "DELETE_COMPLETE") return;
      if (stack.StackStatus === "DELETE_FAILED") {
        throw new DeployerError(
          "stack-needs-action",
          `Deleting the rolled-back stack failed: ${stack.StackStatusReason}`,
        );
      }
      await this.sleep(this.pollMs);
    }
    throw new Error(`Stack ${stackId} in ROLLBACK_COMPLETE was not deleted in time.`);
  }

  /**
   * The events of the operation with `token`, oldest first, and the stack's newest event. Events
   * come newest first and are paged; an operation's events are contiguous, so paging stops at the
   * first older event with another token.
   */
  private async operationEvents(
    stackId: string,
    token: string,
  ): Promise<{ newest?: CfnStackEvent; operation: CfnStackEvent[] }> {
    const mine: CfnStackEvent[] = [];
    let newest: CfnStackEvent | undefined;
    let next: string | undefined;
    let seenMine = false;
    do {
      const page = await this.call(() =>
        this.client.send(
          new DescribeStackEventsCommand({ StackName: stackId, ...(next ? { NextToken: next } : {}) }),
        ),
      );
      for (const event of page.StackEvents ?? []) {
        newest ??= event;
        if (event.ClientRequestToken === token) {
          seenMine = true;
          mine.push(event);
        } else if (seenMine) {
          return { newest, operation: mine.reverse() };
        }
      }
      next = page.NextToken;
    } while (next);
    return { newest, operation: mine.reverse() };
  }
}

function parameterList(values: Record<string, string>) {
  return Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
}

function toEvent(e: CfnStackEvent) {
  return {
    id: e.EventId!,
    timestamp: (e.Timestamp instanceof Date ? e.Timestamp : new Date(e.Timestamp ?? 0)).toISOString(),
    logicalId: e.LogicalResourceId ?? "",
    resourceType: e.ResourceType ?? "",
    status: e.ResourceStatus ?? "",
    ...(e.ResourceStatusReason ? { reason: e.ResourceStatusReason } : {}),
    ...(e.PhysicalResourceId ? { physicalId: e.PhysicalResourceId } : {}),
  };
}

/** The reasons of the resources that failed (not the "cancelled" ones that followed), else the stack's. */
function failureReason(operation: CfnStackEvent[], stack: Stack): string | undefined {
  const failed = operation.filter(
    (e) => e.ResourceStatus?.endsWith("_FAILED") && e.ResourceType !== STACK_TYPE && e.ResourceStatusReason,
  );
  const real = failed.filter((e) => !/cancell?ed/i.test(e.ResourceStatusReason!));
  const chosen = real.length > 0 ? real : failed;
  if (chosen.length > 0)
    return chosen.map((e) => `${e.LogicalResourceId}: ${e.ResourceStatusReason}`).join("; ");
  const stackFailure = [...operation]
    .reverse()
    .find((e) => e.ResourceType === STACK_TYPE && e.ResourceStatusReason);
  return stackFailure?.ResourceStatusReason ?? stack.StackStatusReason;
}
