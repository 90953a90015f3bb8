/** SQS: recorded, as AWS would identify them. */
import { arn, type ResourceHandler } from "./handler.js";
import { recorded, recordedByType } from "./recorded.js";

export const SQS_HANDLERS: Record<string, ResourceHandler> = {
  "AWS::SQS::Queue": recorded({
    nameProperty: "QueueName",
    maxName: 80,
    identify: (name, ctx) => ({
      ref: `https://sqs.${ctx.region}.amazonaws.com/${ctx.account}/${name}`,
      attributes: {
        Arn: arn(ctx, "sqs", name),
        QueueName: name,
        QueueUrl: `https://sqs.${ctx.region}.amazonaws.com/${ctx.account}/${name}`,
      },
    }),
  }),
  // A queue policy has no identity of its own worth more than the generic record.
  "AWS::SQS::QueuePolicy": recordedByType("AWS::SQS::QueuePolicy"),
};
