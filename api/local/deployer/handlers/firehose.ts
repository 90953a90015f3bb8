/** Kinesis Data Firehose and S3 (a log forwarding's stream and its failed-records bucket): recorded. */
import { arn, type ResourceHandler } from "./handler.js";
import { recorded } from "./recorded.js";

export const FIREHOSE_HANDLERS: Record<string, ResourceHandler> = {
  "AWS::KinesisFirehose::DeliveryStream": recorded({
    nameProperty: "DeliveryStreamName",
    identify: (name, ctx) => ({
      ref: name,
      attributes: { Arn: arn(ctx, "firehose", `deliverystream/${name}`) },
    }),
  }),
  // CloudFormation names a bucket `<stack>-<logical id>-<suffix>` in lower case.
  "AWS::S3::Bucket": recorded({
    nameProperty: "BucketName",
    maxName: 63,
    identify: (name, ctx) => {
      const bucket = name.toLowerCase();
      return {
        ref: bucket,
        attributes: {
          Arn: `arn:aws:s3:::${bucket}`,
          DomainName: `${bucket}.s3.amazonaws.com`,
          RegionalDomainName: `${bucket}.s3.${ctx.region}.amazonaws.com`,
        },
      };
    },
  }),
};
