/**
 * Which names an ARN carries, for the services whose resources Switchyard stacks create by name.
 * A resource of these services belongs to the team whose namespace its name starts with; other
 * services' resources (S3, ECR, ...) are never created by a stack, so no team owns them in
 * Switchyard, and the platform's permissions boundary governs them. Secrets Manager secrets and SSM
 * parameters are the exception: no stack creates them, but CloudFormation resolves a template's
 * `$Secret` and `$SsmParam` with the team's role, so a team's are those named in its namespace too
 * (`<prefix><namespace>--...`; a parameter's name without its leading `/`).
 */

/** What a name in an ARN is of; `bus` matters for shares. */
export type NameKind =
  | "bus"
  | "rule"
  | "archive"
  | "connection"
  | "queue"
  | "topic"
  | "function"
  | "role"
  | "instance-profile"
  | "policy"
  | "user"
  | "group"
  | "log-group"
  | "state-machine"
  | "batch"
  | "cluster"
  | "ecs-service"
  | "task-definition"
  | "alarm"
  | "delivery-stream"
  | "codedeploy-application"
  | "deployment-group"
  | "secret"
  | "parameter"
  | "other";

export interface ArnName {
  kind: NameKind;
  name: string;
}

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(text: string): ParsedArn | undefined {
  if (!text.startsWith("arn:")) return undefined;
  const fields = text.split(":");
  if (fields.length < 6) return undefined;
  const [, partition, service, region, account] = fields as [string, string, string, string, string];
  return { partition, service, region, account, resource: fields.slice(5).join(":") };
}

/** Services whose resources Switchyard stacks create under names. */
export const NAMED_SERVICES = new Set([
  "events",
  "sqs",
  "sns",
  "lambda",
  "iam",
  "logs",
  "states",
  "batch",
  "ecs",
  "cloudwatch",
  "firehose",
  "codedeploy",
  "secretsmanager",
  "ssm",
]);

/**
 * The names an ARN's resource part carries, or `[]` when its resources are known by generated IDs
 * only (Batch jobs, ECS tasks, Lambda event source mappings): nothing a team's namespace could hold.
 */
export function namesIn(service: string, resource: string): ArnName[] {
  const [type, ...rest] = resource.split("/");
  const path = rest.join("/");
  const colon = resource.split(":");
  switch (service) {
    case "events":
      if (type === "event-bus") return [{ kind: "bus", name: path }];
      if (type === "rule")
        return rest.length >= 2
          ? [
              { kind: "bus", name: rest.slice(0, -1).join("/") },
              { kind: "rule", name: rest.at(-1)! },
            ]
          : [
              { kind: "bus", name: "default" },
              { kind: "rule", name: path },
            ];
      if (type === "archive") return [{ kind: "archive", name: path }];
      if (type === "replay") return [];
      return [{ kind: type === "connection" ? "connection" : "other", name: rest[0] ?? "" }];
    case "sqs":
      return [{ kind: "queue", name: resource }];
    case "sns":
      return [{ kind: "topic", name: colon[0]! }];
    case "lambda":
      if (colon[0] === "function") return [{ kind: "function", name: colon[1] ?? "" }];
      if (colon[0] === "event-source-mapping") return [];
      return [{ kind: "other", name: colon[1] ?? "" }];
    case "iam": {
      // Names come after an optional path: role/service-role/name.
      const kind =
        type === "role"
          ? "role"
          : type === "instance-profile"
            ? "instance-profile"
            : type === "policy"
              ? "policy"
              : type === "user"
                ? "user"
                : type === "group"
                  ? "group"
                  : "other";
      return [{ kind, name: rest.at(-1) ?? "" }];
    }
    case "logs":
      return colon[0] === "log-group"
        ? [{ kind: "log-group", name: colon[1] ?? "" }]
        : [{ kind: "other", name: resource }];
    case "states":
      if (colon[0] === "stateMachine" || colon[0] === "execution" || colon[0] === "activity")
        return [{ kind: "state-machine", name: colon[1] ?? "" }];
      return [{ kind: "other", name: colon[1] ?? "" }];
    case "batch":
      if (type === "job") return [];
      return [{ kind: "batch", name: (rest[0] ?? "").split(":")[0]! }];
    case "ecs":
      if (type === "task" || type === "container-instance" || type === "task-set") return [];
      if (type === "service")
        return rest.length >= 2
          ? [
              { kind: "cluster", name: rest[0]! },
              { kind: "ecs-service", name: rest.at(-1)! },
            ]
          : [{ kind: "ecs-service", name: path }];
      if (type === "task-definition")
        return [{ kind: "task-definition", name: (rest[0] ?? "").split(":")[0]! }];
      return [{ kind: type === "cluster" ? "cluster" : "other", name: path }];
    case "firehose":
      return type === "deliverystream" ? [{ kind: "delivery-stream", name: path }] : [];
    case "cloudwatch":
      return colon[0] === "alarm" ? [{ kind: "alarm", name: colon.slice(1).join(":") }] : [];
    case "codedeploy": {
      const name = colon.slice(1).join(":");
      if (colon[0] === "application") return [{ kind: "codedeploy-application", name }];
      if (colon[0] === "deploymentgroup") {
        const [application = "", ...group] = name.split("/");
        return [
          { kind: "codedeploy-application", name: application },
          { kind: "deployment-group", name: group.join("/") },
        ];
      }
      // Deployment configs are read only (CodeDeployDefault.* are AWS's); a stack creates none.
      return [];
    }
    case "secretsmanager":
      // secret:<name>-<6 random characters>; the name's start is what a namespace holds.
      return colon[0] === "secret" ? [{ kind: "secret", name: colon.slice(1).join(":") }] : [];
    case "ssm":
      // parameter/<name>, the name without its leading `/` (`/a/b` is `parameter/a/b`).
      return type === "parameter" ? [{ kind: "parameter", name: path }] : [];
    default:
      return [];
  }
}

/**
 * Names AWS itself gives resources that Switchyard's own integrations use (Step Functions' Batch
 * `.sync` integration watches jobs through a rule AWS manages on the default bus).
 */
export const AWS_MANAGED_NAMES: readonly { kind: NameKind; prefix: string }[] = [
  { kind: "rule", prefix: "StepFunctionsGetEventsFor" },
];

/**
 * Actions IAM cannot scope to a resource, or that only list or describe: `"Resource": "*"` is
 * allowed with these alone (the boundary lists the same for workloads).
 */
export const UNSCOPED_ACTIONS = new Set([
  "batch:DescribeJobs",
  "batch:ListJobs",
  "ecs:ListServices",
  "ecs:DiscoverPollEndpoint",
  "logs:DescribeLogGroups",
  "sqs:ListQueues",
  "sns:ListTopics",
  "events:ListEventBuses",
  "events:ListRules",
  "lambda:ListFunctions",
  "states:ListStateMachines",
  "secretsmanager:ListSecrets",
  "secretsmanager:GetRandomPassword",
  "ssm:DescribeParameters",
]);
