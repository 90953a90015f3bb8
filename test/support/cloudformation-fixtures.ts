/**
 * CloudFormation's answers, shaped as the SDK types them, for tests that drive the CloudFormation
 * adapter through aws-sdk-client-mock. Every builder takes the stack it speaks of, so a test's
 * stack name, ARN and tokens stay visible in the test.
 */
import {
  type Change,
  type ChangeAction,
  ChangeSetNotFoundException,
  type ChangeSetStatus,
  type CloudFormationClient,
  CloudFormationServiceException,
  CreateChangeSetCommand,
  type CreateChangeSetCommandOutput,
  DescribeChangeSetCommand,
  type DescribeChangeSetCommandOutput,
  type DescribeStackEventsCommandOutput,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
  ExecuteChangeSetCommand,
  type ExecutionStatus,
  type ListStackResourcesCommandOutput,
  type Output,
  type ResourceChange,
  type ResourceStatus,
  type Stack,
  type StackEvent,
  type StackResourceSummary,
  type StackStatus,
} from "@aws-sdk/client-cloudformation";
import type { AwsClientStub } from "aws-sdk-client-mock";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";

/** The metadata the SDK puts on every successful output. */
export const meta = { $metadata: { httpStatusCode: 200, requestId: "req-1" } };

/** The service role CloudFormation runs Switchyard's stacks with. */
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/Switchyard-CfnServiceRole`;

/** A deployment's token: the change set's name and every call's ClientRequestToken. */
export const TOKEN = "sy-01JD5Z3M9X2Q8R7T6Y5W4V3Q2S";

/** A stack as CloudFormation names it: by name, and by the ARN it keeps after deletion. */
export interface StackRef {
  StackName: string;
  StackId: string;
}

export const stackRef = (StackName: string, uuid = "8e4b7e30-2f0b-11ef-9c1e-0a1b2c3d4e5f"): StackRef => ({
  StackName,
  StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${StackName}/${uuid}`,
});

export const changeSetArn = (changeSetName: string) =>
  `arn:aws:cloudformation:${REGION}:${ACCOUNT}:changeSet/${changeSetName}/4f1c2d3e`;

/** Query protocol errors keep AWS's codes as names (`ValidationError`, `Throttling`, ...). */
export const serviceError = (name: string, message: string, status = 400) =>
  new CloudFormationServiceException({
    name,
    message,
    $fault: "client",
    $metadata: { httpStatusCode: status },
  });

/** What DescribeStacks (and most calls naming a stack) answer for a stack that is not there. */
export const stackDoesNotExist = (StackName: string) =>
  serviceError("ValidationError", `Stack with id ${StackName} does not exist`);

/** DescribeChangeSet before CreateChangeSet: the SDK's modelled error, HTTP 404. */
export const changeSetNotFound = (changeSetName: string) =>
  new ChangeSetNotFoundException({
    message: `ChangeSet [${changeSetName}] does not exist`,
    $metadata: { httpStatusCode: 404 },
  });

export const outputs = (values: Record<string, string>): Output[] =>
  Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));

/** DescribeStacks' answer: one stack. CreationTime is always there; CloudFormation sets it on create. */
export const describedStack = (
  stack: StackRef,
  StackStatus: StackStatus,
  extra: Partial<Stack> = {},
): DescribeStacksCommandOutput => ({
  ...meta,
  Stacks: [{ ...stack, StackStatus, CreationTime: new Date("2026-11-01T00:00:00Z"), ...extra }],
});

export const createdChangeSet = (stack: StackRef, changeSetName: string): CreateChangeSetCommandOutput => ({
  ...meta,
  Id: changeSetArn(changeSetName),
  StackId: stack.StackId,
});

/** DescribeChangeSet's answer; `extra` carries Changes, NextToken, StatusReason or another StackId. */
export const describedChangeSet = (
  stack: StackRef,
  changeSetName: string,
  Status: ChangeSetStatus,
  ExecutionStatus: ExecutionStatus,
  extra: Partial<DescribeChangeSetCommandOutput> = {},
): DescribeChangeSetCommandOutput => ({
  ...meta,
  ChangeSetName: changeSetName,
  ChangeSetId: changeSetArn(changeSetName),
  ...stack,
  Status,
  ExecutionStatus,
  ...extra,
});

