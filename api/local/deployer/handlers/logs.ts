/** CloudWatch Logs: recorded, as AWS would identify them. */
import { arn, type ResourceHandler } from "./handler.js";
import { recorded } from "./recorded.js";

export const LOGS_HANDLERS: Record<string, ResourceHandler> = {
  "AWS::Logs::LogGroup": recorded({
    nameProperty: "LogGroupName",
    maxName: 512,
    identify: (name, ctx) => ({ ref: name, attributes: { Arn: arn(ctx, "logs", `log-group:${name}:*`) } }),
  }),
  "AWS::Logs::SubscriptionFilter": recorded({
    nameProperty: "FilterName",
    identify: (name) => ({ ref: name, attributes: {} }),
  }),
};
