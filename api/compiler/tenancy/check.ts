/**
 * The tenant namespace check (#15): every physical name a template sets and every name or ARN it
 * refers to must lie in the deploying team's namespace, be a bus shared with the team for that use,
 * or be something a platform admin allowed for the team. Works on a template as compiled (intrinsics
 * evaluated as far as they go, api/compiler/tenancy/symbolic.ts) and on properties the local engine
 * resolved, so both apply one rule.
 *
 * What is looked at, per resource:
 * - its own name (the `Name`-like property of its type);
 * - the properties that point at another resource: a rule's bus (none: the default bus) and
 *   targets, a permission's function, a queue policy's queues, an IAM policy's roles, ...;
 * - every statement of its IAM and resource policies (Allow only; NotAction/NotResource refused;
 *   `"*"` only for actions that cannot be scoped, or of services whose resources no stack creates);
 * - the host names it attaches and the DNS records it writes (hosts.ts): records only under the
 *   team's registered domains, in their hosted zones;
 * - any other ARN anywhere in its properties, also inside text such as a state machine definition,
 *   except where a value is data (event patterns, target input, environment, tags, descriptions).
 * A value that cannot be resolved where a name or ARN goes is refused: it could name anything.
 */
import { hasOwn, own } from "../../prototype-safe.js";
import { LOG_GROUP_HEADS, SCOPED_NAMES } from "../scoped-names.js";
import { checkHosts } from "./hosts.js";
import {
  AWS_MANAGED_NAMES,
  NAMED_SERVICES,
  type NameKind,
  namesIn,
  parseArn,
  UNSCOPED_ACTIONS,
} from "./names.js";
import { type BusAccess, matchesPattern, type TenantScope } from "./scope.js";
import { display, type EvaluationContext, evaluate, OWN, UNKNOWN } from "./symbolic.js";

export interface TenancyViolation {
  logicalId: string;
  type: string;
  /** Where in the resource's Properties, e.g. `["Targets", 0, "Arn"]`. */
  property: (string | number)[];
  message: string;
  /** The policy statement it is in, and where in it: a config may have placed the statement as written. */
  statement?: { node: object; at: (string | number)[] };
  /** The dynamic reference it is about (`{{resolve:secretsmanager:...}}`), as written in the template. */
  dynamicReference?: string;
}

export interface TenancyCheckInput {
  resources: Readonly<
    Record<string, { Type: string; Properties?: Record<string, unknown>; UpdatePolicy?: unknown }>
  >;
  scope: TenantScope;
  stack: string;
  /** Template Parameters the platform fills (artifacts, network): values no config chooses. */
  platformParameters?: ReadonlySet<string>;
  /** The platform's permissions boundary, which every role carries and no team owns. */
  permissionsBoundary?: string;
}

/** What a reference is for; a bus share allows `subscribe` and/or `publish`, nothing else. */
type Use = BusAccess | "other";

/** The property of each type that holds its own name. */
const NAME_PROPERTIES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(SCOPED_NAMES).map(([type, { property }]) => [type, property])),
  "AWS::SNS::Topic": "TopicName",
  "AWS::Events::Connection": "Name",
  "AWS::Events::ApiDestination": "Name",
  "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
  "AWS::IAM::User": "UserName",
  "AWS::IAM::Group": "GroupName",
  "AWS::ECS::TaskDefinition": "Family",
  "AWS::ECS::Service": "ServiceName",
};

/** Log groups may sit under the heads AWS services write to (`/aws/lambda/<function>`, ...). */
const NAME_HEADS: Readonly<Record<string, readonly string[]>> = {
  "AWS::Logs::LogGroup": LOG_GROUP_HEADS,
};

type RefKind =
  | "bus"
  | "function"
  | "queue-url"
  | "role"
  | "user"
  | "group"
  | "log-group"
  | "codedeploy-application"
  | "deployment-group"
  | "arn";

interface ReferenceProperty {
  path: readonly (string | "*")[];
  kind: RefKind;
  use: Use;
  /** What a missing value means (a rule without EventBusName is on the default bus). */
  absent?: string;
}