/** One entry of a change set's Changes: a resource and what the change set does to it. */
export const resourceChange = (
  Action: ChangeAction,
  LogicalResourceId: string,
  ResourceType: string,
  extra: Partial<ResourceChange> = {},
): Change => ({ Type: "Resource", ResourceChange: { Action, LogicalResourceId, ResourceType, ...extra } });

/**
 * Builds a stack's events in the order they happen, numbered and timed one second apart. The
 * stack's own events carry its ARN and type; a resource's carry `ResourceType` and a physical ID.
 */
export function stackEvents(stack: StackRef, ResourceType: string) {
  let seq = 0;
  // The SDK types ResourceStatus without the stack-only statuses the stack's own events carry.
  return (
    logicalId: string,
    status: ResourceStatus | StackStatus,
    ClientRequestToken: string,
    extra: Partial<StackEvent> = {},
  ): StackEvent => {
    seq++;
    const ownEvent = logicalId === stack.StackName;
    return {
      ...stack,
      EventId: `${logicalId}-${status}-${seq}`,
      LogicalResourceId: logicalId,
      PhysicalResourceId: ownEvent ? stack.StackId : `${logicalId.toLowerCase()}-physical`,
      ResourceType: ownEvent ? "AWS::CloudFormation::Stack" : ResourceType,
      Timestamp: new Date(Date.UTC(2026, 10, 26, 12, 0, seq)),
      ResourceStatus: status as ResourceStatus,
      ClientRequestToken,
      ...extra,
    };
  };
}

/** DescribeStackEvents answers newest first. */
export const newestFirst = (events: StackEvent[]): DescribeStackEventsCommandOutput => ({
  ...meta,
  StackEvents: [...events].reverse(),
});

/** One row of ListStackResources; drift is NOT_CHECKED until someone runs drift detection. */
export const resourceSummary = (
  LogicalResourceId: string,
  ResourceType: string,
  ResourceStatus: ResourceStatus,
  extra: Partial<StackResourceSummary> = {},
): StackResourceSummary => ({
  LogicalResourceId,
  PhysicalResourceId: `${LogicalResourceId.toLowerCase()}-physical`,
  ResourceType,
  LastUpdatedTimestamp: new Date("2026-11-26T12:00:00Z"),
  ResourceStatus,
  DriftInformation: { StackResourceDriftStatus: "NOT_CHECKED" },
  ...extra,
});

export const listedResources = (
  StackResourceSummaries: StackResourceSummary[],
  NextToken?: string,
): ListStackResourcesCommandOutput => ({
  ...meta,
  StackResourceSummaries,
  ...(NextToken ? { NextToken } : {}),
});

/**
 * Scripts CloudFormation for a stack that does not exist yet: a change set is not found until
 * CreateChangeSet makes it, then is CREATE_COMPLETE and AVAILABLE, and executes.
 */
export function acceptNewStack(cfn: AwsClientStub<CloudFormationClient>, stack: StackRef): void {
  // CloudFormation finds a change set by its name or its ARN.
  const created = new Map<string, string>();
  cfn.on(DescribeStacksCommand).rejects(stackDoesNotExist(stack.StackName));
  cfn.on(CreateChangeSetCommand).callsFake((input: { ChangeSetName: string }) => {
    created
      .set(input.ChangeSetName, input.ChangeSetName)
      .set(changeSetArn(input.ChangeSetName), input.ChangeSetName);
    return createdChangeSet(stack, input.ChangeSetName);
  });
  cfn.on(DescribeChangeSetCommand).callsFake((input: { ChangeSetName: string }) => {
    const name = created.get(input.ChangeSetName);
    if (!name) throw changeSetNotFound(input.ChangeSetName);
    return describedChangeSet(stack, name, "CREATE_COMPLETE", "AVAILABLE");
  });
  cfn.on(ExecuteChangeSetCommand).resolves(meta);
}
