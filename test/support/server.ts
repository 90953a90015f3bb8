import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "../../api/app.js";
import { generateApiKey } from "../../api/auth/secrets.js";
import type { AppDeps } from "../../api/deps.js";
import { answerClientErrorsAsProblems } from "../../api/http/client-errors.js";
import { createLogger } from "../../api/http/logger.js";
import { LocalBusOps } from "../../api/local/bus-ops.js";
import { LocalDeadLetterQueues } from "../../api/local/dead-letters.js";
import {
  createLocalDeployer,
  LOCAL_DEPLOYMENT_SETTINGS,
  type LocalDeployer,
  reconcileOnSettle,
} from "../../api/local/deployer/index.js";
import { LocalEventBridge, type LocalEventBridgeOptions } from "../../api/local/eventbridge/index.js";
import { LocalRuleMetrics } from "../../api/local/rule-metrics.js";
import { createStore } from "../../api/store/index.js";
import { createTestTable } from "./dynamo.js";

export interface TestServer {
  url: string;
  deps: AppDeps;
  /** A platform-admin key for this server (see test/support/auth.ts for team keys). */
  adminKey: string;
  /** The embedded engine and the local deployer over it (the defaults, unless overridden). */
  engine: LocalEventBridge;
  localDeployer: LocalDeployer;
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The real app with real deps (DynamoDB through dynalite) over real HTTP on a free port.
 * `engine.scheduleReplay` decides when the embedded engine runs a started replay (a gate holds them).
 */
export async function startTestServer(
  overrides: Partial<AppDeps> = {},
  engineOptions: Pick<LocalEventBridgeOptions, "scheduleReplay"> = {},
): Promise<TestServer> {
  const table = await createTestTable();
  const logs: Record<string, unknown>[] = [];
  const log = createLogger({ level: "debug", write: (line) => logs.push(JSON.parse(line)) });
  const now = overrides.now ?? (() => new Date());
  const engine = new LocalEventBridge({ table: overrides.table ?? table, now, log, ...engineOptions });
  const localDeployer = createLocalDeployer({ table: overrides.table ?? table, now, log }, engine);
  const deps: AppDeps = {
    log,
    table,
    deployer: localDeployer,
    deploymentSettings: LOCAL_DEPLOYMENT_SETTINGS,
    busOps: new LocalBusOps(engine),
    deadLetters: new LocalDeadLetterQueues(engine),
    ruleMetrics: new LocalRuleMetrics(engine),
    store: createStore(overrides.table ?? table),
    adminKey: generateApiKey().secret,
    now: () => new Date(),
    ...overrides,
  };
  if (deps.deployer === localDeployer) reconcileOnSettle(localDeployer, deps);
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  answerClientErrorsAsProblems(server);
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    deps,
    adminKey: deps.adminKey!,
    engine,
    localDeployer,
    logs,
    fetch: (path, init) => fetch(`${url}${path}`, init),
    close: async () => {
      await localDeployer.idle();
      await engine.idle();
      await new Promise<void>((resolve) => {
        if ("closeAllConnections" in server) server.closeAllConnections();
        server.close(() => resolve());
      });
      table.destroy();
    },
  };
}

/** Response bodies in tests are read loosely; the assertions pin down their shape. */
export async function bodyOf(res: Response): Promise<any> {
  return res.json();
}
