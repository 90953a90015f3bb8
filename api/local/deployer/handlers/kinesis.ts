/** Kinesis stream consumers (a kinesis-stream trigger's `autoCreateConsumer`): recorded. */
import { arn, type ResourceHandler, shortId, str } from "./handler.js";
import { recorded } from "./recorded.js";

export const KINESIS_HANDLERS: Record<string, ResourceHandler> = {
  // `<stream ARN>/consumer/<name>:<creation time>`; the time is derived from the name, so it is stable.
  "AWS::Kinesis::StreamConsumer": recorded({
    nameProperty: "ConsumerName",
    maxName: 128,
    identify: (name, ctx, props) => {
      const stream = str(props.StreamARN) ?? arn(ctx, "kinesis", "stream/unknown");
      const created = String(1_700_000_000 + (Number.parseInt(shortId(name).slice(0, 7), 16) % 50_000_000));
      const consumerArn = `${stream}/consumer/${name}:${created}`;
      return {
        ref: consumerArn,
        attributes: {
          ConsumerARN: consumerArn,
          ConsumerName: name,
          StreamARN: stream,
          ConsumerStatus: "ACTIVE",
          ConsumerCreationTimestamp: created,
        },
      };
    },
  }),
};
