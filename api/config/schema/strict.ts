import { z } from "@hono/zod-openapi";
import { didYouMean } from "../suggest.js";

/** Separates per-key messages inside one zod `unrecognized_keys` issue (split again in issues.ts). */
export const KEY_MESSAGE_SEPARATOR = "\u0000";

/** How an object answers keys it does not take, besides "did you mean". */
export interface UnknownKeyHints {
  /** Names Switchyard once took, by the Stacktape name that replaced them. */
  readonly renamed?: Readonly<Record<string, string>>;
  /** Keys Stacktape has on other types but not on this one, with why and what to do instead. */
  readonly notHere?: Readonly<Record<string, string>>;
}

/**
 * An object that rejects unknown keys, as Stacktape's schema does, with a "did you mean" hint
 * computed from the keys this object accepts (or the Stacktape name of a key it once took).
 */
export function strictObject<T extends z.ZodRawShape>(shape: T, hints: UnknownKeyHints = {}) {
  const known = Object.keys(shape);
  const renamed = hints.renamed ?? {};
  const notHere = hints.notHere ?? {};
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? issue.keys
            .map((key) =>
              Object.hasOwn(renamed, key)
                ? `Unknown property "${key}": Stacktape's name for it is "${renamed[key]}".`
                : Object.hasOwn(notHere, key)
                  ? `Unknown property "${key}": ${notHere[key]}`
                  : `Unknown property "${key}".${didYouMean(key, known)} Valid properties are: ${known.join(", ")}.`,
            )
            .join(KEY_MESSAGE_SEPARATOR)
        : undefined,
  });
}
