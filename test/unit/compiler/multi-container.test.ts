import { describe, expect, it } from "vitest";
import { ConfigValidationError, compile } from "../../../api/compiler/index.js";
import { type Config, loadConfig } from "../../../api/config/index.js";
import { FARGATE_SIZES } from "../../../api/resources/multi-container-workload/fargate.js";
import { validateTemplateAgainstRegistry } from "../../support/cfn-schema.js";
import { compileFixture } from "./fixtures.js";

const TARGET = { project: "shop", stage: "dev", region: "eu-west-1" };

/** A workload config: `props` is YAML indented under `properties:` (6 spaces). */
const workload = (props: string, extra = "") =>
  `resources:\n  bus:\n    type: event-bus\n${extra}  web:\n    type: multi-container-workload\n    properties:\n${props}`;
const containers =
  "      containers:\n        - name: app\n          packaging: { type: prebuilt-image, properties: { image: x } }\n";
const sized = (cpu: number | string, memory: number) =>
  workload(`      resources: { cpu: ${cpu}, memory: ${memory} }\n${containers}`);

function load(yaml: string): Config {
  const loaded = loadConfig(yaml);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

function loadErrors(yaml: string) {
  const loaded = loadConfig(yaml);
  if (loaded.ok) throw new Error("expected the config to be invalid");
  return loaded.errors;
}

function compileErrors(yaml: string) {
  try {
    compile(load(yaml), TARGET);
  } catch (e) {
    if (e instanceof ConfigValidationError) return e.errors;
    throw e;
  }
  throw new Error("expected a ConfigValidationError");
}

type Statement = { Effect: string; Action: string[]; Resource: unknown[] };
const statementsOf = (role: { Properties?: Record<string, unknown> } | undefined): Statement[] =>
  ((role?.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
    (p) => p.PolicyDocument.Statement,
  );

describe("a multi-container workload that publishes to a bus", () => {
  const result = compileFixture("multi-container-workload");
  const resources = result.template.Resources;
  const taskDefinition = resources.OrderServiceTaskDefinition!.Properties!;
  const containerDefinitions = taskDefinition.ContainerDefinitions as Record<string, any>[];

  it("compiles to its golden template, which passes the CloudFormation registry schema", async () => {
    await expect(`${JSON.stringify(result.template, null, 2)}\n`).toMatchFileSnapshot(
      "../../fixtures/templates/multi-container-workload.json",
    );
    expect(validateTemplateAgainstRegistry(result.template)).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it("lets the task role put events on that bus and nothing else", () => {
    const statements = statementsOf(resources.OrderServiceTaskRole);
    expect(statements).toEqual([
      {
        Effect: "Allow",
        Action: ["events:PutEvents"],
        Resource: [{ "Fn::GetAtt": ["OrderEventsEventBus", "Arn"] }],
      },
    ]);
    expect(taskDefinition.TaskRoleArn).toEqual({ "Fn::GetAtt": ["OrderServiceTaskRole", "Arn"] });
    // The execution role pulls images and writes logs; it gets no connectTo grant.
    const execution = statementsOf(resources.OrderServiceExecutionRole);
    expect(execution.flatMap((s) => s.Action)).not.toContain("events:PutEvents");
  });

  it("gives every container the bus ARN as STP_ORDER_EVENTS_ARN, beside its own variables", () => {
    expect(containerDefinitions.map((c) => c.Name)).toEqual(["web", "metrics"]);
    for (const container of containerDefinitions) {
      expect(container.Environment).toContainEqual({
        Name: "STP_ORDER_EVENTS_ARN",
        Value: { "Fn::GetAtt": ["OrderEventsEventBus", "Arn"] },
      });
    }
    expect(containerDefinitions[0]!.Environment).toContainEqual({ Name: "PORT", Value: "3000" });
  });

  it("takes a built image from the container's own template Parameter, a prebuilt one as named, and the network from the platform", () => {
    expect(containerDefinitions.map((c) => c.Image)).toEqual([
      { Ref: "OrderServiceWebImageUri" },
      "public.ecr.aws/example/metrics:1",
    ]);
    expect(result.parameters).toEqual([
      { name: "OrderServiceWebImageUri", kind: "image-uri", resource: "orderService.web" },
      { name: "PlatformSubnetIds", kind: "subnet-ids", resource: "platform" },
      { name: "PlatformSecurityGroupIds", kind: "security-group-ids", resource: "platform" },
      { name: "PlatformVpcId", kind: "vpc-id", resource: "platform" },
    ]);
    const network = resources.OrderServiceService!.Properties!.NetworkConfiguration as any;
    expect(network.AwsvpcConfiguration).toMatchObject({
      Subnets: { Ref: "PlatformSubnetIds" },
      SecurityGroups: { Ref: "PlatformSecurityGroupIds" },
    });
  });

  it("sizes a Fargate task in CPU units and MB, runs minInstances, and scales up to maxInstances", () => {
    expect(taskDefinition).toMatchObject({
      RequiresCompatibilities: ["FARGATE"],
      NetworkMode: "awsvpc",
      Cpu: "512",
      Memory: "1024",
    });
    expect(resources.OrderServiceService!.Properties!.DesiredCount).toBe(2);
    expect(resources.OrderServiceScalableTarget!.Properties).toMatchObject({
      MinCapacity: 2,
      MaxCapacity: 4,
    });
    expect(
      resources.OrderServiceCpuScalingPolicy!.Properties!.TargetTrackingScalingPolicyConfiguration,
    ).toMatchObject({ TargetValue: 80 });
  });

  it("routes the HTTP API event through a VPC link to the container port the tasks register in Cloud Map", () => {
    expect(resources.OrderServiceService!.Properties!.ServiceRegistries).toEqual([
      {
        RegistryArn: { "Fn::GetAtt": ["OrderServiceDiscoveryService", "Arn"] },
        ContainerName: "web",
        ContainerPort: 3000,
      },
    ]);
    expect(resources.OrderServiceEvent0Route!.Properties).toMatchObject({
      ApiId: { Ref: "PublicApiApi" },
      RouteKey: "POST /orders",
    });
    expect(resources.OrderServiceEvent0Integration!.Properties).toMatchObject({
      ConnectionType: "VPC_LINK",
      ConnectionId: { Ref: "OrderServiceVpcLink" },
      IntegrationUri: { "Fn::GetAtt": ["OrderServiceDiscoveryService", "Arn"] },
    });
    expect(containerDefinitions[1]!.PortMappings).toEqual([{ ContainerPort: 9100, Protocol: "tcp" }]);
    // The internal port opens no route.
    expect(resources.OrderServiceEvent1Route).toBeUndefined();
  });
});

describe("a workload without HTTP events or scaling", () => {
  const result = compile(load(sized(1, 2048)), TARGET);
  const resources = result.template.Resources;

  it("runs one task, needs no VPC, and has no autoscaling or API resources", () => {
    expect(resources.WebService!.Properties!.DesiredCount).toBe(1);
    expect(resources.WebService!.Properties!.ServiceRegistries).toBeUndefined();
    // Its one container is a prebuilt image the config names: no artifact to supply.
    expect(result.parameters.map((p) => p.kind)).toEqual(["subnet-ids", "security-group-ids"]);
    const types = Object.values(resources).map((r) => r.Type);
    for (const absent of [
      "AWS::ApplicationAutoScaling::ScalableTarget",
      "AWS::ApiGatewayV2::VpcLink",
      "AWS::ServiceDiscovery::PrivateDnsNamespace",
    ]) {
      expect(types).not.toContain(absent);
    }
    expect(statementsOf(resources.WebTaskRole)).toEqual([]);
    expect(validateTemplateAgainstRegistry(result.template)).toEqual([]);
  });

  it("takes overrides on its own children, relative to Properties", () => {
    const overridden = compile(
      load(
        `${sized(1, 2048)}    overrides:\n      WebService: { DesiredCount: 3, "DeploymentConfiguration.MinimumHealthyPercent": 50 }\n`,
      ),
      TARGET,
    ).template.Resources.WebService!.Properties!;
    expect(overridden.DesiredCount).toBe(3);
    expect(overridden.DeploymentConfiguration).toMatchObject({
      MinimumHealthyPercent: 50,
      MaximumPercent: 200,
    });
  });

  it("shares the platform network Parameters with batch jobs of the same stack", () => {
    const both = compile(
      load(
        `${sized(0.25, 512)}  job:\n    type: batch-job\n    properties:\n      container:\n        packaging: { type: prebuilt-image, properties: { image: y } }\n      resources: { cpu: 1, memory: 1024 }\n`,
      ),
      TARGET,
    );
    expect(both.parameters.filter((p) => p.resource === "platform").map((p) => p.name)).toEqual([
      "PlatformSubnetIds",
      "PlatformSecurityGroupIds",
    ]);
    const subnets = (both.template.Resources.JobComputeEnvironment!.Properties!.ComputeResources as any)
      .Subnets;
    expect(subnets).toEqual({ Ref: "PlatformSubnetIds" });
  });
});

describe("connecting to a workload", () => {
  it("lets a function describe and update that service only, as Stacktape grants", () => {
    const result = compile(
      load(
        `${sized(1, 2048)}  ops:\n    type: function\n    properties:\n      packaging: { type: custom-artifact }\n      connectTo: [web]\n`,
      ),
      TARGET,
    );
    expect(
      statementsOf(result.template.Resources.OpsRole).filter((s) => s.Action[0]!.startsWith("ecs:")),
    ).toEqual([
      {
        Effect: "Allow",
        Action: ["ecs:DescribeServices", "ecs:UpdateService"],
        Resource: [{ Ref: "WebService" }],
      },
      {
        Effect: "Allow",
        Action: ["ecs:ListServices"],
        Resource: ["*"],
        Condition: { ArnEquals: { "ecs:cluster": { "Fn::GetAtt": ["WebCluster", "Arn"] } } },
      },
    ]);
    expect(validateTemplateAgainstRegistry(result.template)).toEqual([]);
  });
});

describe("Fargate sizes", () => {
  it("accepts every pair of Fargate's table at its edges", () => {
    for (const [cpu, memories] of FARGATE_SIZES) {
      for (const memory of [memories[0]!, memories.at(-1)!]) {
        const template = compile(load(sized(cpu, memory)), TARGET).template;
        expect(template.Resources.WebTaskDefinition!.Properties).toMatchObject({
          Cpu: String(cpu * 1024),
          Memory: String(memory),
        });
      }
    }
  });

  it.each([
    [
      1,
      200,
      "memory",
      "Fargate does not run 1 vCPU with 200 MB of memory; with 1 vCPU memory is 2048–8192 MB in steps of 1024.",
    ],
    [
      0.25,
      4096,
      "memory",
      "Fargate does not run 0.25 vCPU with 4096 MB of memory; with 0.25 vCPU memory is 512, 1024, 2048 MB.",
    ],
    [
      8,
      18432,
      "memory",
      "Fargate does not run 8 vCPU with 18432 MB of memory; with 8 vCPU memory is 16384–61440 MB in steps of 4096.",
    ],
    [
      16,
      16384,
      "memory",
      "Fargate does not run 16 vCPU with 16384 MB of memory; with 16 vCPU memory is 32768–122880 MB in steps of 8192.",
    ],
    [3, 8192, "cpu", "Fargate runs 0.25, 0.5, 1, 2, 4, 8, 16 vCPU; cpu 3 is none of them."],
    [1024, 2048, "cpu", "Fargate runs 0.25, 0.5, 1, 2, 4, 8, 16 vCPU; cpu 1024 is none of them."],
  ])("refuses cpu %s with memory %s, pointing at %s", (cpu, memory, field, message) => {
    const errors = loadErrors(sized(cpu, memory));
    expect(errors).toEqual([
      {
        path: `resources.web.properties.${field === "cpu" ? "resources.cpu" : "resources.memory"}`,
        line: 7,
        column: expect.any(Number),
        message,
      },
    ]);
  });
});

describe("what a workload may not do", () => {
  it("subscribe to an event bus: the config says to subscribe a queue instead", () => {
    const errors = loadErrors(
      workload(
        "      resources: { cpu: 1, memory: 2048 }\n      containers:\n        - name: app\n          packaging: { type: prebuilt-image }\n          events:\n            - type: event-bus\n              properties:\n                eventBusName: bus\n                eventPattern: { source: [a] }\n",
      ),
    );
    expect(errors).toEqual([
      {
        path: "resources.web.properties.containers.0.events.0.type",
        line: 12,
        column: 21,
        message:
          "A multi-container-workload cannot subscribe to an event bus (Stacktape v3 neither): subscribe an sqs-queue and poll it from the workload.",
      },
    ]);
  });

  it("carry events at the workload level, where Stacktape has none", () => {
    const errors = loadErrors(
      workload(
        `      resources: { cpu: 1, memory: 2048 }\n      events:\n        - type: event-bus\n          properties: { eventBusName: bus, eventPattern: { source: [a] } }\n${containers}`,
      ),
    );
    expect(errors[0]).toMatchObject({ path: "resources.web.properties.events", line: 8 });
    expect(errors[0]!.message).toMatch(/^Unknown property "events"\./);
  });

  it("connectTo a resource the config does not have", () => {
    const errors = loadErrors(
      workload(`      resources: { cpu: 1, memory: 2048 }\n      connectTo: [buss]\n${containers}`),
    );
    expect(errors).toEqual([
      {
        path: "resources.web.properties.connectTo.0",
        line: 8,
        column: 19,
        message: 'connectTo "buss" is not a resource in this config. Did you mean "bus"?',
      },
    ]);
  });

  it("route an HTTP API to two different container ports, or to an API that does not exist", () => {
    const http = (port: number, api = "api") =>
      `            - type: http-api-gateway\n              properties: { containerPort: ${port}, httpApiGatewayName: ${api}, method: GET, path: /p${port} }\n`;
    const withEvents = (events: string) =>
      workload(
        `      resources: { cpu: 1, memory: 2048 }\n      containers:\n        - name: app\n          packaging: { type: prebuilt-image }\n          events:\n${events}`,
        "  publicApi:\n    type: http-api-gateway\n",
      );
    const ports = compileErrors(withEvents(`${http(80, "publicApi")}${http(81, "publicApi")}`));
    expect(ports).toEqual([
      {
        path: "resources.web.properties.containers.0.events.1.properties.containerPort",
        message:
          "HTTP API routes of workload web all reach one container port (app:80); ECS registers a service in one Cloud Map service.",
      },
    ]);
    const unknown = loadErrors(withEvents(http(80, "publicapi")));
    expect(unknown).toEqual([
      {
        path: "resources.web.properties.containers.0.events.0.properties.httpApiGatewayName",
        line: 15,
        column: expect.any(Number),
        message: 'httpApiGatewayName "publicapi" is not a resource in this config. Did you mean "publicApi"?',
      },
    ]);
  });

  it("take a route a function already serves on the same HTTP API", () => {
    const errors = compileErrors(
      workload(
        "      resources: { cpu: 1, memory: 2048 }\n      containers:\n        - name: app\n          packaging: { type: prebuilt-image }\n          events:\n            - type: http-api-gateway\n              properties: { containerPort: 80, httpApiGatewayName: api, method: GET, path: /orders }\n",
        "  api:\n    type: http-api-gateway\n  lister:\n    type: function\n    properties:\n      packaging: { type: custom-artifact }\n      events:\n        - type: http-api-gateway\n          properties: { httpApiGatewayName: api, method: GET, path: /orders }\n",
      ),
    );
    expect(errors).toEqual([
      {
        path: "resources.web",
        message:
          'Route "GET /orders" of ApiApi is taken twice (ListerEvent0Route and WebEvent0Route); give one of them another method or path.',
      },
    ]);
  });

  it("ask for EC2 instance types, repeat a container name, or depend on a container it lacks", () => {
    const errors = compileErrors(
      workload(
        "      resources: { cpu: 1, memory: 2048, instanceTypes: [t3.micro] }\n      containers:\n        - name: app\n          packaging: { type: prebuilt-image }\n        - name: app\n          packaging: { type: prebuilt-image }\n          dependsOn: [{ containerName: db, condition: START }]\n",
      ),
    );
    expect(errors.map((e) => e.path)).toEqual([
      "resources.web.properties.containers.1.name",
      "resources.web.properties.containers.1.dependsOn.0.containerName",
    ]);
    const instanceTypes = compileErrors(
      workload(`      resources: { cpu: 1, memory: 2048, instanceTypes: [t3.micro] }\n${containers}`),
    );
    expect(instanceTypes).toEqual([
      {
        path: "resources.web.properties.resources.instanceTypes",
        message:
          "Workloads run on Fargate here; instanceTypes (EC2 capacity) is not supported. Remove it and size the task with cpu and memory.",
      },
    ]);
  });

  it("scale below its minimum", () => {
    const errors = loadErrors(
      workload(
        `      resources: { cpu: 1, memory: 2048 }\n      scaling: { minInstances: 3, maxInstances: 2 }\n${containers}`,
      ),
    );
    expect(errors).toMatchObject([
      {
        path: "resources.web.properties.scaling.maxInstances",
        message: "maxInstances (2) is below minInstances (3).",
      },
    ]);
  });
});
