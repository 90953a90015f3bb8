import type { Offers } from "../config/checks.js";
import { type ConfigPath, type ConfigProblem, formatPath } from "../config/problem.js";
import type { ConfigBase, ResourceBase } from "../config/schema/root.js";
import { dict, own } from "../prototype-safe.js";
import { NAME_LIMITS, physicalName, stackName } from "./naming.js";
import { type CfnParameter, type CfnResource, type IamStatement, type Intrinsic, sub } from "./template.js";
import type { TeamDomain, TenantScope } from "./tenancy/scope.js";

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
  /**
   * What the deploying team's stacks may name (api/compiler/tenancy): when set, the final template
   * is checked against it and every name or ARN outside it is a config error.
   */
  tenancy?: TenantScope;
  /**
   * The domains registered to the deploying team (its scope's `domains`): custom domains under them
   * get their certificate and DNS record from the registration, as Stacktape's `domain-add` gives
   * them. Undefined when compiling for no team (a platform admin's validation): then only custom
   * domains with customCertificateArn compile, and without their record.
   */
  domains?: readonly TeamDomain[];
  /**
   * The deploying team's global alarms, all of them, as `GlobalAlarmSchema` parsed them
   * (api/resources/concerns/alarms/global.ts): the alarms concern applies those for this project
   * and stage. Unset outside a team: none apply.
   */
  globalAlarms?: readonly GlobalAlarmDefinition[];
}

/** What the core knows of a global alarm; the alarms concern knows the rest of its shape. */
export interface GlobalAlarmDefinition {
  readonly name: string;
  readonly trigger: { readonly type: string };
  readonly forServices?: readonly string[];
  readonly forStages?: readonly string[];
}

/**
 * What the compiler asks a resource type (api/resources/) for: its resources, its params, what
 * connecting to it grants, what it offers other resources' triggers. The core knows no type itself.
 */
export interface ResourceCompiler<R extends ResourceBase = ResourceBase> {
  /** Adds the resource's CloudFormation resources (and those of its triggers) to the context. */
  compile(name: string, resource: R, ctx: CompileContext): void;
  /** Concerns several types share (alarms, ...): each adds its resources after the type's own. */
  readonly concerns?: readonly { compile(name: string, resource: R, ctx: CompileContext): void }[];
  /** Referenceable params ($ResourceParam, outputs) as CloudFormation expressions. */
  params(name: string, resource: R): Record<string, unknown>;
  /** What `connectTo: [<this resource>]` grants the connecting workload. */
  connect?(name: string, resource: R, ctx: CompileContext): ConnectGrant;
  readonly offers?: Offers;
  /**
   * Emits the policy on this resource that others' triggers asked for (`addResourcePolicyStatement`),
   * once every resource is compiled.
   */
  resourcePolicy?(name: string, statements: unknown[], ctx: CompileContext): void;
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
  /**
   * The config property a template property came from, where it is not the resource as a whole
   * (a rule's EventBusName from a trigger's `eventBusArn`): logical ID → dotted property → path.
   */
  readonly origins = new Map<string, Map<string, ConfigPath>>();
  /** The same for objects placed in the template as they are (a workload's `iamRoleStatements`). */
  readonly nodeOrigins = new WeakMap<object, ConfigPath>();
  /** Where each dynamic reference (`{{resolve:...}}`) was written as a directive (`$Secret`, `$SsmParam`). */
  readonly dynamicReferenceOrigins = new Map<string, ConfigPath>();
  /** Policy statements other resources' triggers need on a resource, by its name (see resourcePolicy). */
  readonly resourcePolicyStatements = new Map<string, unknown[]>();

  constructor(
    readonly config: ConfigBase,
    readonly target: CompileTarget,
    private readonly compilerOf: (resource: ResourceBase) => ResourceCompiler,
  ) {
    this.stack = target.stackName ?? stackName(target.project, target.stage, target.stackPrefix);
  }

  /** Records that `property` (dotted) of `logicalId` comes from the config element at `path`. */
  origin(logicalId: string, property: string, path: ConfigPath): void {
    const byProperty = this.origins.get(logicalId) ?? new Map<string, ConfigPath>();
    byProperty.set(property, path);
    this.origins.set(logicalId, byProperty);
  }

  /**
   * Names of resources nested in a config resource (a batch job's trigger function), by the config
   * resource that owns what is added under them: overrides and problems go to the owner.
   */
  readonly nestedOwners = new Map<string, string>();

  add(nameOrNested: string, logicalId: string, resource: CfnResource): string {
    const owner = this.nestedOwners.get(nameOrNested) ?? nameOrNested;
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

  resource(name: string): ResourceBase {
    return this.config.resources[name]!;
  }

  /** Params a concern adds while compiling (a global alarm's name): stage outputs, not `$ResourceParam`. */
  private readonly compiledParams = new Map<string, Map<string, unknown>>();

  addParam(name: string, param: string, value: unknown): void {
    const params = this.compiledParams.get(name) ?? new Map<string, unknown>();
    params.set(param, value);
    this.compiledParams.set(name, params);
  }

  /** The referenceable params of a config resource ({} when there is none by that name). */
  params(name: string): Record<string, unknown> {
    const resource = own(this.config.resources, name);
    if (!resource) return {};
    const params = this.compilerOf(resource).params(name, resource);
    const added = this.compiledParams.get(name);
    return added ? Object.assign(params, Object.fromEntries(added)) : params;
  }

  /** What connecting to a config resource grants (undefined when its type grants nothing). */
  connect(name: string): ConnectGrant | undefined {
    const resource = own(this.config.resources, name);
    return resource ? this.compilerOf(resource).connect?.(name, resource, this) : undefined;
  }

  /** The ARN of a config resource as a dead-letter queue (checked at load time: its type offers one). */
  deadLetterQueueArn(name: string): unknown {
    const resource = own(this.config.resources, name);
    return resource ? this.compilerOf(resource).offers?.deadLetterQueue?.(name) : undefined;
  }

  /** Compiles every config resource, then the resource policies their triggers asked for. */
  compileResources(): void {
    for (const [name, resource] of Object.entries(this.config.resources)) {
      const compiler = this.compilerOf(resource);
      compiler.compile(name, resource, this);
      for (const concern of compiler.concerns ?? []) concern.compile(name, resource, this);
    }
    for (const [name, statements] of this.resourcePolicyStatements)
      this.compilerOf(this.resource(name)).resourcePolicy?.(name, statements, this);
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

  /** A statement the policy on config resource `name` must hold (a queue a rule delivers to, ...). */
  addResourcePolicyStatement(name: string, statement: unknown): void {
    const list = this.resourcePolicyStatements.get(name) ?? [];
    list.push(statement);
    this.resourcePolicyStatements.set(name, list);
  }
}

export interface ConnectGrant {
  statements: IamStatement[];
  environment: Record<string, unknown>;
}
