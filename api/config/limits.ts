/**
 * What a config may be. Each limit bounds the work one request can cause (no request may hold the
 * event loop for more than about 100 ms, `npm run bench -- hostile-configs`) far above what real
 * configs need; SECURITY.md lists them with what exceeding each answers.
 */
import { dict } from "../prototype-safe.js";
import type { ConfigPath } from "./problem.js";

export const CONFIG_LIMITS = {
  /** Text, as UTF-8. */
  bytes: 512 * 1024,
  /**
   * YAML tokens (a scalar, an indicator such as `-` `:` `[` `,`, a line break, a run of spaces): what
   * parsing costs, about 3 µs each on a busy two-core machine. A config of 500 CloudFormation
   * resources has about 12,000; the richest fixtures take 80 to 230 per resource.
   */
  tokens: 20_000,
  /** Mappings and sequences inside each other. */
  nesting: 64,
  /** Keys of one mapping (YAML checks keys for duplicates pairwise). */
  keysPerMapping: 1_000,
  /** Characters of one string (a key or a value). */
  stringChars: 64 * 1024,
  /** Uses of YAML aliases (`*name`). */
  aliases: 100,
  /** Scalars, mappings and sequences, counting each use of an alias, `$Var()` or `$This()` again. */
  values: 50_000,
  /** Resources and raw CloudFormation resources: each compiles to at least one of CloudFormation's 500. */
  resources: 500,
} as const;

const n = (value: number) => value.toLocaleString("en-US");

/** Problems in Switchyard's words, one per limit. */
export const limitMessages = {
  bytes: () => `The config is larger than ${CONFIG_LIMITS.bytes} bytes.`,
  tokens: () =>
    `The config has more than ${n(CONFIG_LIMITS.tokens)} YAML tokens (values, indicators, line breaks); split it into several projects.`,
  nesting: () => `The config nests deeper than ${CONFIG_LIMITS.nesting} levels.`,
  keysPerMapping: () => `A mapping has more than ${n(CONFIG_LIMITS.keysPerMapping)} keys.`,
  stringChars: () => `A string is longer than ${n(CONFIG_LIMITS.stringChars)} characters.`,
  aliases: () => `The config uses aliases (*name) more than ${CONFIG_LIMITS.aliases} times.`,
  values: () =>
    `The config has more than ${n(CONFIG_LIMITS.values)} values, counting each use of an alias, $Var() or $This() again.`,
  cycle: () => "A mapping or sequence contains itself (an alias inside what it names).",
  /** The last resort, should a step within the limits still exhaust the stack or an allocation. */
  tooComplex: () => "The config is too large or too deeply nested to process; see the limits in SECURITY.md.",
  resources: (count: number) =>
    `The config has ${count} resources; CloudFormation allows at most ${CONFIG_LIMITS.resources} per stack, and each resource compiles to at least one. Split the config into several projects.`,
};

export type TreeCheck = { ok: true; value: unknown } | { ok: false; path: ConfigPath; message: string };

class LimitExceeded {
  constructor(
    readonly path: ConfigPath,
    readonly message: string,
  ) {}
}

/**
 * A config tree held to the limits, as a copy whose mappings are null-prototype objects (user keys
 * stay keys). Every node is visited once per path reaching it, so shared subtrees (YAML aliases)
 * count each time they are used; a cycle is refused. Depth is checked before descending, so the
 * recursion is at most `nesting` deep.
 */
export function boundedTree(root: unknown): TreeCheck {
  let values = 0;
  const ancestors = new Set<object>();
  // One path, pushed and popped on the way; copied only into a refusal.
  const path: (string | number)[] = [];
  const refuse = (message: string) => new LimitExceeded([...path], message);
  const copy = (value: unknown): unknown => {
    if (++values > CONFIG_LIMITS.values) throw refuse(limitMessages.values());
    if (typeof value === "string") {
      if (value.length > CONFIG_LIMITS.stringChars) throw refuse(limitMessages.stringChars());
      return value;
    }
    if (typeof value !== "object" || value === null) return value;
    if (ancestors.has(value)) throw refuse(limitMessages.cycle());
    if (path.length >= CONFIG_LIMITS.nesting) throw refuse(limitMessages.nesting());
    ancestors.add(value);
    let out: unknown;
    if (Array.isArray(value)) {
      const list: unknown[] = new Array(value.length);
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        list[i] = copy(value[i]);
        path.pop();
      }
      out = list;
    } else {
      const entries = Object.entries(value);
      if (entries.length > CONFIG_LIMITS.keysPerMapping) throw refuse(limitMessages.keysPerMapping());
      const object = dict();
      for (const [key, item] of entries) {
        if (key.length > CONFIG_LIMITS.stringChars) {
          path.push(`${key.slice(0, 40)}…`);
          throw refuse(limitMessages.stringChars());
        }
        path.push(key);
        object[key] = copy(item);
        path.pop();
      }
      out = object;
    }
    ancestors.delete(value);
    return out;
  };
  try {
    return { ok: true, value: copy(root) };
  } catch (e) {
    if (e instanceof LimitExceeded) return { ok: false, path: e.path, message: e.message };
    throw e;
  }
}
