/**
 * A function's `deployment` (Stacktape's gradual deployments): the function's invocations go through
 * its alias `stp-live`, and CloudFormation hands each change of the alias's version to CodeDeploy,
 * which shifts traffic by the strategy (canary, linear, all at once) and runs the hooks. Compiled as
 * Stacktape does it: one `AWS::CodeDeploy::Application` per stack (`StpLambdaCodeDeployApplication`),
 * a deployment group per function (`<Function>DeploymentGroup`, `CodeDeployDefault.Lambda<strategy>`),
 * the alias's `UpdatePolicy.CodeDeployLambdaAliasUpdate`, and one CodeDeploy service role per stack
 * (`StpCodeDeployRole`). Unlike Stacktape's (AWS's managed `AWSCodeDeployRoleForLambda`), the role
 * may only move these functions' aliases and invoke their hooks, and each hook function may report
 * its result to the deployment groups it is a hook of, nothing else.
 */
import { z } from "@hono/zod-openapi";
import type { CompileContext } from "../../compiler/context.js";
import { logicalId, NAME_LIMITS } from "../../compiler/naming.js";
import {
  allow,
  arnOf,
  getAtt,
  type IamStatement,
  policyDocument,
  ref,
  sub,
  trustPolicy,
} from "../../compiler/template.js";
import type { ResourceBase } from "../../config/schema/root.js";
import { strictObject } from "../../config/schema/strict.js";
import { own } from "../../prototype-safe.js";
import type { Concern } from "../definition.js";

/** The alias every trigger of a function with one invokes (Stacktape's name). */
export const LIVE_ALIAS = "stp-live";
export const aliasId = (name: string) => logicalId(name, "AWS::Lambda::Alias", "Stp");

export const DEPLOYMENT_STRATEGIES = [
  "Canary10Percent5Minutes",
  "Canary10Percent10Minutes",
  "Canary10Percent15Minutes",
  "Canary10Percent30Minutes",
  "Linear10PercentEvery1Minute",
  "Linear10PercentEvery2Minutes",
  "Linear10PercentEvery3Minutes",
  "Linear10PercentEvery10Minutes",
  "AllAtOnce",
] as const;

const DeploymentSchema = strictObject({
  strategy: z.enum(DEPLOYMENT_STRATEGIES),
  beforeAllowTrafficFunction: z.string().optional(),
  afterTrafficShiftFunction: z.string().optional(),
});
type Deployment = z.infer<typeof DeploymentSchema>;

const HOOKS = [
  ["beforeAllowTrafficFunction", "BeforeAllowTrafficHook"],
  ["afterTrafficShiftFunction", "AfterAllowTrafficHook"],
] as const;

export const APPLICATION_ID = logicalId("", "AWS::CodeDeploy::Application", "StpLambdaCodeDeploy");
export const CODEDEPLOY_ROLE_ID = logicalId("Stp", "AWS::IAM::Role", "CodeDeploy");
export const deploymentGroupId = (name: string) => logicalId(name, "AWS::CodeDeploy::DeploymentGroup");

const applicationName = (ctx: CompileContext) => ctx.physicalName(APPLICATION_ID, NAME_LIMITS.codeDeploy);
const groupName = (ctx: CompileContext, name: string) =>
  ctx.physicalName(deploymentGroupId(name), NAME_LIMITS.codeDeploy);
/** What a hook reports its result to (PutLifecycleEventHookExecutionStatus is scoped by group). */
const groupArn = (ctx: CompileContext, name: string) =>
  arnOf("codedeploy", `deploymentgroup:${applicationName(ctx)}/${groupName(ctx, name)}`);

const deploymentOf = (resource: ResourceBase): Deployment | undefined =>
  (resource.properties as { deployment?: Deployment } | undefined)?.deployment;

/** Functions of the config whose deployment names `hook` as a hook, with the hook's property. */
function deploymentsHookedTo(ctx: CompileContext, hook: string): string[] {
  return Object.entries(ctx.config.resources)
    .filter(([, r]) => r.type === "function")
    .filter(([, r]) => HOOKS.some(([property]) => deploymentOf(r)?.[property] === hook))
    .map(([name]) => name);
}

const properties = { deployment: DeploymentSchema.optional() };

