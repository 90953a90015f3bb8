import { ipHex } from "./ip.js";
import { comparableNumber } from "./numbers.js";
import { matchesWildcard, type Wildcard } from "./wildcard.js";

export type ValueKind = "string" | "number" | "true" | "false" | "null";

/**
 * One leaf value of an event. Strings keep their text, numbers their literal; the comparable
 * double and the IP hex form are computed at most once, when some matcher asks. The scanner
 * reuses instances from event to event (`reset`), so matching allocates none.
 */
export class EventValue {
  private num: number | undefined | null = null;
  private ip: string | undefined | null = null;

  constructor(
    public kind: ValueKind,
    /** The string's content, the number's literal, or `true`/`false`/`null`. */
    public text: string,
  ) {}

  reset(kind: ValueKind, text: string): void {
    this.kind = kind;
    this.text = text;
    this.num = null;
    this.ip = null;
  }

  /** The double this number compares as; undefined for non-numbers and unrepresentable numbers. */
  number(): number | undefined {
    if (this.num === null) this.num = this.kind === "number" ? comparableNumber(this.text) : undefined;
    return this.num;
  }

  /** The hex form of an IP-address string; undefined for anything else. */
  ipHex(): string | undefined {
    if (this.ip === null) this.ip = this.kind === "string" ? ipHex(this.text) : undefined;
    return this.ip;
  }
}

/** Case-insensitive equality approximating Java's per-character upper/lower mapping (ß ≈ SS). */
export function foldedEquals(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase() || a.toUpperCase() === b.toUpperCase();
}

export interface FoldedText {
  lower: string;
  upper: string;
}

export const fold = (s: string): FoldedText => ({ lower: s.toLowerCase(), upper: s.toUpperCase() });

/** A compiled match expression; every kind matches exactly as event-ruler's does. */
export type Matcher =
  | { kind: "exact-string"; value: string }
  | { kind: "exact-number"; literal: string; value: number | undefined }
  | { kind: "exact-literal"; value: "true" | "false" | "null" }
  | { kind: "ip-range"; lo: string; hi: string }
  | { kind: "prefix"; value: string }
  | { kind: "prefix-ignore-case"; value: FoldedText }
  | { kind: "suffix"; value: string }
  | { kind: "suffix-ignore-case"; value: FoldedText }
  | { kind: "equals-ignore-case"; value: string }
  | { kind: "wildcard"; value: Wildcard; source: string }
  | { kind: "numeric"; lo: number; loOpen: boolean; hi: number; hiOpen: boolean }
  | { kind: "exists" }
  | { kind: "anything-but-strings"; values: ReadonlySet<string> }
  | { kind: "anything-but-numbers"; values: ReadonlySet<number> }
  | { kind: "anything-but-prefix"; values: readonly string[] }
  | { kind: "anything-but-suffix"; values: readonly string[] }
  | { kind: "anything-but-ignore-case"; values: readonly string[] }
  | { kind: "anything-but-wildcard"; values: readonly Wildcard[] };

function startsWithFolded(value: string, prefix: FoldedText): boolean {
  return value.toLowerCase().startsWith(prefix.lower) || value.toUpperCase().startsWith(prefix.upper);
}

function endsWithFolded(value: string, suffix: FoldedText): boolean {
  return value.toLowerCase().endsWith(suffix.lower) || value.toUpperCase().endsWith(suffix.upper);
}

export function matcherAccepts(m: Matcher, v: EventValue): boolean {
  const isString = v.kind === "string";
  switch (m.kind) {
    case "exact-string":
      return isString && v.text === m.value;
    case "exact-number": {
      if (v.kind !== "number") return false;
      if (v.text === m.literal) return true;
      return m.value !== undefined && v.number() === m.value;
    }
    case "exact-literal":
      return v.kind === m.value;
    case "ip-range": {
      const hex = v.ipHex();
      return hex !== undefined && hex.length === m.lo.length && hex >= m.lo && hex <= m.hi;
    }
    case "prefix":
      return isString && v.text.startsWith(m.value);
    case "prefix-ignore-case":
      return isString && startsWithFolded(v.text, m.value);
    case "suffix":
      return isString && v.text.endsWith(m.value);
    case "suffix-ignore-case":
      return isString && endsWithFolded(v.text, m.value);
    case "equals-ignore-case":
      return isString && foldedEquals(v.text, m.value);
    case "wildcard":
      return isString && matchesWildcard(m.value, v.text);
    case "numeric": {
      const n = v.number();
      if (n === undefined) return false;
      return (m.loOpen ? n > m.lo : n >= m.lo) && (m.hiOpen ? n < m.hi : n <= m.hi);
    }
    case "exists":
      return true;
    case "anything-but-strings":
      return !isString || !m.values.has(v.text);
    case "anything-but-numbers": {
      const n = v.number();
      return n === undefined || !m.values.has(n);
    }
    case "anything-but-prefix":
      return !isString || !m.values.some((p) => v.text.startsWith(p));
    case "anything-but-suffix":
      return !isString || !m.values.some((s) => v.text.endsWith(s));
    case "anything-but-ignore-case":
      return !isString || !m.values.some((s) => foldedEquals(v.text, s));
    case "anything-but-wildcard":
      return !isString || !m.values.some((w) => matchesWildcard(w, v.text));
  }
}
