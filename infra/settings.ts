/**
 * Deployment settings of the Switchyard stack, from CDK context (`-c key=value` or cdk.json) or,
 * when a key is absent there, the environment variable `SWITCHYARD_<KEY_IN_SNAKE_CASE>`.
 */
import { z } from "zod";

/** CloudWatch Logs accepts only these retention periods (days). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const list = z.preprocess(
  (v) =>
    typeof v === "string"
      ? v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z.array(z.string()),
);

export const SettingsSchema = z.object({
  /** CloudFormation stack name of Switchyard itself. */
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/)
    .default("Switchyard"),
  /**
   * Prefix of every stack Switchyard deploys and of the physical names in them; IAM is scoped to it.
   * Short, because AWS name limits are short (archive names: 48 characters).
   */
  stackPrefix: z
    .string()
    .regex(/^[a-z][a-z0-9]{0,7}-$/, "lowercase letters and digits ending in '-', at most 9 characters")
    .default("sy-"),
  /** Browser origins of the self-service portal allowed by CORS; none means no CORS at all. */
  portalOrigins: list
    .pipe(z.array(z.url({ protocol: /^https?$/ }).refine((u) => new URL(u).origin === u, "an origin only")))
    .default([]),
  logRetentionDays: z.coerce
    .number()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      message: `one of ${LOG_RETENTION_DAYS.join(", ")}`,
    })
    .default(30),
  /** Where alarms are sent; without it alarms still exist on an SNS topic without subscribers. */
  alarmEmail: z.email().optional(),
  /** S3 buckets holding function code that deployments point at (the service role may read them). */
  artifactBuckets: list.pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/))).default([]),
  /**
   * Refuse to create roles without the workload permissions boundary (workload-boundary.ts).
   * The compiler sets `PermissionsBoundary` on every role when the Lambda has
   * SWITCHYARD_PERMISSIONS_BOUNDARY_ARN, which this stack sets; turn this off only for stacks
   * compiled without it (an older Switchyard), never as a workaround for a config.
   */
  enforceWorkloadBoundary: z
    .preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean())
    .default(true),
  /** Steady-state requests per second and burst for the whole HTTP API. */
  apiRateLimit: z.coerce.number().int().positive().default(50),
  apiBurstLimit: z.coerce.number().int().positive().default(100),
});

export type Settings = z.infer<typeof SettingsSchema>;

const KEYS = Object.keys(SettingsSchema.shape) as (keyof Settings)[];

/** `portalOrigins` → `SWITCHYARD_PORTAL_ORIGINS`. */
export function envName(key: string): string {
  return `SWITCHYARD_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** Reads and validates the settings; throws one error listing every invalid setting. */
export function readSettings(
  context: (key: string) => unknown,
  env: Record<string, string | undefined> = process.env,
): Settings {
  const raw: Record<string, unknown> = {};
  for (const key of KEYS) {
    const value = context(key) ?? env[envName(key)];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  const parsed = SettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid Switchyard deployment settings:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
