/**
 * `npm run openapi:check` (part of `npm test` and CI): fails when the committed document or client
 * differ from what the app generates now.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { COMMITTED, compareArtifacts, generateArtifacts } from "./pipeline.js";

const dir = await mkdtemp(path.join(tmpdir(), "switchyard-openapi-"));
try {
  const fresh = {
    documentFile: path.join(dir, "openapi.json"),
    clientDir: path.join(dir, "gen"),
    manifestFile: path.join(dir, "manifest.json"),
  };
  await generateArtifacts(fresh);
  const drift = await compareArtifacts(fresh, COMMITTED);
  if (drift.length > 0) {
    process.stderr.write(
      [
        "The committed OpenAPI document, generated client or route manifest differ from what the route modules generate:",
        ...drift.map((d) => `  - ${d}`),
        "Run `npm run openapi` and commit openapi/openapi.json, sdk-client/src/gen/ and api/routes/manifest.json.",
        "",
      ].join("\n"),
    );
    process.exitCode = 1;
  } else {
    process.stdout.write(
      "openapi/openapi.json, sdk-client/src/gen/ and api/routes/manifest.json match the route modules\n",
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
