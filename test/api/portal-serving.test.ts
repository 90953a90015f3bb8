/**
 * The portal's files as the app serves them (api/http/portal.ts): only what the build wrote, with
 * the security headers, gzip when accepted, hashed assets cached for good and index.html revalidated.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../api/app.js";
import { createLogger } from "../../api/http/logger.js";

let dir: string;
const log = createLogger({ level: "error", write: () => {} });
const appOn = (portalDir: string) =>
  createApp({ log, load: () => Promise.reject(new Error("no deps needed")) }, { portalDir });

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "switchyard-portal-"));
  mkdirSync(path.join(dir, "assets"));
  mkdirSync(path.join(dir, ".vite"));
  const index = '<!doctype html><script type="module" src="/assets/index-abc.js"></script>';
  writeFileSync(path.join(dir, "index.html"), index);
  writeFileSync(path.join(dir, "index.html.gz"), gzipSync(index));
  writeFileSync(path.join(dir, "assets/index-abc.js"), "console.log(1)");
  writeFileSync(path.join(dir, "assets/index-abc.js.gz"), gzipSync("console.log(1)"));
  writeFileSync(path.join(dir, "favicon.svg"), "<svg/>");
  writeFileSync(path.join(dir, ".vite/manifest.json"), "{}");
  writeFileSync(path.join(dir, ".build-stamp"), "hash");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("serving the portal", () => {
  it("answers / with index.html, the CSP and the other security headers, revalidated", async () => {
    const res = await appOn(dir).request("/");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("/assets/index-abc.js");
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("content-security-policy")).toMatch(/default-src 'none'.*script-src 'self'/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  });

  it("sends the build's gzip to browsers that accept it, and caches hashed assets for a year", async () => {
    const res = await appOn(dir).request("/assets/index-abc.js", {
      headers: { "accept-encoding": "gzip, br" },
    });
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(res.headers.get("vary")).toBe("Accept-Encoding");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(gunzipSync(Buffer.from(await res.arrayBuffer())).toString()).toBe("console.log(1)");
    const plain = await appOn(dir).request("/assets/index-abc.js");
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe("console.log(1)");
  });

  it("serves only files the build wrote: not its dot-folders, not paths outside it", async () => {
    const app = appOn(dir);
    expect((await app.request("/favicon.svg")).status).toBe(200);
    for (const p of ["/assets/missing.js", "/assets/../.build-stamp", "/assets/%2e%2e/%2e%2e/package.json"]) {
      const res = await app.request(p);
      expect(res.status, p).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    expect((await app.request("/.vite/manifest.json")).status).toBe(404);
  });

  it("says how to build it when the build is missing, and leaves the API alone", async () => {
    const app = appOn(path.join(dir, "no-such-build"));
    const res = await app.request("/");
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("npm run build:portal");
    expect((await app.request("/healthz")).status).toBe(200);
  });
});
