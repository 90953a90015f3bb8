import { z } from "@hono/zod-openapi";

/** Characters as JSON Schema counts them for `minLength`/`maxLength`: code points. */
export const characterCount = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/**
 * A string of `min` to `max` characters, counted as the OpenAPI document's `minLength`/`maxLength`
 * count them (code points). zod's own `.min()`/`.max()` count UTF-16 units, so 60 emoji would be
 * refused under a documented `maxLength` of 100. A `pattern` is documented by its source alone
 * (zod-to-openapi writes a flagged regex as `^...$/u`, which matches nothing).
 */
export function text(bounds: { min?: number; max: number; pattern?: RegExp; rule?: string }) {
  const min = bounds.min ?? 0;
  let schema = z.string();
  if (bounds.pattern) schema = schema.regex(bounds.pattern, bounds.rule);
  return schema
    .refine((s) => characterCount(s) >= min, `At least ${min} character${min === 1 ? "" : "s"}.`)
    .refine((s) => characterCount(s) <= bounds.max, `At most ${bounds.max} characters.`)
    .openapi({
      ...(min > 0 ? { minLength: min } : {}),
      maxLength: bounds.max,
      ...(bounds.pattern ? { pattern: bounds.pattern.source } : {}),
    });
}

/**
 * The RFC 3339 date-times the server reads (zod's ISO date-time with an offset): upper-case `T`
 * and `Z`, seconds always, no leap second. The document states it as `format: date-time` (which
 * also checks the calendar) and this pattern, since RFC 3339 alone allows more.
 */
const DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

export const dateTime = () =>
  z.iso.datetime({ offset: true }).openapi({ format: "date-time", pattern: DATE_TIME.source });