const REFERENCES: Readonly<Record<string, readonly ReferenceProperty[]>> = {
  "AWS::Events::Rule": [
    { path: ["EventBusName"], kind: "bus", use: "subscribe", absent: "default" },
    { path: ["Targets", "*", "Arn"], kind: "arn", use: "publish" },
  ],
  "AWS::Events::EventBusPolicy": [{ path: ["EventBusName"], kind: "bus", use: "other", absent: "default" }],
  "AWS::Events::Archive": [{ path: ["SourceArn"], kind: "arn", use: "other" }],
  "AWS::Lambda::Permission": [{ path: ["FunctionName"], kind: "function", use: "other" }],
  "AWS::Lambda::EventSourceMapping": [{ path: ["FunctionName"], kind: "function", use: "other" }],
  "AWS::SQS::QueuePolicy": [{ path: ["Queues", "*"], kind: "queue-url", use: "other" }],
  "AWS::SNS::TopicPolicy": [{ path: ["Topics", "*"], kind: "arn", use: "other" }],
  "AWS::SNS::Subscription": [{ path: ["TopicArn"], kind: "arn", use: "other" }],
  "AWS::IAM::Policy": principals(),
  "AWS::IAM::ManagedPolicy": principals(),
  "AWS::IAM::RolePolicy": [{ path: ["RoleName"], kind: "role", use: "other" }],
  "AWS::IAM::InstanceProfile": [{ path: ["Roles", "*"], kind: "role", use: "other" }],
  "AWS::Logs::SubscriptionFilter": [{ path: ["LogGroupName"], kind: "log-group", use: "other" }],
  "AWS::Logs::MetricFilter": [{ path: ["LogGroupName"], kind: "log-group", use: "other" }],
  "AWS::CodeDeploy::DeploymentGroup": [
    { path: ["ApplicationName"], kind: "codedeploy-application", use: "other" },
  ],
};

/**
 * What a resource's `UpdatePolicy` names: an alias update runs a deployment of a CodeDeploy group
 * that invokes the hooks, so each must be the team's (paths from the resource, not its Properties).
 */
const UPDATE_POLICY_REFERENCES: Readonly<Record<string, readonly ReferenceProperty[]>> = {
  "AWS::Lambda::Alias": [
    {
      path: ["UpdatePolicy", "CodeDeployLambdaAliasUpdate", "ApplicationName"],
      kind: "codedeploy-application",
      use: "other",
    },
    {
      path: ["UpdatePolicy", "CodeDeployLambdaAliasUpdate", "DeploymentGroupName"],
      kind: "deployment-group",
      use: "other",
    },
    {
      path: ["UpdatePolicy", "CodeDeployLambdaAliasUpdate", "BeforeAllowTrafficHook"],
      kind: "function",
      use: "other",
    },
    {
      path: ["UpdatePolicy", "CodeDeployLambdaAliasUpdate", "AfterAllowTrafficHook"],
      kind: "function",
      use: "other",
    },
  ],
};

function principals(): ReferenceProperty[] {
  return [
    { path: ["Roles", "*"], kind: "role", use: "other" },
    { path: ["Users", "*"], kind: "user", use: "other" },
    { path: ["Groups", "*"], kind: "group", use: "other" },
  ];
}

/** Where IAM and resource policies sit: a document, or (`statement`) one statement. */
const POLICIES: Readonly<Record<string, readonly { path: readonly (string | "*")[]; statement?: true }[]>> = {
  "AWS::IAM::Role": [{ path: ["Policies", "*", "PolicyDocument"] }],
  "AWS::IAM::User": [{ path: ["Policies", "*", "PolicyDocument"] }],
  "AWS::IAM::Group": [{ path: ["Policies", "*", "PolicyDocument"] }],
  "AWS::IAM::Policy": [{ path: ["PolicyDocument"] }],
  "AWS::IAM::ManagedPolicy": [{ path: ["PolicyDocument"] }],
  "AWS::IAM::RolePolicy": [{ path: ["PolicyDocument"] }],
  "AWS::SQS::QueuePolicy": [{ path: ["PolicyDocument"] }],
  "AWS::SNS::TopicPolicy": [{ path: ["PolicyDocument"] }],
  "AWS::Events::EventBus": [{ path: ["Policy"] }],
  "AWS::Events::EventBusPolicy": [{ path: ["Policy"] }, { path: ["Statement"], statement: true }],
  "AWS::Logs::LogGroup": [{ path: ["ResourcePolicyDocument"] }],
  "AWS::Logs::ResourcePolicy": [{ path: ["PolicyDocument"] }],
};

