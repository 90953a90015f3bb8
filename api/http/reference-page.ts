/**
 * The interactive reference (/docs), served whole by Switchyard so it works offline and behind
 * strict networks: the page, the renderer (Scalar's standalone bundle from the
 * @scalar/api-reference package) and a small script that starts it on /openapi.json. Nothing comes
 * from a CDN and nothing runs inline: the page's Content-Security-Policy allows scripts from this
 * origin only.
 */
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { Hono } from "hono";
import { lazy } from "../lazy.js";
import type { AppEnv } from "./env.js";

export const REFERENCE_PATHS = { page: "/docs", renderer: "/docs/scalar.js", start: "/docs/start.js" };

/**
 * Scripts and connections from this origin only. Styles may be inline: the renderer injects its
 * stylesheet at run time (scripts are what a CSP must hold tight).
 */
export const REFERENCE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The renderer's JavaScript; each entry point says where its copy is (see api/entry/). */
export type ReferenceRenderer = () => Promise<Uint8Array>;

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function page(options: { documentPath: string; pageTitle: string }): string {
  const doc = escapeHtml(options.documentPath);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(options.pageTitle)}</title>
    <link rel="alternate" type="application/json" title="OpenAPI document" href="${doc}" />
  </head>
  <body>
    <div id="app" data-document="${doc}"><p style="font-family: system-ui, sans-serif; margin: 2rem">Loading the API reference. The OpenAPI document itself is at <a href="${doc}">${doc}</a>.</p></div>
    <script src="${REFERENCE_PATHS.renderer}"></script>
    <script src="${REFERENCE_PATHS.start}"></script>
  </body>
</html>
`;
}

/**
 * Starts the renderer on the document the page names, without what needs Scalar's services (its
 * fonts, the AI agent, the developer toolbar's sharing and deploying): the CSP would block them.
 */
const START_SCRIPT = `(function () {
  Scalar.createApiReference("#app", {
    url: document.getElementById("app").getAttribute("data-document"),
    withDefaultFonts: false,
    showDeveloperTools: "never",
    agent: { disabled: true },
    telemetry: false
  });
})();
`;

export function mountReference(
  app: Hono<AppEnv>,
  options: { documentPath: string; pageTitle: string; renderer: ReferenceRenderer },
): void {
  const html = page(options);
  // Read and compressed once, on the first request for it (about 5 MB, 1.4 MB gzipped); gzip runs
  // off the event loop.
  const renderer = lazy(async () => {
    const raw = Buffer.from(await options.renderer());
    return { raw, gzipped: await promisify(gzip)(raw) };
  });
  const headers = (type: string) => ({
    "content-type": type,
    "content-security-policy": REFERENCE_CSP,
    "x-content-type-options": "nosniff",
    "cache-control": "no-cache",
  });

  app.get(REFERENCE_PATHS.page, (c) => c.body(html, 200, headers("text/html; charset=utf-8")));
  app.get(REFERENCE_PATHS.start, (c) => c.body(START_SCRIPT, 200, headers("text/javascript; charset=utf-8")));
  app.get(REFERENCE_PATHS.renderer, async (c) => {
    const { raw, gzipped } = await renderer();
    const gzipOk = /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
    return c.body(new Uint8Array(gzipOk ? gzipped : raw), 200, {
      ...headers("text/javascript; charset=utf-8"),
      // The bundle changes only with the package: cache it for a day.
      "cache-control": "public, max-age=86400",
      vary: "accept-encoding",
      ...(gzipOk ? { "content-encoding": "gzip" } : {}),
    });
  });
}
