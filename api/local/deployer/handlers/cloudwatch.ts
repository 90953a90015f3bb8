/** CloudWatch alarms: recorded, as AWS would identify them (no metrics flow locally to evaluate). */
import { arn, type ResourceHandler } from "./handler.js";
import { recorded } from "./recorded.js";

export const CLOUDWATCH_HANDLERS: Record<string, ResourceHandler> = {
  "AWS::CloudWatch::Alarm": recorded({
    nameProperty: "AlarmName",
    maxName: 255,
    identify: (name, ctx) => ({ ref: name, attributes: { Arn: arn(ctx, "cloudwatch", `alarm:${name}`) } }),
  }),
};
