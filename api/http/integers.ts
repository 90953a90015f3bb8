import { z } from "@hono/zod-openapi";

/**
 * Integers in paths and query strings are decimal digits only. `z.coerce.number()` reads them with
 * `Number()`, which takes `0x10` as 16, `1e1` as 10 and ` 1`, `+1` or `01` as 1, so one version had
 * many names. Anything but the canonical form is a 400 `validation-error`; a well-formed number that
 * names nothing is a 404.
 */
const CANONICAL = /^(0|[1-9][0-9]{0,14})$/;

const MESSAGE = "a decimal integer: digits only, without sign, spaces, exponent or leading zeros";

export function decimalInteger(bounds: { min: number; max?: number }) {
  let number = z.number({ error: MESSAGE }).int().min(bounds.min);
  if (bounds.max !== undefined) number = number.max(bounds.max);
  return z.preprocess((v) => (typeof v === "string" && CANONICAL.test(v) ? Number(v) : v), number);
}
