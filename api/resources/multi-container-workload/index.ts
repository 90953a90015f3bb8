import { environmentMap, type WorkloadAccess, workloadAccess } from "../../compiler/connect-to.js";
import type { CompileContext } from "../../compiler/context.js";
import { logicalId, NAME_LIMITS, pascalCase, physicalName } from "../../compiler/naming.js";
import { platformSecurityGroups, platformSubnets, platformVpc } from "../../compiler/network.js";
import { allow, getAtt, ref, sub } from "../../compiler/template.js";
import { compileLogForwarding, LOG_FORWARDING_CLOUDFORMATION_TYPES } from "../concerns/log-forwarding.js";
import type { ResourceDefinition } from "../definition.js";
import { checkRoute, compileRoute, type Route, routeTrigger } from "../http-api-gateway.js";
import { containerExecutionRole, workloadRole } from "../workload-role.js";
import { fargateCpuUnits } from "./fargate.js";
import {
  type MultiContainerWorkloadResource,
  MultiContainerWorkloadSchema,
  REFUSED_CONTAINER_EVENTS,
} from "./schema.js";

export type { MultiContainerWorkloadResource } from "./schema.js";

type Props = MultiContainerWorkloadResource["properties"];
type Container = Props["containers"][number];

const ids = (name: string) => ({
  cluster: logicalId(name, "AWS::ECS::Cluster"),
  taskDefinition: logicalId(name, "AWS::ECS::TaskDefinition"),
  service: logicalId(name, "AWS::ECS::Service"),
  taskRole: logicalId(name, "AWS::IAM::Role", "Task"),
  executionRole: logicalId(name, "AWS::IAM::Role", "Execution"),
  /** Each container's own, as Stacktape gives them (`<Workload><Container>LogGroup`). */
  logGroup: (container: string) => logicalId(name, "AWS::Logs::LogGroup", container),
  vpcLink: logicalId(name, "AWS::ApiGatewayV2::VpcLink"),
  namespace: logicalId(name, "AWS::ServiceDiscovery::PrivateDnsNamespace"),
  discovery: logicalId(name, "AWS::ServiceDiscovery::Service", "Discovery"),
  scalableTarget: logicalId(name, "AWS::ApplicationAutoScaling::ScalableTarget"),
  scalingPolicy: (metric: string) => logicalId(name, "AWS::ApplicationAutoScaling::ScalingPolicy", metric),
});

/** ECS cluster, service and task-family names may be 255 characters. */
const ECS_NAME_LIMIT = 255;
const LOG_RETENTION_DAYS = 180;
/** Stacktape scales on average CPU when a workload may grow but names no policy. */
const DEFAULT_CPU_TARGET = 80;

/** Whose artifact a built container image is: `artifacts["<workload>.<container>"].imageUri`. */
export const containerArtifact = (workload: string, container: string) => `${workload}.${container}`;

/**
 * multi-container-workload → an ECS cluster, a Fargate task definition (one container definition per
 * container, built images as template Parameters, the connectTo variables in every container), a service
 * in the platform's subnets and security groups with its desired count, task and execution roles,
 * autoscaling when `maxInstances` exceeds `minInstances`, and for HTTP API events a VPC link to a
 * Cloud Map service the tasks register in. Workloads never subscribe to buses (Stacktape v3 neither);
 * they publish through connectTo.
 */
/** Workload properties Stacktape has that Switchyard refuses, and why (README). */
const REFUSED_WORKLOAD_PROPERTIES = {
  deployment:
    "Gradual deployments (deployment) are not supported: they need a load balancer and CodeDeploy, which Switchyard does not create.",
  usePrivateSubnetsWithNAT:
    "usePrivateSubnetsWithNAT is not taken: workloads run in the subnets of the platform's network settings.",
} as const;

const REFUSED_CONTAINER_PROPERTIES = {
  volumeMounts:
    "volumeMounts are not supported: they name an efs-filesystem resource, a type Switchyard does not manage.",
  loadBalancerHealthCheck:
    "loadBalancerHealthCheck applies to load balancer events, which Switchyard does not compile; use internalHealthCheck.",
} as const;

