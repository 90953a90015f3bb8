/**
 * Operating a live bus with the `switchyard` CLI against `npm start`'s composition in a child
 * process: the issue's story (inject a failure on a target, publish, see the retries and the
 * dead-lettered event with its error, clear the failure, redrive, see the delivery, the audit record
 * shows each step), then purge, health, the bus's replays, and what a viewer is refused.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, ensureCliBuilt, runCli } from "../support/cli.js";
import { deadLetterConfig } from "../support/dead-letter-config.js";
import { poll } from "../support/poll.js";
import { type LocalProcess, startLocalProcess } from "./support/local-process.js";

const CONFIG = deadLetterConfig({ archivation: true });

let server: LocalProcess;
let dir: string;
const keys = { maintainer: "", deployer: "", viewer: "" };

const call = async (url: string, key: string, body: unknown) => {
  const res = await fetch(`${server.url}${url}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${text}`);
  return JSON.parse(text);
};

beforeAll(async () => {
  ensureCliBuilt();
  server = await startLocalProcess();
  dir = await mkdtemp(path.join(tmpdir(), "switchyard-cli-operate-"));
  await call("/v1/teams", server.adminKey, { name: "shop" });
  for (const role of ["maintainer", "deployer", "viewer"] as const) {
    ({ secret: keys[role] } = await call("/v1/teams/shop/api-keys", server.adminKey, { name: role, role }));
  }
});
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The CLI with `role`'s key, on the project `orders`, stage `dev` (from the environment). */
const sy = (args: string[], role: keyof typeof keys = "deployer") =>
  runCli(args, {
    env: {
      SWITCHYARD_URL: server.url,
      SWITCHYARD_API_KEY: keys[role],
      SWITCHYARD_PROJECT: "orders",
      SWITCHYARD_STAGE: "dev",
      SWITCHYARD_CONFIG_DIR: path.join(dir, "unused"),
    },
  });
