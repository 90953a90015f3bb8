import { afterAll } from "vitest";
import { LocalEventBridge, type LocalEventBridgeOptions } from "../../../api/local/eventbridge/index.js";
import type { Table } from "../../../api/store/table.js";
import { createTestTable } from "../../support/dynamo.js";
import { poll } from "../../support/poll.js";

/** A table for this test file, destroyed after it. */
export async function testTable(): Promise<Table> {
  const table = await createTestTable();
  afterAll(() => table.destroy());
  return table;
}

/** An engine over `table` (a second one over the same table is what a restart looks like). */
export function engineOn(table: Table, options: Partial<LocalEventBridgeOptions> = {}): LocalEventBridge {
  return new LocalEventBridge({ table, ...options });
}

/** The AWS error an engine call fails with. */
export async function failure(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await call;
  } catch (err) {
    return { name: (err as Error).name, message: (err as Error).message };
  }
  throw new Error("expected the call to fail");
}

/** Polls `read` every 10 ms until `done` holds (or gives up after `timeoutMs`). */
export const until = <T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> =>
  poll(read, done, timeoutMs, 10);

/** A clock tests move by hand. */
export function manualClock(start = new Date("2026-03-01T12:00:00.000Z")) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms: number) => {
      current += ms;
    },
  };
}

let counter = 0;
/** A unique name with a readable prefix. */
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
