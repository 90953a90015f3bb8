/**
 * A preview's routing diff in the browser: the stage runs a rule on `shop.orders`; version 2 narrows
 * it to created orders. The preview shows the rule's pattern before and after, and how many of the
 * bus's recent events it stops matching, with one of them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { busConfig } from "../support/bus-configs.js";
import {
  createKey,
  createTeam,
  openPortal,
  type Portal,
  screenshot,
  signIn,
  unique,
} from "./support/browser.js";

const config = (pattern: Record<string, unknown>) =>
  busConfig({ bus: { archivation: { enabled: true } }, subscribers: [{ name: "consumer", pattern }] });

let portal: Portal;
let key: string;
const project = unique("routing");

beforeAll(async () => {
  portal = await openPortal();
  key = await createKey(portal, await createTeam(portal), "maintainer", "routing");
  const call = async (path: string, init: RequestInit & { expect: number }) => {
    const res = await fetch(`${portal.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...init.headers },
    });
    const text = await res.text();
    expect(res.status, `${path}: ${text}`).toBe(init.expect);
    return text ? JSON.parse(text) : undefined;
  };
  const yaml = (body: string) => ({ method: "POST", body, headers: { "content-type": "application/yaml" } });
  await call("/v1/projects", { method: "POST", body: JSON.stringify({ name: project }), expect: 201 });
  await call(`/v1/projects/${project}/configs`, {
    ...yaml(config({ source: ["shop.orders"] })),
    expect: 201,
  });
  const { id } = await call(`/v1/projects/${project}/stages/dev/deployments`, {
    method: "POST",
    body: "{}",
    expect: 202,
  });
  for (let i = 0; i < 500; i++) {
    const d = await call(`/v1/deployments/${id}`, { expect: 200 });
    if (d.status !== "IN_PROGRESS" && d.status !== "PENDING") break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await call(`/v1/projects/${project}/stages/dev/buses/orders/events`, {
    method: "POST",
    body: JSON.stringify({
      entries: [
        { source: "shop.orders", "detail-type": "created", detail: { id: 1 } },
        { source: "shop.orders", "detail-type": "cancelled", detail: { id: 2 } },
      ],
    }),
    expect: 200,
  });
  await call(`/v1/projects/${project}/configs`, {
    ...yaml(config({ source: ["shop.orders"], "detail-type": ["created"] })),
    expect: 201,
  });
});
afterAll(() => portal?.close());

describe("previewing a narrower rule", () => {
  it("shows the rule before and after, and the recent events it stops matching", async () => {
    const page = await portal.page();
    await signIn(page, key);
    await page.goto(`/#/projects/${project}/stages/dev`);
    await page.getByText(/^Runs version 1$/).waitFor();
    // The stage's health: the rule matched both events published and delivered them.
    const health = page.getByRole("table", { name: "Health" });
    await health.waitFor();
    const cells = await health.locator("tbody tr td").allTextContents();
    expect(cells.slice(1)).toEqual(["2 / 2", "2 / 2", "0 / 0", "0 / 0"]);
    await page.getByRole("button", { name: "Preview changes" }).click();
    const routing = page.getByRole("table", { name: "Routing diff" });
    await routing.waitFor();
    const row = routing.locator("tbody tr");
    expect(await row.count()).toBe(1);
    const text = (await row.textContent()) ?? "";
    expect(text).toContain("~ Changed");
    expect(text).toContain("changes eventPattern");
    expect(text).toContain("of 2: 2 matched before, 1 after");
    await row.getByText("1 event(s) routed differently").click();
    const example = await row.locator("details pre").textContent();
    expect(JSON.parse(example!)).toMatchObject({ source: "shop.orders", "detail-type": "cancelled" });
    expect(await page.getByText(/2 recent event\(s\) from the archive/).count()).toBe(1);
    await screenshot(page, "preview-routing");
  });
});
