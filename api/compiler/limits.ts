import type { CfnTemplate } from "./template.js";

/** CloudFormation quotas (reference/eventbridge.md §7.4). */
export const TEMPLATE_LIMITS = {
  resources: 500,
  outputs: 200,
  parameters: 200,
  /** Inline `TemplateBody`; larger templates must be uploaded to S3 and passed as TemplateURL. */
  inlineBodyBytes: 51_200,
  /** `TemplateURL` (S3) bodies. */
  urlBodyBytes: 1_000_000,
} as const;

export interface LimitCheck {
  errors: string[];
  warnings: string[];
  bodyBytes: number;
}

/**
 * Hard limits are errors; a body too large to send inline is a warning (the deployer can use S3).
 * Outputs are checked where they are made (compile), at the config path that passes the limit.
 */
export function checkTemplateLimits(template: CfnTemplate): LimitCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  const resources = Object.keys(template.Resources).length;
  const parameters = Object.keys(template.Parameters ?? {}).length;
  const bodyBytes = Buffer.byteLength(JSON.stringify(template), "utf8");
  if (resources > TEMPLATE_LIMITS.resources) {
    errors.push(
      `The template has ${resources} resources; CloudFormation allows at most ${TEMPLATE_LIMITS.resources}. Split the config into several projects.`,
    );
  }
  if (parameters > TEMPLATE_LIMITS.parameters) {
    errors.push(
      `The template has ${parameters} parameters; CloudFormation allows at most ${TEMPLATE_LIMITS.parameters}.`,
    );
  }
  if (bodyBytes > TEMPLATE_LIMITS.urlBodyBytes) {
    errors.push(
      `The template is ${bodyBytes} bytes; CloudFormation accepts at most ${TEMPLATE_LIMITS.urlBodyBytes} bytes even from S3.`,
    );
  } else if (bodyBytes > TEMPLATE_LIMITS.inlineBodyBytes) {
    warnings.push(
      `The template is ${bodyBytes} bytes, over the ${TEMPLATE_LIMITS.inlineBodyBytes}-byte inline limit: on AWS, Switchyard uploads it to its template bucket (SWITCHYARD_TEMPLATE_BUCKET) and deploys it by TemplateURL; without that bucket the deployment is refused.`,
    );
  }
  return { errors, warnings, bodyBytes };
}
