/**
 * Large JSON fields (templates, parameter and output maps) as gzipped JSON (binary): no DynamoDB map
 * marshalling of arbitrary keys, and a 500-resource template stays far below the 400 KB item limit.
 */
import { gunzipSync, gzipSync } from "node:zlib";

export function packJson(value: unknown): Uint8Array {
  return gzipSync(JSON.stringify(value));
}

export function unpackJson<T>(stored: unknown): T {
  if (typeof stored === "string") return JSON.parse(stored) as T;
  return JSON.parse(gunzipSync(stored as Uint8Array).toString("utf8")) as T;
}

/**
 * Makes `key` an enumerable property that unpacks `stored` when first read, and can be assigned like
 * any other: records read often (polls, stage reads) rarely need their large fields.
 */
export function unpackOnUse(target: object, key: string, stored: unknown): void {
  const settle = (value: unknown) =>
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = unpackJson(stored);
      settle(value);
      return value;
    },
    set: settle,
  });
}
