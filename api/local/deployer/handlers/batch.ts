/** AWS Batch: recorded, as AWS would identify them. */
import { arn, type ResourceHandler } from "./handler.js";
import { recorded } from "./recorded.js";

export const BATCH_HANDLERS: Record<string, ResourceHandler> = {
  "AWS::Batch::JobDefinition": recorded({
    nameProperty: "JobDefinitionName",
    maxName: 128,
    identify: (name, ctx) => {
      const jdArn = arn(ctx, "batch", `job-definition/${name}:1`);
      return { ref: jdArn, attributes: { JobDefinitionArn: jdArn } };
    },
  }),
  "AWS::Batch::JobQueue": recorded({
    nameProperty: "JobQueueName",
    maxName: 128,
    identify: (name, ctx) => {
      const qArn = arn(ctx, "batch", `job-queue/${name}`);
      return { ref: qArn, attributes: { JobQueueArn: qArn } };
    },
  }),
  "AWS::Batch::ComputeEnvironment": recorded({
    nameProperty: "ComputeEnvironmentName",
    maxName: 128,
    identify: (name, ctx) => {
      const ceArn = arn(ctx, "batch", `compute-environment/${name}`);
      return { ref: ceArn, attributes: { ComputeEnvironmentArn: ceArn } };
    },
  }),
};
