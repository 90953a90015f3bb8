import type { Logger } from "./http/logger.js";
import type { Table } from "./store/table.js";

/**
 * Everything the app needs from the outside world. Each entry point (api/entry/*) builds one:
 * the Lambda with AWS adapters, the local server with dynalite and the embedded engine.
 */
export interface AppDeps {
  log: Logger;
  table: Table;
  /** The clock, injectable so tests can move time (leases, retention, replays). */
  now: () => Date;
}