export const multiContainerWorkload: ResourceDefinition<MultiContainerWorkloadResource> = {
  type: "multi-container-workload",
  schema: MultiContainerWorkloadSchema,
  networkUser: "workload",
  // Its containers take routes (each container's `events`), not the resource itself.
  triggers: [],
  cloudformationTypes: [
    "AWS::Logs::LogGroup",
    "AWS::IAM::Role",
    "AWS::ECS::Cluster",
    "AWS::ECS::TaskDefinition",
    "AWS::ECS::Service",
    "AWS::ApiGatewayV2::VpcLink",
    "AWS::ServiceDiscovery::PrivateDnsNamespace",
    "AWS::ServiceDiscovery::Service",
    "AWS::ApplicationAutoScaling::ScalableTarget",
    "AWS::ApplicationAutoScaling::ScalingPolicy",
    ...LOG_FORWARDING_CLOUDFORMATION_TYPES,
    ...routeTrigger.cloudformationTypes,
  ],

  paramNames: () => [],

  check(name, resource, checks) {
    const base = ["resources", name, "properties"];
    const props = resource.properties;
    for (const [key, why] of Object.entries(REFUSED_WORKLOAD_PROPERTIES))
      if (props[key as keyof typeof REFUSED_WORKLOAD_PROPERTIES] !== undefined)
        checks.report([...base, key], why);
    if (props.resources.enableWarmPool !== undefined)
      checks.report(
        [...base, "resources", "enableWarmPool"],
        "enableWarmPool applies to EC2 capacity; workloads run on Fargate here.",
      );
    props.containers.forEach((container, c) => {
      const at = [...base, "containers", c];
      for (const [key, why] of Object.entries(REFUSED_CONTAINER_PROPERTIES))
        if (container[key as keyof typeof REFUSED_CONTAINER_PROPERTIES] !== undefined)
          checks.report([...at, key], why);
      if (container.logging?.disabled && container.logging.logForwarding !== undefined)
        checks.report(
          [...at, "logging", "logForwarding"],
          "Logs are forwarded from the container's log group, and logging.disabled turns it off.",
        );
      container.events?.forEach((event, i) => {
        const refused = REFUSED_CONTAINER_EVENTS[event.type];
        if (refused) checks.report([...at, "events", i], refused);
        else if (event.type === routeTrigger.type)
          checkRoute(event.properties as Route, [...at, "events", i, "properties"], checks);
      });
    });
  },

  compile(name, resource, ctx) {
    const path = ["resources", name, "properties"];
    const props = resource.properties;
    const id = ids(name);
    if (!checkContainers(ctx, props, path)) return;
    if (props.resources.instanceTypes) {
      ctx.error(
        [...path, "resources", "instanceTypes"],
        "Workloads run on Fargate here; instanceTypes (EC2 capacity) is not supported. Remove it and size the task with cpu and memory.",
      );
    }
    const access = workloadAccess(ctx, props, path);
    // Cluster, task family and service share the stack-scoped name, as Stacktape names them.
    const ecsName = physicalName(`${ctx.stack}-${name}`, ECS_NAME_LIMIT);

    // A log group per container, as Stacktape: its own retention, its own forwarding.
    const logGroups: string[] = [];
    props.containers.forEach((c, i) => {
      if (c.logging?.disabled) return;
      const logGroup = id.logGroup(c.name);
      logGroups.push(logGroup);
      ctx.add(name, logGroup, {
        Type: "AWS::Logs::LogGroup",
        Properties: {
          LogGroupName: ctx.physicalName(`${name}-${c.name}`, NAME_LIMITS.logGroup),
          RetentionInDays: c.logging?.retentionDays ?? LOG_RETENTION_DAYS,
        },
      });
      const forwarding = c.logging?.logForwarding;
      if (forwarding)
        compileLogForwarding(
          ctx,
          name,
          logGroup,
          forwarding,
          [...path, "containers", i, "logging", "logForwarding"],
          `${name}-${c.name}`,
        );
    });
    workloadRole(
      ctx,
      name,
      id.taskRole,
      "ecs-tasks.amazonaws.com",
      // ECS Exec (enableRemoteSessions) talks to SSM's message channels, which take no resource.
      props.enableRemoteSessions
        ? [
            allow(
              [
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
              ],
              ["*"],
            ),
          ]
        : [],
      access,
    );
    containerExecutionRole(ctx, name, id.executionRole, logGroups);
    ctx.add(name, id.cluster, {
      Type: "AWS::ECS::Cluster",
      Properties: { ClusterName: ecsName },
    });
    ctx.add(name, id.taskDefinition, {
      Type: "AWS::ECS::TaskDefinition",
      Properties: {
        Family: ecsName,
        RequiresCompatibilities: ["FARGATE"],
        NetworkMode: "awsvpc",
        // Both present: the schema refuses a workload without them.
        Cpu: fargateCpuUnits(props.resources.cpu!),
        Memory: String(props.resources.memory!),
        RuntimePlatform: {
          OperatingSystemFamily: "LINUX",
          CpuArchitecture: props.resources.architecture === "arm64" ? "ARM64" : "X86_64",
        },
        TaskRoleArn: getAtt(id.taskRole, "Arn"),
        ExecutionRoleArn: getAtt(id.executionRole, "Arn"),
        ContainerDefinitions: props.containers.map((c, i) =>
          containerDefinition(ctx, name, c, access, [...path, "containers", i]),
        ),
      },
    });

    const http = httpTarget(ctx, name, props, path);
    const minInstances = props.scaling?.minInstances ?? 1;
    ctx.add(name, id.service, {
      Type: "AWS::ECS::Service",
      Properties: {
        ServiceName: ecsName,
        Cluster: ref(id.cluster),
        TaskDefinition: ref(id.taskDefinition),
        LaunchType: "FARGATE",
        DesiredCount: minInstances,
        ...(props.enableRemoteSessions ? { EnableExecuteCommand: true } : {}),
        // A deployment whose tasks keep failing stops and returns to the previous task definition.
        DeploymentConfiguration: {
          MinimumHealthyPercent: 100,
          MaximumPercent: 200,
          DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        },
        NetworkConfiguration: {
          AwsvpcConfiguration: {
            Subnets: platformSubnets(ctx),
            SecurityGroups: platformSecurityGroups(ctx),
            // The platform's subnets reach ECR and CloudWatch through NAT or VPC endpoints.
            AssignPublicIp: "DISABLED",
          },
        },
        ...(http
          ? {
              ServiceRegistries: [
                {
                  RegistryArn: getAtt(id.discovery, "Arn"),
                  ContainerName: http.container,
                  ContainerPort: http.port,
                },
              ],
            }
          : {}),
      },
    });
    if (http) httpApiIntegration(ctx, name, props, http);
    autoscaling(ctx, name, props, minInstances);
  },

  params: () => ({}),

  /** As Stacktape: whoever connects may look at and update (e.g. scale) the service, nothing else. */
  connect(name) {
    const id = ids(name);
    return {
      statements: [
        allow(["ecs:DescribeServices", "ecs:UpdateService"], [ref(id.service)]),
        // ListServices has no resource type; the condition keeps it to this workload's cluster.
        allow(["ecs:ListServices"], ["*"], { ArnEquals: { "ecs:cluster": getAtt(id.cluster, "Arn") } }),
      ],
      environment: {},
    };
  },
};

