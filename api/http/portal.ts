/**
 * Serves the portal's build (portal/dist, `npm run build:portal`) at `/` on the API's own origin,
 * locally and from the Lambda alike. Only files the build wrote are served: the folder is listed
 * once, on the first portal request, into a map from URL path to file, so no request path ever
 * reaches the file system. Hashed assets are cached for a year, index.html is revalidated; a
 * `.gz` the build wrote beside a file is sent to browsers that accept gzip.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Context } from "hono";
import { lazy } from "../lazy.js";

/**
 * The portal's Content-Security-Policy: scripts, styles and API calls from this origin only (no
 * inline script or style, no eval), nothing may frame it, forms and <base> cannot redirect.
 */
export const PORTAL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const PORTAL_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": PORTAL_CSP,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

interface PortalFile {
  file: string;
  type: string;
  gzip?: string;
  /** Content-hashed by the build: never changes under this name. */
  immutable: boolean;
}

/** Build files, by the URL path they answer. */
async function listBuild(dir: string): Promise<Map<string, PortalFile>> {
  const files = new Map<string, PortalFile>();
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true })).map((e) => e.split(path.sep).join("/"));
  } catch {
    return files; // not built
  }
  const present = new Set(entries);
  for (const entry of entries) {
    const type = CONTENT_TYPES[path.extname(entry)];
    // Dot-folders (.vite/ manifests, the build stamp) and unknown types are not the portal's to serve.
    if (!type || entry.split("/").some((part) => part.startsWith("."))) continue;
    files.set(`/${entry}`, {
      file: path.join(dir, entry),
      type,
      ...(present.has(`${entry}.gz`) ? { gzip: path.join(dir, `${entry}.gz`) } : {}),
      immutable: entry.startsWith("assets/"),
    });
  }
  return files;
}

const NOT_BUILT =
  "The portal is not built here. `npm start` builds it; after changing its sources elsewhere, run `npm run build:portal`.";

/** Handlers for `/` and the build's other files; `dir` is the build folder (portal/dist). */
export function portalHandler(dir: string) {
  const build = lazy(() => listBuild(dir));
  const contents = new Map<string, Promise<Buffer>>();
  const read = (file: string) => {
    let body = contents.get(file);
    if (!body) {
      body = readFile(file);
      contents.set(file, body);
      body.catch(() => contents.delete(file));
    }
    return body;
  };

  return async (c: Context): Promise<Response | undefined> => {
    const files = await build();
    const wanted = c.req.path === "/" ? "/index.html" : c.req.path;
    const found = files.get(wanted);
    if (!found) {
      if (wanted !== "/index.html") return undefined;
      return new Response(NOT_BUILT, {
        status: 503,
        headers: { ...PORTAL_SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8" },
      });
    }
    const gzip = found.gzip && /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
    const body = await read(gzip ? found.gzip! : found.file);
    const headers: Record<string, string> = {
      ...PORTAL_SECURITY_HEADERS,
      "Content-Type": found.type,
      "Cache-Control": found.immutable ? "public, max-age=31536000, immutable" : "no-cache",
      ...(found.gzip ? { Vary: "Accept-Encoding" } : {}),
      ...(gzip ? { "Content-Encoding": "gzip" } : {}),
    };
    return new Response(c.req.method === "HEAD" ? null : new Uint8Array(body), { status: 200, headers });
  };
}
