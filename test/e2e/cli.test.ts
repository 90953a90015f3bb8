/**
 * The `switchyard` CLI against `npm start`'s composition in a child process, spawned as a user or a
 * pipeline runs it: with a terminal (a pseudo-terminal through `script`: a spinner) and without
 * (plain lines), asserting exit codes and what it prints. The shipped examples are what it deploys.
 */
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, ESC, ensureCliBuilt, runCli, screenText } from "../support/cli.js";
import { type LocalProcess, startLocalProcess } from "./support/local-process.js";

let server: LocalProcess;
let configDir: string;
let key: string;
/** The environment of a CI job: where the server is, the key, no stored login. */
let ci: Record<string, string>;

const call = async (url: string, init: { key: string; body?: unknown; method?: string }) => {
  const res = await fetch(`${server.url}${url}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { authorization: `Bearer ${init.key}`, "content-type": "application/json" },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${text}`);
  return JSON.parse(text);
};

beforeAll(async () => {
  ensureCliBuilt();
  server = await startLocalProcess();
  configDir = await mkdtemp(path.join(tmpdir(), "switchyard-cli-config-"));
  await call("/v1/teams", { key: server.adminKey, body: { name: "payments" } });
  ({ secret: key } = await call("/v1/teams/payments/api-keys", {
    key: server.adminKey,
    body: { name: "ci", role: "maintainer" },
  }));
  for (const name of ["orders", "pipeline", "broken"]) await call("/v1/projects", { key, body: { name } });
  ci = {
    SWITCHYARD_URL: server.url,
    SWITCHYARD_API_KEY: key,
    SWITCHYARD_CONFIG_DIR: path.join(configDir, "unused"),
  };
});
afterAll(async () => {
  await server?.stop();
  await rm(configDir, { recursive: true, force: true });
});

const sy = (args: string[], env: Record<string, string | undefined> = ci, input?: string) =>
  runCli(args, { env, ...(input !== undefined ? { input } : {}) });
const failure = (run: CliRun) => `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;

describe("help and completion", () => {
  it("--help lists every command; a command's help shows its examples", async () => {
    const help = await sy(["--help"]);
    expect(help.code).toBe(0);
    for (const command of [
      "login",
      "validate <file>",
      "config",
      "preview",
      "deploy",
      "rollback",
      "teardown",
      "outputs",
      "publish",
      "test-pattern",
      "deliveries",
      "replay",
      "replays",
      "metrics",
      "health",
      "dead-letters",
      "drill",
      "share",
      "audit",
      "completion",
    ]) {
      expect(help.stdout).toContain(`switchyard ${command}`);
    }
    const deploy = await sy(["deploy", "--help"]);
    expect(deploy.stdout).toContain("Examples:");
    expect(deploy.stdout).toContain(
      "switchyard deploy -p orders -s dev --config examples/stacktape.yaml --wait",
    );
  });

  it("prints a bash completion script that completes its commands", async () => {
    const script = await sy(["completion"]);
    expect(script.code).toBe(0);
    expect(script.stdout).toMatch(/complete -o bashdefault -o default -F \w+ switchyard/);
    const words = await sy(["--get-yargs-completions", "switchyard", "dep"]);
    expect(words.stdout.split("\n")).toContain("deploy");
  });

  it("a usage error exits 2 and says how to get help", async () => {
    const run = await sy(["deploy", "--stage", "dev"], { ...ci, SWITCHYARD_PROJECT: undefined });
    expect(run.code, failure(run)).toBe(2);
    expect(run.stderr).toBe("Missing --project (or SWITCHYARD_PROJECT).\n");
    const unknown = await sy(["deploy", "--stag", "dev", "-p", "orders"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Run `switchyard --help` for usage.");
  });
});

describe("login", () => {
  it("checks the key, stores URL and key for the user alone (0600), and later commands use them", async () => {
    const env = {
      SWITCHYARD_CONFIG_DIR: configDir,
      SWITCHYARD_URL: undefined,
      SWITCHYARD_API_KEY: undefined,
    };
    const login = await sy(["login", "--url", server.url, "--api-key-stdin"], env, `${key}\n`);
    expect(login.code, failure(login)).toBe(0);
    const file = path.join(configDir, "config.json");
    expect(login.stdout).toBe(
      `Logged in to ${server.url} as ci (team payments, maintainer); saved to ${file}.\n`,
    );
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(configDir)).mode & 0o077).toBe(0);

    const me = await sy(["whoami", "--json"], env);
    expect(JSON.parse(me.stdout)).toMatchObject({ name: "ci", team: "payments", role: "maintainer" });
    // The environment wins over what is stored.
    const asAdmin = await sy(["whoami"], { ...env, SWITCHYARD_API_KEY: server.adminKey });
    expect(asAdmin.stdout).toContain("(platform admin)");

    const logout = await sy(["logout"], env);
    expect(logout.code).toBe(0);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
    const after = await sy(["whoami"], env);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain("No Switchyard URL: run `switchyard login --url <url>`");
  });

  it("refuses a wrong key (exit 1) and stores nothing", async () => {
    const dir = path.join(configDir, "wrong");
    const env = { SWITCHYARD_CONFIG_DIR: dir, SWITCHYARD_API_KEY: undefined };
    const login = await sy(["login", "--url", server.url, "--api-key", "sy_not-a-key"], env);
    expect(login.code).toBe(1);
    expect(login.stderr).toMatch(/^401 /);
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
  });

  it("says in one line when the server cannot be reached", async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const closed = `http://127.0.0.1:${(probe.address() as { port: number }).port}`;
    await new Promise((resolve) => probe.close(resolve));
    const run = await sy(["whoami"], { ...ci, SWITCHYARD_URL: closed });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`Cannot reach Switchyard at ${closed}: ECONNREFUSED.\n`);
  });
});

