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
};
