/**
 * What a function served through its alias `stp-live` (provisioned concurrency, gradual deployments)
 * compiles to, module by module: the alias, its version republished on every change of the
 * function, its alarms' `Resource` dimension, the gradual-deployment concern under a team's scope,
 * and a kinesis trigger's own consumer.
 */
import { describe, expect, it } from "vitest";
import { namesIn } from "../../../api/compiler/tenancy/names.js";
import { validateTemplateAgainstRegistry } from "../../support/cfn-schema.js";
import { outcome, scopeOf, TARGET } from "./support.js";

const fn = (props: string) => `resources:
  fn:
    type: function
    properties:
      packaging: { type: custom-artifact, properties: { packagePath: dist/fn.zip } }
      alarms:
        - trigger: { type: lambda-duration, properties: { thresholdMilliseconds: 500 } }
        - trigger: { type: lambda-error-rate, properties: { thresholdPercent: 1 } }
${props}`;

const resourceDimensions = (template: { Resources: Record<string, any> }) =>
  ["LambdaDurationForFn0Alarm", "LambdaErrorRateForFn1Alarm"].flatMap((id) =>
    (template.Resources[id]!.Properties.Metrics as any[])
      .filter((m) => m.MetricStat)
      .map((m) => m.MetricStat.Metric.Dimensions.find((d: { Name: string }) => d.Name === "Resource").Value),
  );

describe("a function's alarms", () => {
  const onAlias = { "Fn::Join": [":", [{ Ref: "FnFunction" }, "stp-live"]] };

  it("watch the alias's invocations when the function has provisioned concurrency", () => {
    const { template, problems } = outcome(fn("      provisionedConcurrency: 2\n"));
    expect(problems).toEqual([]);
    // Duration (one query), error rate (errors and invocations): each on `<function>:stp-live`.
    expect(resourceDimensions(template!)).toEqual([onAlias, onAlias, onAlias]);
  });

  it("watch the alias's invocations when the function deploys gradually", () => {
    const { template } = outcome(fn("      deployment: { strategy: AllAtOnce }\n"));
    expect(resourceDimensions(template!)).toEqual([onAlias, onAlias, onAlias]);
  });

  it("watch the function itself when it has no alias", () => {
    const { template } = outcome(fn(""));
    const own = { Ref: "FnFunction" };
    expect(resourceDimensions(template!)).toEqual([own, own, own]);
  });
});

describe("the alias's version", () => {
  const version = (memory: number) =>
    outcome(fn(`      memory: ${memory}\n      provisionedConcurrency: 1\n`)).template!.Resources.FnVersion!
      .Properties as { Description: { "Fn::Join": [string, unknown[]] } };

  it("is described by the code's location and the function's configuration, so a change publishes a new one", () => {
    const [separator, parts] = version(512).Description["Fn::Join"];
    expect(separator).toBe("/");
    expect(parts.slice(0, 2)).toEqual([{ Ref: "FnCodeBucket" }, { Ref: "FnCodeKey" }]);
    expect(parts[2]).toMatch(/^[0-9a-f]{16}$/);
    expect(version(512)).toEqual(version(512));
    expect(version(1024)).not.toEqual(version(512));
  });
});

describe("gradual deployments under a team's scope", () => {
  const aws = { ...TARGET, stackName: "a--shop--dev", stackPrefix: "", tenancy: scopeOf("a") };
  const config = `resources:
  fn:
    type: function
    properties:
      packaging: { type: custom-artifact, properties: { packagePath: dist/fn.zip } }
      deployment: { strategy: Canary10Percent30Minutes, beforeAllowTrafficFunction: hook }
  other:
    type: function
    properties:
      packaging: { type: custom-artifact, properties: { packagePath: dist/other.zip } }
      deployment: { strategy: AllAtOnce, beforeAllowTrafficFunction: hook }
  hook:
    type: function
    properties:
      packaging: { type: custom-artifact, properties: { packagePath: dist/hook.zip } }
`;

  it("pass the tenant check and the registry schema, with one application and role for the stack", () => {
    const { template, problems } = outcome(config, aws);
    expect(problems).toEqual([]);
    const r = template!.Resources;
    const ofType = (type: string) => Object.keys(r).filter((id) => r[id]!.Type === type);
    expect(ofType("AWS::CodeDeploy::Application")).toEqual(["StpLambdaCodeDeployApplication"]);
    expect(ofType("AWS::CodeDeploy::DeploymentGroup").sort()).toEqual([
      "FnDeploymentGroup",
      "OtherDeploymentGroup",
    ]);
    const role = r.StpCodeDeployRole!.Properties as { RoleName: string; Policies: { PolicyName: string }[] };
    expect(role.RoleName).toBe("a--shop--dev-codedeploy-eu-west-1");
    expect(role.Policies.map((p) => p.PolicyName)).toEqual(["deploy-fn", "deploy-other"]);
    // The hook reports to both groups it is a hook of.
    const hook = r.HookRole!.Properties as {
      Policies: { PolicyName: string; PolicyDocument: { Statement: { Resource: unknown[] }[] } }[];
    };
    const reports = hook.Policies.find((p) => p.PolicyName === "codedeploy-hooks")!;
    expect(reports.PolicyDocument.Statement[0]!.Resource).toHaveLength(2);
    expect(validateTemplateAgainstRegistry(template)).toEqual([]);
  });

  it("name CodeDeploy's resources in the tenant check's terms", () => {
    expect(namesIn("codedeploy", "deploymentgroup:a--app/a--group")).toEqual([
      { kind: "codedeploy-application", name: "a--app" },
      { kind: "deployment-group", name: "a--group" },
    ]);
    expect(namesIn("codedeploy", "application:a--app")).toEqual([
      { kind: "codedeploy-application", name: "a--app" },
    ]);
    expect(namesIn("codedeploy", "deploymentconfig:CodeDeployDefault.LambdaAllAtOnce")).toEqual([]);
    expect(namesIn("secretsmanager", "secret:a--db-AbCdEf")).toEqual([
      { kind: "secret", name: "a--db-AbCdEf" },
    ]);
  });
});
