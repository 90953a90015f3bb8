/**
 * The bucket through which deployments hand CloudFormation templates over 51,200 bytes (TemplateURL;
 * api/aws/s3-template-store.ts). A cache: CloudFormation reads a template once, when the change set
 * is created, and keeps its own copy, so objects expire after a week.
 */
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import { TEMPLATE_KEY_PREFIX } from "../api/aws/template-store.js";

/** How long an uploaded template is kept; enough for a change set created and reviewed later. */
export const TEMPLATE_EXPIRY_DAYS = 7;

export function createTemplateBucket(scope: Construct, id: string): Bucket {
  return new Bucket(scope, id, {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    lifecycleRules: [
      {
        id: "ExpireTemplates",
        prefix: TEMPLATE_KEY_PREFIX,
        expiration: Duration.days(TEMPLATE_EXPIRY_DAYS),
      },
    ],
    // Retained, not destroyed: emptying a bucket on stack deletion needs a custom-resource Lambda,
    // and DESTROY on a bucket still holding templates would fail the deletion. A retained bucket
    // empties itself within a week (the rule above) and costs nothing after; delete it by hand.
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
