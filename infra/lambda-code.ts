/**
 * The Lambda code asset: bundled at synth time with the shared esbuild options (lambda-bundle.ts),
 * in-process, so synth needs neither Docker nor network. Both functions share this one asset.
 */
import path from "node:path";
import { AssetHashType, DockerImage } from "aws-cdk-lib";
import { Code } from "aws-cdk-lib/aws-lambda";
import { bundleLambdaSync, REPO_ROOT } from "./lambda-bundle.js";

export function lambdaCode(): Code {
  return Code.fromAsset(path.join(REPO_ROOT, "api"), {
    // The hash of the bundle itself: a rebuild with identical output is not a new deployment.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry("unused-local-bundling-only"),
      local: {
        tryBundle(outputDir) {
          bundleLambdaSync(outputDir);
          return true;
        },
      },
    },
  });
}
