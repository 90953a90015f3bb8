/**
 * CodeDeploy (a function's gradual deployments): recorded. The embedded default shifts no traffic:
 * it runs no code, so an alias simply points at its newest version and no hook is invoked.
 */
import { arn, type ResourceHandler } from "./handler.js";
import { recorded } from "./recorded.js";

export const CODEDEPLOY_HANDLERS: Record<string, ResourceHandler> = {
  "AWS::CodeDeploy::Application": recorded({
    nameProperty: "ApplicationName",
    maxName: 100,
    identify: (name, ctx) => ({
      ref: name,
      attributes: { Arn: arn(ctx, "codedeploy", `application:${name}`) },
    }),
  }),
  "AWS::CodeDeploy::DeploymentGroup": recorded({
    nameProperty: "DeploymentGroupName",
    maxName: 100,
    identify: (name) => ({ ref: name, attributes: {} }),
  }),
};
