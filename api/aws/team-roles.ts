/**
 * Each team's CloudFormation service role (api/teams/service-role.ts), created through IAM on the
 * team's first stack operation and reused after: a role CloudFormation alone may assume, tagged with
 * the namespace, bounded by the platform's boundary, with infra/'s team policy attached. Every step is
 * idempotent, so a process that died between two of them is repaired by the next call.
 */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  type IAMClient,
  type Role,
} from "@aws-sdk/client-iam";
import { TEAM_NAMESPACE_TAG, TEAM_ROLE_PATH, teamServiceRoleName } from "../teams/service-role.js";

/** The role a team's stacks run under. */
export interface TeamServiceRoles {
  roleArnFor(namespace: string): Promise<string>;
}

export interface IamTeamServiceRolesOptions {
  client: IAMClient;
  stackPrefix: string;
  region: string;
  /** infra/'s managed policies for every team role (their ARNs take the namespace from the role's tag). */
  policyArns: readonly string[];
  /** The permissions boundary every team role carries (infra/: the platform's own scope). */
  boundaryArn: string;
  /** How long a new role is given before CloudFormation is told to assume it (IAM is eventually consistent). */
  settleMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "cloudformation.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
});

export class IamTeamServiceRoles implements TeamServiceRoles {
  private readonly known = new Map<string, Promise<string>>();

  constructor(private readonly options: IamTeamServiceRolesOptions) {}

  roleArnFor(namespace: string): Promise<string> {
    let arn = this.known.get(namespace);
    if (!arn) {
      arn = this.ensure(namespace);
      this.known.set(namespace, arn);
      // A failure is not remembered: the next operation tries again.
      arn.catch(() => this.known.delete(namespace));
    }
    return arn;
  }

  private async ensure(namespace: string): Promise<string> {
    const { client, stackPrefix, region, policyArns, boundaryArn } = this.options;
    const RoleName = teamServiceRoleName(stackPrefix, namespace, region);
    let role = await this.find(RoleName);
    if (role && !carries(role, namespace, boundaryArn)) {
      // Not one this control plane made: never hand a stack a role of unknown rights.
      throw new Error(
        `IAM role ${RoleName} exists without the ${TEAM_NAMESPACE_TAG}=${namespace} tag or the permissions boundary ${boundaryArn}; remove it or fix it by hand.`,
      );
    }
    let created = false;
    if (!role) {
      try {
        role = (
          await client.send(
            new CreateRoleCommand({
              RoleName,
              Path: TEAM_ROLE_PATH,
              AssumeRolePolicyDocument: TRUST_POLICY,
              Description: `CloudFormation service role of the Switchyard team namespace ${namespace}.`,
              PermissionsBoundary: boundaryArn,
              Tags: [{ Key: TEAM_NAMESPACE_TAG, Value: namespace }],
            }),
          )
        ).Role;
        created = true;
      } catch (err) {
        // Another process created it meanwhile: use that one.
        if ((err as Error).name !== "EntityAlreadyExistsException") throw err;
        role = await this.find(RoleName);
      }
    }
    if (!role?.Arn) throw new Error(`IAM did not return the role ${RoleName}.`);
    // Attaching an attached policy changes nothing; a role whose creator died before this gets them now.
    for (const PolicyArn of policyArns)
      await client.send(new AttachRolePolicyCommand({ RoleName, PolicyArn }));
    if (created) await (this.options.sleep ?? delay)(this.options.settleMs ?? 10_000);
    return role.Arn;
  }

  private async find(RoleName: string): Promise<Role | undefined> {
    try {
      return (await this.options.client.send(new GetRoleCommand({ RoleName }))).Role;
    } catch (err) {
      if ((err as Error).name === "NoSuchEntityException") return undefined;
      throw err;
    }
  }
}

function carries(role: Role, namespace: string, boundaryArn: string): boolean {
  return (
    role.Path === TEAM_ROLE_PATH &&
    role.PermissionsBoundary?.PermissionsBoundaryArn === boundaryArn &&
    (role.Tags ?? []).some((t) => t.Key === TEAM_NAMESPACE_TAG && t.Value === namespace)
  );
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
