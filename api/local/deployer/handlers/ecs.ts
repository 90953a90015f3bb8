/** ECS: recorded, as AWS would identify them. */
import { arn, type ResourceHandler } from "./handler.js";
import { recorded } from "./recorded.js";

export const ECS_HANDLERS: Record<string, ResourceHandler> = {
  // Workloads are recorded like functions: what ECS, Cloud Map and API Gateway would return.
  "AWS::ECS::Cluster": recorded({
    nameProperty: "ClusterName",
    maxName: 255,
    identify: (name, ctx) => ({ ref: name, attributes: { Arn: arn(ctx, "ecs", `cluster/${name}`) } }),
  }),
  "AWS::ECS::TaskDefinition": recorded({
    maxName: 255,
    identify: (name, ctx) => {
      const tdArn = arn(ctx, "ecs", `task-definition/${name}:1`);
      return { ref: tdArn, attributes: { TaskDefinitionArn: tdArn } };
    },
  }),
  "AWS::ECS::Service": recorded({
    nameProperty: "ServiceName",
    maxName: 255,
    identify: (name, ctx) => {
      const serviceArn = arn(ctx, "ecs", `service/${name}`);
      return { ref: serviceArn, attributes: { ServiceArn: serviceArn, Name: name } };
    },
  }),
};
