import type { Branch, CompiledPattern, Condition } from "../../../api/eventbridge/pattern/compile.js";
import type { EventValue, Matcher } from "../../../api/eventbridge/pattern/matchers.js";
import { eventTokens } from "../../../api/eventbridge/pattern/source.js";
import { PatternSyntaxError } from "../../../api/eventbridge/pattern/tokens.js";
import { isIndexable } from "../../../api/eventbridge/pattern/value-index.js";
import { type FlatEvent, flattenEvent, NotAnObjectError } from "./event.js";
import { branchMatches } from "./match.js";

/**
 * THE PREVIOUS RuleIndex, kept unchanged as the baseline of `npm run bench -- matcher` (it is not
 * used by the service). Shared helpers with the same meaning come from the library.
 *
 * Many patterns compiled into one index, so the cost of matching an event grows with what the
 * event hits, not with the number of rules (event-ruler's idea, without its byte automaton).
 *
 * Each `$or` branch is filed under one anchor that every matching event must hit:
 * - a pair of exact-value conditions (e.g. `source` and `detail-type`), looked up with the event's
 *   values at both paths as one hash key, so broad values shared by hundreds of rules cost nothing;
 * - else one condition made of exact values, prefixes, suffixes or equals-ignore-case, looked up
 *   through per-path hash maps and prefix/suffix tries;
 * - else (only numeric ranges, anything-but, exists, ...) the branch is checked for every event.
 * Anchors are the conditions whose values the fewest branches share. Only branches whose anchor is
 * hit are then checked in full, with array consistency, ranges, anything-but and exists.
 */

interface TrieNode {
  ids: number[];
  next: Map<string, TrieNode>;
}

const newNode = (): TrieNode => ({ ids: [], next: new Map() });

function trieInsert(root: TrieNode, text: string, id: number): void {
  let node = root;
  for (const ch of text) {
    const child = node.next.get(ch) ?? newNode();
    node.next.set(ch, child);
    node = child;
  }
  node.ids.push(id);
}

function push<K>(map: Map<K, number[]>, key: K, id: number): void {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
}

/** The value lookups for one field path. */
class PathIndex {
  readonly exact = new Map<string, number[]>();
  readonly numeric = new Map<number, number[]>();
  readonly lower = new Map<string, number[]>();
  readonly upper = new Map<string, number[]>();
  prefixes: TrieNode | undefined;
  suffixes: TrieNode | undefined;

  add(m: Matcher, id: number): void {
    switch (m.kind) {
      case "exact-string":
        push(this.exact, `"${m.value}`, id);
        break;
      case "exact-number":
        push(this.exact, `#${m.literal}`, id);
        if (m.value !== undefined) push(this.numeric, m.value, id);
        break;
      case "exact-literal":
        push(this.exact, m.value, id);
        break;
      case "ip-range":
        push(this.exact, `@${m.lo}`, id);
        break;
      case "equals-ignore-case":
        push(this.lower, m.value.toLowerCase(), id);
        push(this.upper, m.value.toUpperCase(), id);
        break;
      case "prefix":
        this.prefixes ??= newNode();
        trieInsert(this.prefixes, m.value, id);
        break;
      case "suffix":
        this.suffixes ??= newNode();
        trieInsert(this.suffixes, [...m.value].reverse().join(""), id);
        break;
      default:
        throw new Error(`not indexable: ${m.kind}`);
    }
  }

