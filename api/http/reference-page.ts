import { Scalar } from "@scalar/hono-api-reference";
import type { Context, Next } from "hono";

/**
 * The interactive reference (/docs) with the OpenAPI document embedded in the page, so what it
 * renders is exactly what `documentPath` serves, with no second request from the browser. The
 * document is built once, from the app itself, on the first visit (routes are fixed by then).
 */
export function referencePage(
  app: { request: (path: string) => Response | Promise<Response> },
  options: { documentPath: string; pageTitle: string },
) {
  let document: Promise<object> | undefined;
  const load = async (): Promise<object> => {
    const res = await app.request(options.documentPath);
    if (!res.ok) throw new Error(`${options.documentPath} answered ${res.status}`);
    return (await res.json()) as object;
  };
  const scalar = Scalar(async () => {
    document ??= load().catch((err) => {
      document = undefined;
      throw err;
    });
    return { pageTitle: options.pageTitle, content: await document };
  });
  // Machine-readable link to the raw document, for tools and people who want the JSON.
  const alternate = `<link rel="alternate" type="application/json" title="OpenAPI document" href="${options.documentPath}" />`;
  // Scalar's renderer comes from its CDN and replaces #app once it runs. Without internet access
  // (the embedded default often has none) the page would stay blank: say why, and where the
  // document is, until then.
  const fallback = `<div id="app"><p style="font-family: system-ui, sans-serif; margin: 2rem">Loading the API reference. Its renderer comes from cdn.jsdelivr.net; without internet access, read the OpenAPI document at <a href="${options.documentPath}">${options.documentPath}</a>.</p></div>`;
  return async (c: Context, next: Next) => {
    const res = await scalar(c, next);
    const html = res ? await res.text() : "";
    return c.html(
      html.replace("<head>", `<head>\n    ${alternate}`).replace('<div id="app"></div>', fallback),
    );
  };
}