/** Container names unique, dependsOn naming a sibling, at least one essential container. */
function checkContainers(ctx: CompileContext, props: Props, path: (string | number)[]): boolean {
  const before = ctx.errors.length;
  const names = props.containers.map((c) => c.name);
  // Each container's log group is named after it: `api-v2` and `apiV2` would name one.
  const pascal = names.map((n) => pascalCase(n));
  props.containers.forEach((c, i) => {
    if (names.indexOf(c.name) !== i) {
      ctx.error([...path, "containers", i, "name"], `Two containers are named ${c.name}; names must differ.`);
    } else if (pascal.indexOf(pascal[i]!) !== i) {
      ctx.error(
        [...path, "containers", i, "name"],
        `Containers ${names[pascal.indexOf(pascal[i]!)]} and ${c.name} differ only in case or punctuation; their log groups would be one. Rename one.`,
      );
    }
    c.dependsOn?.forEach((d, j) => {
      if (!names.includes(d.containerName) || d.containerName === c.name) {
        ctx.error(
          [...path, "containers", i, "dependsOn", j, "containerName"],
          `dependsOn names "${d.containerName}", which is not another container of this workload (${names.join(", ")}).`,
        );
      }
    });
  });
  if (props.containers.every((c) => c.essential === false)) {
    ctx.error(
      [...path, "containers"],
      "At least one container must be essential (ECS stops the task when it exits).",
    );
  }
  return ctx.errors.length === before;
}

