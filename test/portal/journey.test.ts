/**
 * The portal's journey in a real browser, as a team would take it: sign in, create a project, paste
 * a config with a mistake and see it marked at its line, fix it, save, preview, deploy and watch it
 * succeed with outputs, publish an event and see it delivered, replay the archive and see the
 * replayed delivery, then tear the stage down. Each step builds on the last, on one page.
 */
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createKey,
  createTeam,
  cspViolations,
  DESKTOP,
  openPortal,
  PHONE,
  type Portal,
  paste,
  screenshot,
  signIn,
  unique,
} from "./support/browser.js";

const CONFIG_WITH_TYPO = `resources:
  orderBus:
    type: event-bus
    properties:
      archivation:
        enabled: true
        retentionDays: 7
  orderConsumer:
    type: function
    properties:
      packaging:
        type: stacktape-lambda-buildpack
        properties:
          entryfilePath: src/consumer.ts
      events:
        - type: event-bus
          properties:
            eventBusName: orderBus
            eventPatern:
              source:
                - shop.orders
`;
const TYPO_LINE = 19;

let portal: Portal;
let page: Page;
let key: string;
const project = unique("orders");

beforeAll(async () => {
  portal = await openPortal();
  key = await createKey(portal, await createTeam(portal), "admin", "journey");
  page = await portal.page();
});
afterAll(() => portal?.close());
// What the page showed when a step failed: the first thing to look at.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail")
    await screenshot(page, `failed-${ctx.task.name.replace(/\W+/g, "-")}`);
});

/** How far the page scrolls sideways (0 when it fits its viewport), and what sticks out, to say why. */
const sidewaysOverflow = (p: Page): Promise<{ overflow: number; culprits: string[] }> =>
  p.evaluate(() => {
    const doc = (globalThis as any).document;
    const width = doc.documentElement.clientWidth;
    return {
      overflow: doc.documentElement.scrollWidth - width,
      culprits: [...doc.querySelectorAll("body *")]
        .filter((el: any) => el.getBoundingClientRect().right > width + 1)
        .map((el: any) => `${el.tagName.toLowerCase()}.${el.className}`)
        .slice(0, 5),
    };
  });

/** The editor's text box (CodeMirror's content element, named by its aria-label). */
const editor = (p: Page, name: RegExp) => p.getByRole("textbox", { name });

