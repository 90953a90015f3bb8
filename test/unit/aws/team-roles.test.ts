/**
 * Each team's CloudFormation service role on AWS (#15): the IAM adapter that makes it on the team's
 * first stack operation, and the CloudFormation adapter that runs the team's stacks under it (and
 * stacks named before namespaces under the platform's role). IAM and CloudFormation answer through
 * aws-sdk-client-mock, shaped as the SDKs type them.
 */
import {
  CloudFormationClient,
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
} from "@aws-sdk/client-cloudformation";
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  IAMClient,
  NoSuchEntityException,
  type Role,
} from "@aws-sdk/client-iam";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { CloudFormationDeployer } from "../../../api/aws/cloudformation.js";
import { IamTeamServiceRoles } from "../../../api/aws/team-roles.js";
import type { Template } from "../../../api/deployments/port.js";
import { namespaceOfStack } from "../../../api/teams/service-role.js";
import {
  changeSetNotFound,
  createdChangeSet,
  describedChangeSet,
  describedStack,
  meta,
  ROLE_ARN,
  stackDoesNotExist,
  stackRef,
  TOKEN,
} from "../../support/cloudformation-fixtures.js";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const POLICIES = [
  `arn:aws:iam::${ACCOUNT}:policy/Switchyard-TeamStacksPolicy1-AbC123`,
  `arn:aws:iam::${ACCOUNT}:policy/Switchyard-TeamStacksPolicy2-DeF456`,
];
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/Switchyard-TeamRoleBoundary-GhI789`;
const ROLE_NAME = `sy--payments-${REGION}`;
const TEAM_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/switchyard-teams/${ROLE_NAME}`;

/** A role as IAM's GetRole and CreateRole return it (the trust policy URL-encoded, as IAM sends it). */
const role = (extra: Partial<Role> = {}): Role => ({
  Path: "/switchyard-teams/",
  RoleName: ROLE_NAME,
  RoleId: "AROA5EXAMPLE7ROLEID12",
  Arn: TEAM_ROLE_ARN,
  CreateDate: new Date("2026-12-06T08:00:00Z"),
  AssumeRolePolicyDocument: encodeURIComponent(
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudformation.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
  ),
  MaxSessionDuration: 3600,
  PermissionsBoundary: {
    PermissionsBoundaryType: "PermissionsBoundaryPolicy",
    PermissionsBoundaryArn: BOUNDARY,
  },
  Tags: [{ Key: "switchyard-namespace", Value: "payments" }],
  RoleLastUsed: {},
  ...extra,
});
const noSuchRole = () =>
  new NoSuchEntityException({
    message: `The role with name ${ROLE_NAME} cannot be found.`,
    $metadata: { httpStatusCode: 404, requestId: "req-404" },
  });

const iam = mockClient(IAMClient);
const cfn = mockClient(CloudFormationClient);
// Test files share a worker's modules: the real clients come back for the next file.
afterAll(() => {
  iam.restore();
  cfn.restore();
});
const settles: number[] = [];
const teamRoles = () =>
  new IamTeamServiceRoles({
    client: new IAMClient({ region: REGION }),
    stackPrefix: "sy-",
    region: REGION,
    policyArns: POLICIES,
    boundaryArn: BOUNDARY,
    sleep: async (ms) => {
      settles.push(ms);
    },
  });

beforeEach(() => {
  iam.reset();
  cfn.reset();
  settles.length = 0;
});