function containerDefinition(
  ctx: CompileContext,
  workload: string,
  container: Container,
  access: WorkloadAccess,
  path: (string | number)[],
): Record<string, unknown> {
  const environment = {
    ...environmentMap(ctx, container.environment, [...path, "environment"]),
    ...access.environment,
  };
  const ports = [...new Set((container.events ?? []).map((e) => e.properties.containerPort))];
  const image = containerImage(ctx, workload, container);
  return {
    Name: container.name,
    Image: image,
    Essential: container.essential ?? true,
    ...(Object.keys(environment).length > 0
      ? { Environment: Object.entries(environment).map(([Name, Value]) => ({ Name, Value })) }
      : {}),
    ...(ports.length > 0
      ? { PortMappings: ports.map((ContainerPort) => ({ ContainerPort, Protocol: "tcp" })) }
      : {}),
    ...(container.internalHealthCheck
      ? {
          HealthCheck: {
            Command: container.internalHealthCheck.healthCheckCommand,
            Interval: container.internalHealthCheck.intervalSeconds ?? 30,
            Timeout: container.internalHealthCheck.timeoutSeconds ?? 5,
            Retries: container.internalHealthCheck.retries ?? 3,
            StartPeriod: container.internalHealthCheck.startPeriodSeconds ?? 0,
          },
        }
      : {}),
    ...(container.stopTimeout !== undefined ? { StopTimeout: container.stopTimeout } : {}),
    ...(container.dependsOn
      ? {
          DependsOn: container.dependsOn.map((d) => ({
            ContainerName: d.containerName,
            Condition: d.condition,
          })),
        }
      : {}),
    ...(container.logging?.disabled
      ? {}
      : {
          LogConfiguration: {
            LogDriver: "awslogs",
            Options: {
              "awslogs-group": ref(ids(workload).logGroup(container.name)),
              "awslogs-region": ctx.region(),
              "awslogs-stream-prefix": container.name,
            },
          },
        }),
  };
}

/**
 * A prebuilt image the config names is used as is; every other packaging is built per deployment,
 * so its image URI is a template Parameter filled from the deployment's artifacts.
 */
function containerImage(ctx: CompileContext, workload: string, container: Container): unknown {
  const named = container.packaging.properties?.image;
  if (container.packaging.type === "prebuilt-image" && typeof named === "string" && named !== "")
    return named;
  return ctx.parameter(
    `${pascalCase(workload)}${pascalCase(container.name)}ImageUri`,
    "image-uri",
    containerArtifact(workload, container.name),
    {
      Type: "String",
      Description: `Container image URI of container ${container.name} of workload ${workload}.`,
    },
  );
}

interface HttpTarget {
  container: string;
  port: number;
}

/**
 * The one container port HTTP API routes reach. An ECS service registers in a single Cloud Map
 * service, so every http-api-gateway event of a workload must name the same container and port.
 * (That the API exists is checked with the config's references.)
 */
function httpTarget(
  ctx: CompileContext,
  name: string,
  props: Props,
  path: (string | number)[],
): HttpTarget | undefined {
  let target: HttpTarget | undefined;
  props.containers.forEach((c, i) => {
    c.events?.forEach((event, j) => {
      if (event.type !== routeTrigger.type) return;
      const eventPath = [...path, "containers", i, "events", j, "properties"];
      const here = { container: c.name, port: event.properties.containerPort };
      if (!target) target = here;
      else if (target.container !== here.container || target.port !== here.port) {
        ctx.error(
          [...eventPath, "containerPort"],
          `HTTP API routes of workload ${name} all reach one container port (${target.container}:${target.port}); ECS registers a service in one Cloud Map service.`,
        );
      }
    });
  });
  return target;
}

