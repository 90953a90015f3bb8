import { OpenAPIHono } from "@hono/zod-openapi";
import type { App } from "../http/env.js";
import { validationHook } from "../http/validation.js";

/**
 * The OpenAPI app one route group registers on: the same validation hook and strict paths
 * everywhere, whether it serves requests (mount.ts), builds the document or the manifest.
 */
export function newGroupApp(): App {
  return new OpenAPIHono({ defaultHook: validationHook, strict: true });
}