/** Keys whose values are data, never a reference: event patterns, target input, environment, ... */
const DATA_KEYS = new Set([
  "EventPattern",
  "Input",
  "InputPath",
  "InputTransformer",
  "Description",
  "Tags",
  "Environment",
  "AssumeRolePolicyDocument",
  "Metadata",
  "Condition",
  "Principal",
]);

/** Keys that hold names or ARNs of other resources: an unresolved value there is refused. */
const REFERENCE_KEY = /(Arn|ARN|Arns)$|^(Role|Roles|Resource|Queues|Topics|FunctionName|EventBusName)$/;

const ARN_IN_TEXT = /arn:[^"'\s,)}\]]+/g;

/** Every ARN in a text, those inside another's too (a Lambda's ARN in an API Gateway integration URI). */
function arnsIn(text: string): string[] {
  const found = text.startsWith("arn:") ? [text] : (text.match(ARN_IN_TEXT) ?? []);
  return found.flatMap((arn) => [
    arn,
    // An integration URI ends `.../functions/<function ARN>/invocations`.
    ...[...arn.slice(1).matchAll(ARN_IN_TEXT)].map((m) => m[0].replace(/\/invocations$/, "")),
  ]);
}

export function checkTenancy(input: TenancyCheckInput): TenancyViolation[] {
  const violations: TenancyViolation[] = [];
  const { scope } = input;
  const evaluation: EvaluationContext = {
    resources: input.resources,
    stack: input.stack,
    ...(input.platformParameters ? { platformParameters: input.platformParameters } : {}),
    ...(scope.region ? { region: scope.region } : {}),
    ...(scope.account ? { account: scope.account } : {}),
    ...(scope.partition ? { partition: scope.partition } : {}),
  };
  const outside = `team ${scope.team}'s namespace (its names start with ${scope.namePrefixes.map((p) => `"${p}"`).join(" or ")})`;

  for (const [logicalId, resource] of Object.entries(input.resources)) {
    const type = resource.Type;
    const props = resource.Properties ?? {};
    let statementNode: { node: object; path: (string | number)[] } | undefined;
    const report = (property: (string | number)[], message: string) =>
      violations.push({
        logicalId,
        type,
        property,
        message,
        ...(statementNode && property.length >= statementNode.path.length
          ? { statement: { node: statementNode.node, at: property.slice(statementNode.path.length) } }
          : {}),
      });
    const handled = new Set<string>();

    // Its own name.
    const nameProperty = own(NAME_PROPERTIES, type);
    if (nameProperty && hasOwn(props, nameProperty)) {
      handled.add(nameProperty);
      for (const value of evaluate(props[nameProperty], evaluation) ?? [UNKNOWN]) {
        if (value.includes(UNKNOWN)) {
          report(
            [nameProperty],
            `its ${nameProperty} cannot be resolved before deployment, so it could take any name; give it a literal name or \${AWS::StackName}-....`,
          );
        } else if (!nameIsOurs(value, own(NAME_HEADS, type) ?? [""])) {
          report(
            [nameProperty],
            `${nameProperty} is "${display(value)}", which is outside ${outside}. Remove the name to get one, or start it with the stack's name.`,
          );
        }
      }
    }

    // What it points at.
    // A schedule rule sits on the default bus but reads no one's events, only the time.
    const scheduleOnly =
      type === "AWS::Events::Rule" && hasOwn(props, "ScheduleExpression") && !hasOwn(props, "EventPattern");
    for (const reference of own(REFERENCES, type) ?? []) {
      const found = at(props, reference.path);
      if (
        found.length === 0 &&
        reference.absent !== undefined &&
        !(scheduleOnly && reference.kind === "bus")
      ) {
        checkReference(reference.absent, reference, [reference.path[0] as string], true);
      }
      for (const [value, path] of found) {
        handled.add(path.join("."));
        for (const text of evaluate(value, evaluation) ?? [UNKNOWN])
          checkReference(text, reference, path, false);
      }
    }

    // What its update policy names.
    for (const reference of own(UPDATE_POLICY_REFERENCES, type) ?? []) {
      for (const [value, path] of at(resource, reference.path))
        for (const text of evaluate(value, evaluation) ?? [UNKNOWN])
          checkReference(text, reference, path, false);
    }

    // Its policies.
    for (const policy of own(POLICIES, type) ?? []) {
      for (const [value, path] of at(props, policy.path)) {
        handled.add(path.join("."));
        if (policy.statement) checkStatement(value, path);
        else checkDocument(value, path);
      }
    }

    // The host names it attaches, and the DNS records it writes.
    checkHosts(type, props, scope, evaluation, report);

    // Any other ARN.
    scan(props, [], handled);

    // The secrets and parameters CloudFormation resolves into it: data or not, each must be the team's.
    // A value refused already where a name goes (it cannot be resolved) is not refused twice.
    const reported = new Set(
      violations.filter((v) => v.logicalId === logicalId).map((v) => v.property.join(".")),
    );
    walkDynamicReferences(resource, [], (found, path) => {
      const where = path[0] === "Properties" ? path.slice(1) : path;
      const problem = reported.has(where.join(".")) ? undefined : dynamicReferenceProblem(found);
      if (problem)
        violations.push({
          logicalId,
          type,
          property: where,
          message: `${where.join(".") || "a property"} ${problem} A team's secrets and parameters are named ${scope.namePrefixes.map((p) => `"${p}..."`).join(" or ")}.`,
          dynamicReference: found.text,
        });
    });

    function checkReference(
      text: string,
      reference: ReferenceProperty,
      path: (string | number)[],
      absent: boolean,
    ) {
      // AWS::NoValue: as if the property were not there.
      if (text === "" && reference.absent !== undefined && !absent)
        return checkReference(reference.absent, reference, path, true);
      if (text === "" || text.startsWith(OWN)) return;
      if (text.includes(UNKNOWN)) {
        report(
          path,
          `${path.join(".")} cannot be resolved before deployment, so it could name another team's resource; name it literally or by a resource of this stack.`,
        );
        return;
      }
      // A rule on the default bus that hears only this team's alarms reads nothing of anyone else's.
      if (
        type === "AWS::Events::Rule" &&
        reference.kind === "bus" &&
        text === "default" &&
        hearsOwnAlarmsOnly(props)
      )
        return;
      const problem = text.startsWith("arn:")
        ? arnProblem(text, reference.use)
        : reference.kind === "arn"
          ? `is "${display(text)}", which is not an ARN.`
          : plainNameProblem(text, reference.kind, reference.use);
      if (!problem) return;
      report(
        path,
        absent
          ? `has no ${path.join(".")}: it is on the account's default event bus, outside ${outside}; a platform admin must allow that bus for team ${scope.team} (PUT /v1/teams/${scope.team}/allowed-resources).`
          : `${path.join(".")} ${problem}`,
      );
    }

    function checkDocument(document: unknown, path: (string | number)[]) {
      let doc = document;
      const texts = evaluate(document, evaluation);
      if (texts) {
        // A policy given as JSON text.
        if (texts.some((t) => t.includes(UNKNOWN) || t.includes(OWN))) {
          report(path, "the policy document cannot be resolved before deployment; write it as an object.");
          return;
        }
        try {
          doc = JSON.parse(texts[0]!);
        } catch {
          report(path, "the policy document is not JSON.");
          return;
        }
      }
      const statements = (doc as { Statement?: unknown } | null)?.Statement;
      const list = Array.isArray(statements) ? statements : statements === undefined ? [] : [statements];
      list.forEach((statement, i) => {
        checkStatement(statement, [...path, "Statement", ...(Array.isArray(statements) ? [i] : [])]);
      });
    }

    function checkStatement(statement: unknown, path: (string | number)[]) {
      if (typeof statement !== "object" || statement === null) return;
      statementNode = { node: statement, path };
      try {
        checkStatementIn(statement as Record<string, unknown>, path);
      } finally {
        statementNode = undefined;
      }
    }

    function checkStatementIn(s: Record<string, unknown>, path: (string | number)[]) {
      if (s.Effect === "Deny") return;
      if (hasOwn(s, "NotResource") || hasOwn(s, "NotAction")) {
        report(
          path,
          "a statement with NotResource or NotAction allows everything it does not list, other teams' resources included; list Action and Resource instead.",
        );
        return;
      }
      const actions = listOf(s.Action).flatMap((a) => evaluate(a, evaluation) ?? [UNKNOWN]);
      if (actions.some((a) => a.includes(UNKNOWN) || a.includes(OWN))) {
        report(
          [...path, "Action"],
          "an Action cannot be resolved before deployment; write the actions literally.",
        );
        return;
      }
      const publishOnly = actions.length > 0 && actions.every((a) => a.toLowerCase() === "events:putevents");
      const use: Use = publishOnly ? "publish" : "other";
      const resources = listOf(s.Resource);
      resources.forEach((resourceValue, i) => {
        const where = [...path, "Resource", ...(Array.isArray(s.Resource) ? [i] : [])];
        for (const text of evaluate(resourceValue, evaluation) ?? [UNKNOWN]) {
          if (text.startsWith(OWN)) continue;
          if (text.includes(UNKNOWN)) {
            report(
              where,
              "a Resource cannot be resolved before deployment, so it could name another team's resource.",
            );
          } else if (text === "*") {
            const scoped = actions.filter((a) => !unscoped(a));
            if (scoped.length > 0) {
              report(
                where,
                `"Resource": "*" lets ${scoped.join(", ")} reach every team's resources; name the resources (ARNs in ${outside}).`,
              );
            }
          } else if (!text.startsWith("arn:")) {
            report(where, `Resource "${display(text)}" is not an ARN.`);
          } else {
            const problem = arnProblem(text, use);
            if (problem) report(where, `Resource ${problem}`);
          }
        }
      });
    }

    function scan(value: unknown, path: (string | number)[], skip: Set<string>) {
      if (skip.has(path.join("."))) return;
      const key = path.at(-1);
      if (typeof key === "string" && DATA_KEYS.has(key)) return;
      if (key === "PermissionsBoundary" && value === input.permissionsBoundary) return;
      const texts = evaluate(value, evaluation);
      if (texts) {
        const referenceKey = [...path].reverse().find((k) => typeof k === "string");
        for (const text of texts) {
          if (
            text.includes(UNKNOWN) &&
            typeof referenceKey === "string" &&
            REFERENCE_KEY.test(referenceKey)
          ) {
            report(
              path,
              `${path.join(".")} cannot be resolved before deployment, so it could name another team's resource.`,
            );
            continue;
          }
          const arns = arnsIn(text);
          for (const arn of arns) {
            const problem = arnProblem(arn, "other");
            if (problem) report(path, `${path.join(".") || "a property"} ${problem}`);
          }
        }
        return;
      }
      if (Array.isArray(value)) value.forEach((item, i) => void scan(item, [...path, i], skip));
      else if (typeof value === "object" && value !== null)
        for (const [k, v] of Object.entries(value)) scan(v, [...path, k], skip);
    }
  }
  return violations;

  function dynamicReferenceProblem(found: DynamicReference): string | undefined {
    if (found.id === undefined)
      return "holds a dynamic reference ({{resolve:...}}) that cannot be read before deployment (not closed, or its service or name built from values only known then), so it could name another team's secret or parameter; write it as one text, the name literally.";
    const what = found.kind === "secret" ? "secret" : "parameter";
    if (found.id.includes(UNKNOWN))
      return `resolves the ${what} "${display(found.id)}", which cannot be resolved before deployment.`;
    if (found.id.startsWith("arn:")) {
      const problem = arnProblem(found.id, "other");
      return problem ? `resolves a ${what}: ${problem}` : undefined;
    }
    const name = found.kind === "parameter" ? found.id.replace(/^\//, "") : found.id;
    const resource = found.kind === "secret" ? `secret:${name}` : `parameter/${name}`;
    const service = found.kind === "secret" ? "secretsmanager" : "ssm";
    const problem = nameProblem(found.kind, name, "other", arnOf(service, resource));
    return problem ? `resolves a ${what}: ${problem}` : undefined;
  }

  /**
   * Whether a rule's pattern matches CloudWatch alarm state changes of named alarms only, each of
   * this stack or in the team's namespace (notifications of a config's alarms, on the default bus).
   */
  function hearsOwnAlarmsOnly(props: Record<string, unknown>): boolean {
    let pattern = props.EventPattern;
    if (typeof pattern === "string") {
      try {
        pattern = JSON.parse(pattern);
      } catch {
        return false;
      }
    }
    if (typeof pattern !== "object" || pattern === null) return false;
    const { source, "detail-type": detailType, resources } = pattern as Record<string, unknown>;
    const only = (value: unknown, expected: string) =>
      Array.isArray(value) && value.length === 1 && value[0] === expected;
    if (!only(source, "aws.cloudwatch") || !only(detailType, "CloudWatch Alarm State Change")) return false;
    if (!Array.isArray(resources) || resources.length === 0) return false;
    return resources.every((resource) =>
      (evaluate(resource, evaluation) ?? [UNKNOWN]).every((text) => {
        if (text.startsWith(OWN)) return true;
        const arn = parseArn(text);
        const [kind] = arn && arn.service === "cloudwatch" ? namesIn(arn.service, arn.resource) : [];
        return kind?.kind === "alarm" && arnProblem(text, "other") === undefined;
      }),
    );
  }

  /** A name the team's stacks may give: in its namespace, or derived from a resource of this stack. */
  function nameIsOurs(value: string, heads: readonly string[]): boolean {
    return heads.some((head) => {
      if (!value.startsWith(head)) return false;
      const rest = value.slice(head.length);
      return rest.startsWith(OWN) || scope.namePrefixes.some((prefix) => rest.startsWith(prefix));
    });
  }

  function allowedByAdmin(arn: string): boolean {
    return scope.allowed.some((pattern) => matchesPattern(pattern, arn));
  }

  /** Why an ARN may not be named here, or undefined when it may. */
  function arnProblem(arn: string, use: Use): string | undefined {
    const parsed = parseArn(arn);
    if (!parsed) return `"${display(arn)}" is not an ARN.`;
    if (allowedByAdmin(arn)) return undefined;
    const { service, account, resource } = parsed;
    if (/[\uE000-\uE00F]/.test(service) || account.includes(UNKNOWN) || account.includes(OWN))
      return `"${display(arn)}" cannot be resolved before deployment, so it could name another team's resource.`;
    // AWS's own (managed policies, service integrations): no account of anyone's. API Gateway's
    // integration URIs put the integrated service where the account goes (`...:apigateway:<region>:lambda:path/...`).
    if (account === "" || account === "aws") return undefined;
    if (service === "apigateway" && /^[a-z.-]+$/.test(account)) return undefined;
    const ownAccount = scope.account ? account === scope.account : !/^\d+$/.test(account);
    if (!ownAccount) {
      return `names "${display(arn)}" in account ${account}, outside Switchyard; a platform admin must allow it for team ${scope.team} (PUT /v1/teams/${scope.team}/allowed-resources).`;
    }
    if (!NAMED_SERVICES.has(service)) return undefined;
    const names = namesIn(service, resource);
    // A resource AWS manages for an integration (on the default bus) is no team's.
    if (
      names.some(({ kind, name }) =>
        AWS_MANAGED_NAMES.some((m) => m.kind === kind && name.startsWith(m.prefix)),
      )
    )
      return undefined;
    for (const { kind, name } of names) {
      // A rule sits on its bus: for the bus, naming one is subscribing to it.
      const problem = nameProblem(kind, name, kind === "bus" && names.length > 1 ? "subscribe" : use, arn);
      if (problem) return problem;
    }
    return undefined;
  }

  function plainNameProblem(text: string, kind: RefKind, use: Use): string | undefined {
    switch (kind) {
      case "bus":
        return nameProblem("bus", text, use, arnOf("events", `event-bus/${text}`));
      case "function": {
        // A name, name:qualifier, or the partial ARN 123456789012:function:name.
        const parts = text.split(":");
        const partial = parts[1] === "function";
        if (partial && scope.account && parts[0] !== scope.account)
          return `names "${text}" in account ${parts[0]}, outside Switchyard.`;
        const name = partial ? parts[2]! : parts[0]!;
        return nameProblem("function", name, use, arnOf("lambda", `function:${name}`));
      }
      case "queue-url": {
        const url = /^https:\/\/sqs\.[^/]+\/([^/]+)\/([^/]+)$/.exec(text);
        if (!url) return `"${display(text)}" is not a queue URL.`;
        if (scope.account && url[1] !== scope.account && !url[1]!.includes(OWN))
          return `names the queue "${display(text)}" in account ${url[1]}, outside Switchyard.`;
        return nameProblem("queue", url[2]!, use, arnOf("sqs", url[2]!));
      }
      case "role":
      case "user":
      case "group":
        return nameProblem(kind, text, use, arnOf("iam", `${kind}/${text}`, ""));
      case "log-group":
        return nameProblem("log-group", text, use, arnOf("logs", `log-group:${text}`));
      case "codedeploy-application":
        return nameProblem(kind, text, use, arnOf("codedeploy", `application:${text}`));
      case "deployment-group":
        return nameProblem(kind, text, use, arnOf("codedeploy", `deploymentgroup:*/${text}`));
      case "arn":
        return `"${display(text)}" is not an ARN.`;
    }
  }

  function arnOf(service: string, resource: string, region = scope.region ?? "*"): string {
    return `arn:${scope.partition ?? "aws"}:${service}:${region}:${scope.account ?? "*"}:${resource}`;
  }

  function nameProblem(kind: NameKind, name: string, use: Use, arn: string): string | undefined {
    if (name.startsWith(OWN)) return undefined;
    const heads = kind === "log-group" ? (NAME_HEADS["AWS::Logs::LogGroup"] ?? [""]) : [""];
    if (nameIsOurs(name, heads)) return undefined;
    if (AWS_MANAGED_NAMES.some((m) => m.kind === kind && name.startsWith(m.prefix))) return undefined;
    if (allowedByAdmin(arn)) return undefined;
    const what = kind === "bus" ? "event bus" : kind.replace("-", " ");
    if (kind === "bus") {
      const shares = scope.sharedBuses.filter((s) => s.arn.endsWith(`:event-bus/${name}`));
      if (shares.some((s) => use !== "other" && s.access.includes(use))) return undefined;
      if (shares.length > 0) {
        const granted = [...new Set(shares.flatMap((s) => s.access))].join(" and ");
        return use === "other"
          ? `names the event bus "${display(name)}", which is shared with team ${scope.team} to ${granted} only, not to change it.`
          : `names the event bus "${display(name)}", which is shared with team ${scope.team} to ${granted}, not to ${use}.`;
      }
      const revoked = scope.revokedBuses?.find((s) => s.arn.endsWith(`:event-bus/${name}`));
      if (revoked) {
        return `names the event bus "${display(name)}" (${revoked.path}), whose share with team ${scope.team} (share ${revoked.id}) was revoked at ${revoked.revokedAt}; ask its owner to share it again, or stop naming it.`;
      }
      if (name === "default") {
        return `names the event bus "default", which is the account's default event bus, outside ${outside}; a platform admin must allow it for team ${scope.team} (PUT /v1/teams/${scope.team}/allowed-resources).`;
      }
      return `names the event bus "${display(name)}", which is outside ${outside} and not shared with it.`;
    }
    if (name === "*" || name.startsWith("*"))
      return `names every ${what} ("${display(name)}"), other teams' included; name them within ${outside}.`;
    return `names the ${what} "${display(name)}", which is outside ${outside}.`;
  }
}

interface DynamicReference {
  /** The reference as the template has it (`{{resolve:...}}`). */
  text: string;
  kind: "secret" | "parameter";
  /** The secret's or parameter's name or ARN; undefined when the reference cannot be read. */
  id?: string;
}

/**
 * Calls `visit` with every dynamic reference in a value. CloudFormation evaluates intrinsics before
 * it resolves references, so one may be assembled with Fn::Join or Fn::Sub: those are read as the
 * text they make, what is only known at deploy time standing as UNKNOWN.
 */
function walkDynamicReferences(
  value: unknown,
  path: (string | number)[],
  visit: (found: DynamicReference, path: (string | number)[]) => void,
): void {
  const composed = composes(value) ? textOf(value) : typeof value === "string" ? value : undefined;
  if (composed !== undefined) {
    for (const found of dynamicReferences(composed)) visit(found, path);
    return;
  }
  if (Array.isArray(value)) value.forEach((item, i) => void walkDynamicReferences(item, [...path, i], visit));
  else if (typeof value === "object" && value !== null)
    for (const [k, v] of Object.entries(value)) walkDynamicReferences(v, [...path, k], visit);
}

const composes = (value: unknown): boolean =>
  typeof value === "object" &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  (hasOwn(value, "Fn::Join") || hasOwn(value, "Fn::Sub"));

/** The text a value makes, as far as a template says (UNKNOWN for the rest). */
function textOf(value: unknown, depth = 0): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (depth > 16 || !composes(value)) return UNKNOWN;
  const node = value as Record<string, unknown>;
  if (hasOwn(node, "Fn::Join")) {
    const arg = node["Fn::Join"];
    if (!Array.isArray(arg) || typeof arg[0] !== "string" || !Array.isArray(arg[1])) return UNKNOWN;
    return (arg[1] as unknown[]).map((item) => textOf(item, depth + 1)).join(arg[0]);
  }
  const arg = node["Fn::Sub"];
  const [template, variables] = Array.isArray(arg) ? arg : [arg, undefined];
  if (typeof template !== "string") return UNKNOWN;
  const vars =
    typeof variables === "object" && variables !== null ? (variables as Record<string, unknown>) : {};
  return template.replace(/\$\{([^}]*)\}/g, (_, name: string) =>
    name.startsWith("!")
      ? `\${${name.slice(1)}}`
      : hasOwn(vars, name)
        ? textOf(vars[name], depth + 1)
        : UNKNOWN,
  );
}

