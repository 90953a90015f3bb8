/**
 * What one team may hold of what all teams share (#15 item 6), through HTTP: replays (at most 3 per
 * team at once, 10 in all), and Idempotency-Key claims (a claim whose request died is retryable once
 * its 60-second lease has passed, tested with the server's clock moved on, not with a sleep).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BusOps } from "../../api/buses/port.js";
import { jsonRequest } from "../support/auth.js";
import { poll } from "../support/poll.js";
import { type DeployedStage, deploySeed } from "../support/seed.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { expectProblem } from "./support.js";

const window = () => ({ from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() });
const replaysOf = (stage: DeployedStage) => `${stage.stagePath}/buses/myEventBus/replays`;

describe("replays: 3 per team at once, 10 in all", () => {
  let server: TestServer;
  let open!: () => void;
  let teams: DeployedStage[];
  beforeAll(async () => {
    // Started replays wait here, so they stay running until the test lets them go.
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    server = await startTestServer({}, { scheduleReplay: (run) => gate.then(run) });
    teams = await Promise.all([1, 2, 3, 4].map(() => deploySeed(server, { archivation: true })));
  });
  afterAll(async () => {
    open();
    await server.close();
  });

  const start = (team: DeployedStage) =>
    server.fetch(replaysOf(team), jsonRequest(team.key, "POST", window()));

  it("refuses a team's 4th, not another team's, and EventBridge's 11th in all", async () => {
    const [a, b, c, d] = teams as [DeployedStage, DeployedStage, DeployedStage, DeployedStage];
    for (const team of [a, b, c]) {
      for (let i = 0; i < 3; i++) expect((await start(team)).status).toBe(202);
    }
    const fourth = await expectProblem(await start(a), 409, "limit-exceeded");
    expect(fourth.detail).toBe(
      `Team ${a.team} already runs 3 replays, the most one team may run at once (10 run at once in all, EventBridge's quota). Wait for one to end, or cancel one.`,
    );
    // Nine run: a fourth team gets the tenth, and then EventBridge's own limit answers.
    expect((await start(d)).status).toBe(202);
    const eleventh = await expectProblem(await start(d), 409, "limit-exceeded");
    expect(eleventh.detail).not.toMatch(/already runs 3 replays/);
  });

  it("frees the slots of replays that ended", async () => {
    open();
    const [a] = teams as [DeployedStage];
    // Every replay the gate held now runs to its end; then the team may start three again.
    const started = await poll(
      () => start(a),
      (res) => res.status === 202,
    );
    expect(started.status).toBe(202);
    for (let i = 0; i < 2; i++) expect((await start(a)).status).toBe(202);
  });
});

describe("Idempotency-Key claims carry a 60-second lease", () => {
  let server: TestServer;
  let offsetMs = 0;
  let stage: DeployedStage;
  let hang = true;
  let hung: () => void;
  /** Resolves once the abandoned request holds its claim and hangs in startReplay. */
  const hanging = new Promise<void>((resolve) => {
    hung = resolve;
  });
  beforeAll(async () => {
    server = await startTestServer({ now: () => new Date(Date.now() + offsetMs) });
    stage = await deploySeed(server, { archivation: true });
    // The first replay's start never returns: its request holds its claim and never finishes, as a
    // request does whose process died.
    const ops = server.deps.busOps!;
    server.deps.busOps = new Proxy(ops, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== "startReplay" || typeof value !== "function") return value;
        return (...args: Parameters<BusOps["startReplay"]>) => {
          if (!hang) return value.apply(target, args);
          hang = false;
          hung();
          return new Promise(() => {});
        };
      },
    });
  });
  afterAll(() => server.close());

  it("answers 409 while the claim is leased, runs the retry once the lease has passed, then replays it", async () => {
    const body = { from: "2026-01-01T00:00:00Z", to: "2026-01-01T01:00:00Z" };
    const request = (): RequestInit => {
      const init = jsonRequest(stage.key, "POST", body);
      return {
        ...init,
        headers: { ...(init.headers as Record<string, string>), "idempotency-key": "lease-1" },
      };
    };
    const abandoned = new AbortController();
    void server.fetch(replaysOf(stage), { ...request(), signal: abandoned.signal }).catch(() => undefined);
    // Only once the first request hangs holding the claim: before that, a second one could take it.
    await hanging;
    await expectProblem(await server.fetch(replaysOf(stage), request()), 409, "idempotency-in-progress");
    abandoned.abort();

    offsetMs += 59_000;
    await expectProblem(await server.fetch(replaysOf(stage), request()), 409, "idempotency-in-progress");
    offsetMs += 2_000;
    const retried = await server.fetch(replaysOf(stage), request());
    expect(retried.status, await retried.clone().text()).toBe(202);
    const first = await bodyOf(retried);
    const again = await server.fetch(replaysOf(stage), request());
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await bodyOf(again)).toEqual(first);
  });
});
