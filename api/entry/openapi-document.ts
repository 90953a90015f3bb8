/**
 * Composition root for the OpenAPI document (`npm run openapi`): the route modules registered with
 * inert deps, so building it needs no server, store or network.
 */
import { openApiDocument } from "../routes/document.js";
import { inertDeps } from "../routes/inert-deps.js";

export { InertDependencyError, inertDeps } from "../routes/inert-deps.js";

/** An OpenAPI 3.1 document as JSON; the generator only needs its JSON shape. */
export type OpenApiDocument = Record<string, unknown> & {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
};

/** The document the app serves at /openapi.json. */
export async function buildOpenApiDocument(): Promise<OpenApiDocument> {
  return (await openApiDocument(inertDeps())) as OpenApiDocument;
}
