/**
 * Where the /docs renderer comes from: Scalar's standalone bundle in the @scalar/api-reference
 * package (npm start and tests), or its copy beside the Lambda bundle (infra/lambda-bundle.ts puts
 * it there at build time).
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

/** The copy's path inside the Lambda bundle folder. */
export const RENDERER_BUNDLE_FILE = "docs/scalar.js";

/** The standalone bundle in node_modules (the package exports no path to it: found beside its main). */
export function rendererPackageFile(): string {
  const main = createRequire(import.meta.url).resolve("@scalar/api-reference");
  return path.join(path.dirname(main), "browser/standalone.js");
}

export const rendererFromPackage = () => readFile(rendererPackageFile());

export const rendererInFolder = (folder: string) => () => readFile(path.join(folder, RENDERER_BUNDLE_FILE));
