/**
 * DynamoDB's Time to Live for the embedded default: dynalite implements no TTL, so items whose
 * `expiresAt` (epoch seconds, api/store/table.ts) has passed are deleted here, as DynamoDB deletes
 * them on AWS. What expires is decided where items are written (deployment history, idempotency
 * records, archived events, delivery logs); this only carries it out.
 *
 * Like DynamoDB's, the sweep is a background walk over the table: a Scan page of at most `pageSize`
 * items, then a pause, so the work per step is bounded and requests are never held up behind it.
 * A whole pass over the table starts again `intervalMs` after the previous one ended. Each delete
 * is conditional on the item still being expired (a record claimed again meanwhile stays).
 */
import { DeleteCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Logger } from "../http/logger.js";
import { isConditionFailure } from "./conditions.js";
import { TABLE_KEYS, type Table } from "./table.js";

export interface SweepOptions {
  /** Items read per step. */
  pageSize?: number;
  /** Pause between two steps of a pass. */
  stepPauseMs?: number;
  /** Pause between the end of a pass and the start of the next. */
  intervalMs?: number;
}

export const DEFAULT_SWEEP: Required<SweepOptions> = { pageSize: 100, stepPauseMs: 50, intervalMs: 60_000 };

export interface SweepStep {
  scanned: number;
  deleted: number;
  /** Where the next step starts; undefined when this step ended a pass. */
  next?: Record<string, unknown>;
}

/** One step of a pass: deletes the expired items among the next `pageSize` of the table. */
export async function sweepStep(
  table: Table,
  now: Date,
  pageSize: number,
  from?: Record<string, unknown>,
): Promise<SweepStep> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const out = await table.doc.send(
    new ScanCommand({
      TableName: table.name,
      Limit: pageSize,
      FilterExpression: "#e <= :now",
      ExpressionAttributeNames: { "#e": TABLE_KEYS.ttlAttribute },
      ExpressionAttributeValues: { ":now": nowSeconds },
      ProjectionExpression: "PK, SK",
      ...(from ? { ExclusiveStartKey: from } : {}),
    }),
  );
  let deleted = 0;
  for (const key of out.Items ?? []) {
    try {
      await table.doc.send(
        new DeleteCommand({
          TableName: table.name,
          Key: { PK: key.PK, SK: key.SK },
          ConditionExpression: "#e <= :now",
          ExpressionAttributeNames: { "#e": TABLE_KEYS.ttlAttribute },
          ExpressionAttributeValues: { ":now": nowSeconds },
        }),
      );
      deleted++;
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }
  return {
    scanned: out.ScannedCount ?? 0,
    deleted,
    ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
  };
}

export interface ExpirySweeper {
  /** Runs one whole pass now (tests, the soak benchmark); resolves with what it deleted. */
  sweepNow(): Promise<{ scanned: number; deleted: number }>;
  /** Total deleted since start. */
  readonly deleted: number;
  /** Stops after the step in progress. */
  stop(): Promise<void>;
}

/** Sweeps expired items in the background until stopped. */
export function startExpirySweeper(
  table: Table,
  now: () => Date,
  log: Logger,
  options: SweepOptions = {},
): ExpirySweeper {
  const { pageSize, stepPauseMs, intervalMs } = { ...DEFAULT_SWEEP, ...options };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let from: Record<string, unknown> | undefined;
  let total = 0;

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = step();
    }, ms);
    timer.unref();
  };
  const step = async () => {
    try {
      const out = await sweepStep(table, now(), pageSize, from);
      total += out.deleted;
      from = out.next;
    } catch (err) {
      // The next pass tries again; the table may be closing.
      log.warn("the sweep of expired items failed", { error: String(err) });
      from = undefined;
      schedule(intervalMs);
      return;
    }
    schedule(from ? stepPauseMs : intervalMs);
  };
  schedule(intervalMs);

  return {
    get deleted() {
      return total;
    },
    async sweepNow() {
      await running;
      let start: Record<string, unknown> | undefined;
      const sum = { scanned: 0, deleted: 0 };
      do {
        const out = await sweepStep(table, now(), pageSize, start);
        sum.scanned += out.scanned;
        sum.deleted += out.deleted;
        start = out.next;
      } while (start);
      total += sum.deleted;
      return sum;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