describe("a team's whole job in the portal", () => {
  it("signs in and creates a project", async () => {
    await signIn(page, key);
    await page.getByLabel("Project name").fill(project);
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByRole("heading", { name: project, level: 1 }).waitFor();
    expect(page.url()).toContain(`#/projects/${project}`);
    await page.goto("/#/projects");
    await page.getByRole("link", { name: project }).waitFor();
    // A refusal reads as words with the API's own detail: the name is taken.
    await page.getByLabel("Project name").fill(project);
    await page.getByRole("button", { name: "Create project" }).click();
    const refusal = page.getByRole("alert");
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain("This conflicts with the current state.");
    // ...with the API's own title and detail, which name the project.
    expect(await refusal.textContent()).toMatch(new RegExp(`Conflict: .*${project}`));
    await page.getByLabel("Search projects by name").fill(project.slice(0, 8));
    await page.getByRole("link", { name: project }).waitFor();
    await screenshot(page, "projects");
  });

  it("marks a config's mistake at its line with a did-you-mean, as the user types", async () => {
    await page.goto(`/#/projects/${project}`);
    await page.getByRole("link", { name: "Edit config" }).click();
    await paste(editor(page, /Config of/), CONFIG_WITH_TYPO);

    const problems = page.getByRole("list", { name: "Problems in the config" });
    await problems.waitFor();
    const text = await problems.textContent();
    expect(text).toContain(`Line ${TYPO_LINE}`);
    expect(text).toContain('Did you mean "eventPattern"?');
    // Underlined in the editor, on that line (the trigger's missing eventPattern is marked too).
    const underline = page.locator(".cm-lintRange-error", { hasText: "eventPatern" });
    await underline.waitFor();
    expect(await underline.textContent()).toBe("eventPatern");
    const line = await underline.evaluate(
      (el: any) => [...el.closest(".cm-content").children].indexOf(el.closest(".cm-line")) + 1,
    );
    expect(line).toBe(TYPO_LINE);
    expect(await page.getByRole("button", { name: "Save as new version" }).isDisabled()).toBe(true);
    await screenshot(page, "config-error");
  });

  it("fixes it in the editor, sees it valid and saves version 1", async () => {
    await page.locator(".cm-lintRange-error", { hasText: "eventPatern" }).dblclick();
    await page.keyboard.insertText("eventPattern");
    await page.getByText(/^Valid: \d+ CloudFormation resources$/).waitFor();
    expect(await page.locator(".cm-lintRange-error").count()).toBe(0);
    await page.getByRole("button", { name: "Save as new version" }).click();
    await page.getByText("Saved as version 1.").waitFor();
    await page.getByRole("cell", { name: "v1", exact: true }).waitFor();
  });

  it("previews the version on stage dev: everything is added", async () => {
    await page.getByRole("link", { name: "Stages" }).click();
    await page.getByLabel("Open a stage").fill("dev");
    await page.getByRole("button", { name: "Open stage" }).click();
    await page.getByRole("heading", { name: "Stage dev" }).waitFor();
    await page.getByText("has not been deployed yet").waitFor();
    await page.getByRole("button", { name: "Preview changes" }).click();
    const changes = page.getByRole("table", { name: "Changes" });
    await changes.waitFor();
    const rows = await changes.locator("tbody tr").allTextContents();
    expect(rows.length).toBeGreaterThan(2);
    expect(rows.every((r) => r.includes("Add"))).toBe(true);
    expect(rows.join(" ")).toContain("AWS::Events::EventBus");
    expect(rows.join(" ")).toContain("AWS::Events::Rule");
  });

  it("deploys and watches it live until SUCCEEDED, with outputs to copy", async () => {
    await page.getByRole("button", { name: "Deploy v1" }).click();
    const resources = page.getByRole("table", { name: "Resources of the deployment" });
    await resources.waitFor();
    await page.getByRole("heading", { name: "Deployment", exact: true }).waitFor();
    expect(await page.getByText("Deploy of version 1").locator("..").textContent()).toContain("SUCCEEDED");
    expect(await resources.textContent()).toContain("CREATE_COMPLETE");
    await page.getByText(/^Runs version 1$/).waitFor();
    const arn = page.locator("dd", { hasText: ":event-bus/" });
    await arn.first().waitFor();
    await page.getByRole("button", { name: "Copy orderBus arn" }).click();
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(await arn.first().textContent());
    await screenshot(page, "stage");
  });

  it("publishes an event from the rule's template and sees its delivery", async () => {
    await page.getByRole("link", { name: "orderBus" }).click();
    await page.getByRole("heading", { name: "Bus orderBus" }).waitFor();
    // The template writes the event as EventBridge does: detail-type.
    const template = await editor(page, /Events to publish/).textContent();
    expect(template).toContain('"detail-type": ');
    expect(template).not.toContain("detailType");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const published = page.getByRole("list", { name: "Publish results" });
    await published.waitFor();
    const eventId = (await published.locator("code").textContent())!;
    expect(eventId).toMatch(/\S/);
    const deliveries = page.getByRole("table", { name: "Deliveries" });
    await deliveries.locator("code", { hasText: eventId }).waitFor();
    expect(await deliveries.textContent()).toContain("shop.orders");
  });

  it("tests a pattern with EventBridge's answer", async () => {
    await page.getByRole("button", { name: "Test the pattern" }).click();
    await page.getByText("Matches: EventBridge would deliver this event to the rule.").waitFor();
    await page.getByRole("button", { name: "Which rules of this bus match?" }).click();
    await page.getByText(/^Matching rules: /).waitFor();
    // A pattern EventBridge refuses answers with EventBridge's own reason.
    await paste(editor(page, /Event pattern/), '{"source": [{"numeric": [">", "x"]}]}');
    await page.getByRole("button", { name: "Test the pattern" }).click();
    await page.getByText("EventBridge refuses this pattern or event").waitFor();
  });

  it("replays the archive, follows it in the bus's replay list, and sees the replayed delivery", async () => {
    await page.getByRole("button", { name: "Start replay" }).click();
    const replays = page.getByRole("list", { name: "Replays" });
    await replays.getByText("COMPLETED").waitFor();
    const row = replays.getByRole("listitem");
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain("100%");
    const whoami = await fetch(`${portal.url}/v1/whoami`, { headers: { authorization: `Bearer ${key}` } });
    const { keyId } = (await whoami.json()) as { keyId: string };
    expect(await row.textContent()).toContain(`by key ${keyId}`);
    const deliveries = page.getByRole("table", { name: "Deliveries" });
    await deliveries.getByText("replayed").first().waitFor();
    // The list is the API's, not the tab's: a second tab shows the same replay.
    const other = await portal.page();
    await signIn(other, key);
    await other.goto(page.url().replace(/^.*#/, "/#"));
    await other.getByRole("list", { name: "Replays" }).getByText("COMPLETED").waitFor();
    await other.close();
    await screenshot(page, "bus");
  });

  it("reads well in dark mode and at phone width", async () => {
    const looks = [
      ["dark", { colorScheme: "dark" as const, viewport: DESKTOP }],
      ["phone", { colorScheme: "light" as const, viewport: PHONE }],
      ["phone-dark", { colorScheme: "dark" as const, viewport: PHONE }],
    ] as const;
    await Promise.all(
      looks.map(async ([name, options]) => {
        const other = await portal.page(options);
        await signIn(other, key);
        await other.goto(`/#/projects/${project}/stages/dev`);
        await other.getByText(/^Runs version 1$/).waitFor();
        await screenshot(other, `stage-${name}`);
        expect(await sidewaysOverflow(other), `stage page, ${name}`).toMatchObject({ overflow: 0 });
        await other.goto(`/#/projects/${project}/config`);
        await editor(other, /Config of/).waitFor();
        await screenshot(other, `config-${name}`);
        expect(await sidewaysOverflow(other), `config page, ${name}`).toMatchObject({ overflow: 0 });
        expect(await cspViolations(other)).toEqual([]);
      }),
    );
  });

  it("saves a second version and compares it with the first, side by side", async () => {
    await page.goto(`/#/projects/${project}/config`);
    const box = editor(page, /Config of/);
    await box.waitFor();
    await page.locator(".cm-line", { hasText: "retentionDays: 7" }).click();
    await page.keyboard.press("End");
    await page.keyboard.press("Backspace");
    await page.keyboard.insertText("30");
    await page.getByText(/^Valid: /).waitFor();
    await page.getByRole("button", { name: "Save as new version" }).click();
    await page.getByText("Saved as version 2.").waitFor();
    // The comparison defaults to the two newest versions: the changed line is marked on both sides.
    await page.getByLabel("Left").selectOption("1");
    await page.getByLabel("Right").selectOption("2");
    const changed = page.locator(".cm-mergeView .cm-changedText");
    await changed.first().waitFor();
    expect(await changed.allTextContents()).toEqual(expect.arrayContaining(["7", "30"]));
    await screenshot(page, "config-diff");
  });

  it("deploys version 2, then rolls back to version 1", async () => {
    await page.goto(`/#/projects/${project}/stages/dev`);
    await page.getByText(/^Runs version 1$/).waitFor();
    // The newest version is picked by default.
    await page.getByRole("button", { name: "Deploy v2" }).waitFor();
    await page.getByRole("button", { name: "Preview changes" }).click();
    const changes = page.getByRole("table", { name: "Changes" });
    await changes.waitFor();
    expect(await changes.textContent()).toContain("Modify");
    expect(await changes.textContent()).toContain("OrderBusArchive");
    await page.getByRole("button", { name: "Deploy v2" }).click();
    await page.getByText(/^Runs version 2$/).waitFor();
    await page.getByRole("button", { name: "Roll back to the previous version" }).click();
    await page.getByText("Rollback to version 1").waitFor();
    await page.getByText(/^Runs version 1$/).waitFor();
    const history = await page.getByRole("table", { name: "Deployment history" }).textContent();
    expect(history).toContain("rollback");
  });

  it("tears the stage down after typing its name", async () => {
    await page.goto(`/#/projects/${project}/stages/dev`);
    const tearDown = page.getByRole("button", { name: "Tear down" });
    await tearDown.waitFor();
    expect(await tearDown.isDisabled()).toBe(true);
    await page.getByLabel("Type dev to confirm").fill("dev");
    await tearDown.click();
    await page.getByText("Teardown").first().waitFor();
    await page
      .locator(".badge", { hasText: /^DELETED$/ })
      .first()
      .waitFor();
    expect(await cspViolations(page)).toEqual([]);
  });
});
