/** Lambda: recorded, as AWS would identify them. */
import { arn, type ResourceHandler, shortId } from "./handler.js";
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
  "AWS::Lambda::Version": recorded({
    identify: (name, ctx) => ({
      ref: arn(ctx, "lambda", `function:${name}:1`),
      attributes: { Version: "1", FunctionArn: arn(ctx, "lambda", `function:${name}`) },
    }),
  }),
  "AWS::Lambda::Alias": recorded({
    identify: (name, ctx) => ({ ref: arn(ctx, "lambda", `function:${name}:stp-live`), attributes: {} }),
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
