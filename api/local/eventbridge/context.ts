import type { ArnScope } from "../../eventbridge/arns.js";
import type { Logger } from "../../http/logger.js";
import type { BusCache } from "./bus-cache.js";
import type { EngineStore } from "./store.js";

/** What every engine operation works with. */
export interface EngineContext {
  store: EngineStore;
  scope: ArnScope;
  now: () => Date;
  buses: BusCache;
  /** Limit on the summed entry sizes of one PutEvents call. */
  maxRequestBytes: number;
  log?: Logger;
}

export const iso = (date: Date) => date.toISOString();
