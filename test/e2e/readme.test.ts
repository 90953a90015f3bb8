/**
 * The README, run as a reader runs it: its set-up block is `npm ci && npm start` (the checkout is
 * installed; `npm start` runs here as a child process, on a free port, with a temporary data folder
 * and no admin key in the environment, so it generates one as a first start does), then every `sh`
 * block of its walkthrough runs in order with bash (`set -euo pipefail`), each with the shell
 * variables the blocks before it set. Each block must exit 0, and what it prints is checked where
 * the README says what it answers.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureCliBuilt, ROOT } from "../support/cli.js";
import { type ProcessRun, runToExit } from "../support/process.js";

const readme = await readFile(path.join(ROOT, "README.md"), "utf8");

/** The contents of every fenced block of `lang` in `text`, in order. */
function fencedBlocks(text: string, lang: string): string[] {
  const fence = new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, "gm");
  return [...text.matchAll(fence)].map((m) => m[1] ?? "");
}

const START = readme.indexOf("<!-- walkthrough:");
const END = readme.indexOf("<!-- end of walkthrough -->");
const walkthrough = readme.slice(START, END);
const blocks = fencedBlocks(walkthrough, "sh");
/** Every variable a walkthrough block assigns: carried from one block to the next. */
const variables = [
  ...new Set(blocks.flatMap((b) => [...b.matchAll(/^(?:export +)?([A-Za-z_]\w*)=/gm)].map((m) => m[1]!))),
];

type BlockRun = ProcessRun;

let dataDir: string;
let npmStart: ChildProcess;
let url: string;
let output = "";
let stateFile: string;

