/**
 * The one esbuild configuration of the Lambda bundle, shared by `npm run build`, the CDK asset
 * (infra/lambda-code.ts) and the cold-start benchmark, so what we measure is what we deploy.
 */
import { copyFileSync, cpSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildOptions, build, type Metafile, type Plugin } from "esbuild";
import { RENDERER_BUNDLE_FILE, rendererPackageFile } from "../api/http/reference-renderer.js";

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
    // Code behind dynamic import() (config parsing, the compiler, rarely used SDK credential
    // providers) goes to chunks that load on first use instead of at every cold start.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    legalComments: "none",
    // Prefer packages' ESM builds: they tree-shake much better than their CJS ones.
    mainFields: ["module", "main"],
    // CJS dependencies inside an ESM bundle still call require() for Node built-ins.
    banner: { js: 'import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);' },
    plugins: [zodEnglishOnly],
    metafile: true,
    logLevel: "warning",
  };
}

/**
 * zod re-exports all of its ~50 error-message locales as `z.locales` (a namespace, so nothing
 * tree-shakes them): about a quarter of the bundle, parsed on every cold start. Switchyard answers
 * in English only, so the bundle keeps `en` (zod's default) and drops the rest.
 */
export const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)
        ? { path: path.join(path.dirname(args.importer), "../locales/en.js"), namespace: "zod-en" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-en" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: path.dirname(args.path),
    }));
  },
};

/** Packages that belong to the local/dev side only; the Lambda bundle must never contain them. */
export const FORBIDDEN_IN_BUNDLE = ["dynalite", "tsx", "@hono/node-server", "aws-cdk-lib", "vitest"];

export interface LambdaBundle {
  /** Absolute path of the entry module (it imports its chunks). */
  file: string;
  /** Bytes of JavaScript in the bundle: the entry plus every chunk, without source maps. */
  bytes: number;
  /** npm packages that ended up in the bundle. */
  packages: string[];
  /** Names the module exports (the handlers). */
  exports: string[];
  /** What the bundle still imports at run time (should be Node built-ins only). */
  externals: string[];
}

/** Where the API function finds the portal's build: files beside the bundle, never inside its JavaScript. */
export const LAMBDA_PORTAL_DIR = "portal";

/**
 * Bundles `entry` into `outdir` (emptied first), checks nothing local-only slipped in, and copies
 * beside it the /docs renderer and the portal's build (built first when stale) to `outdir/portal`,
 * which the function serves at `/`.
 */
export async function bundleLambda(outdir: string, entry: string = LAMBDA_ENTRY): Promise<LambdaBundle> {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build(lambdaBuildOptions(outdir, entry));
  // The /docs renderer, served from this copy (api/entry/lambda.ts): no CDN at run time.
  const renderer = path.join(outdir, RENDERER_BUNDLE_FILE);
  mkdirSync(path.dirname(renderer), { recursive: true });
  copyFileSync(rendererPackageFile(), renderer);
  const { ensurePortalBuilt, PORTAL_DIST } = await import("../portal/build.js");
  await ensurePortalBuilt();
  // The build's dot-files (Vite's manifest, the stamp) are not served: leave them out.
  cpSync(PORTAL_DIST, path.join(outdir, LAMBDA_PORTAL_DIR), {
    recursive: true,
    filter: (src) => !path.basename(src).startsWith("."),
  });
  return describeBundle(outdir, result.metafile);
}

function describeBundle(outdir: string, metafile: Metafile | undefined): LambdaBundle {
  const file = path.join(outdir, LAMBDA_FILE);
  const packages = bundledPackages(metafile);
  const forbidden = packages.filter((p) => FORBIDDEN_IN_BUNDLE.includes(p));
  if (forbidden.length > 0) {
    throw new Error(`the Lambda bundle must not contain ${forbidden.join(", ")} (local/dev-only packages)`);
  }
  const outputs = Object.entries(metafile?.outputs ?? {}).filter(([out]) => out.endsWith(".mjs"));
  const entry = outputs.find(([out]) => path.resolve(out) === file);
  return {
    file,
    bytes: outputs.reduce((sum, [, meta]) => sum + meta.bytes, 0),
    packages,
    exports: entry?.[1].exports ?? [],
    externals: [
      ...new Set(outputs.flatMap(([, meta]) => meta.imports.filter((i) => i.external).map((i) => i.path))),
    ].sort(),
  };
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
