/** Route 53: a custom domain's record is recorded by its name, as CloudFormation's Ref gives it (nothing resolves locally). */
import type { ResourceHandler } from "./handler.js";
import { recorded } from "./recorded.js";

export const ROUTE53_HANDLERS: Record<string, ResourceHandler> = {
  "AWS::Route53::RecordSet": {
    ...recorded({ nameProperty: "Name", maxName: 255, identify: (name) => ({ ref: name, attributes: {} }) }),
    // A record moves to another zone, or changes type, only by being made again.
    replaceOn: ["Name", "HostedZoneId", "Type"],
  },
};
