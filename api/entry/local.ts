/**
 * Composition root of the embedded default (`npm start`): dynalite persisted under a data folder,
 * the embedded engine, and the same Hono app served by @hono/node-server.
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { serve } from "@hono/node-server";
import { createApp } from "../app.js";
import { ensureBootstrapAdminKey } from "../auth/bootstrap.js";
import type { DeploymentRetention } from "../deployments/retention.js";
import type { AppDeps } from "../deps.js";
import { answerClientErrorsAsProblems } from "../http/client-errors.js";
import { createLogger, type Logger, logLevelFrom } from "../http/logger.js";
import { LocalBusOps } from "../local/bus-ops.js";
import { LocalDeadLetterQueues } from "../local/dead-letters.js";
import {
  createLocalDeployer,
  LOCAL_DEPLOYMENT_SETTINGS,
  reconcileOnSettle,
} from "../local/deployer/index.js";
import { DEFAULT_DELIVERY_RETENTION, type DeliveryRetention } from "../local/eventbridge/delivery-log.js";
import { LocalEventBridge } from "../local/eventbridge/index.js";
import { LocalRuleMetrics } from "../local/rule-metrics.js";
import { createDynamoClients, localDynamoConfig } from "../store/client.js";
import { startDynalite } from "../store/dynalite.js";
import { type ExpirySweeper, type SweepOptions, startExpirySweeper } from "../store/expired-items.js";
import { createStore } from "../store/index.js";
import { ensureTable } from "../store/table.js";
import { DataDirLockedError, lockDataDir } from "./data-dir-lock.js";
import { deploymentRetentionFrom, positiveInteger, RetentionSettingError } from "./retention-env.js";

/** Where the first start writes the key it generated (mode 0600), for scripts and the README. */
export const ADMIN_KEY_FILE = "admin-key";

/** A start that cannot go on, said in one line (no stack): the port is taken, say. */
export class LocalStartError extends Error {
  override name = "LocalStartError";
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  if (err.code === "EADDRINUSE") {
    return new LocalStartError(
      `Port ${port} is in use on ${host} (another Switchyard, or another program): stop it, or start this one on another port (PORT=${port + 1} npm start).`,
    );
  }
  if (err.code === "EACCES") {
    return new LocalStartError(`Not allowed to listen on ${where}: choose a port above 1023 (PORT=3000).`);
  }
  if (err.code === "EADDRNOTAVAIL") {
    return new LocalStartError(`This machine has no address ${host} to listen on: check HOST.`);
  }
  return err;
}

/** The portal's build, which `npm start` brings up to date before this runs (portal/build.ts). */
const PORTAL_DIR = fileURLToPath(new URL("../../portal/dist", import.meta.url));

export interface LocalOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  tableName?: string;
  /** The platform-admin key; defaults to SWITCHYARD_ADMIN_KEY. Without one, a key is generated once. */
  adminKey?: string;
  log?: Logger;
  /** Lines meant for the person at the terminal (where it listens, the bootstrap key). */
  print?: (line: string) => void;
  /** The clock (tests move it); the system's by default. */
  now?: () => Date;
  /** Retention of deployment history and delivery logs; default: SWITCHYARD_RETAIN_* or the defaults. */
  retention?: { deployments?: DeploymentRetention; deliveries?: DeliveryRetention };
  /** How the sweep of expired items runs (DEFAULT_SWEEP). */
  sweep?: SweepOptions;
  /** The least time the local engine takes per resource change; default SWITCHYARD_LOCAL_RESOURCE_DELAY_MS or 0. */
  resourceDelayMs?: number;
}

export interface LocalServer {
  url: string;
  deps: AppDeps;
  /** Deletes what has expired (dynalite has no TTL): runs in the background, or now on request. */
  sweeper: ExpirySweeper;
  close(): Promise<void>;
}

/** Retention from the environment, for what options do not set. */
function retentionOf(options: LocalOptions) {
  const env = process.env;
  return {
    deployments: options.retention?.deployments ?? deploymentRetentionFrom(env),
    deliveries: options.retention?.deliveries ?? {
      count: positiveInteger(env, "SWITCHYARD_RETAIN_DELIVERIES", DEFAULT_DELIVERY_RETENTION.count),
      days: positiveInteger(env, "SWITCHYARD_RETAIN_DELIVERY_DAYS", DEFAULT_DELIVERY_RETENTION.days),
    },
  };
}

/**
 * Replays a stopped process left active fail with how far they got (they no longer count against
 * the replay limits); deployments it left in flight are reconciled: an interrupted create is rolled
 * back, an interrupted update or teardown ends FAILED and converges on the next deployment.
 */
async function recoverAfterStop(engine: LocalEventBridge, deps: AppDeps): Promise<void> {
  const replays = await engine.recoverInterruptedReplays();
  const { deploymentsContext } = await import("../deployments/index.js");
  const { reconcileInterruptedDeployments } = await import("../deployments/recover.js");
  const deployments = await reconcileInterruptedDeployments(deploymentsContext(deps));
  if (replays.length + deployments.length > 0) {
    deps.log.warn("recovered what a stopped process left running", {
      replays: replays.map((r) => ({ name: r.name, state: r.state })),
      deployments: deployments.map((d) => ({ id: d.id, status: d.status, reason: d.reason })),
    });
  }
}

