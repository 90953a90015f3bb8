/**
 * Builds the portal into portal/dist with Vite, and writes a `.gz` beside each text asset (the
 * server sends those to browsers that accept gzip). `npm start` runs it with `--if-stale`: it
 * builds only when the portal's or the client's sources changed since the last build (a hash of
 * them is kept in dist/.build-stamp), so a start with an up-to-date build costs a few milliseconds.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { gzip } from "node:zlib";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const PORTAL_DIST = path.join(ROOT, "portal/dist");
const STAMP = path.join(PORTAL_DIST, ".build-stamp");
/** What the build reads: the portal's own files and the client it is built on. */
const INPUTS = ["portal", "sdk-client/src", "package-lock.json"];
const SKIP = new Set(["dist", "node_modules", ".build-lock"]);

async function filesUnder(rel: string): Promise<string[]> {
  const abs = path.join(ROOT, rel);
  if (!(await stat(abs)).isDirectory()) return [rel];
  const out: string[] = [];
  for (const entry of await readdir(abs, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const child = path.join(rel, entry.name);
    out.push(...(entry.isDirectory() ? await filesUnder(child) : [child]));
  }
  return out;
}

/** A hash of every input file's path and content. */
export async function sourceHash(): Promise<string> {
  const hash = createHash("sha256");
  const files = (await Promise.all(INPUTS.map(filesUnder))).flat().sort();
  for (const file of files) hash.update(`${file}\0`).update(await readFile(path.join(ROOT, file)));
  return hash.digest("hex");
}

async function compressAssets(dir: string): Promise<void> {
  const zip = promisify(gzip);
  const entries = await readdir(dir, { recursive: true });
  await Promise.all(
    entries
      .filter((e) => /\.(?:js|css|html|svg|json)$/.test(e))
      .map(async (e) => {
        const file = path.join(dir, e);
        await writeFile(`${file}.gz`, await zip(await readFile(file), { level: 9 }));
      }),
  );
}

export async function buildPortal(): Promise<void> {
  const hash = await sourceHash();
  const { build } = await import("vite");
  // Always the production build (React's and the JSX runtime's), even when a test runner that set
  // NODE_ENV=test calls this: Vite and the React plugin both read NODE_ENV.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({
      configFile: path.join(ROOT, "portal/vite.config.ts"),
      mode: "production",
      logLevel: "warn",
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  await compressAssets(PORTAL_DIST);
  await writeFile(STAMP, hash);
}

const LOCK = path.join(ROOT, "portal/.build-lock");
const LOCK_STALE_MS = 120_000;

/**
 * One build at a time across processes (a test run's workers may all want the build): the lock is
 * a folder, as mkdir is atomic. A lock older than any build is left over from a killed process.
 */
async function withBuildLock<T>(run: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const age = Date.now() - (await stat(LOCK).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > LOCK_STALE_MS) await rm(LOCK, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await run();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

async function isFresh(): Promise<boolean> {
  const [hash, stamp] = await Promise.all([sourceHash(), readFile(STAMP, "utf8").catch(() => "")]);
  return hash === stamp;
}

/** Builds unless dist was built from exactly the current sources. Returns whether it built. */
export async function ensurePortalBuilt(onBuild?: () => void): Promise<boolean> {
  if (await isFresh()) return false;
  return withBuildLock(async () => {
    if (await isFresh()) return false; // another process built it while we waited
    onBuild?.();
    await buildPortal();
    return true;
  });
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const started = performance.now();
  if (process.argv.includes("--if-stale")) {
    // Before `npm start`: a portal that fails to build must not keep the API from starting.
    try {
      const built = await ensurePortalBuilt(() => process.stdout.write("Building the portal…\n"));
      if (built) process.stdout.write(`Portal built in ${Math.round(performance.now() - started)} ms\n`);
    } catch (err) {
      process.stderr.write(`The portal could not be built; the API starts without it.\n${String(err)}\n`);
    }
  } else {
    await withBuildLock(buildPortal);
    process.stdout.write(`Portal built in ${Math.round(performance.now() - started)} ms\n`);
  }
}
