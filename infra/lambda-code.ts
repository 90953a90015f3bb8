/**
 * The Lambda code asset: bundled at synth time by infra/build-lambda.ts (the shared esbuild options
 * of lambda-bundle.ts), locally, so synth needs neither Docker nor network. Both functions share it.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { AssetHashType, DockerImage } from "aws-cdk-lib";
import { Code } from "aws-cdk-lib/aws-lambda";
import { REPO_ROOT } from "./lambda-bundle.js";

export function lambdaCode(): Code {
  return Code.fromAsset(path.join(REPO_ROOT, "api"), {
    // The hash of the bundle itself: a rebuild with identical output is not a new deployment.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry("unused-local-bundling-only"),
      local: {
        tryBundle(outputDir) {
          // CDK's hook is synchronous and esbuild plugins need the async API: bundle in a child process.
          execFileSync(
            process.execPath,
            ["--import", "tsx", path.join(REPO_ROOT, "infra/build-lambda.ts"), outputDir],
            {
              cwd: REPO_ROOT,
              stdio: ["ignore", "ignore", "inherit"],
            },
          );
          return true;
        },
      },
    },
  });
}
