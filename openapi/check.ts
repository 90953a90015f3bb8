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
  const fresh = { documentFile: path.join(dir, "openapi.json"), clientDir: path.join(dir, "gen") };
  await generateArtifacts(fresh);
  const drift = await compareArtifacts(fresh, COMMITTED);
  if (drift.length > 0) {
    process.stderr.write(
      [
        "The committed OpenAPI document or generated client differ from what the app generates:",
        ...drift.map((d) => `  - ${d}`),
        "Run `npm run openapi` and commit openapi/openapi.json and sdk-client/src/gen/.",
        "",
      ].join("\n"),
    );
    process.exitCode = 1;
  } else {
    process.stdout.write("openapi/openapi.json and sdk-client/src/gen/ match the app\n");
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
