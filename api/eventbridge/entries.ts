import type { PutEventsRequestEntry, PutEventsResultEntry } from "@aws-sdk/client-eventbridge";
import { validation } from "./errors.js";

/** PutEvents accepts 1 to 10 entries per request (not adjustable). */
export const MAX_ENTRIES = 10;

/** 256 KiB, AWS's limit before 2026 (raised to 1 MB since); the engine takes the limit as an option. */
export const DEFAULT_MAX_REQUEST_BYTES = 256 * 1024;

const utf8 = (s: string | undefined) => (s === undefined ? 0 : Buffer.byteLength(s, "utf8"));

/**
 * An entry's size as AWS computes it (CalculatePutEventsEntrySize): 14 bytes for a Time, plus the
 * UTF-8 bytes of Source, DetailType, Detail and each Resources entry. The envelope is not counted.
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time ? 14 : 0;
  size += utf8(entry.Source) + utf8(entry.DetailType) + utf8(entry.Detail);
  for (const resource of entry.Resources ?? []) size += utf8(resource);
  return size;
}

/** Request-level checks: entry count and total size (ValidationException, the whole call fails). */
export function checkPutEventsRequest(entries: PutEventsRequestEntry[] | undefined, maxBytes: number): void {
  const count = entries?.length ?? 0;
  if (count < 1 || count > MAX_ENTRIES) {
    const bound = count < 1 ? "greater than or equal to 1" : `less than or equal to ${MAX_ENTRIES}`;
    throw validation(
      `1 validation error detected: Value '[${count} entries]' at 'entries' failed to satisfy constraint: Member must have length ${bound}`,
    );
  }
  const total = entries!.reduce((sum, entry) => sum + entrySize(entry), 0);
  if (total > maxBytes) throw validation("Total size of the entries in the request is over the limit.");
}

/**
 * Per-entry checks, as AWS reports them in the result entry rather than failing the request:
 * a missing Source, DetailType or Detail is InvalidArgument; a Detail that is not a JSON object is
 * MalformedDetail. Returns undefined when the entry is valid.
 */
export function entryError(entry: PutEventsRequestEntry): PutEventsResultEntry | undefined {
  for (const field of ["Source", "DetailType", "Detail"] as const) {
    if (entry[field] === undefined || entry[field] === null) {
      return {
        ErrorCode: "InvalidArgument",
        ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
    }
  }
  if (!isJsonObjectText(entry.Detail!))
    return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
  if (entry.Source!.startsWith("aws.")) {
    return { ErrorCode: "NotAuthorizedForSourceException", ErrorMessage: "Not authorized for the source." };
  }
  return undefined;
}

function isJsonObjectText(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
