import { z } from "@hono/zod-openapi";
import { strictObject } from "./strict.js";

/**
 * The top level. `resources` is checked per resource, each by its type's schema (api/resources/), so
 * errors point inside each one.
 */
export const RootSchema = strictObject({
  serviceName: z.string().optional(),
  variables: z.record(z.string(), z.unknown()).optional(),
  resources: z.record(z.string(), z.unknown()),
  stackConfig: strictObject({
    outputs: z
      .array(
        strictObject({
          name: z
            .string()
            .regex(/^[A-Za-z0-9]{1,255}$/, "Output names are alphanumeric, at most 255 characters."),
          value: z.unknown(),
          description: z.string().optional(),
          export: z.boolean().optional(),
        }),
      )
      .optional(),
    tags: z.array(strictObject({ name: z.string().min(1).max(128), value: z.string().max(256) })).optional(),
  }).optional(),
  deploymentConfig: strictObject({ terminationProtection: z.boolean().optional() }).optional(),
  cloudformationResources: z
    .record(
      z.string().regex(/^[A-Za-z0-9]+$/, "CloudFormation logical IDs are alphanumeric."),
      z.looseObject({ Type: z.string(), Properties: z.record(z.string(), z.unknown()).optional() }),
    )
    .optional(),
});

/** What every resource has, whatever its type; each type's module defines its properties. */
export interface ResourceBase {
  type: string;
  properties?: unknown;
  overrides?: Record<string, Record<string, unknown>>;
}

/** A loaded config whose resources are `R` (the union of every type's shape: api/resources/index.ts). */
export type ConfigOf<R extends ResourceBase> = Omit<z.infer<typeof RootSchema>, "resources"> & {
  resources: Record<string, R>;
};

/** A loaded config as the type-agnostic core sees it. */
export type ConfigBase = ConfigOf<ResourceBase>;
