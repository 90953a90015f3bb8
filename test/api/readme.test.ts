/**
 * The README, executed: its curl commands (parsed as a shell splits them) and its example files are
 * sent as written to `npm start`'s composition (startLocal) over HTTP, in a reader's order. A
 * command the README drops or changes fails here by name; so does an answer the README misstates.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalServer, startLocal } from "../../api/entry/local.js";
import { silentLogger } from "../../api/http/logger.js";
import { poll } from "../support/poll.js";

interface CurlCommand {
  /** The command as written (continuation lines joined), to find it and to name it in failures. */
  text: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  /** `-d '...'` text, or `@file` from `--data-binary @file`. */
  data?: string;
}

/** The contents of every fenced block of `lang`, in order. */
function fencedBlocks(text: string, lang: string): string[] {
  const fence = new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, "gm");
  return [...text.matchAll(fence)].map((m) => m[1] ?? "");
}

/** Words of a command line as sh splits them: '...' literal, "..." with \ escapes, # comments. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      word ??= "";
      for (i++; line[i] !== '"'; i++) word += line[i] === "\\" ? line[++i] : line[i];
    } else if (ch === " ") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (ch === "#" && word === undefined) {
      break;
    } else {
      word = (word ?? "") + ch;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

function parseCurl(text: string): CurlCommand {
  const cmd: CurlCommand = { text, method: "GET", url: "", headers: {} };
  const words = shellWords(text).slice(1);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === "-H") {
      const [name, ...value] = words[++i]!.split(":");
      cmd.headers[name!.trim().toLowerCase()] = value.join(":").trim();
    } else if (w === "-d" || w === "--data-binary") {
      cmd.data = words[++i]!;
      if (cmd.method === "GET") cmd.method = "POST";
    } else if (w === "-X") {
      cmd.method = words[++i]!;
    } else if (w === "-N") {
      // curl's "no buffering"; fetch streams anyway
    } else if (w.startsWith("-")) {
      throw new Error(`curl option ${w} is not understood by this test: ${text}`);
    } else {
      cmd.url = w;
    }
  }
  return cmd;
}

const readmeText = await readFile(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../README.md"),
  "utf8",
);
const shLines = fencedBlocks(readmeText, "sh").flatMap((b) => b.replace(/\\\n\s*/g, "").split("\n"));
const commands = shLines.filter((l) => l.startsWith("curl ")).map(parseCurl);
/** Shell variables the README assigns a URL (`S=http://...`). */
const urlVariables = Object.fromEntries(
  shLines.flatMap((l) => {
    const m = /^(\w+)=(http\S+)/.exec(l);
    return m ? [[m[1]!, m[2]!]] : [];
  }),
);
const [stacktapeYaml] = fencedBlocks(readmeText, "yaml");
const [validateProblem] = fencedBlocks(readmeText, "json");

/** The `nth` README command whose text contains every fragment; fails when the README lost it. */
function command(fragments: string[], nth = 0): CurlCommand {
  const found = commands.filter((c) => fragments.every((f) => c.text.includes(f)));
  if (!found[nth]) throw new Error(`the README has no curl command with ${fragments.join(" and ")}`);
  return found[nth];
}

let dir: string;
let server: LocalServer;
let printed: string[] = [];
const vars: Record<string, string> = {};

/** Sends a README command as curl would, with `$VARS` and `<placeholders>` filled from `extra`. */
async function send(cmd: CurlCommand, extra: Record<string, string> = {}): Promise<Response> {
  const values: Record<string, string> = { ...urlVariables, ...vars, ...extra };
  const expand = (s: string) =>
    s.replace(/\$(\w+)|<(\w+)>/g, (whole, variable?: string, placeholder?: string) => {
      const value = values[variable ?? placeholder ?? ""];
      if (value === undefined) throw new Error(`nothing to put for ${whole} in: ${cmd.text}`);
      return value;
    });
  // The AWS example's `https://<api>` is this server too.
  const url = expand(expand(cmd.url.replace("https://<api>", server.url))).replace(
    "http://127.0.0.1:3000",
    server.url,
  );
  const headers = Object.fromEntries(Object.entries(cmd.headers).map(([k, v]) => [k, expand(v)]));
  let body: string | undefined = cmd.data;
  if (body === "@stacktape.yaml") body = stacktapeYaml;
  else if (body?.startsWith("@")) throw new Error(`no file ${body} in the README`);
  // curl -d sends a form unless told otherwise.
  if (body !== undefined && !headers["content-type"]) {
    headers["content-type"] = "application/x-www-form-urlencoded";
  }
  return fetch(url, { method: cmd.method, headers, ...(body !== undefined ? { body } : {}) });
}

