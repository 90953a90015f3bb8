import type { CompileContext } from "./context.js";
import type { Intrinsic } from "./template.js";

/**
 * Where the platform's network settings enter a template: one Parameter each, shared by every batch
 * job and workload of the stack, filled at deploy time from `PUT /v1/settings/network`. Product
 * teams never choose subnets or security groups; the compiler stays pure.
 */
export const NETWORK_PARAMETERS = {
  subnets: "PlatformSubnetIds",
  securityGroups: "PlatformSecurityGroupIds",
  vpc: "PlatformVpcId",
} as const;

export const platformSubnets = (ctx: CompileContext): Intrinsic =>
  ctx.parameter(NETWORK_PARAMETERS.subnets, "subnet-ids", "platform", {
    Type: "List<AWS::EC2::Subnet::Id>",
    Description: "Subnets of batch jobs and workloads (platform network settings).",
  });

export const platformSecurityGroups = (ctx: CompileContext): Intrinsic =>
  ctx.parameter(NETWORK_PARAMETERS.securityGroups, "security-group-ids", "platform", {
    Type: "List<AWS::EC2::SecurityGroup::Id>",
    Description: "Security groups of batch jobs and workloads (platform network settings).",
  });

/** Only workloads reached from an HTTP API need it: their Cloud Map namespace lives in the VPC. */
export const platformVpc = (ctx: CompileContext): Intrinsic =>
  ctx.parameter(NETWORK_PARAMETERS.vpc, "vpc-id", "platform", {
    Type: "AWS::EC2::VPC::Id",
    Description: "VPC of the platform subnets (platform network settings).",
  });
