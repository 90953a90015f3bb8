import { z } from "@hono/zod-openapi";
import { strictObject } from "./strict.js";

export const EnvironmentSchema = z.array(
  strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "Environment variable names are letters, digits and _."),
    value: z.unknown(),
  }),
);

export const ConnectToSchema = z.array(z.string());

export const IamStatementSchema = strictObject({
  Sid: z.string().optional(),
  Effect: z.enum(["Allow", "Deny"]).optional(),
  Action: z.union([z.string(), z.array(z.string())]),
  Resource: z.union([z.unknown(), z.array(z.unknown())]),
  Condition: z.record(z.string(), z.unknown()).optional(),
});

/** Code artifacts: zip packagings become S3 bucket/key Parameters; image packagings an image URI Parameter. */
export const ZIP_PACKAGING_TYPES = ["stacktape-lambda-buildpack", "custom-artifact"] as const;
export const IMAGE_PACKAGING_TYPES = [
  "stacktape-image-buildpack",
  "prebuilt-image",
  "custom-dockerfile",
  "external-buildpack",
  "nixpacks",
] as const;

export const LambdaPackagingSchema = strictObject({
  type: z.enum([...ZIP_PACKAGING_TYPES, ...IMAGE_PACKAGING_TYPES]),
  properties: z.record(z.string(), z.unknown()).optional(),
});

export const ImagePackagingSchema = strictObject({
  type: z.enum(IMAGE_PACKAGING_TYPES),
  properties: z.record(z.string(), z.unknown()).optional(),
});

/** `overrides: { <ChildLogicalId>: { <path relative to Properties>: value } }`, checked at compile time. */
export const OverridesSchema = z.record(z.string(), z.record(z.string(), z.unknown()));

/** A resource of one type: `{ type, properties, overrides }`, as every Stacktape resource is. */
export const resourceSchema = <T extends string, P extends z.ZodType>(type: T, properties: P) =>
  strictObject({ type: z.literal(type), properties, overrides: OverridesSchema.optional() });
