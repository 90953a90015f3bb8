/**
 * The most expensive event patterns and events a tenant can send, each at (or just past) one of the
 * pattern limits (api/eventbridge/pattern/) or the 1 MiB request body: the event-loop test sends them
 * beside /healthz, the benchmarks time them (`npm run bench -- pattern-limits`, `-- worst-inputs`).
 */

export interface HostilePattern {
  name: string;
  pattern: Record<string, unknown>;
  /** Whether EventBridge accepts the pattern (else 400 with its message). */
  accepted: boolean;
}

export interface HostileEvent {
  name: string;
  pattern: Record<string, unknown>;
  /** The event as JSON text, up to the request body limit. */
  event: string;
  /** Whether the event is refused (400 invalid-event); else it is matched. */
  refused?: boolean;
}

/** `alternatives.length` sibling `$or`s, plus `shared` plain fields. */
function orPattern(alternatives: readonly number[], shared: number): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  alternatives.forEach((n, i) => {
    p[`o${i}`] = { $or: Array.from({ length: n }, (_, k) => ({ [`k${k}`]: [k] })) };
  });
  for (let i = 0; i < shared; i++) p[`f${i}`] = [i];
  return p;
}

const distinct = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(0x4e00 + i)).join("");

/** The typical pattern the benchmarks compare against. */
export const TYPICAL_PATTERN: HostilePattern = {
  name: "typical pattern (source, detail-type, 3 detail filters)",
  pattern: {
    source: ["orders"],
    "detail-type": ["Order Placed"],
    detail: {
      amount: [{ numeric: [">", 100] }],
      region: [{ prefix: "eu-" }],
      state: [{ "anything-but": "x" }],
    },
  },
  accepted: true,
};

export const HOSTILE_PATTERNS: HostilePattern[] = [
  {
    name: "1,024 $or combinations x 16 conditions (both limits)",
    pattern: orPattern(Array(10).fill(2), 6),
    accepted: true,
  },
  { name: "729 $or combinations x 16 conditions", pattern: orPattern(Array(6).fill(3), 10), accepted: true },
  { name: "2 combinations x 290 conditions (4,000 chars)", pattern: orPattern([2], 288), accepted: true },
  {
    name: "wildcard of 4,000 distinct characters",
    pattern: { a: [{ wildcard: `${distinct(4000)}*` }] },
    accepted: true,
  },
  {
    name: "100 sibling $or (2^100 combinations)",
    pattern: orPattern(Array(100).fill(2), 0),
    accepted: false,
  },
  { name: "1,025 combinations", pattern: orPattern([5, 5, 41], 0), accepted: false },
];

/** About 1 MiB of JSON text: the request body limit, less room for the pattern and the envelope. */
const EVENT_BYTES = 1024 * 1024 - 8 * 1024;
const fill = (one: (i: number) => string) => {
  const items: string[] = [];
  for (let i = 0, size = 0; size < EVENT_BYTES; i++) {
    const item = one(i);
    items.push(item);
    size += item.length + 1;
  }
  return items.join(",");
};

export const HOSTILE_EVENTS: HostileEvent[] = [
  {
    name: "1 MiB event: a list of numbers against a numeric range",
    pattern: { a: [{ numeric: [">", 0, "<", 5] }] },
    event: `{"a":[${fill((i) => String(i + 5))}]}`,
  },
  {
    name: "1 MiB event: a list of strings against anything-but of 400 values",
    pattern: { a: [{ "anything-but": Array.from({ length: 400 }, (_, i) => `v${i}`) }] },
    event: `{"a":[${fill((i) => `"x${i}"`)}]}`,
  },
  {
    name: "1 MiB event: fields of one object, none matched",
    pattern: { a: ["x"] },
    event: `{${fill((i) => `"f${i}":${i}`)}}`,
  },
  {
    name: "1 MiB event: a list of objects against a nested field",
    pattern: { a: { b: ["x"] } },
    event: `{"a":[${fill(() => '{"b":"y"}')}]}`,
  },
  {
    name: "1 MiB event: one string against a case-insensitive prefix of 4,000 characters",
    pattern: { a: [{ prefix: { "equals-ignore-case": "a".repeat(4000) } }] },
    event: `{"a":"${"A".repeat(EVENT_BYTES)}"}`,
  },
  {
    name: "event nested 1,001 levels (past the lexer's limit)",
    pattern: { a: ["x"] },
    event: `${"[".repeat(1001)}${"]".repeat(1001)}`,
    refused: true,
  },
];
