/** IAM: recorded, as AWS would identify them. */
import { createHash } from "node:crypto";
import { arn, type ResourceHandler } from "./handler.js";
import { recorded } from "./recorded.js";

export const IAM_HANDLERS: Record<string, ResourceHandler> = {
  "AWS::IAM::Role": recorded({
    nameProperty: "RoleName",
    identify: (name, ctx) => ({
      ref: name,
      attributes: {
        Arn: arn(ctx, "iam", `role/${name}`, true),
        RoleId: `AROA${createHash("sha1").update(name).digest("hex").slice(0, 17).toUpperCase()}`,
      },
    }),
  }),
  "AWS::IAM::Policy": recorded({
    nameProperty: "PolicyName",
    identify: (name) => ({ ref: name, attributes: {} }),
  }),
  "AWS::IAM::ManagedPolicy": recorded({
    nameProperty: "ManagedPolicyName",
    identify: (name, ctx) => {
      const policyArn = arn(ctx, "iam", `policy/${name}`, true);
      return { ref: policyArn, attributes: { PolicyArn: policyArn } };
    },
  }),
  "AWS::IAM::InstanceProfile": recorded({
    nameProperty: "InstanceProfileName",
    maxName: 128,
    identify: (name, ctx) => ({
      ref: name,
      attributes: { Arn: arn(ctx, "iam", `instance-profile/${name}`, true) },
    }),
  }),
};