const DYNAMIC_REFERENCE = "{{resolve:";
/** The services a dynamic reference reads, what each holds, and how many `:`-fields an ARN of it has. */
const RESOLVED: Readonly<Record<string, { kind: DynamicReference["kind"]; arnFields: number }>> = {
  secretsmanager: { kind: "secret", arnFields: 7 },
  ssm: { kind: "parameter", arnFields: 6 },
  "ssm-secure": { kind: "parameter", arnFields: 6 },
};

/**
 * The dynamic references in a text: `{{resolve:<service>:<name or ARN>[:...]}}`, an ARN's own colons
 * belonging to it. One that does not close, or whose service is not known before deployment, has no id.
 */
function dynamicReferences(text: string): DynamicReference[] {
  const found: DynamicReference[] = [];
  let at = text.indexOf(DYNAMIC_REFERENCE);
  while (at >= 0) {
    const end = text.indexOf("}}", at);
    const inner = text.slice(at + DYNAMIC_REFERENCE.length, end < 0 ? undefined : end);
    const [service = "", ...rest] = inner.split(":");
    const resolved = hasOwn(RESOLVED, service) ? RESOLVED[service]! : undefined;
    const reference = text.slice(at, end < 0 ? undefined : end + 2);
    if (end < 0 || service.includes(UNKNOWN))
      found.push({ text: reference, kind: resolved?.kind ?? "secret" });
    else if (resolved) {
      const id = rest[0] === "arn" ? rest.slice(0, resolved.arnFields).join(":") : rest[0]!;
      found.push({ text: reference, kind: resolved.kind, id });
    }
    if (end < 0) break;
    at = text.indexOf(DYNAMIC_REFERENCE, end);
  }
  return found;
}

/** The values at a path of property names, `*` standing for every item of a list. */
function at(value: unknown, path: readonly (string | "*")[]): [unknown, (string | number)[]][] {
  let found: [unknown, (string | number)[]][] = [[value, []]];
  for (const key of path) {
    const next: [unknown, (string | number)[]][] = [];
    for (const [v, p] of found) {
      if (key === "*") {
        if (Array.isArray(v)) v.forEach((item, i) => void next.push([item, [...p, i]]));
      } else if (typeof v === "object" && v !== null && !Array.isArray(v) && hasOwn(v, key)) {
        const item = (v as Record<string, unknown>)[key];
        if (item !== undefined) next.push([item, [...p, key]]);
      }
    }
    found = next;
  }
  return found;
}

const listOf = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/** Actions with no resource to scope, or of services whose resources no team owns in Switchyard. */
function unscoped(action: string): boolean {
  const [service, name] = action.toLowerCase().split(":");
  if (!service || name === undefined) return false;
  if (!NAMED_SERVICES.has(service)) return service !== "*";
  return [...UNSCOPED_ACTIONS].some((a) => a.toLowerCase() === action.toLowerCase());
}
