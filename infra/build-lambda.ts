/**
 * `npm run build`: the Lambda bundle alone, into build/lambda/ (git-ignored), or into the folder
 * given as the first argument (the CDK asset bundling calls it that way, see lambda-code.ts).
 */
import path from "node:path";
import { bundleLambda, REPO_ROOT } from "./lambda-bundle.js";

const outdir = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, "build/lambda"));
const bundle = await bundleLambda(outdir);
const kb = (bundle.bytes / 1024).toFixed(1);
process.stdout.write(`${bundle.file}: ${kb} KiB, packages: ${bundle.packages.join(", ")}\n`);