  /** Calls `hit` for every indexed condition `value` satisfies (possibly more than once). */
  lookup(value: EventValue, hit: (ids: readonly number[]) => void): void {
    const kind = value.kind;
    if (kind === "string") {
      const text = value.text;
      const exact = this.exact.get(`"${text}`);
      if (exact) hit(exact);
      if (this.exact.size > 0) {
        const ip = value.ipHex();
        if (ip !== undefined) {
          const ips = this.exact.get(`@${ip}`);
          if (ips) hit(ips);
        }
      }
      if (this.lower.size > 0) {
        const lower = this.lower.get(text.toLowerCase());
        if (lower) hit(lower);
        const upper = this.upper.get(text.toUpperCase());
        if (upper) hit(upper);
      }
      if (this.prefixes) {
        let node: TrieNode | undefined = this.prefixes;
        if (node.ids.length > 0) hit(node.ids);
        for (const ch of text) {
          node = node.next.get(ch);
          if (!node) break;
          if (node.ids.length > 0) hit(node.ids);
        }
      }
      if (this.suffixes) {
        let node: TrieNode | undefined = this.suffixes;
        if (node.ids.length > 0) hit(node.ids);
        const chars = [...text];
        for (let i = chars.length - 1; i >= 0; i--) {
          node = node.next.get(chars[i]!);
          if (!node) break;
          if (node.ids.length > 0) hit(node.ids);
        }
      }
    } else if (kind === "number") {
      const literal = this.exact.get(`#${value.text}`);
      if (literal) hit(literal);
      if (this.numeric.size > 0) {
        const n = value.number();
        const equal = n === undefined ? undefined : this.numeric.get(n);
        if (equal) hit(equal);
      }
    } else {
      const literal = this.exact.get(kind);
      if (literal) hit(literal);
    }
  }
}

const isExactIp = (m: Matcher) => m.kind === "ip-range" && m.lo === m.hi && m.lo.length > 0;

/** The hash keys an exact match expression answers to; undefined when it is not an exact value. */
function exactKeys(m: Matcher): string[] | undefined {
  switch (m.kind) {
    case "exact-string":
      return [`"${m.value}`];
    case "exact-number":
      return m.value === undefined ? [`#${m.literal}`] : [`#${m.literal}`, `=${m.value}`];
    case "exact-literal":
      return [m.value];
    case "ip-range":
      return isExactIp(m) ? [`@${m.lo}`] : undefined;
    default:
      return undefined;
  }
}

/** The keys an event value can be found under, matching `exactKeys`. */
function valueKeys(v: EventValue): string[] {
  switch (v.kind) {
    case "string": {
      const ip = v.ipHex();
      return ip === undefined ? [`"${v.text}`] : [`"${v.text}`, `@${ip}`];
    }
    case "number": {
      const n = v.number();
      return n === undefined ? [`#${v.text}`] : [`#${v.text}`, `=${n}`];
    }
    default:
      return [v.kind];
  }
}

function conditionKeys(c: Condition): string[] | undefined {
  if (c.absent) return undefined;
  const keys: string[] = [];
  for (const m of c.matchers) {
    const k = exactKeys(m);
    if (!k) return undefined;
    keys.push(...k);
  }
  return keys;
}

/** Pair anchors are skipped when the two value lists would multiply into more keys than this. */
const MAX_PAIR_KEYS = 64;
const SEP = "\u0000";

interface IndexedBranch<K> {
  key: K;
  order: number;
  branch: Branch;
}

/** Patterns under keys (e.g. rule names); `match` returns the keys whose pattern matches an event. */
export class RuleIndex<K> {
  private readonly patterns = new Map<K, CompiledPattern>();
  private built = false;
  private wanted = new Set<string>();
  private branches: IndexedBranch<K>[] = [];
  /** Single-condition anchors per path. */
  private singles = new Map<string, PathIndex>();
  /** Pair anchors: `pathA SEP pathB` → `keyA SEP keyB` → branch ids. */
  private pairs = new Map<string, { a: string; b: string; keys: Map<string, number[]> }>();
  /** Branches with no usable anchor: checked against every event. */
  private unanchored: number[] = [];
  private generation = 0;
  private seen: number[] = [];

  get size(): number {
    return this.patterns.size;
  }

  /** Adds a pattern, replacing any pattern already under `key`. */
  add(key: K, pattern: CompiledPattern): void {
    this.patterns.delete(key);
    this.patterns.set(key, pattern);
    this.built = false;
  }

  remove(key: K): void {
    if (this.patterns.delete(key)) this.built = false;
  }

