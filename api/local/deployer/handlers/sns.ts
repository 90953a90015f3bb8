/** SNS: recorded, as AWS would identify them. */
import { arn, type ResourceHandler } from "./handler.js";
import { recorded } from "./recorded.js";

export const SNS_HANDLERS: Record<string, ResourceHandler> = {
  "AWS::SNS::Topic": recorded({
    nameProperty: "TopicName",
    maxName: 256,
    identify: (name, ctx) => {
      const topicArn = arn(ctx, "sns", name);
      return { ref: topicArn, attributes: { TopicArn: topicArn, TopicName: name } };
    },
  }),
  // Recorded: nothing is sent locally (an e-mail subscription waits for its confirmation on AWS).
  "AWS::SNS::Subscription": recorded({
    identify: (name, ctx) => ({ ref: arn(ctx, "sns", `subscription:${name}`), attributes: {} }),
  }),
  "AWS::SNS::TopicPolicy": recorded({ identify: (name) => ({ ref: name, attributes: { Id: name } }) }),
};
