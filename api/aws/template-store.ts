/**
 * Where the CloudFormation adapter puts templates too large to send inline (TemplateBody) so that
 * CloudFormation can read them by URL (TemplateURL). On AWS this is an S3 bucket
 * (s3-template-store.ts), loaded only when a template needs it.
 */
import { createHash } from "node:crypto";

export interface TemplateStore {
  /** Stores the template body of `stackName` and answers the URL CloudFormation reads it from. */
  put(stackName: string, body: string): Promise<string>;
}

/** Environment variable naming the bucket; without it templates over 51,200 bytes are refused. */
export const TEMPLATE_BUCKET_ENV = "SWITCHYARD_TEMPLATE_BUCKET";

/** Where stored templates live in the bucket; infra/ expires this prefix and scopes IAM to it. */
export const TEMPLATE_KEY_PREFIX = "templates/";

/**
 * The object a template body is stored as: `templates/<stack>/<sha256 of the body>.json`.
 * Content-addressed, so a retried or repeated deployment of the same template writes the same
 * object instead of piling up copies; `sha256` (base64) lets S3 check the upload's integrity.
 */
export function templateObject(stackName: string, body: string): { key: string; sha256: string } {
  const digest = createHash("sha256").update(body, "utf8").digest();
  return {
    key: `${TEMPLATE_KEY_PREFIX}${stackName}/${digest.toString("hex")}.json`,
    sha256: digest.toString("base64"),
  };
}
