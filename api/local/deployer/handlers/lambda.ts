/** Lambda: recorded, as AWS would identify them. */
import { arn, type ResourceHandler, shortId, str } from "./handler.js";
import { recorded } from "./recorded.js";

export const LAMBDA_HANDLERS: Record<string, ResourceHandler> = {
  "AWS::Lambda::Function": recorded({
    nameProperty: "FunctionName",
    identify: (name, ctx) => ({
      ref: name,
      attributes: { Arn: arn(ctx, "lambda", `function:${name}`) },
    }),
  }),
  "AWS::Lambda::Permission": recorded({
    identify: (name) => ({ ref: name, attributes: {} }),
  }),
  // Versions, aliases, URLs and mappings are recorded under generated names: nothing runs locally.
  // A version is immutable: a new one is published when its function or description changes.
  "AWS::Lambda::Version": recorded({
    replaceOn: ["FunctionName", "Description", "CodeSha256"],
    identify: (name, ctx) => ({
      ref: arn(ctx, "lambda", `function:${name}:1`),
      attributes: { Version: "1", FunctionArn: arn(ctx, "lambda", `function:${name}`) },
    }),
  }),
  // An alias's ARN is its function's qualified by its name (FunctionName: a name or an ARN).
  "AWS::Lambda::Alias": recorded({
    identify: (name, ctx, props) => {
      const fn = str(props.FunctionName) ?? name;
      const functionArn = fn.startsWith("arn:") ? fn : arn(ctx, "lambda", `function:${fn}`);
      const aliasArn = `${functionArn}:${str(props.Name) ?? "live"}`;
      return { ref: aliasArn, attributes: { AliasArn: aliasArn } };
    },
  }),
  "AWS::Lambda::Url": recorded({
    identify: (name, ctx) => ({
      ref: arn(ctx, "lambda", `function:${name}`),
      attributes: {
        FunctionArn: arn(ctx, "lambda", `function:${name}`),
        FunctionUrl: `https://${shortId(name)}.lambda-url.${ctx.region}.on.aws/`,
      },
    }),
  }),
  "AWS::Lambda::EventInvokeConfig": recorded({ identify: (name) => ({ ref: name, attributes: {} }) }),
  "AWS::Lambda::EventSourceMapping": recorded({
    identify: (name, ctx) => ({
      ref: name,
      attributes: { Id: name, EventSourceMappingArn: arn(ctx, "lambda", `event-source-mapping:${name}`) },
    }),
  }),
};