describe("validate", () => {
  it("prints each problem of a broken config as file:line:column: message and exits 1", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "switchyard-cli-broken-"));
    const file = path.join(dir, "broken.yaml");
    await writeFile(
      file,
      "resources:\n  myQueue:\n    type: sqs-queue\n    properties:\n      fifoEnabled: maybe\n" +
        "  myBus:\n    type: event-bus\n    properties:\n      archivation: { enabled: 3 }\n",
    );
    const run = await sy(["validate", file]);
    await rm(dir, { recursive: true, force: true });
    expect(run.code, failure(run)).toBe(1);
    expect(run.stdout.split("\n").filter(Boolean)).toEqual([
      `${file}:5:20: resources.myQueue.properties.fifoEnabled: Invalid input: expected boolean, received string`,
      `${file}:9:31: resources.myBus.properties.archivation.enabled: Invalid input: expected boolean, received number`,
    ]);
    expect(run.stderr).toBe(`${file}: 2 problem(s).\n`);
  });

  it("passes both shipped examples (exit 0), and --json gives the compiled template", async () => {
    for (const example of ["examples/stacktape.yaml", "examples/order-pipeline.yaml"]) {
      const run = await sy(["validate", example]);
      expect(run.code, failure(run)).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^${example}: valid \\(\\d+ CloudFormation resources\\)\\n$`));
    }
    const json = await sy(["validate", "examples/stacktape.yaml", "--json"]);
    expect(JSON.parse(json.stdout).template.Resources.MyEventBusEventBus.Type).toBe("AWS::Events::EventBus");
  });
});

describe("deploy --wait", () => {
  it("without a terminal (a pipeline): one line per stack event, the outcome, exit 0 on SUCCEEDED", async () => {
    const run = await sy([
      "deploy",
      "-p",
      "orders",
      "-s",
      "dev",
      "--config",
      "examples/stacktape.yaml",
      "--wait",
    ]);
    expect(run.code, failure(run)).toBe(0);
    expect(run.stderr).toContain("orders: config version 1 (examples/stacktape.yaml)\n");
    expect(run.stderr).toMatch(/ {2}CREATE_COMPLETE +AWS::Events::EventBus +MyEventBusEventBus\n/);
    expect(run.stderr).toMatch(/ {2}CREATE_COMPLETE +AWS::CloudFormation::Stack +payments--orders--dev\n/);
    expect(run.stdout).toMatch(/^Deployment of orders\/dev \(config version 1\): SUCCEEDED {2}\[\w+\]\n$/);
    expect(run.stderr).not.toContain(ESC);
  });

  it("on a terminal (npx switchyard deploy --stage dev --wait): a spinner, settled resources ticked, the outcome; exit 0", async () => {
    const push = await sy(["config", "push", "examples/order-pipeline.yaml", "-p", "orders"]);
    expect(push.stdout).toBe("orders: config version 2\n");
    // As a person types it in the checkout: npx, the project from the environment.
    const run = await runCli(["deploy", "--stage", "dev", "--wait"], {
      env: { ...ci, SWITCHYARD_PROJECT: "orders" },
      tty: true,
      npx: true,
    });
    expect(run.code, failure(run)).toBe(0);
    expect(run.stdout).toContain(`${ESC}[?25l`); // the spinner hides the cursor while it spins
    const screen = screenText(run.stdout);
    expect(screen).toMatch(/✔ CREATE_COMPLETE +AWS::Events::Rule +NotifyCustomerEvent1Rule/);
    expect(screen).toMatch(/resource\(s\) done/);
    expect(screen).toMatch(/✔ Deployment of orders\/dev \(config version 2\): SUCCEEDED {2}\[\w+\]/);
  });

  it("a deployment that fails exits 1, with and without a terminal, naming the failed resource", async () => {
    const config =
      "resources:\n  q:\n    type: sqs-queue\n    properties:\n      events:\n        - type: event-bus\n          properties:\n            eventBusArn: arn:aws:events:us-east-1:000000000000:event-bus/payments--nope\n            eventPattern: { source: [x] }\n";
    const file = path.join(configDir, "fails.yaml");
    await writeFile(file, config);
    const plain = await sy(["deploy", "-p", "broken", "-s", "dev", "--config", file, "--wait"]);
    expect(plain.code, failure(plain)).toBe(1);
    expect(plain.stderr).toMatch(
      / {2}CREATE_FAILED +AWS::Events::Rule +QEvent0Rule {2}ResourceNotFoundException/,
    );
    expect(plain.stdout).toMatch(
      /^Deployment of broken\/dev \(config version 1\): FAILED {2}\[\w+\]\n {2}QEvent0Rule: /,
    );

    const tty = await runCli(["deploy", "-p", "broken", "-s", "qa", "--wait"], { env: ci, tty: true });
    expect(tty.code, failure(tty)).toBe(1);
    const screen = screenText(tty.stdout);
    expect(screen).toMatch(/✖ CREATE_FAILED +AWS::Events::Rule +QEvent0Rule/);
    expect(screen).toMatch(/✖ Deployment of broken\/qa \(config version 1\): FAILED/);
  });

  it("--json prints the ended deployment alone on stdout; --artifacts go with the deployment", async () => {
    const bad = await sy([
      "deploy",
      "-p",
      "orders",
      "-s",
      "dev",
      "--artifacts",
      '{"myPublisherFunction":{"codeBucket":7}}',
    ]);
    expect(bad.code, failure(bad)).toBe(1);
    expect(bad.stderr).toMatch(/^400 .*\n {2}json\.artifacts\.myPublisherFunction/);
    const run = await sy([
      "--artifacts",
      '{"myPublisherFunction":{"codeBucket":"builds","codeKey":"fn/1a2b.zip"}}',
      "deploy",
      "-p",
      "orders",
      "-s",
      "dev",
      "--config-version",
      "1",
      "--wait",
      "--json",
    ]);
    expect(run.code, failure(run)).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      project: "orders",
      stage: "dev",
      kind: "deploy",
      status: "SUCCEEDED",
      configVersion: 1,
    });
  });

  it("without --wait answers at once with the started deployment, which status --wait follows", async () => {
    const started = await sy(["deploy", "-p", "orders", "-s", "dev", "--config-version", "2", "--json"]);
    expect(started.code, failure(started)).toBe(0);
    const { id } = JSON.parse(started.stdout);
    const followed = await sy(["status", id, "--wait"]);
    expect(followed.code, failure(followed)).toBe(0);
    expect(followed.stdout).toContain(`Deployment of orders/dev (config version 2): SUCCEEDED  [${id}]`);
  });
});

/** `switchyard publish` of a `budget` event with this detail to the stage's bus, as JSON. */
const publishBudget = (detail: string) =>
  sy([
    "publish",
    ...["-p", "orders", "-s", "dev", "-b", "myEventBus"],
    ...["--source", "my.app", "--detail-type", "budget", "--detail", detail, "--json"],
  ]);

describe("a deployed stage", () => {
  it("preview, outputs, rollback", async () => {
    const preview = await sy(["preview", "-p", "orders", "-s", "dev", "--config-version", "1"]);
    expect(preview.code, failure(preview)).toBe(0);
    expect(preview.stdout).toContain("payments--orders--dev, config version 1:");
    expect(preview.stdout).toContain("- FulfilmentQueueQueue (AWS::SQS::Queue)");
    expect(preview.stdout).toContain("+ MyEventBusEventBus (AWS::Events::EventBus)");

    const outputs = await sy(["outputs", "-p", "orders", "-s", "dev", "--json"]);
    expect(JSON.parse(outputs.stdout).orderEvents.arn).toBe(
      "arn:aws:events:us-east-1:000000000000:event-bus/payments--orders--dev-orderEvents",
    );

    const rollback = await sy(["rollback", "-p", "orders", "-s", "dev", "--wait"]);
    expect(rollback.code, failure(rollback)).toBe(0);
    expect(rollback.stdout).toContain("Rollback of orders/dev (config version 1): SUCCEEDED");
    const text = await sy(["outputs", "-p", "orders", "-s", "dev"]);
    expect(text.stdout).toContain(
      "myEventBus.arn\tarn:aws:events:us-east-1:000000000000:event-bus/payments--orders--dev-myEventBus\n",
    );
  });

  it("publish, deliveries, test-pattern and replay on its bus", async () => {
    const bus = ["-p", "orders", "-s", "dev", "-b", "myEventBus"];
    const published = await publishBudget('{"EventName":"BUDGET_ANALYSIS","id":12345678901234567890}');
    expect(published.code, failure(published)).toBe(0);
    const { eventId } = JSON.parse(published.stdout).entries[0];

    const deliveries = await sy(["deliveries", ...bus, "--rule", "myConsumerBatchJob", "--json"]);
    const [delivery] = JSON.parse(deliveries.stdout).items;
    expect(delivery.eventId).toBe(eventId);
    // The detail's digits arrive as written.
    expect(delivery.input).toContain('"detail":{"EventName":"BUDGET_ANALYSIS","id":12345678901234567890}');

    const matches = await sy([
      "test-pattern",
      "--pattern",
      '{"detail":{"EventName":["BUDGET_ANALYSIS"]}}',
      "--event",
      delivery.input,
    ]);
    expect([matches.code, matches.stdout]).toEqual([0, "matches\n"]);
    const not = await sy(["test-pattern", "--pattern", '{"source":["other"]}', "--event", delivery.input]);
    expect([not.code, not.stdout]).toEqual([1, "does not match\n"]);

    const replay = await sy(["replay", ...bus, "--since", "10m", "--wait"]);
    expect(replay.code, failure(replay)).toBe(0);
    expect(replay.stdout).toMatch(/^Replay payments--orders--dev-myEventBus-\w+: COMPLETED\n$/);
    const after = await sy(["deliveries", ...bus, "--json"]);
    expect(
      JSON.parse(after.stdout).items.filter((d: { eventId: string }) => d.eventId === eventId),
    ).toHaveLength(2);
  });

  it("deliveries --follow prints new deliveries as they come, one JSON per line, until interrupted", async () => {
    const { spawn } = await import("node:child_process");
    const { CLI_BIN, ROOT } = await import("../support/cli.js");
    const bus = ["-p", "orders", "-s", "dev", "-b", "myEventBus"];
    const follow = spawn(
      process.execPath,
      [CLI_BIN, "deliveries", ...bus, "--follow", "--limit", "1", "--interval", "0.1", "--json"],
      { cwd: ROOT, env: { ...process.env, ...ci } },
    );
    const lines: string[] = [];
    let buffer = "";
    const arrived = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (lines.length >= n) resolve();
        };
        follow.stdout.on("data", (c: Buffer) => {
          buffer += c.toString();
          const parts = buffer.split("\n");
          buffer = parts.pop()!;
          lines.push(...parts);
          check();
        });
        check();
      });
    await arrived(1);
    const published = await publishBudget('{"EventName":"BUDGET_ANALYSIS","n":2}');
    const { eventId } = JSON.parse(published.stdout).entries[0];
    await arrived(2);
    const exited = new Promise<number | null>((resolve) => follow.once("close", resolve));
    follow.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(JSON.parse(lines[1]!).eventId).toBe(eventId);
  });

  it("share grant, list and revoke: another team holds the stage's bus, then no longer", async () => {
    await call("/v1/teams", { key: server.adminKey, body: { name: "search" } });
    const grant = ["share", "grant", "-p", "orders", "-s", "dev", "-b", "myEventBus", "--with", "search"];
    const granted = await sy([...grant, "--access", "subscribe", "publish"]);
    expect(granted.code, failure(granted)).toBe(0);
    const id = /\(share ([0-9A-Z]{26})\)/.exec(granted.stdout)?.[1];
    expect(granted.stdout).toBe(
      `Shared payments:orders/dev/myEventBus with team search to publish and subscribe (share ${id}).\n`,
    );

    const listed = await sy(["share", "list", "--json"]);
    expect(listed.code, failure(listed)).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({
      given: [{ id, ref: "payments:orders/dev/myEventBus", sharedWith: "search" }],
      held: [],
    });
    const text = await sy(["share", "list"]);
    expect(text.stdout).toContain(
      `Given (1):\n  ${id}  payments:orders/dev/myEventBus  with search  publish,subscribe\n`,
    );

    const again = await sy(grant);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already shared with team search");

    const revoked = await sy(["share", "revoke", id!]);
    expect(revoked.code, failure(revoked)).toBe(0);
    expect(revoked.stdout).toBe(
      "Revoked payments:orders/dev/myEventBus for team search. No stage of that team uses it.\n",
    );
    expect((await sy(["share"])).code).toBe(2);
  });

  it("teardown --wait takes the stage down; its bus is gone", async () => {
    const run = await sy(["teardown", "-p", "orders", "-s", "dev", "--wait"]);
    expect(run.code, failure(run)).toBe(0);
    expect(run.stdout).toContain("Teardown of orders/dev: SUCCEEDED");
    const gone = await sy(["deliveries", "-p", "orders", "-s", "dev", "-b", "myEventBus"]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^404 .*Stage dev of project orders is not deployed\./);
  });
});
