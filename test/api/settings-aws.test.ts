import {
  CloudFormationClient,
  CreateChangeSetCommand,
  ExecuteChangeSetCommand,
} from "@aws-sdk/client-cloudformation";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CloudFormationDeployer } from "../../api/aws/cloudformation.js";
import { createKey, createTeam, jsonRequest } from "../support/auth.js";
import { acceptNewStack, stackRef } from "../support/cloudformation-fixtures.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { createProject, postConfig } from "./deployments-support.js";

/**
 * The Lambda's composition for deployments: the CloudFormation adapter (its client mocked with
 * responses shaped like CloudFormation's) and a known region. Missing network settings stop a
 * deployment before any CloudFormation call; once set, they are the change set's Parameters.
 */
const FLEET = stackRef("fleet-prod");
const IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:42";
const NETWORK = {
  subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
  securityGroupIds: ["sg-0123456789abcdef0"],
};

const WORKLOAD = `resources:
  fleetEvents:
    type: event-bus
  tracker:
    type: multi-container-workload
    properties:
      resources: { cpu: 1, memory: 2048 }
      connectTo: [fleetEvents]
      containers:
        - name: web
          packaging: { type: stacktape-image-buildpack, properties: { entryfilePath: src/web.ts } }
`;

const cfn = mockClient(CloudFormationClient);
let server: TestServer;
let deployer: string;

beforeAll(async () => {
  server = await startTestServer({
    deployer: new CloudFormationDeployer({
      client: new CloudFormationClient({ region: "eu-west-1" }),
      pollMs: 1,
      sleep: async () => {},
    }),
    deploymentSettings: { region: "eu-west-1" },
  });
  const team = await createTeam(server);
  deployer = await createKey(server, team, "deployer");
  await createProject(server, team, "fleet");
  await postConfig(server, server.adminKey, "fleet", WORKLOAD);
});
afterAll(() => {
  cfn.restore();
  return server.close();
});

const deploy = () =>
  server.fetch(
    "/v1/projects/fleet/stages/prod/deployments",
    jsonRequest(deployer, "POST", { artifacts: { "tracker.web": { imageUri: IMAGE } } }),
  );

it("answers 422 naming what to set, without calling CloudFormation, while the region has no network", async () => {
  const res = await deploy();
  expect(res.status).toBe(422);
  const problem = await bodyOf(res);
  expect(problem.type).toMatch(/network-settings-missing$/);
  expect(problem.detail).toContain("workload tracker");
  expect(problem.detail).toContain("PUT /v1/settings/network");
  expect(cfn.calls()).toHaveLength(0);
});

it("creates the change set with the region's subnets and security groups as Parameters once they are set", async () => {
  const put = await server.fetch("/v1/settings/network", {
    ...jsonRequest(server.adminKey, "PUT", { regions: { "eu-west-1": NETWORK } }),
  });
  expect(put.status).toBe(200);
  acceptNewStack(cfn, FLEET);

  const res = await deploy();
  expect(res.status, await res.clone().text()).toBe(202);
  const [create] = cfn.commandCalls(CreateChangeSetCommand);
  const parameters = Object.fromEntries(
    (create!.args[0].input.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]),
  );
  expect(parameters).toEqual({
    TrackerWebImageUri: IMAGE,
    PlatformSubnetIds: NETWORK.subnetIds.join(","),
    PlatformSecurityGroupIds: NETWORK.securityGroupIds.join(","),
  });
  const template = JSON.parse(create!.args[0].input.TemplateBody!);
  expect(template.Parameters.PlatformSubnetIds.Type).toBe("List<AWS::EC2::Subnet::Id>");
  expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(1);
});
