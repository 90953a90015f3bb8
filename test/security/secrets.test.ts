/**
 * Secrets across teams: `$Secret` compiles to a dynamic reference that CloudFormation resolves with
 * the stack's role, into the stack's own resources (a function's environment, a connection). Team B
 * naming team A's secret would have CloudFormation read A's secret into B's function. On AWS the
 * team's role may only read secrets named in its namespace (infra/permissions.ts, ResolveSecrets);
 * before anything is deployed, the tenant check refuses every secret outside it: by `$Secret`, by
 * ARN, in raw resources, assembled from parts, or granted to a workload's role.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { type Hostile, hostileTeam, refusedEverywhere } from "./support.js";

let server: TestServer;
let b: Hostile;
/** Another team's namespace: its secrets are `victim--...`. */
const VICTIM = "victim";
const VICTIM_ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:victim--db-AbCdEf";

beforeAll(async () => {
  server = await startTestServer();
  b = await hostileTeam(server);
});
afterAll(() => server.close());

const worker = (extra: string) => `resources:
  worker:
    type: function
    properties:
      packaging: { type: custom-artifact, properties: { packagePath: dist/worker.zip } }
${extra}`;

describe("a team's config naming another team's secret", () => {
  it("is refused where $Secret or $SsmParam names it, in a function's environment", async () => {
    const errors = await refusedEverywhere(
      server,
      b,
      worker(`      environment:
        - name: DB_PASSWORD
          value: $Secret('${VICTIM}--db.password')
        - name: FLAG
          value: $SsmParam('/${VICTIM}--flags/beta')
`),
    );
    expect(errors).toEqual([
      expect.objectContaining({
        path: "resources.worker.properties.environment.0.value",
        line: 8,
        message: expect.stringContaining(`names the secret "${VICTIM}--db"`),
      }),
      expect.objectContaining({
        path: "resources.worker.properties.environment.1.value",
        line: 10,
        message: expect.stringContaining(`names the parameter "${VICTIM}--flags/beta"`),
      }),
    ]);
    expect(errors[0]!.message).toContain(`A team's secrets and parameters are named "${b.team}--..."`);
  });

  it("is refused when given by ARN, written raw, or assembled with Fn::Join", async () => {
    const errors = await refusedEverywhere(
      server,
      b,
      `resources:
  bus:
    type: event-bus
cloudformationResources:
  ByArn:
    Type: AWS::Events::Connection
    Properties:
      AuthorizationType: API_KEY
      AuthParameters:
        ApiKeyAuthParameters:
          ApiKeyName: Authorization
          ApiKeyValue: "{{resolve:secretsmanager:${VICTIM_ARN}:SecretString:token}}"
  Assembled:
    Type: AWS::Events::Connection
    Properties:
      AuthorizationType: API_KEY
      AuthParameters:
        ApiKeyAuthParameters:
          ApiKeyName: Authorization
          ApiKeyValue: { "Fn::Join": ["", ["{{res", "olve:secretsmanager:", "${VICTIM}--db", "}}"]] }
  Imported:
    Type: AWS::Events::Connection
    Properties:
      AuthorizationType: API_KEY
      AuthParameters:
        ApiKeyAuthParameters:
          ApiKeyName: Authorization
          ApiKeyValue: { "Fn::Join": ["", ["{{resolve:", { "Fn::ImportValue": "which" }, ":db}}"]] }
`,
    );
    const at = (resource: string) =>
      `cloudformationResources.${resource}.Properties.AuthParameters.ApiKeyAuthParameters.ApiKeyValue`;
    expect(errors.map((e) => [e.path, e.line])).toEqual([
      [at("ByArn"), 12],
      [at("Assembled"), 20],
      [at("Imported"), 28],
    ]);
    // CloudFormation joins before it resolves: the assembled reference is read as the text it makes.
    expect(errors[0]!.message).toContain(`names the secret "${VICTIM}--db-AbCdEf"`);
    expect(errors[1]!.message).toContain(`names the secret "${VICTIM}--db"`);
    expect(errors[2]!.message).toContain("cannot be read before deployment");
  });

  it("is refused when a role is granted to read it, or every secret", async () => {
    const errors = await refusedEverywhere(
      server,
      b,
      worker(`      iamRoleStatements:
        - Action: [secretsmanager:GetSecretValue]
          Resource: [${VICTIM_ARN}]
        - Action: [secretsmanager:GetSecretValue]
          Resource: ["*"]
      events:
        - type: kafka-topic
          properties:
            customKafkaConfiguration:
              bootstrapServers: [broker:9092]
              topicName: payments
              authentication:
                type: BASIC_AUTH
                properties: { authenticationSecretArn: ${VICTIM_ARN} }
`),
    );
    const at = (path: string) => errors.filter((e) => e.path === path);
    expect(at("resources.worker.properties.iamRoleStatements.0.Resource.0")).toEqual([
      expect.objectContaining({
        line: 8,
        message: expect.stringContaining(`names the secret "${VICTIM}--db-AbCdEf"`),
      }),
    ]);
    expect(at("resources.worker.properties.iamRoleStatements.1.Resource.0")).toEqual([
      expect.objectContaining({
        line: 10,
        message: expect.stringContaining("secretsmanager:GetSecretValue"),
      }),
    ]);
    // The kafka secret: in the mapping's access configuration and in the role's trigger policy.
    const kafka = errors.filter((e) => e.path.startsWith("resources.worker.properties.events.0"));
    expect(kafka.length).toBeGreaterThan(0);
    for (const e of kafka) expect(e.message).toContain(`"${VICTIM}--db-AbCdEf"`);
  });
});

describe("a team's config naming its own secrets", () => {
  it("validates, and the template resolves them by name", async () => {
    const yaml = worker(`      environment:
        - name: DB_PASSWORD
          value: $Secret('${b.team}--db.password')
        - name: FLAG
          value: $SsmParam('/${b.team}--flags/beta')
      iamRoleStatements:
        - Action: [secretsmanager:GetSecretValue]
          Resource: [arn:aws:secretsmanager:us-east-1:000000000000:secret:${b.team}--api-key-*]
`);
    const res = await server.fetch(
      "/v1/validate",
      jsonRequest(b.key, "POST", { config: yaml, project: b.project, stage: "dev" }),
    );
    const body = await bodyOf(res);
    expect(res.status, JSON.stringify(body.errors)).toBe(200);
    expect(body.template.Resources.WorkerFunction.Properties.Environment.Variables.DB_PASSWORD).toBe(
      `{{resolve:secretsmanager:${b.team}--db:SecretString:password}}`,
    );
  });
});
