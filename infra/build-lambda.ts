/**
 * `npm run build`: the Lambda bundle alone, into build/lambda/ (git-ignored). The CDK app bundles
 * the same way at synth time; this is for inspecting the artifact or shipping it another way.
 */
import path from "node:path";
import { bundleLambda, REPO_ROOT } from "./lambda-bundle.js";

const outdir = path.join(REPO_ROOT, "build/lambda");
const bundle = await bundleLambda(outdir);
const kb = (bundle.bytes / 1024).toFixed(1);
process.stdout.write(
  `${path.relative(REPO_ROOT, bundle.file)}: ${kb} KiB, packages: ${bundle.packages.join(", ")}\n`,
);
