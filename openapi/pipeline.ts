/**
 * The OpenAPI pipeline behind `npm run openapi` (write) and `npm run openapi:check` (compare):
 * route modules → openapi/openapi.json → sdk-client/src/gen, and the route manifest the app mounts
 * lazily (api/routes/manifest.json). The check regenerates into a temporary folder
 * and compares byte for byte, so the committed files are exactly what the code produces.
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOpenApiDocument, type OpenApiDocument } from "../api/entry/openapi-document.js";
import { inertDeps } from "../api/routes/inert-deps.js";
import { buildRouteManifest, serializeManifest } from "../api/routes/manifest-builder.js";
import { serializeDocument } from "./canonical.js";
import { generateClient } from "./client.js";

export interface Artifacts {
  /** The OpenAPI document (JSON). */
  documentFile: string;
  /** The folder hey-api writes the client into. */
  clientDir: string;
  /** Which route group serves which route (api/routes/manifest.json). */
  manifestFile: string;
}

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export const COMMITTED: Artifacts = {
  documentFile: path.join(ROOT, "openapi", "openapi.json"),
  clientDir: path.join(ROOT, "sdk-client", "src", "gen"),
  manifestFile: path.join(ROOT, "api", "routes", "manifest.json"),
};

/** Writes the document and regenerates the client from the file just written. */
export async function generateArtifacts(target: Artifacts, doc?: OpenApiDocument): Promise<void> {
  const document = doc ?? (await buildOpenApiDocument());
  await mkdir(path.dirname(target.documentFile), { recursive: true });
  await writeFile(target.documentFile, serializeDocument(document));
  await generateClient(target.documentFile, target.clientDir);
  await writeFile(target.manifestFile, serializeManifest(await buildRouteManifest(inertDeps())));
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/** Where two texts first differ, as "line N: expected … / found …" for the message. */
function firstDifference(expected: string, actual: string): string {
  const a = expected.split("\n");
  const b = actual.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      const show = (s: string | undefined) => (s === undefined ? "(end of file)" : JSON.stringify(s.trim()));
      return `first difference at line ${i + 1}: generated ${show(a[i])}, committed ${show(b[i])}`;
    }
  }
  return "same lines, different bytes";
}

/**
 * Every way `committed` differs from `generated`, one human-readable line each; empty when they
 * match. Paths in the messages are relative to the repository root.
 */
export async function compareArtifacts(generated: Artifacts, committed: Artifacts): Promise<string[]> {
  const problems: string[] = [];
  const rel = (p: string) => path.relative(ROOT, p) || p;

  const wantDoc = await readFile(generated.documentFile, "utf8");
  const haveDoc = await readOrNull(committed.documentFile);
  if (haveDoc === null) problems.push(`${rel(committed.documentFile)} is missing`);
  else if (haveDoc !== wantDoc) {
    problems.push(`${rel(committed.documentFile)} is stale (${firstDifference(wantDoc, haveDoc)})`);
  }

  const wantManifest = await readFile(generated.manifestFile, "utf8");
  const haveManifest = await readOrNull(committed.manifestFile);
  if (haveManifest === null) problems.push(`${rel(committed.manifestFile)} is missing`);
  else if (haveManifest !== wantManifest) {
    problems.push(`${rel(committed.manifestFile)} is stale (${firstDifference(wantManifest, haveManifest)})`);
  }

  const want = await listFiles(generated.clientDir);
  const have = new Set(await listFiles(committed.clientDir));
  for (const file of want) {
    const committedFile = path.join(committed.clientDir, file);
    const haveText = have.has(file) ? await readFile(committedFile, "utf8") : null;
    if (haveText === null) {
      problems.push(`${rel(committedFile)} is missing`);
      continue;
    }
    const wantText = await readFile(path.join(generated.clientDir, file), "utf8");
    if (haveText !== wantText) {
      problems.push(`${rel(committedFile)} is stale (${firstDifference(wantText, haveText)})`);
    }
  }
  const wanted = new Set(want);
  for (const file of have) {
    if (!wanted.has(file)) {
      problems.push(`${rel(path.join(committed.clientDir, file))} is no longer generated`);
    }
  }
  return problems;
}
