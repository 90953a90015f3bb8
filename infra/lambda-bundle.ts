/**
 * The one esbuild configuration of the Lambda bundle, shared by `npm run build`, the CDK asset
 * (infra/lambda-code.ts) and the cold-start benchmark, so what we measure is what we deploy.
 */
import { rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildOptions, build, buildSync, type Metafile } from "esbuild";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const LAMBDA_ENTRY = path.join(REPO_ROOT, "api/entry/lambda.ts");
/** `index.mjs` → handlers `index.handler` (API) and `index.reconcileHandler` (stack events). */
export const LAMBDA_FILE = "index.mjs";
export const LAMBDA_HANDLERS = { api: "index.handler", reconcile: "index.reconcileHandler" } as const;

/**
 * Options for bundling `entry` into `outdir/index.mjs`: ESM for Node 22, minified, source maps
 * without sources (smaller, and stack traces still map), the AWS SDK bundled (tree-shaken, and
 * independent of the runtime's SDK version) rather than loaded from the runtime.
 */
export function lambdaBuildOptions(outdir: string, entry: string = LAMBDA_ENTRY): BuildOptions {
  return {
    entryPoints: { index: entry },
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    minify: true,
    sourcemap: "linked",
    sourcesContent: false,
    treeShaking: true,
    legalComments: "none",
    // Prefer packages' ESM builds: they tree-shake much better than their CJS ones.
    mainFields: ["module", "main"],
    // CJS dependencies inside an ESM bundle still call require() for Node built-ins.
    banner: { js: 'import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);' },
    metafile: true,
    logLevel: "warning",
  };
}

/** Packages that belong to the local/dev side only; the Lambda bundle must never contain them. */
export const FORBIDDEN_IN_BUNDLE = ["dynalite", "tsx", "@hono/node-server", "aws-cdk-lib", "vitest"];

export interface LambdaBundle {
  /** Absolute path of the bundled module. */
  file: string;
  bytes: number;
  /** npm packages that ended up in the bundle. */
  packages: string[];
  /** Names the module exports (the handlers). */
  exports: string[];
}

/** Bundles `entry` into `outdir` (emptied first) and checks nothing local-only slipped in. */
export async function bundleLambda(outdir: string, entry: string = LAMBDA_ENTRY): Promise<LambdaBundle> {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build(lambdaBuildOptions(outdir, entry));
  return describeBundle(outdir, result.metafile);
}

/** Synchronous variant for CDK's local bundling hook, which cannot await. */
export function bundleLambdaSync(outdir: string, entry: string = LAMBDA_ENTRY): LambdaBundle {
  rmSync(outdir, { recursive: true, force: true });
  const result = buildSync(lambdaBuildOptions(outdir, entry));
  return describeBundle(outdir, result.metafile);
}

function describeBundle(outdir: string, metafile: Metafile | undefined): LambdaBundle {
  const file = path.join(outdir, LAMBDA_FILE);
  const packages = bundledPackages(metafile);
  const forbidden = packages.filter((p) => FORBIDDEN_IN_BUNDLE.includes(p));
  if (forbidden.length > 0) {
    throw new Error(`the Lambda bundle must not contain ${forbidden.join(", ")} (local/dev-only packages)`);
  }
  const output = Object.entries(metafile?.outputs ?? {}).find(([out]) => out.endsWith(`/${LAMBDA_FILE}`));
  return { file, bytes: statSync(file).size, packages, exports: output?.[1].exports ?? [] };
}

/** Package names of every node_modules input, e.g. "hono", "@aws-sdk/client-dynamodb". */
export function bundledPackages(metafile: Metafile | undefined): string[] {
  const names = new Set<string>();
  for (const input of Object.keys(metafile?.inputs ?? {})) {
    // The last node_modules segment names the package (nested installs included).
    const tail = input.split("node_modules/").slice(1).at(-1);
    const match = tail ? /^((?:@[^/]+\/)?[^/]+)/.exec(tail) : null;
    if (match?.[1]) names.add(match[1]);
  }
  return [...names].sort();
}