async function ok(cmd: CurlCommand, status: number, extra: Record<string, string> = {}): Promise<any> {
  const res = await send(cmd, extra);
  const text = await res.text();
  expect(res.status, `${cmd.text}\n-> ${text}`).toBe(status);
  return text ? JSON.parse(text) : undefined;
}

/** Reads until `done` holds, every 20 ms (the local engine runs on after answering 202). */
/** Response bodies are read loosely; the assertions pin down their shape. */
const json = async (res: Response): Promise<any> => res.json();

const ENDED = ["SUCCEEDED", "FAILED", "CANCELLED"];
const deploymentCommand = () => command(["/v1/deployments/<id>"]);
const settled = (id: string) =>
  poll(
    () => ok(deploymentCommand(), 200, { id }),
    (d) => ENDED.includes(d.status),
  );

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "switchyard-readme-"));
  printed = [];
  server = await startLocal({ port: 0, dataDir: dir, log: silentLogger, print: (l) => printed.push(l) });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("README, run as written against npm start", () => {
  it("the first start prints a platform-admin key that creates a team and issues its keys", async () => {
    const line = printed.find((l) => l.startsWith("Platform-admin API key"));
    vars.ADMIN = /: (sy_\S+)/.exec(line ?? "")?.[1] ?? "";
    expect(vars.ADMIN).toMatch(/^sy_/);

    await ok(command(["$ADMIN", "/v1/teams", '"payments"']), 201);
    const key = await ok(command(["$ADMIN", "/v1/teams/payments/api-keys"]), 201);
    expect(key).toMatchObject({ team: "payments", role: "maintainer" });
    vars.KEY = key.secret;

    const project = await ok(command(["$KEY", "/v1/projects", '"orders"']), 201);
    expect(project.team).toBe("payments");
  });

  it("lets a platform admin allow the default bus for the team, which its audit record shows", async () => {
    const set = await ok(command(["-X PUT", "/allowed-resources"]), 200);
    expect(set.arns).toEqual(["arn:aws:events:us-east-1:000000000000:event-bus/default"]);
    expect(await ok(command(["$KEY", "/allowed-resources"]), 200)).toEqual(set);
    const audit = await ok(command(["$KEY", "/audit"]), 200);
    expect(audit.items[0]).toMatchObject({
      action: "allowed-resources.update",
      details: { added: set.arns, removed: [] },
    });
  });

  it("stores stacktape.yaml and the JSON config as versions 1 and 2", async () => {
    const yaml = await ok(command(["@stacktape.yaml", "/configs"]), 201);
    expect(yaml).toMatchObject({ version: 1, format: "yaml" });
    expect(Object.keys(yaml.config.resources)).toEqual([
      "myEventBus",
      "myPublisherFunction",
      "myConsumerBatchJob",
      "myHttpApi",
    ]);
    const json = await ok(command(['{"config":', "/configs"]), 201);
    expect(json).toMatchObject({ version: 2, format: "json" });
  });

  it("validates stacktape.yaml, and answers the broken config exactly as the README shows", async () => {
    const valid = await ok(command(["@stacktape.yaml", "/v1/validate"]), 200);
    expect(valid.template.Resources.MyConsumerBatchJobEvent0Rule.Type).toBe("AWS::Events::Rule");

    const res = await send(command(["/v1/validate", "fifoQueue"]));
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const problem = await json(res);
    expect(res.status).toBe(422);
    expect({ ...problem, requestId: "..." }).toEqual(JSON.parse(validateProblem!));
  });

  it("previews, deploys the latest version, then version 1 with artifacts; the stage has the bus outputs", async () => {
    const preview = await ok(command(["$S/previews"]), 200);
    expect(preview.changes).toContainEqual(
      expect.objectContaining({ action: "Add", logicalId: "MyEventBusEventBus" }),
    );

    const latest = await ok(command(["-X POST $S/deployments"]), 202);
    expect(latest.configVersion).toBe(2);
    expect((await settled(latest.id)).status).toBe("SUCCEEDED");

    const withArtifacts = await ok(command(['"configVersion":1', "$S/deployments"]), 202);
    expect(withArtifacts.configVersion).toBe(1);
    const done = await settled(withArtifacts.id);
    expect(done.status).toBe("SUCCEEDED");
    vars.id = withArtifacts.id;

    const list = await ok(command(["$S/deployments", "newest first"]), 200);
    expect(list.items.map((d: { id: string }) => d.id)).toEqual([withArtifacts.id, latest.id]);

    const stream = await send(command(["text/event-stream"]));
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = await stream.text();
    expect(events).toContain("event: stack-event");
    expect(events).toMatch(/event: end\ndata: \{[^\n]*"status":"SUCCEEDED"/);

    const stage = await ok(command(["$S ", "outputs"]), 200);
    expect(stage.outputs.myEventBus).toEqual({
      arn: expect.stringMatching(
        /^arn:aws:events:[^:]+:000000000000:event-bus\/payments--orders--dev-myEventBus$/,
      ),
      archiveArn: expect.stringMatching(/:archive\/payments--orders--dev-myEventBus$/),
    });
    expect(stage.deployedConfigVersion).toBe(1);
  });

  it("publishes BUDGET_ANALYSIS once to the batch job's rule; match, replays and test-pattern answer", async () => {
    const published = await ok(command(["$B/events"]), 200);
    expect(published.failedEntryCount).toBe(0);
    const eventId = published.entries[0].eventId;

    const { rules } = await ok(command(["$B/rules"]), 200);
    expect(rules.map((r: { name: string }) => r.name)).toEqual([
      "payments--orders--dev-myConsumerBatchJob-event-0",
    ]);
    const matched = await ok(command(["$B/match"]), 200);
    expect(matched.rules.map((r: { name: string }) => r.name)).toEqual([rules[0].name]);

    const deliveries = await ok(command(["$B/deliveries?rule=myConsumerBatchJob"]), 200);
    expect(deliveries.items.map((d: { rule: string }) => d.rule)).toEqual([rules[0].name]);
    expect(deliveries.items.map((d: { eventId: string }) => d.eventId)).toEqual([eventId]);
    expect(JSON.parse(deliveries.items[0].input).detail).toEqual({ EventName: "BUDGET_ANALYSIS" });

    const replay = await ok(command(["$B/replays"]), 202);
    const ended = await poll(
      () => ok(command(["$B/replays/<name>"]), 200, { name: replay.name }),
      (r) => !["STARTING", "RUNNING"].includes(r.state),
    );
    expect(ended.state).toBe("COMPLETED");

    expect(await ok(command(["/v1/test-pattern"]), 200)).toEqual({ matches: true });
  });

  it("rolls back to the version deployed before, then tears the stage down", async () => {
    const rollback = await ok(command(["$S/rollback"]), 202);
    expect(rollback).toMatchObject({ kind: "rollback", configVersion: 2 });
    expect((await settled(rollback.id)).status).toBe("SUCCEEDED");
    // Only a stack stuck in UPDATE_ROLLBACK_FAILED has a rollback to continue; this one is healthy.
    const res = await send(command(["$S/continue-rollback"]));
    expect(res.status).toBe(409);
    expect((await json(res)).type).toBe("https://switchyard.dev/problems/nothing-to-continue");

    const teardown = await ok(command(["-X DELETE $S"]), 202);
    expect((await settled(teardown.id)).status).toBe("SUCCEEDED");
    expect(await ok(command(["$S ", "outputs"]), 200)).toMatchObject({ status: "DELETED", deployed: false });
  });

  it("sets the platform network with the admin key", async () => {
    const cmd = command(["/v1/settings/network"]);
    const settings = await ok(cmd, 200);
    expect(Object.keys(settings.regions)).toEqual(["eu-west-1"]);
  });
});

describe("README: stopping and starting again", () => {
  it("keeps everything; the printed key still works and SWITCHYARD_ADMIN_KEY is accepted beside it", async () => {
    await server.close();
    printed = [];
    const chosen = "sy_chosenByTheOperator0000000000000000000000";
    server = await startLocal({
      port: 0,
      dataDir: dir,
      adminKey: chosen,
      log: silentLogger,
      print: (l) => printed.push(l),
    });
    expect(printed.some((l) => l.includes("sy_"))).toBe(false);

    // The latest version again: answered with the stored version 2, nothing new stored.
    expect(await ok(command(['{"config":', "/configs"]), 200)).toMatchObject({ version: 2 });
    for (const admin of [vars.ADMIN!, chosen]) {
      const me = await fetch(`${server.url}/v1/whoami`, { headers: { authorization: `Bearer ${admin}` } });
      expect((await json(me)).platformAdmin).toBe(true);
    }
  });
});

describe("README's error promises", () => {
  it("a body sent as curl's default form answers 415 unsupported-media-type naming what the route takes", async () => {
    const publish = command(["$B/events"]);
    const { "content-type": _json, ...withoutType } = publish.headers;
    const res = await send({ ...publish, headers: withoutType });
    expect(res.status).toBe(415);
    const problem = await json(res);
    expect(problem.type).toBe("https://switchyard.dev/problems/unsupported-media-type");
    expect(problem.detail).toContain("`application/json`");
    expect(problem.detail).toContain("`application/x-www-form-urlencoded`");

    const config = command(["@stacktape.yaml", "/configs"]);
    const asText = await send({ ...config, headers: { ...config.headers, "content-type": "text/plain" } });
    expect(asText.status).toBe(415);
    expect((await json(asText)).detail).toContain("`application/json` or `application/yaml`");
  });

  it("an invalid config has one problem title whether posted or validated", async () => {
    const broken = command(["/v1/validate", "fifoQueue"]);
    const asVersion = await send({ ...broken, url: "http://127.0.0.1:3000/v1/projects/orders/configs" });
    expect(asVersion.status).toBe(422);
    const posted = await json(asVersion);
    expect(posted.type).toBe(JSON.parse(validateProblem!).type);
    expect(posted.title).toBe(JSON.parse(validateProblem!).title);
    expect(posted.errors).toEqual(JSON.parse(validateProblem!).errors);
  });

  it("a JSON config posted without its {config} wrapper says how to send it", async () => {
    const wrapped = command(['{"config":', "/configs"]);
    const unwrapped = JSON.stringify(JSON.parse(wrapped.data!).config);
    const res = await send({ ...wrapped, data: unwrapped });
    expect(res.status).toBe(400);
    expect((await json(res)).detail).toContain('`{ "config": ... }`');
  });

  it("another team's key gets 404 for the project, a viewer 403 for a deployment, no key 401", async () => {
    const other = await fetch(`${server.url}/v1/teams`, {
      method: "POST",
      headers: { authorization: `Bearer ${vars.ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "search" }),
    });
    expect(other.status).toBe(201);
    const issue = (team: string, role: string) =>
      fetch(`${server.url}/v1/teams/${team}/api-keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${vars.ADMIN}`, "content-type": "application/json" },
        body: JSON.stringify({ name: role, role }),
      }).then(async (r) => ((await json(r)) as { secret: string }).secret);

    const stage = command(["$S ", "outputs"]);
    const foreign = await send(stage, { KEY: await issue("search", "admin") });
    expect(foreign.status).toBe(404);
    expect((await json(foreign)).type).toBe("https://switchyard.dev/problems/not-found");

    const viewer = await send(command(["-X POST $S/deployments"]), {
      KEY: await issue("payments", "viewer"),
    });
    expect(viewer.status).toBe(403);

    const anonymous = await send({ ...stage, headers: {} });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe("Bearer");
  });
});