const failure = (run: CliRun) => `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
const bus = ["-b", "orders"];

const publish = async (id: number) => {
  const run = await sy([
    "publish",
    ...bus,
    ...["--source", "shop.orders", "--detail-type", "created", "--detail", `{"id":${id}}`, "--json"],
  ]);
  expect(run.code, failure(run)).toBe(0);
  return JSON.parse(run.stdout).entries[0].eventId as string;
};

/** What the audit record says the deployer did on the project, oldest first. */
const auditedActions = async () => {
  const run = await sy(["audit", "-p", "orders", "--limit", "50", "--json"], "maintainer");
  expect(run.code, failure(run)).toBe(0);
  const items: { action: string; actor: { name: string }; requestId: string }[] = JSON.parse(
    run.stdout,
  ).items;
  return items
    .filter((e) => e.actor.name === "deployer")
    .map((e) => e.action)
    .reverse();
};

describe("operating a live bus", () => {
  const RULE = "shop--orders--dev-consumer-event-0";
  const TARGET = "consumer-event-0-event-rule";
  const ERROR = "Lambda.ServiceException: The consumer is down";
  let messageId: string;

  beforeAll(async () => {
    await call("/v1/projects", keys.maintainer, { name: "orders" });
    const file = path.join(dir, "orders.yaml");
    await writeFile(file, CONFIG);
    const run = await sy(["deploy", "--config", file, "--wait"], "maintainer");
    expect(run.code, failure(run)).toBe(0);
  });

  it("drill inject makes every attempt fail: the event is retried, then dead-lettered with the error", async () => {
    const inject = await sy([
      ...["drill", "inject", ...bus, "-r", "consumer"],
      ...["--error-code", "Lambda.ServiceException", "--error-message", "The consumer is down"],
    ]);
    expect(inject.code, failure(inject)).toBe(0);
    expect(inject.stdout).toBe(`Drill on ${RULE} → ${TARGET}: every attempt fails (${ERROR}).\n`);
    const list = await sy(["drill", "list", ...bus]);
    expect(list.stdout).toBe(`${RULE} → ${TARGET}: every attempt fails (${ERROR})\n`);

    const eventId = await publish(1);
    // The delivery log: three attempts (the first and the retry policy's two), then the queue.
    const deliveries = await sy(["deliveries", ...bus, "-r", "consumer"]);
    expect(deliveries.code, failure(deliveries)).toBe(0);
    expect(deliveries.stdout).toContain(
      `  ${RULE}  ${eventId}  [dead-lettered after 3 attempt(s): ${ERROR}]  {`,
    );

    const dead = await sy(["dead-letters", "list", ...bus]);
    expect(dead.code, failure(dead)).toBe(0);
    const lines = dead.stdout.split("\n");
    expect(lines[0]).toBe(
      `${RULE} → ${TARGET}  arn:aws:sqs:us-east-1:000000000000:shop--orders--dev-failed: 1 message(s)`,
    );
    expect(lines[1]).toMatch(new RegExp(`^  (\\w+)  \\S+Z  ${ERROR} \\(3 attempt\\(s\\)\\)$`));
    expect(JSON.parse(lines[2]!)).toMatchObject({ id: eventId, source: "shop.orders", detail: { id: 1 } });
    messageId = /^ {2}(\w+)/.exec(lines[1]!)![1]!;
    const json = JSON.parse((await sy(["dead-letters", "list", ...bus, "--json"])).stdout);
    expect(json.queues[0].messages[0]).toMatchObject({ id: messageId, errorCode: "Lambda.ServiceException" });

    // Over a window of the caller's choosing, for the one bus: the same counts, and throttles.
    const metrics = await sy(["metrics", ...bus, "--since", "1h"]);
    expect(metrics.code, failure(metrics)).toBe(0);
    expect(metrics.stdout.split("\n")).toEqual([
      expect.stringMatching(/^\S+Z \.\. \S+Z$/),
      expect.stringMatching(/^ {2}rule +matched +delivered +failed +dead-lettered +throttled$/),
      expect.stringMatching(new RegExp(`^  ${RULE} +1 +0 +1 +1 +0$`)),
      "",
    ]);
    // Per rule and per target, the same on AWS (where single deliveries are not observable).
    const counts = await sy(["deliveries", ...bus, "--counts", "--since", "1h"]);
    expect(counts.code, failure(counts)).toBe(0);
    expect(counts.stdout.split("\n").slice(2)).toEqual([
      expect.stringMatching(new RegExp(`^  ${RULE} +1 +0 +1 +1 +0$`)),
      expect.stringMatching(new RegExp(`^ {4}→ ${TARGET} +1 +0 +1 +1 +0$`)),
      "",
    ]);
    const health = await sy(["health"]);
    expect(health.code, failure(health)).toBe(0);
    expect(health.stdout.split("\n")).toContainEqual(
      expect.stringMatching(new RegExp(`^  ${RULE} +1/1 +0/0 +1/1 +1/1$`)),
    );
  });

  it("drill clear, then redrive: the event is delivered; the audit record shows each step", async () => {
    const clear = await sy(["drill", "clear", ...bus, "-r", "consumer"]);
    expect([clear.code, clear.stdout]).toEqual([0, "Cleared the failure drill on consumer.\n"]);
    const again = await sy(["drill", "clear", ...bus, "-r", "consumer"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /^404 Not found: Target \S+ of rule \S+ has no failure drill\.\n {2}\(request /,
    );

    const unsaid = await sy(["dead-letters", "redrive", ...bus, "-r", "consumer"]);
    expect([unsaid.code, unsaid.stderr]).toEqual([2, "Give --id (one or more) or --all.\n"]);
    const redrive = await sy(["dead-letters", "redrive", ...bus, "-r", "consumer", "--id", messageId]);
    expect(redrive.code, failure(redrive)).toBe(0);
    expect(redrive.stdout).toBe(
      "Re-drove 1 event(s) from the dead-letter queue of consumer to bus orders.\n",
    );
    // Re-driven once: asking for it again finds it gone, and says so (exit 1).
    const twice = await sy([
      "dead-letters",
      "redrive",
      ...bus,
      "-r",
      "consumer",
      "--id",
      messageId,
      "--json",
    ]);
    expect(twice.code).toBe(1);
    expect(JSON.parse(twice.stdout)).toEqual({ redriven: 0, notFound: [messageId] });
    expect(twice.stderr).toBe(`Not in the queue (re-driven or purged already?): ${messageId}.\n`);

    // Re-published as a new event, matched and delivered at the first attempt.
    const [delivered] = await poll(
      async (): Promise<{ input: string; outcome?: string }[]> =>
        JSON.parse((await sy(["deliveries", ...bus, "-r", "consumer", "--json"])).stdout).items,
      (items) => !items[0]!.outcome,
    );
    expect(delivered!.outcome).toBeUndefined();
    expect(JSON.parse(delivered!.input)).toMatchObject({ source: "shop.orders", detail: { id: 1 } });
    const empty = JSON.parse((await sy(["dead-letters", "list", ...bus, "--json"])).stdout);
    expect(empty.queues[0].messages).toEqual([]);

    expect(await auditedActions()).toEqual([
      "failure-drill.set",
      "failure-drill.clear",
      "dead-letters.redrive",
      "dead-letters.redrive",
    ]);
    const text = await sy(
      ["audit", "-p", "orders", "--action", "dead-letters.redrive", "--limit", "1"],
      "maintainer",
    );
    expect(text.stdout).toMatch(
      new RegExp(
        `^\\S+Z {2}dead-letters\\.redrive +orders {2}kind=dead-letter-queue id=\\S+shop--orders--dev-failed stage=dev bus=orders rule=${RULE} {2}by deployer \\(key_\\w+\\) {2}\\[[\\w-]+\\]\\n$`,
      ),
    );
    expect(text.stderr).toMatch(/^More: --cursor \S+\n$/);
  });

  it("dead-letters purge asks for --yes, then empties the queue", async () => {
    expect((await sy(["drill", "inject", ...bus, "-r", "consumer", "--count", "3"])).code).toBe(0);
    await publish(2);
    const held = JSON.parse((await sy(["dead-letters", "list", ...bus, "--json"])).stdout);
    expect(held.queues[0].messages).toHaveLength(1);
    const unconfirmed = await sy(["dead-letters", "purge", ...bus, "-r", "consumer"]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toBe("Purging deletes every message of the queue for good: add --yes.\n");
    const purge = await sy(["dead-letters", "purge", ...bus, "-r", "consumer", "--yes"]);
    expect([purge.code, purge.stdout]).toEqual([0, "Purged the dead-letter queue of consumer.\n"]);
    const empty = JSON.parse((await sy(["dead-letters", "list", ...bus, "--json"])).stdout);
    expect(empty.queues[0].messages).toEqual([]);
    // The count drill was used up by the three attempts.
    expect((await sy(["drill", "list", ...bus])).stdout).toMatch(/: spent: no more attempts fail \(/);
  });

  it("replays list: the bus's replays, newest first, with state and progress", async () => {
    for (const since of ["10m", "5m"]) {
      const run = await sy(["replay", ...bus, "--since", since, "--wait"]);
      expect(run.code, failure(run)).toBe(0);
    }
    const list = await sy(["replays", "list", ...bus]);
    expect(list.code, failure(list)).toBe(0);
    const lines = list.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatch(
        /^shop--orders--dev-orders-\w+ {2}COMPLETED +100% {2}\S+Z \.\. \S+Z {2}by key_\w+$/,
      );
    }
    const page = await sy(["replays", "list", ...bus, "--limit", "1", "--json"]);
    const first = JSON.parse(page.stdout);
    expect(first.items[0].name).toBe(lines[0]!.split(" ")[0]);
    expect(page.stderr).toBe(`More: --cursor ${first.nextCursor}\n`);
    const next = JSON.parse(
      (await sy(["replays", "list", ...bus, "--limit", "1", "--cursor", first.nextCursor, "--json"])).stdout,
    );
    expect(next.items[0].name).toBe(lines[1]!.split(" ")[0]);
  });

  it("refuses a viewer's drill and redrive (exit 1), with the problem as JSON under --json", async () => {
    const drill = await sy(["drill", "inject", ...bus, "-r", "consumer"], "viewer");
    expect(drill.code).toBe(1);
    expect(drill.stderr).toMatch(
      /^403 Forbidden: This needs the deployer role on project orders; the key has viewer\.\n/,
    );
    const redrive = await sy(
      ["dead-letters", "redrive", ...bus, "-r", "consumer", "--all", "--json"],
      "viewer",
    );
    expect(redrive.code).toBe(1);
    expect(JSON.parse(redrive.stdout)).toMatchObject({
      type: "https://switchyard.dev/problems/forbidden",
      status: 403,
    });
    // Looking is for every role.
    expect((await sy(["dead-letters", "list", ...bus], "viewer")).code).toBe(0);
    expect((await sy(["drill", "list", ...bus], "viewer")).code).toBe(0);
  });
});
