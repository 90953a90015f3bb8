/**
 * Number semantics of event-ruler: a JSON number literal takes part in numeric comparison only when
 * its exact decimal value survives the trip to an IEEE-754 double (`BigDecimal.valueOf(d)
 * .compareTo(bd) == 0`). `9007199254740993` does not, so it never satisfies a numeric range, and
 * `0.1` does, because the shortest decimal of the nearest double is `0.1` again.
 */

/** The exact decimal value of a number literal as sign, significant digits and power of ten. */
function canonicalDecimal(text: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return text;
  const digits = (m[2] ?? "") + (m[3] ?? "");
  let exponent = Number(m[4] ?? "0") - (m[3] ?? "").length;
  let start = 0;
  while (start < digits.length && digits.charCodeAt(start) === 0x30) start++;
  let end = digits.length;
  while (end > start && digits.charCodeAt(end - 1) === 0x30) {
    end--;
    exponent++;
  }
  if (start === end) return "0";
  return `${m[1] === "-" ? "-" : ""}${digits.slice(start, end)}e${exponent}`;
}

const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * The double a number literal compares as, or undefined when it is not comparable (not finite, or
 * not exactly representable). -0 compares as 0, as a BigDecimal has no negative zero.
 */
export function comparableNumber(text: string): number | undefined {
  const d = Number(text);
  if (!Number.isFinite(d)) return undefined;
  if (d === 0) return canonicalDecimal(text) === "0" ? 0 : undefined;
  // Integers below 2^53 are exact whatever their spelling; skip the string work for them.
  if (Number.isSafeInteger(d) && /^-?\d+$/.test(text)) return d;
  // So is any decimal of at most 15 significant digits (DBL_DIG) in the normal range: its double
  // reads back as it. (Subnormals hold fewer digits.)
  if (Math.abs(d) >= MIN_NORMAL && significantDigits(text) <= 15) return d;
  return canonicalDecimal(text) === canonicalDecimal(String(d)) ? d : undefined;
}

/** Significant digits of a plain decimal literal (no exponent); Infinity for any other form. */
function significantDigits(text: string): number {
  let digits = 0;
  let leading = true;
  for (let i = text.charCodeAt(0) === 0x2d ? 1 : 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) continue;
    if (c < 0x30 || c > 0x39) return Number.POSITIVE_INFINITY;
    if (leading && c === 0x30) continue;
    leading = false;
    digits++;
  }
  return digits;
}