export const gradualDeployment: Concern & { properties: typeof properties } = {
  name: "deployment",
  properties,
  // The alias and its version are the function's own (it makes them for provisioned concurrency too).
  cloudformationTypes: ["AWS::CodeDeploy::Application", "AWS::CodeDeploy::DeploymentGroup", "AWS::IAM::Role"],

  check(name, resource, checks) {
    const deployment = deploymentOf(resource);
    if (!deployment) return;
    const path = ["resources", name, "properties", "deployment"];
    for (const [property] of HOOKS) {
      const hook = deployment[property];
      if (hook === undefined) continue;
      if (hook === name)
        checks.report(
          [...path, property],
          `A function cannot be its own ${property}: CodeDeploy runs the hook while it shifts this function's traffic.`,
        );
      else checks.expectType([...path, property], hook, "function", property);
    }
  },

  compile(name, resource, ctx) {
    const deployment = deploymentOf(resource);
    if (deployment) compileDeployment(ctx, name, deployment);
    // A hook function may report its result to the groups of the functions it is a hook of.
    const hooked = deploymentsHookedTo(ctx, name);
    if (hooked.length > 0)
      addPolicy(
        ctx,
        logicalId(name, "AWS::IAM::Role"),
        "codedeploy-hooks",
        allow(
          ["codedeploy:PutLifecycleEventHookExecutionStatus"],
          hooked.map((fn) => groupArn(ctx, fn)),
        ),
      );
  },
};

function compileDeployment(ctx: CompileContext, name: string, deployment: Deployment): void {
  const fnId = logicalId(name, "AWS::Lambda::Function");
  if (!ctx.resources[APPLICATION_ID])
    ctx.add(name, APPLICATION_ID, {
      Type: "AWS::CodeDeploy::Application",
      Properties: { ApplicationName: applicationName(ctx), ComputePlatform: "Lambda" },
    });
  const hooks = HOOKS.flatMap(([property]) => {
    const hook = deployment[property];
    return hook === undefined ? [] : [hook];
  });
  // What CodeDeploy does for this function: move its alias, read its provisioned concurrency, run its hooks.
  const functionArn = getAtt(fnId, "Arn");
  const statements = [
    allow(
      ["lambda:GetAlias", "lambda:UpdateAlias", "lambda:GetProvisionedConcurrencyConfig"],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not a JS template.
      [functionArn, sub("${Arn}:*", { Arn: functionArn })],
    ),
    ...(hooks.length > 0
      ? [
          allow(
            ["lambda:InvokeFunction"],
            hooks.map((hook) => getAtt(logicalId(hook, "AWS::Lambda::Function"), "Arn")),
          ),
        ]
      : []),
  ];
  if (!ctx.resources[CODEDEPLOY_ROLE_ID])
    ctx.add(name, CODEDEPLOY_ROLE_ID, {
      Type: "AWS::IAM::Role",
      Properties: {
        RoleName: ctx.roleName("codedeploy"),
        AssumeRolePolicyDocument: trustPolicy("codedeploy.amazonaws.com"),
      },
    });
  addPolicy(ctx, CODEDEPLOY_ROLE_ID, `deploy-${name}`, ...statements);

  const groupId = deploymentGroupId(name);
  ctx.add(name, groupId, {
    Type: "AWS::CodeDeploy::DeploymentGroup",
    Properties: {
      ApplicationName: ref(APPLICATION_ID),
      DeploymentGroupName: groupName(ctx, name),
      DeploymentConfigName: `CodeDeployDefault.Lambda${deployment.strategy}`,
      DeploymentStyle: { DeploymentType: "BLUE_GREEN", DeploymentOption: "WITH_TRAFFIC_CONTROL" },
      AutoRollbackConfiguration: {
        Enabled: true,
        Events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST"],
      },
      ServiceRoleArn: getAtt(CODEDEPLOY_ROLE_ID, "Arn"),
    },
  });

  // The function module made the alias (every function with a deployment has one).
  const alias = own(ctx.resources, aliasId(name));
  if (!alias) return;
  alias.UpdatePolicy = {
    CodeDeployLambdaAliasUpdate: {
      ApplicationName: ref(APPLICATION_ID),
      DeploymentGroupName: ref(groupId),
      ...Object.fromEntries(
        HOOKS.flatMap(([property, hookProperty]) => {
          const hook = deployment[property];
          return hook === undefined
            ? []
            : [[hookProperty, ref(logicalId(hook, "AWS::Lambda::Function"))] as const];
        }),
      ),
    },
  };
}

/** Adds an inline policy (its statements merged into one of that name) to a role of the stack. */
function addPolicy(ctx: CompileContext, roleId: string, policyName: string, ...statements: IamStatement[]) {
  const role = own(ctx.resources, roleId);
  if (!role) return;
  const props = role.Properties as { Policies?: { PolicyName: string; PolicyDocument: unknown }[] };
  props.Policies = [
    ...(props.Policies ?? []),
    { PolicyName: policyName, PolicyDocument: policyDocument(statements) },
  ];
}
