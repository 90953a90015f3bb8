/**
 * Secrets in a config (a Slack token, a Teams or Discord webhook URL) are given by reference only:
 * `$Secret('<name>[.<json key>]')` or a Secrets Manager secret's ARN. Switchyard never holds their
 * values: the stored config has the reference, the template a CloudFormation dynamic reference
 * (`{{resolve:secretsmanager:...}}`) that CloudFormation resolves inside AWS, and no message repeats
 * what was written in their place.
 */
import { z } from "@hono/zod-openapi";
import { parseDirective } from "../../../config/directives/syntax.js";

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

/** The secret a value names, or undefined when the value is not a reference to one. */
export function secretOf(value: string): { secretId: string; jsonKey?: string } | undefined {
  if (SECRET_ARN.test(value)) return { secretId: value };
  const parsed = parseDirective(value);
  if (!parsed.ok || parsed.call.name !== "Secret" || parsed.call.path.length > 0) return undefined;
  const [arg] = parsed.call.args;
  if (typeof arg !== "string" || arg === "") return undefined;
  if (SECRET_ARN.test(arg)) return { secretId: arg };
  const [secretId, ...key] = arg.split(".");
  const jsonKey = key.join(".");
  if (!secretId || (key.length > 0 && jsonKey === "")) return undefined;
  return key.length > 0 ? { secretId, jsonKey } : { secretId };
}

/** The references `secretOf` takes, as the OpenAPI document states them (a subset: no quoting). */
const REFERENCE_PATTERN = `^(\\$Secret\\('[A-Za-z0-9/_+=@-]+(\\.[A-Za-z0-9/_+=@-]+)*'\\)|${SECRET_ARN.source.slice(1, -1)})$`;

/** A property holding a secret: a reference, never the value (whose text no message repeats). */
export const secretReference = (what: string) =>
  z
    .string()
    .refine((value) => secretOf(value) !== undefined, {
      message: `${what} is a secret: give it as $Secret('<secret name>') (a Secrets Manager secret) or the secret's ARN. Switchyard stores no secret value in a config.`,
    })
    .openapi({ pattern: REFERENCE_PATTERN });

/** The CloudFormation dynamic reference to a secret, resolved by CloudFormation inside AWS. */
export function dynamicReference(value: string): string {
  const { secretId, jsonKey } = secretOf(value)!;
  return jsonKey
    ? `{{resolve:secretsmanager:${secretId}:SecretString:${jsonKey}}}`
    : `{{resolve:secretsmanager:${secretId}}}`;
}