/** VPC link → Cloud Map service (SRV records of the tasks) → one route and integration per event. */
function httpApiIntegration(ctx: CompileContext, name: string, props: Props, target: HttpTarget): void {
  const id = ids(name);
  ctx.add(name, id.vpcLink, {
    Type: "AWS::ApiGatewayV2::VpcLink",
    Properties: {
      Name: physicalName(`${ctx.stack}-${name}`, 128),
      SubnetIds: platformSubnets(ctx),
      SecurityGroupIds: platformSecurityGroups(ctx),
    },
  });
  ctx.add(name, id.namespace, {
    Type: "AWS::ServiceDiscovery::PrivateDnsNamespace",
    Properties: {
      Name: `${name.toLowerCase()}.${ctx.stack}.internal`,
      Vpc: platformVpc(ctx),
    },
  });
  ctx.add(name, id.discovery, {
    Type: "AWS::ServiceDiscovery::Service",
    Properties: {
      Name: target.container.toLowerCase(),
      NamespaceId: getAtt(id.namespace, "Id"),
      DnsConfig: { DnsRecords: [{ Type: "SRV", TTL: 10 }], RoutingPolicy: "MULTIVALUE" },
      HealthCheckCustomConfig: { FailureThreshold: 1 },
    },
  });
  // Event indexes count every event of every container, in order, as Stacktape's do per resource.
  let index = 0;
  for (const container of props.containers) {
    for (const event of container.events ?? []) {
      const i = index++;
      if (event.type !== routeTrigger.type) continue;
      compileRoute(ctx, name, i, event.properties, {
        IntegrationType: "HTTP_PROXY",
        ConnectionType: "VPC_LINK",
        ConnectionId: ref(id.vpcLink),
        IntegrationMethod: event.properties.method === "*" ? "ANY" : event.properties.method,
        IntegrationUri: getAtt(id.discovery, "Arn"),
        // Private integrations take only payload format 1.0.
        PayloadFormatVersion: "1.0",
      });
    }
  }
}

/** Target tracking on average CPU and/or memory between minInstances and maxInstances. */
function autoscaling(ctx: CompileContext, name: string, props: Props, minInstances: number): void {
  const maxInstances = props.scaling?.maxInstances ?? minInstances;
  if (maxInstances <= minInstances) return;
  const id = ids(name);
  ctx.add(name, id.scalableTarget, {
    Type: "AWS::ApplicationAutoScaling::ScalableTarget",
    Properties: {
      ServiceNamespace: "ecs",
      ScalableDimension: "ecs:service:DesiredCount",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not a JS template.
      ResourceId: sub("service/${Cluster}/${Service}", {
        Cluster: ref(id.cluster),
        Service: getAtt(id.service, "Name"),
      }),
      MinCapacity: minInstances,
      MaxCapacity: maxInstances,
    },
  });
  const policy = props.scaling?.scalingPolicy;
  const targets: [string, string, number | undefined][] = [
    ["Cpu", "ECSServiceAverageCPUUtilization", policy?.keepAvgCpuUtilizationUnder],
    ["Memory", "ECSServiceAverageMemoryUtilization", policy?.keepAvgMemoryUtilizationUnder],
  ];
  if (targets.every(([, , value]) => value === undefined)) targets[0]![2] = DEFAULT_CPU_TARGET;
  for (const [metric, type, value] of targets) {
    if (value === undefined) continue;
    ctx.add(name, id.scalingPolicy(metric), {
      Type: "AWS::ApplicationAutoScaling::ScalingPolicy",
      Properties: {
        PolicyName: `${metric.toLowerCase()}-target`,
        PolicyType: "TargetTrackingScaling",
        ScalingTargetId: ref(id.scalableTarget),
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: value,
          PredefinedMetricSpecification: { PredefinedMetricType: type },
        },
      },
    });
  }
}
