import { z } from "@hono/zod-openapi";
import { didYouMean } from "../suggest.js";

/** Separates per-key messages inside one zod `unrecognized_keys` issue (split again in issues.ts). */
export const KEY_MESSAGE_SEPARATOR = "\u0000";

/**
 * An object that rejects unknown keys, as Stacktape's schema does, with a "did you mean" hint
 * computed from the keys this object accepts.
 */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? issue.keys
            .map(
              (key) =>
                `Unknown property "${key}".${didYouMean(key, known)} Valid properties are: ${known.join(", ")}.`,
            )
            .join(KEY_MESSAGE_SEPARATOR)
        : undefined,
  });
}
