import { z } from "@hono/zod-openapi";
import { strictObject } from "../config/schema/strict.js";
import { LogForwardingSchema } from "./concerns/log-forwarding.js";

/** CloudWatch Logs' allowed retentions, in days. */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** A log group's retention: one of the periods CloudWatch Logs allows. */
export const RetentionDaysSchema = z
  .number()
  .int()
  .refine((d) => (RETENTION_DAYS as readonly number[]).includes(d), {
    message: `CloudWatch Logs keeps logs for one of ${RETENTION_DAYS.join(", ")} days.`,
  });

/**
 * Stacktape's `logging` of functions and HTTP APIs: retention, or none. `logForwarding` is taken in
 * its shape and refused by the type's checks (not supported yet).
 */
export const LoggingSchema = strictObject({
  disabled: z.boolean().optional(),
  retentionDays: RetentionDaysSchema.optional(),
  logForwarding: LogForwardingSchema.optional(),
});