beforeAll(async () => {
  ensureCliBuilt();
  dataDir = await mkdtemp(path.join(tmpdir(), "switchyard-readme-"));
  stateFile = path.join(dataDir, "walkthrough-state.sh");
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: "0",
    SWITCHYARD_DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
  };
  delete env.SWITCHYARD_ADMIN_KEY; // the first start generates one, as it does for a reader
  npmStart = spawn("npm", ["start"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  npmStart.stdout?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  npmStart.stderr?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not listen:\n${output}`)), 120_000);
    // Listening, and the generated key printed (the line after the address).
    const check = () => {
      const m = /Switchyard listening on (http:\/\/\S+)/.exec(output);
      if (m && output.includes("Platform-admin API key")) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    npmStart.stdout?.on("data", check);
    npmStart.once("exit", (code) => reject(new Error(`npm start exited ${code}:\n${output}`)));
  });
}, 150_000);

afterAll(async () => {
  if (npmStart && npmStart.exitCode === null) {
    // npm does not forward signals to its script; the server stops when npm is gone (its parent).
    const closed = new Promise<void>((resolve) => npmStart.stdout?.once("close", () => resolve()));
    npmStart.kill("SIGTERM");
    await closed;
  }
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs one block with bash: the state of the blocks before it in, its own state out. */
function runBlock(block: string): Promise<BlockRun> {
  const script = [
    "set -euo pipefail",
    `[ -f ${stateFile} ] && source ${stateFile}`,
    block,
    // Only the variables the README assigns; declare -p keeps their export flag.
    `declare -p ${variables.join(" ")} 2>/dev/null > ${stateFile} || true`,
  ].join("\n");
  const env: Record<string, string | undefined> = {
    ...process.env,
    SWITCHYARD_URL: url,
    SWITCHYARD_DATA_DIR: dataDir,
    // The CLI's login file stays out of the home folder of whoever runs the tests.
    SWITCHYARD_CONFIG_DIR: path.join(dataDir, "cli-config"),
  };
  for (const name of ["SWITCHYARD_API_KEY", "SWITCHYARD_PROJECT", "SWITCHYARD_STAGE", "CI"]) delete env[name];
  return runToExit("bash", ["--noprofile", "--norc", "-c", script], { cwd: ROOT, env, timeoutMs: 110_000 });
}

/** What the README says a block answers, found by a fragment of the block. */
const expectations: [fragment: string, check: (run: BlockRun) => void][] = [
  ["/healthz", (r) => expect(JSON.parse(r.stdout)).toMatchObject({ status: "ok" })],
  ["npx switchyard whoami", (r) => expect(r.stdout).toContain(`ci (team payments, maintainer) at ${url}`)],
  [
    '{"name":"orders"}',
    (r) => expect(JSON.parse(r.stdout)).toMatchObject({ name: "orders", team: "payments" }),
  ],
  [
    "@examples/stacktape.yaml $SWITCHYARD_URL/v1/projects/orders/configs",
    (r) => expect(JSON.parse(r.stdout)).toEqual({ project: "orders", version: 1 }),
  ],
  [
    "npx switchyard validate",
    (r) => {
      const [count, ...rest] = r.stdout.split("\n");
      expect(Number(count)).toBeGreaterThan(10);
      // The 422 answer is the one the README shows, request id aside.
      const shown = JSON.parse(fencedBlocks(walkthrough, "json")[0]!);
      const problem = JSON.parse(rest.join("\n").slice(0, rest.join("\n").lastIndexOf("}") + 1));
      expect({ ...problem, requestId: "..." }).toEqual(shown);
      expect(r.stdout).toMatch(/examples\/order-pipeline\.yaml: valid \(\d+ CloudFormation resources\)\n$/);
    },
  ],
  [
    "# Add MyEventBusEventBus",
    (r) => {
      expect(r.stdout.split("\n")).toEqual(
        expect.arrayContaining(["Add MyEventBusEventBus", "Add MyConsumerBatchJobEvent0Rule"]),
      );
    },
  ],
  [
    "status $ID --wait",
    (r) => {
      expect(r.stdout).toMatch(/Deployment of orders\/dev \(config version 1\): SUCCEEDED/);
      const stage = JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
      expect(stage).toMatchObject({
        status: "DEPLOYED",
        deployedConfigVersion: 1,
        bus: { arn: "arn:aws:events:us-east-1:000000000000:event-bus/payments--orders--dev-myEventBus" },
      });
      expect(r.stderr).toMatch(/CREATE_COMPLETE +AWS::Events::EventBus +MyEventBusEventBus/);
    },
  ],
  [
    "B=$S/buses/myEventBus",
    (r) => {
      const lines = r.stdout.trim().split("\n");
      expect(JSON.parse(lines[0]!)).toMatchObject({ failedEntryCount: 0 });
      expect(JSON.parse(lines[1]!)).toEqual({
        name: "payments--orders--dev-myConsumerBatchJob-event-0",
        eventPattern: { detail: { EventName: ["BUDGET_ANALYSIS"] } },
      });
      expect(JSON.parse(lines[2]!)).toEqual({ rules: [] });
      expect(JSON.parse(lines[3]!)).toEqual({
        source: "my.app",
        "detail-type": "budget",
        detail: { EventName: "BUDGET_ANALYSIS" },
      });
      expect(JSON.parse(lines[4]!)).toEqual({ matches: true });
    },
  ],
  [
    "replay --project orders",
    (r) => {
      expect(r.stdout).toMatch(/^Replay payments--orders--dev-myEventBus-\w+: COMPLETED\n/);
      const [, replayed, published] = r.stdout.trim().split("\n");
      expect(replayed).toMatch(/^payments--orders--dev-myEventBus-\w+$/);
      expect(published).toBe("published");
    },
  ],
  [
    "examples/order-pipeline.yaml --wait",
    (r) => {
      expect(r.stdout).toContain("Deployment of shop/dev (config version 1): SUCCEEDED");
      const lines = r.stdout.trim().split("\n");
      expect(lines).toContain("payments--shop--dev-chargePayment-event-0");
      expect(JSON.parse(lines.at(-1)!)).toEqual({ orderId: "o-1", total: 42 });
    },
  ],
  [
    "drill inject",
    (r) => {
      const rule = "payments--shop--dev-chargePayment-event-0";
      expect(r.stdout).toMatch(
        new RegExp(
          `^Drill on ${rule} → \\S+: every attempt fails \\(Lambda\\.ServiceException: payments are down\\)\\.\\n`,
        ),
      );
      expect(r.stdout).toContain(
        "[dead-lettered after 4 attempt(s): Lambda.ServiceException: payments are down]",
      );
      expect(r.stdout).toContain('"orderId":"o-2"');
      expect(r.stdout).toContain("Cleared the failure drill on chargePayment.\n");
      expect(r.stdout).toContain(
        "Re-drove 1 event(s) from the dead-letter queue of chargePayment to bus orderEvents.\n",
      );
      expect(r.stdout).toMatch(new RegExp(`\\n {2}${rule} +\\d+/\\d+ `));
      const audit = r.stdout.trim().split("\n").slice(-3);
      expect(audit.map((line) => line.split(/ +/)[1])).toEqual([
        "dead-letters.redrive",
        "failure-drill.clear",
        "failure-drill.set",
      ]);
    },
  ],
  [
    "rollback --project orders",
    (r) => {
      const lines = r.stdout.trim().split("\n");
      expect(lines[0]).toBe("2");
      expect(r.stdout).toContain("Deployment of orders/dev (config version 2): SUCCEEDED");
      expect(r.stdout).toContain("Rollback of orders/dev (config version 1): SUCCEEDED");
      expect(lines.at(-1)).toBe("1");
    },
  ],
  [
    "teardown --project orders",
    (r) => {
      expect(r.stdout).toContain("Teardown of orders/dev: SUCCEEDED");
      expect(r.stdout).toContain("Teardown of shop/dev: SUCCEEDED");
      expect(r.stdout.trim().split("\n").at(-1)).toBe("DELETED");
    },
  ],
  [
    "jq -r .title",
    (r) => expect(r.stdout.trim().split("\n")).toEqual(["Unauthenticated", "415", "403", "404"]),
  ],
];

describe("README: set-up", () => {
  it("is `npm ci && npm start`, and the first start leaves its admin key in the data folder", () => {
    const runIt = readme.slice(readme.indexOf("## Run it"), START);
    expect(fencedBlocks(runIt, "sh")[0]).toBe("npm ci && npm start\n");
    expect(output).toMatch(
      /Platform-admin API key: sy_\S+ {2}\(only its hash is stored; the key is also in /,
    );
  });

  it("has a walkthrough, every block of which the README test checks", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(12);
    for (const block of blocks) {
      const checks = expectations.filter(([fragment]) => block.includes(fragment));
      expect(checks.length, `no expectation (or several) for the block:\n${block}`).toBe(1);
    }
  });
});

describe("README: the walkthrough, block by block, in order", () => {
  for (const [i, block] of blocks.entries()) {
    it(`block ${i + 1}: ${block.split("\n")[0]}`, async () => {
      const run = await runBlock(block);
      expect(
        run.code,
        `the block exited ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`,
      ).toBe(0);
      const [, check] = expectations.find(([fragment]) => block.includes(fragment)) ?? [];
      check?.(run);
    }, 120_000);
  }
});