export async function startLocal(options: LocalOptions = {}): Promise<LocalServer> {
  const dataDir = path.resolve(options.dataDir ?? process.env.SWITCHYARD_DATA_DIR ?? ".switchyard");
  const dbDir = path.join(dataDir, "dynamodb");
  await mkdir(dbDir, { recursive: true });
  const log = options.log ?? createLogger({ level: logLevelFrom(process.env.LOG_LEVEL) });
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const retention = retentionOf(options);
  const resourceDelayMs =
    options.resourceDelayMs ?? positiveInteger(process.env, "SWITCHYARD_LOCAL_RESOURCE_DELAY_MS", 0);

  // Before dynalite opens the folder: a second server on it is refused with the holder's pid.
  const lock = await lockDataDir(dataDir);
  // What a failed start has opened so far, closed in reverse before the error goes on.
  const opened: (() => Promise<void>)[] = [lock.release];
  const closeOpened = async () => {
    for (const close of opened.reverse()) await close();
  };
  try {
    const dynamo = await startDynalite({ path: dbDir });
    opened.push(dynamo.close);
    const { client, doc } = createDynamoClients(localDynamoConfig(dynamo.endpoint));
    opened.push(async () => client.destroy());
    const tableName = options.tableName ?? "switchyard";
    await ensureTable(client, tableName);

    const table = { doc, name: tableName };
    const adminKey = options.adminKey ?? (process.env.SWITCHYARD_ADMIN_KEY || undefined);
    const now = options.now ?? (() => new Date());
    // One engine for the whole process: the deployer applies stacks to it, bus operations use it.
    const engine = new LocalEventBridge({ table, now, log, deliveryRetention: retention.deliveries });
    const deployer = createLocalDeployer({ table, now, log }, engine, undefined, resourceDelayMs);
    const deps: AppDeps = {
      log,
      table,
      store: createStore(table),
      adminKey,
      now,
      deployer,
      deploymentSettings: { ...LOCAL_DEPLOYMENT_SETTINGS, retention: retention.deployments },
      busOps: new LocalBusOps(engine),
      deadLetters: new LocalDeadLetterQueues(engine),
      ruleMetrics: new LocalRuleMetrics(engine),
    };
    // DynamoDB's TTL, which dynalite lacks: expired history, deliveries, records go in the background.
    const sweeper = startExpirySweeper(table, now, log, options.sweep);
    opened.push(sweeper.stop);
    reconcileOnSettle(deployer, deps);
    // Schedule rules fire on the engine's clock, checked every few seconds.
    await engine.runSchedules();
    const scheduler = setInterval(() => {
      engine.runSchedules().catch((err) => log.error("schedule rules", { error: String(err) }));
    }, SCHEDULE_TICK_MS);
    scheduler.unref();
    opened.push(async () => clearInterval(scheduler));
    // This process owns the data folder (the lock above): whatever a previous one left running
    // stopped with it. Settled before the first request, so no read sees it running.
    await recoverAfterStop(engine, deps);
    // Without an admin key in the environment, the very first start generates one, prints it once
    // and leaves it in the data folder for its owner alone (scripts read it from there).
    const generatedAdminKey = adminKey ? undefined : await ensureBootstrapAdminKey(deps.store, deps.now());
    const adminKeyFile = path.join(dataDir, ADMIN_KEY_FILE);
    if (generatedAdminKey) {
      await writeFile(adminKeyFile, `${generatedAdminKey}\n`, { mode: 0o600 });
      await chmod(adminKeyFile, 0o600); // a file left from an earlier data folder keeps its mode otherwise
    }
    const app = createApp(deps, { portalDir: PORTAL_DIR });

    const port = options.port ?? Number(process.env.PORT ?? 3000);
    const host = options.host ?? process.env.HOST ?? "127.0.0.1";
    const server = serve({ fetch: app.fetch, port, hostname: host });
    answerClientErrorsAsProblems(server);
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", (err) => reject(listenError(err, host, port)));
    });
    const address = server.address() as AddressInfo;
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
    print(`Switchyard listening on ${url}`);
    print(`Portal: ${url}/`);
    print(`API reference: ${url}/docs  (OpenAPI document: ${url}/openapi.json)`);
    print(`Data folder: ${dataDir}`);
    if (generatedAdminKey) {
      print(
        `Platform-admin API key: ${generatedAdminKey}  (only its hash is stored; the key is also in ${adminKeyFile}, readable by you alone)`,
      );
    }

    return {
      url,
      deps,
      sweeper,
      close: async () => {
        await new Promise<void>((resolve) => {
          if ("closeAllConnections" in server) server.closeAllConnections();
          server.close(() => resolve());
        });
        // Let running stack operations settle before the table goes away.
        await deployer.idle();
        await engine.idle();
        await closeOpened();
      },
    };
  } catch (err) {
    await closeOpened();
    throw err;
  }
}

/** How often the local server fires due schedule rules. */
const SCHEDULE_TICK_MS = 5_000;

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const server = await startLocal().catch((err: unknown) => {
    // What the person at the terminal can fix is said in one line; anything else keeps its stack.
    if (
      err instanceof DataDirLockedError ||
      err instanceof LocalStartError ||
      err instanceof RetentionSettingError
    ) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  });
  const stop = async (signal: string) => {
    process.stdout.write(`Received ${signal}, shutting down\n`);
    await server.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  // npm does not forward SIGTERM to the script it runs: when `npm start` itself is stopped, the
  // shell between us exits and we are re-parented. Shut down cleanly then instead of lingering.
  if (process.env.npm_lifecycle_event === "start") {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) void stop("the end of npm start");
    }, 500).unref();
  }
}
