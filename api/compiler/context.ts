import type { Config, ConfigProblem, Resource } from "../config/index.js";
import type { ConfigPath } from "../config/problem.js";
import { formatPath } from "../config/problem.js";
import { dict } from "../prototype-safe.js";
import { NAME_LIMITS, physicalName, stackName } from "./naming.js";
import { type CfnParameter, type CfnResource, type IamStatement, type Intrinsic, sub } from "./template.js";

export type ParameterKind =
  | "code-bucket"
  | "code-key"
  | "image-uri"
  | "subnet-ids"
  | "security-group-ids"
  | "vpc-id";

export interface TemplateParameter {
  name: string;
  kind: ParameterKind;
  /** The config resource the value is for; "platform" for network settings shared by the stack. */
  resource: string;
}

export interface CompileTarget {
  project: string;
  stage: string;
  /**
   * The stack's name when the deployer chose it (a team's namespace: `<prefix><ns>--<project>--<stage>`);
   * otherwise `<prefix><project>-<stage>`. Every physical name starts with it.
   */
  stackName?: string;
  region?: string;
  /**
   * Leads the stack name and every physical name in it (`sy-` in AWS, empty locally): the deploy
   * role may only touch resources named with it, so a name that cannot carry it is a config error.
   */
  stackPrefix?: string;
  /** Set as `PermissionsBoundary` on every `AWS::IAM::Role`; a role with another boundary is refused. */
  permissionsBoundary?: string;
}

/** Mutable state of one compilation; resource modules add to it, index.ts assembles the template. */
export class CompileContext {
  readonly stack: string;
  readonly resources = dict<CfnResource>();
  /** Which config resource owns each logical ID (overrides may only touch their own children). */
  readonly owners = new Map<string, string>();
  readonly parameters: (TemplateParameter & { definition: CfnParameter })[] = [];
  readonly errors: ConfigProblem[] = [];
  readonly warnings: ConfigProblem[] = [];
  /** Logical IDs named by $CfResourceParam/$Param, checked once every resource exists. */
  readonly logicalIdReferences: { path: ConfigPath; logicalId: string; directive: string }[] = [];
  /** SQS queue policy statements per queue resource name, emitted once per queue at the end. */
  readonly queuePolicyStatements = new Map<string, unknown[]>();

  constructor(
    readonly config: Config,
    readonly target: CompileTarget,
  ) {
    this.stack = target.stackName ?? stackName(target.project, target.stage, target.stackPrefix);
  }

  add(owner: string, logicalId: string, resource: CfnResource): string {
    if (this.resources[logicalId]) {
      this.error(
        ["resources", owner],
        `Two resources compile to the logical ID ${logicalId}; rename one of them.`,
      );
    }
    this.resources[logicalId] = resource;
    this.owners.set(logicalId, owner);
    return logicalId;
  }

  parameter(name: string, kind: ParameterKind, resource: string, definition: CfnParameter): Intrinsic {
    if (!this.parameters.some((p) => p.name === name))
      this.parameters.push({ name, kind, resource, definition });
    return { Ref: name };
  }

  error(path: ConfigPath, message: string): void {
    this.errors.push({ path: formatPath(path), message });
  }

  warn(path: ConfigPath, message: string): void {
    this.warnings.push({ path: formatPath(path), message });
  }

  resource(name: string): Resource {
    return this.config.resources[name]!;
  }

  /** The region as a literal when known, else the stack's own region at deploy time. */
  region(): unknown {
    return this.target.region ?? { Ref: "AWS::Region" };
  }

  /**
   * IAM role names are account-global, so they carry the region like Stacktape's (`<stack>-<name>-<region>`).
   * Without a known region the name is completed at deploy time with room left for the longest region.
   */
  roleName(name: string): unknown {
    return this.accountWideName(name, NAME_LIMITS.role);
  }

  /** Names unique per account rather than per region (IAM roles, instance profiles), as roleName. */
  accountWideName(name: string, limit: number): unknown {
    if (this.target.region) return physicalName(`${this.stack}-${name}-${this.target.region}`, limit);
    return sub(`${physicalName(`${this.stack}-${name}`, limit - 15)}-\${AWS::Region}`);
  }

  /** `<stack>-<name>` within an AWS name limit: what every regional physical name looks like. */
  physicalName(name: string, limit: number): string {
    return physicalName(`${this.stack}-${name}`, limit);
  }

  addQueuePolicyStatement(queueName: string, statement: unknown): void {
    const list = this.queuePolicyStatements.get(queueName) ?? [];
    list.push(statement);
    this.queuePolicyStatements.set(queueName, list);
  }
}

export interface ConnectGrant {
  statements: IamStatement[];
  environment: Record<string, unknown>;
}