describe("a team's service role", () => {
  it("is created on first use: CloudFormation may assume it, bounded, tagged, with the team policies", async () => {
    iam.on(GetRoleCommand).rejects(noSuchRole());
    iam.on(CreateRoleCommand).resolves({ ...meta, Role: role() });
    iam.on(AttachRolePolicyCommand).resolves(meta);

    expect(await teamRoles().roleArnFor("payments")).toBe(TEAM_ROLE_ARN);
    const create = iam.commandCalls(CreateRoleCommand)[0]!.args[0].input;
    expect(create).toMatchObject({
      RoleName: ROLE_NAME,
      Path: "/switchyard-teams/",
      PermissionsBoundary: BOUNDARY,
      Tags: [{ Key: "switchyard-namespace", Value: "payments" }],
    });
    expect(JSON.parse(create.AssumeRolePolicyDocument!)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "cloudformation.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    });
    expect(iam.commandCalls(AttachRolePolicyCommand).map((c) => c.args[0].input)).toEqual(
      POLICIES.map((PolicyArn) => ({ RoleName: ROLE_NAME, PolicyArn })),
    );
    // A new role is given time to reach CloudFormation (IAM is eventually consistent).
    expect(settles).toEqual([10_000]);
  });

  it("is reused when it exists, re-attaching the policies (a creator that died before is repaired)", async () => {
    iam.on(GetRoleCommand).resolves({ ...meta, Role: role() });
    iam.on(AttachRolePolicyCommand).resolves(meta);
    const roles = teamRoles();
    expect(await roles.roleArnFor("payments")).toBe(TEAM_ROLE_ARN);
    expect(iam.commandCalls(CreateRoleCommand)).toHaveLength(0);
    expect(iam.commandCalls(AttachRolePolicyCommand)).toHaveLength(2);
    expect(settles).toEqual([]);
    // Known for the life of the process: no further IAM calls.
    expect(await roles.roleArnFor("payments")).toBe(TEAM_ROLE_ARN);
    expect(iam.commandCalls(GetRoleCommand)).toHaveLength(1);
  });

  it("uses the role another process created meanwhile", async () => {
    iam
      .on(GetRoleCommand)
      .rejectsOnce(noSuchRole())
      .resolves({ ...meta, Role: role() });
    iam.on(CreateRoleCommand).rejects(
      new EntityAlreadyExistsException({
        message: `Role with name ${ROLE_NAME} already exists.`,
        $metadata: { httpStatusCode: 409, requestId: "req-409" },
      }),
    );
    iam.on(AttachRolePolicyCommand).resolves(meta);
    expect(await teamRoles().roleArnFor("payments")).toBe(TEAM_ROLE_ARN);
  });

  it("refuses a role of that name it did not make (no namespace tag, or another boundary)", async () => {
    for (const impostor of [
      role({ Tags: [] }),
      role({ PermissionsBoundary: undefined }),
      role({ Path: "/" }),
    ]) {
      iam.reset();
      iam.on(GetRoleCommand).resolves({ ...meta, Role: impostor });
      await expect(teamRoles().roleArnFor("payments")).rejects.toThrow(
        /exists without the switchyard-namespace/,
      );
      expect(iam.commandCalls(AttachRolePolicyCommand)).toHaveLength(0);
    }
  });

  it("is tried again after IAM failed", async () => {
    const roles = teamRoles();
    iam
      .on(GetRoleCommand)
      .rejectsOnce(
        Object.assign(new Error("Rate exceeded"), { name: "Throttling", $metadata: { httpStatusCode: 400 } }),
      );
    await expect(roles.roleArnFor("payments")).rejects.toThrow("Rate exceeded");
    iam.on(GetRoleCommand).resolves({ ...meta, Role: role() });
    iam.on(AttachRolePolicyCommand).resolves(meta);
    expect(await roles.roleArnFor("payments")).toBe(TEAM_ROLE_ARN);
  });
});

describe("the namespace of a stack", () => {
  it("is the id before the first -- after the prefix; stacks named before namespaces have none", () => {
    expect(namespaceOfStack("sy-", "sy-payments--orders--dev")).toBe("payments");
    expect(namespaceOfStack("sy-", "sy-pay-ments--orders--dev")).toBe("pay-ments");
    expect(namespaceOfStack("sy-", "sy-orders-dev")).toBeUndefined();
    expect(namespaceOfStack("sy-", "other-payments--orders--dev")).toBeUndefined();
    expect(namespaceOfStack("sy-", "sy---x--dev")).toBeUndefined();
  });
});

describe("CloudFormation under the team's role", () => {
  const TEAM_STACK = stackRef("sy-payments--orders--dev");
  const LEGACY_STACK = stackRef("sy-orders-dev");
  const template: Template = {
    Resources: {
      BusEventBus: { Type: "AWS::Events::EventBus", Properties: { Name: "sy-payments--orders--dev-bus" } },
    },
  };
  const deployer = () => {
    iam.on(GetRoleCommand).resolves({ ...meta, Role: role() });
    iam.on(AttachRolePolicyCommand).resolves(meta);
    return new CloudFormationDeployer({
      client: new CloudFormationClient({ region: REGION }),
      roleArn: ROLE_ARN,
      teamRoles: teamRoles(),
      stackPrefix: "sy-",
      pollMs: 1,
      sleep: async () => {},
    });
  };
  /** CloudFormation creating `stack`; `rolledBack`: it was left in ROLLBACK_COMPLETE, and is deleted first. */
  const creates = (stack: typeof TEAM_STACK, rolledBack = false) => {
    const describe = cfn.on(DescribeStacksCommand);
    if (rolledBack) {
      describe.resolvesOnce(describedStack(stack, "ROLLBACK_COMPLETE"));
      cfn.on(DeleteStackCommand).resolves(meta);
    }
    describe.rejects(stackDoesNotExist(stack.StackName));
    cfn
      .on(DescribeChangeSetCommand)
      .rejectsOnce(changeSetNotFound(TOKEN))
      .resolves(describedChangeSet(stack, TOKEN, "CREATE_COMPLETE", "AVAILABLE"));
    cfn.on(CreateChangeSetCommand).resolves(createdChangeSet(stack, TOKEN));
    cfn.on(ExecuteChangeSetCommand).resolves(meta);
  };

  it("creates a team's stack through a change set CloudFormation runs as the team's role", async () => {
    creates(TEAM_STACK);
    await deployer().start({ stackName: TEAM_STACK.StackName, template, parameters: {}, token: TOKEN });
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.RoleARN).toBe(TEAM_ROLE_ARN);
    // ExecuteChangeSet takes no role: the change set runs under the one it was created with.
    expect(cfn.commandCalls(ExecuteChangeSetCommand)[0]!.args[0].input).not.toHaveProperty("RoleARN");
  });

  it("keeps a stack named before namespaces under the platform's role", async () => {
    creates(LEGACY_STACK);
    await deployer().start({ stackName: LEGACY_STACK.StackName, template, parameters: {}, token: TOKEN });
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.RoleARN).toBe(ROLE_ARN);
    expect(iam.commandCalls(GetRoleCommand)).toHaveLength(0);
  });

  it("deletes and continues the rollback of a team's stack as the team's role", async () => {
    const d = deployer();
    cfn.on(DescribeStacksCommand).resolves(describedStack(TEAM_STACK, "UPDATE_COMPLETE"));
    cfn.on(DeleteStackCommand).resolves(meta);
    await d.teardown({ stackName: TEAM_STACK.StackName, token: TOKEN });
    expect(cfn.commandCalls(DeleteStackCommand)[0]!.args[0].input).toEqual({
      StackName: TEAM_STACK.StackId,
      ClientRequestToken: TOKEN,
      RoleARN: TEAM_ROLE_ARN,
    });

    cfn.reset();
    cfn.on(DescribeStacksCommand).resolves(describedStack(TEAM_STACK, "UPDATE_ROLLBACK_FAILED"));
    cfn.on(DescribeStackEventsCommand).resolves({ ...meta, StackEvents: [] });
    cfn.on(ContinueUpdateRollbackCommand).resolves(meta);
    await d.continueRollback({ stackName: TEAM_STACK.StackName, token: TOKEN });
    expect(cfn.commandCalls(ContinueUpdateRollbackCommand)[0]!.args[0].input.RoleARN).toBe(TEAM_ROLE_ARN);
  });

  it("clears a team's stack left in ROLLBACK_COMPLETE as the team's role before creating it again", async () => {
    creates(TEAM_STACK, true);
    await deployer().start({ stackName: TEAM_STACK.StackName, template, parameters: {}, token: TOKEN });
    expect(cfn.commandCalls(DeleteStackCommand)[0]!.args[0].input.RoleARN).toBe(TEAM_ROLE_ARN);
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.RoleARN).toBe(TEAM_ROLE_ARN);
  });
});
