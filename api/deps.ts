import type { DeadLetterQueues } from "./buses/dead-letters.js";
import type { RuleMetrics } from "./buses/health.js";
import type { BusOps } from "./buses/port.js";
import type { DeploymentSettings } from "./deployments/context.js";
import type { Deployer } from "./deployments/port.js";
import type { Logger } from "./http/logger.js";
import type { Store } from "./store/index.js";
import type { Table } from "./store/table.js";

/**
 * Everything the app needs from the outside world. Each entry point (api/entry/*) builds one:
 * the Lambda with AWS adapters, the local server with dynalite and the embedded engine.
 */
export interface AppDeps {
  log: Logger;
  /** The one table. Routes and use cases go through `store`; the local engine keeps its records here. */
  table: Table;
  /** Every repository over `table`: `createStore(table)` from api/store/index.ts, in both entries. */
  store: Store;
  /**
   * The raw bootstrap platform-admin key (`SWITCHYARD_ADMIN_KEY`, or the Lambda's Secrets Manager
   * secret). Only its hash is kept in memory by the auth middleware.
   */
  adminKey?: string;
  /**
   * Runs stage stacks: CloudFormation change sets in AWS, the embedded engine locally. Without one
   * (a bare app, e.g. in benchmarks), stage and deployment routes answer 501.
   */
  deployer?: Deployer;
  /** Per-environment deployment tuning (lock lease, local artifact placeholders). */
  deploymentSettings?: Partial<DeploymentSettings>;
  /** Live bus operations: EventBridge in AWS, the embedded engine locally (bus routes answer 501 without). */
  busOps?: BusOps;
  /** Targets' dead-letter queues: SQS in AWS, the embedded engine's locally (those routes answer 501 without). */
  deadLetters?: DeadLetterQueues;
  /** Per-rule delivery counts: CloudWatch metrics in AWS, the delivery log locally (the health route answers 501 without). */
  ruleMetrics?: RuleMetrics;
  /** The clock, injectable so tests can move time (leases, retention, replays). */
  now: () => Date;
}

/**
 * Deps an entry point builds on the first request that needs them instead of at start: the Lambda
 * loads the DynamoDB client and reads the admin secret on its first `/v1` request, so a cold start
 * that serves `/healthz`, `/openapi.json` or `/docs` does neither.
 */
export interface DeferredDeps {
  log: Logger;
  load: () => Promise<AppDeps>;
}
