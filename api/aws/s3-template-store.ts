/**
 * Large templates in S3: the bucket infra/ creates for them (SWITCHYARD_TEMPLATE_BUCKET). The
 * CloudFormation adapter passes the object's URL as TemplateURL; CloudFormation fetches it with
 * the caller's credentials, so the API needs s3:GetObject on these objects as well as PutObject.
 * This module (and the S3 SDK) loads only when a template is too large to send inline.
 */
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { type TemplateStore, templateObject } from "./template-store.js";

export interface S3TemplateStoreOptions {
  client: S3Client;
  bucket: string;
  /** The bucket's region (the Lambda's own): it is part of the URL CloudFormation reads. */
  region: string;
}

export class S3TemplateStore implements TemplateStore {
  constructor(private readonly options: S3TemplateStoreOptions) {}

  async put(stackName: string, body: string): Promise<string> {
    const { client, bucket, region } = this.options;
    const { key, sha256 } = templateObject(stackName, body);
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: "application/json",
          ChecksumSHA256: sha256,
        }),
      );
    } catch (err) {
      // Surfaces as the deployment's reason: say where it went wrong, for the operator.
      throw new Error(
        `Uploading the template to s3://${bucket}/${key} failed: ${(err as Error).name}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    return objectUrl(bucket, region, key);
  }
}

/** Builds the store with its own client, for the Lambda (api/entry/aws-adapters.ts). */
export function createS3TemplateStore(bucket: string, region: string): S3TemplateStore {
  return new S3TemplateStore({ client: new S3Client({ region }), bucket, region });
}

/**
 * The object's HTTPS URL on the regional endpoint (China regions live under amazonaws.com.cn).
 * Virtual-hosted style, except for bucket names with dots, which S3's wildcard certificate does not
 * cover: those use the path style.
 */
export function objectUrl(bucket: string, region: string, key: string): string {
  const suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  const path = key.split("/").map(encodeURIComponent).join("/");
  return bucket.includes(".")
    ? `https://s3.${region}.${suffix}/${bucket}/${path}`
    : `https://${bucket}.s3.${region}.${suffix}/${path}`;
}
