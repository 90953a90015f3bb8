/**
 * The portal: gzip size of what its first load fetches (JS and CSS before any editor), next to the
 * smallest React app built the same way in the same run; the editor chunk it loads on demand; and
 * how long until the page can be used in headless Chromium against `npm start`'s server, next to
 * loading a bare JSON route in the same browser.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium, type Page } from "playwright-core";
import { ensurePortalBuilt, PORTAL_DIST } from "../../portal/build.js";
import { createClient } from "../../sdk-client/src/index.js";
import { startLocalProcess } from "../e2e/support/local-process.js";
import { CHROMIUM, CHROMIUM_ARGS } from "../portal/support/chromium.js";
import type { BenchRow } from "./lib.js";

interface ManifestChunk {
  file: string;
  css?: string[];
  imports?: string[];
  isEntry?: boolean;
}
type Manifest = Record<string, ManifestChunk>;

/** Files a chunk loads with it: itself, its CSS and its static imports, transitively. */
function closure(manifest: Manifest, key: string, seen = new Set<string>()): Set<string> {
  const chunk = manifest[key]!;
  if (seen.has(chunk.file)) return seen;
  seen.add(chunk.file);
  for (const css of chunk.css ?? []) seen.add(css);
  for (const imported of chunk.imports ?? []) closure(manifest, imported, seen);
  return seen;
}

const gzipBytes = (dir: string, files: Iterable<string>) =>
  [...files].reduce((sum, f) => sum + gzipSync(readFileSync(path.join(dir, f)), { level: 9 }).length, 0);

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, ".vite/manifest.json"), "utf8")) as Manifest;
}

async function buildBaseline(outDir: string): Promise<void> {
  const { build } = await import("vite");
  const react = (await import("@vitejs/plugin-react")).default;
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({
      configFile: false,
      root: fileURLToPath(new URL("./portal-baseline/", import.meta.url)),
      mode: "production",
      logLevel: "silent",
      plugins: [react()],
      build: { outDir, emptyOutDir: true, target: "es2022", manifest: true },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

/** Median of `runs` fresh-context loads, from navigation until `ready` holds. */
async function timeToReady(
  open: () => Promise<Page>,
  go: (page: Page) => Promise<unknown>,
  ready: (page: Page) => Promise<unknown>,
  runs = 7,
): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const page = await open();
    const t0 = performance.now();
    await go(page);
    await ready(page);
    times.push(performance.now() - t0);
    await page.context().close();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export default async function (): Promise<BenchRow[]> {
  await ensurePortalBuilt();
  const manifest = readManifest(PORTAL_DIST);
  const entry = Object.keys(manifest).find((k) => manifest[k]!.isEntry)!;
  const initial = closure(manifest, entry);
  const editorKey = Object.keys(manifest).find((k) => k.endsWith("editor/code-editor.tsx"))!;
  const editor = [...closure(manifest, editorKey)].filter((f) => !initial.has(f));

  const baselineDir = mkdtempSync(path.join(tmpdir(), "switchyard-portal-baseline-"));
  await buildBaseline(baselineDir);
  const baselineManifest = readManifest(baselineDir);
  const baselineEntry = Object.keys(baselineManifest).find((k) => baselineManifest[k]!.isEntry)!;
  const baselineBytes = gzipBytes(baselineDir, closure(baselineManifest, baselineEntry));
  rmSync(baselineDir, { recursive: true, force: true });

  const initialJs = gzipBytes(
    PORTAL_DIST,
    [...initial].filter((f) => f.endsWith(".js")),
  );
  const initialCss = gzipBytes(
    PORTAL_DIST,
    [...initial].filter((f) => f.endsWith(".css")),
  );
  const editorBytes = gzipBytes(PORTAL_DIST, editor);

  const local = await startLocalProcess();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const admin = createClient({ baseUrl: local.url, apiKey: local.adminKey });
    await admin.teams.create({ body: { name: "bench" } });
    const { secret } = await admin.apiKeys.create({
      path: { team: "bench" },
      body: { name: "bench", role: "admin" },
    });
    const fresh = async (signedIn = false) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      if (signedIn) {
        await context.addInitScript({
          content: `sessionStorage.setItem("switchyard.apiKey", ${JSON.stringify(secret)});`,
        });
      }
      return context.newPage();
    };
    const bare = await timeToReady(
      () => fresh(),
      (p) => p.goto(`${local.url}/healthz`),
      (p) => p.waitForLoadState("load"),
    );
    const signIn = await timeToReady(
      () => fresh(),
      (p) => p.goto(`${local.url}/`),
      (p) => p.getByRole("button", { name: "Sign in" }).waitFor(),
    );
    const projects = await timeToReady(
      () => fresh(true),
      (p) => p.goto(`${local.url}/#/projects`),
      (p) => p.getByText("No projects yet.").waitFor(),
    );
    const kb = (n: number) => n / 1024;
    return [
      {
        name: "Portal first load: JS + CSS, gzip (before any editor)",
        unit: "KiB",
        value: kb(initialJs + initialCss),
        baseline: { name: "React + ReactDOM hello world, same build", value: kb(baselineBytes) },
        better: "lower",
        target: "< 200 KiB",
      },
      {
        name: "  of which CSS, gzip",
        unit: "KiB",
        value: kb(initialCss),
        baseline: { name: "the first load", value: kb(initialJs + initialCss) },
        better: "lower",
      },
      {
        name: "Config editor (CodeMirror), gzip, loaded with the first editor",
        unit: "KiB",
        value: kb(editorBytes),
        baseline: { name: "the first load", value: kb(initialJs + initialCss) },
        better: "lower",
      },
      {
        name: "Sign-in form usable in Chromium (localhost, fresh tab, median of 7)",
        unit: "ms",
        value: signIn,
        baseline: { name: "loading GET /healthz in the same browser", value: bare },
        better: "lower",
        target: "< 1000 ms",
      },
      {
        name: "Signed-in projects page rendered from the API (median of 7)",
        unit: "ms",
        value: projects,
        baseline: { name: "loading GET /healthz in the same browser", value: bare },
        better: "lower",
        target: "< 1000 ms",
      },
    ];
  } finally {
    await browser.close();
    await local.stop();
  }
}
