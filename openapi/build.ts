/** `npm run openapi`: regenerates openapi/openapi.json and sdk-client/src/gen from the app. */
import path from "node:path";
import { COMMITTED, generateArtifacts, ROOT } from "./pipeline.js";

await generateArtifacts(COMMITTED);
process.stdout.write(
  `wrote ${path.relative(ROOT, COMMITTED.documentFile)}, ${path.relative(ROOT, COMMITTED.clientDir)}/ and ${path.relative(ROOT, COMMITTED.manifestFile)}\n`,
);
