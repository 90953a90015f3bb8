import { environmentMap, type WorkloadAccess, workloadAccess } from "../../compiler/connect-to.js";
import type { CompileContext } from "../../compiler/context.js";
import { logicalId, pascalCase, physicalName } from "../../compiler/naming.js";
import { platformSecurityGroups, platformSubnets, platformVpc } from "../../compiler/network.js";
import { allow, getAtt, ref, sub } from "../../compiler/template.js";
import type { ResourceDefinition } from "../definition.js";
import { checkRoute, compileRoute, routeTrigger } from "../http-api-gateway.js";
import { containerExecutionRole, workloadRole } from "../workload-role.js";
import { fargateCpuUnits } from "./fargate.js";
import { type MultiContainerWorkloadResource, MultiContainerWorkloadSchema } from "./schema.js";

export type { MultiContainerWorkloadResource } from "./schema.js";

type Props = MultiContainerWorkloadResource["properties"];
type Container = Props["containers"][number];

const ids = (name: string) => ({
  cluster: logicalId(name, "AWS::ECS::Cluster"),
  taskDefinition: logicalId(name, "AWS::ECS::TaskDefinition"),
  service: logicalId(name, "AWS::ECS::Service"),
  taskRole: logicalId(name, "AWS::IAM::Role", "Task"),
  executionRole: logicalId(name, "AWS::IAM::Role", "Execution"),
  logGroup: logicalId(name, "AWS::Logs::LogGroup"),
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
    ...routeTrigger.cloudformationTypes,
  ],

  paramNames: () => [],

  check(name, resource, checks) {
    const base = ["resources", name, "properties"];
    resource.properties.containers.forEach((container, c) => {
      container.events?.forEach((event, i) => {
        if (event.type !== routeTrigger.type) return;
        checkRoute(event.properties, [...base, "containers", c, "events", i, "properties"], checks);
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

    ctx.add(name, id.logGroup, {
      Type: "AWS::Logs::LogGroup",
      Properties: { RetentionInDays: LOG_RETENTION_DAYS },
    });
    workloadRole(ctx, name, id.taskRole, "ecs-tasks.amazonaws.com", [], access);
    containerExecutionRole(ctx, name, id.executionRole, id.logGroup);
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
        Cpu: fargateCpuUnits(props.resources.cpu),
        Memory: String(props.resources.memory),
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
  props.containers.forEach((c, i) => {
    if (names.indexOf(c.name) !== i) {
      ctx.error([...path, "containers", i, "name"], `Two containers are named ${c.name}; names must differ.`);
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
    ...(container.dependsOn
      ? {
          DependsOn: container.dependsOn.map((d) => ({
            ContainerName: d.containerName,
            Condition: d.condition,
          })),
        }
      : {}),
    LogConfiguration: {
      LogDriver: "awslogs",
      Options: {
        "awslogs-group": ref(logicalId(workload, "AWS::Logs::LogGroup")),
        "awslogs-region": ctx.region(),
        "awslogs-stream-prefix": container.name,
      },
    },
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
