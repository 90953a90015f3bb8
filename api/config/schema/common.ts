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

/**
 * A statement of `iamRoleStatements`. Stacktape's types leave Action optional and Effect any
 * string; IAM needs an Action and an Effect of Allow or Deny, so those are located problems here.
 */
export const IamStatementSchema = strictObject({
  Sid: z.string().optional(),
  Effect: z
    .string()
    .refine((e) => e === "Allow" || e === "Deny", { message: 'Effect is "Allow" or "Deny".' })
    .optional(),
  Action: z.union([z.string(), z.array(z.string())]).optional(),
  Resource: z.union([z.unknown(), z.array(z.unknown())]),
  Condition: z.record(z.string(), z.unknown()).optional(),
}).superRefine((statement, ctx) => {
  if (statement.Action === undefined)
    ctx.addIssue({
      code: "custom",
      path: ["Action"],
      message: "An IAM statement needs Action (the API actions it allows).",
    });
});

/** Stacktape's `tags`: `[{ name, value }]`, as CloudFormation tags on what a resource creates. */
export const TagsSchema = z
  .array(strictObject({ name: z.string().min(1).max(128), value: z.string().max(256) }))
  .max(50, "AWS resources take at most 50 tags.");

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
