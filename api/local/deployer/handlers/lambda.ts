/** Lambda: recorded, as AWS would identify them. */
import { arn, type ResourceHandler } from "./handler.js";
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
};