  /** Keys of every pattern the event matches, in the order they were added. */
  match(event: string | object): K[] {
    if (!this.built) this.build();
    let flat: FlatEvent;
    try {
      flat = flattenEvent(eventTokens(event), this.wanted);
    } catch (e) {
      // Like matchesEventPattern: an event that is not a JSON object matches nothing.
      if (e instanceof NotAnObjectError || e instanceof PatternSyntaxError) return [];
      throw e;
    }
    return this.matchFlat(flat);
  }

  private matchFlat(event: FlatEvent): K[] {
    const gen = ++this.generation;
    const { seen, branches } = this;
    const candidates: number[] = [];
    const hit = (ids: readonly number[]) => {
      for (const id of ids) {
        if (seen[id] === gen) continue;
        seen[id] = gen;
        candidates.push(id);
      }
    };
    for (const [path, index] of this.singles) {
      const fields = event.get(path);
      if (fields) for (const field of fields) index.lookup(field.value, hit);
    }
    for (const { a, b, keys } of this.pairs.values()) {
      const fieldsA = event.get(a);
      const fieldsB = fieldsA && event.get(b);
      if (!fieldsA || !fieldsB) continue;
      for (const fa of fieldsA) {
        for (const ka of valueKeys(fa.value)) {
          for (const fb of fieldsB) {
            for (const kb of valueKeys(fb.value)) {
              const ids = keys.get(ka + SEP + kb);
              if (ids) hit(ids);
            }
          }
        }
      }
    }
    const matched = new Map<K, number>();
    const check = (b: number) => {
      const entry = branches[b]!;
      if (!matched.has(entry.key) && branchMatches(entry.branch, event)) matched.set(entry.key, entry.order);
    };
    for (const b of candidates) check(b);
    for (const b of this.unanchored) check(b);
    if (matched.size < 2) return [...matched.keys()];
    return [...matched.entries()].sort((x, y) => x[1] - y[1]).map(([key]) => key);
  }

  private build(): void {
    this.wanted = new Set();
    this.branches = [];
    this.singles = new Map();
    this.pairs = new Map();
    this.unanchored = [];
    this.seen = [];
    let order = 0;
    for (const [key, pattern] of this.patterns) {
      order++;
      for (const branch of pattern.branches) {
        this.branches.push({ key, order, branch });
        for (const c of branch.conditions) this.wanted.add(c.path);
      }
    }
    // How many branches share each (path, exact value): the fewer, the better the anchor.
    const fanout = new Map<string, number>();
    for (const { branch } of this.branches) {
      for (const c of branch.conditions) {
        for (const k of conditionKeys(c) ?? []) {
          const fk = c.path + SEP + k;
          fanout.set(fk, (fanout.get(fk) ?? 0) + 1);
        }
      }
    }
    const cost = (c: Condition, keys: readonly string[]) =>
      keys.reduce((sum, k) => sum + (fanout.get(c.path + SEP + k) ?? 0), 0);
    this.branches.forEach(({ branch }, id) => {
      const exact = branch.conditions
        .map((c) => ({ c, keys: conditionKeys(c) }))
        .filter((x): x is { c: Condition; keys: string[] } => x.keys !== undefined)
        .sort((x, y) => cost(x.c, x.keys) - cost(y.c, y.keys));
      const [first, second] = exact;
      if (first && second && first.keys.length * second.keys.length <= MAX_PAIR_KEYS) {
        const [a, b] = first.c.path < second.c.path ? [first, second] : [second, first];
        const pairKey = a.c.path + SEP + b.c.path;
        const pair = this.pairs.get(pairKey) ?? {
          a: a.c.path,
          b: b.c.path,
          keys: new Map<string, number[]>(),
        };
        this.pairs.set(pairKey, pair);
        for (const ka of a.keys) for (const kb of b.keys) push(pair.keys, ka + SEP + kb, id);
        return;
      }
      const anchor = first?.c ?? branch.conditions.find(isIndexable);
      if (!anchor) {
        this.unanchored.push(id);
        return;
      }
      const index = this.singles.get(anchor.path) ?? new PathIndex();
      this.singles.set(anchor.path, index);
      for (const m of anchor.matchers) index.add(m, id);
    });
    this.built = true;
  }
}
