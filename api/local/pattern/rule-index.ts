import type { Branch, CompiledPattern, Condition } from "./compile.js";
import { type FlatEvent, flattenEvent, NotAnObjectError } from "./event.js";
import { branchMatches } from "./match.js";
import type { EventValue, Matcher } from "./matchers.js";
import { eventTokens } from "./source.js";
import { PatternSyntaxError } from "./tokens.js";

/**
 * Many patterns compiled into one index, so the cost of matching an event grows with what the
 * event hits, not with the number of rules (event-ruler's idea, without its byte automaton).
 *
 * Conditions whose every match expression is an exact value, prefix, suffix or equals-ignore-case
 * are "indexed": per path, hash maps and prefix/suffix tries map an event value straight to the
 * conditions it satisfies. A branch becomes a candidate once all its indexed conditions are hit;
 * only candidates (and the few branches with no indexed condition at all) are then checked in
 * full, with array consistency, numeric ranges, anything-but and exists.
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

const INDEXABLE = new Set<Matcher["kind"]>([
  "exact-string",
  "exact-number",
  "exact-literal",
  "equals-ignore-case",
  "prefix",
  "suffix",
]);

function isIndexable(c: Condition): boolean {
  return (
    !c.absent &&
    c.matchers.every(
      (m) => INDEXABLE.has(m.kind) || (m.kind === "ip-range" && m.lo === m.hi && m.lo.length > 0),
    )
  );
}

interface IndexedBranch<K> {
  key: K;
  order: number;
  branch: Branch;
  /** How many distinct indexed conditions must be hit before the branch is worth checking. */
  needed: number;
}

/** Patterns under keys (e.g. rule names); `match` returns the keys whose pattern matches an event. */
export class RuleIndex<K> {
  private readonly patterns = new Map<K, CompiledPattern>();
  private built = false;
  private paths = new Map<string, PathIndex>();
  private wanted = new Set<string>();
  private branches: IndexedBranch<K>[] = [];
  /** Indexed condition id → the branch it belongs to. */
  private conditionBranch: number[] = [];
  /** Branches with no indexed condition: checked against every event. */
  private unindexed: number[] = [];
  private generation = 0;
  private conditionSeen: number[] = [];
  private branchSeen: number[] = [];
  private branchHits: number[] = [];

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
    const candidates: number[] = [];
    const { conditionSeen, conditionBranch, branchSeen, branchHits, branches } = this;
    const hit = (ids: readonly number[]) => {
      for (const id of ids) {
        if (conditionSeen[id] === gen) continue;
        conditionSeen[id] = gen;
        const b = conditionBranch[id]!;
        if (branchSeen[b] !== gen) {
          branchSeen[b] = gen;
          branchHits[b] = 0;
        }
        branchHits[b] = (branchHits[b] ?? 0) + 1;
        if (branchHits[b] === branches[b]!.needed) candidates.push(b);
      }
    };
    for (const [path, fields] of event) {
      const index = this.paths.get(path);
      if (!index) continue;
      for (const field of fields) index.lookup(field.value, hit);
    }
    const matched = new Map<K, number>();
    const check = (b: number) => {
      const entry = branches[b]!;
      if (!matched.has(entry.key) && branchMatches(entry.branch, event)) matched.set(entry.key, entry.order);
    };
    for (const b of candidates) check(b);
    for (const b of this.unindexed) check(b);
    return [...matched.entries()].sort((a, b) => a[1] - b[1]).map(([key]) => key);
  }

  private build(): void {
    this.paths = new Map();
    this.wanted = new Set();
    this.branches = [];
    this.conditionBranch = [];
    this.unindexed = [];
    this.conditionSeen = [];
    this.branchSeen = [];
    this.branchHits = [];
    let order = 0;
    for (const [key, pattern] of this.patterns) {
      order++;
      for (const branch of pattern.branches) {
        const b = this.branches.length;
        let needed = 0;
        for (const condition of branch.conditions) {
          this.wanted.add(condition.path);
          if (!isIndexable(condition)) continue;
          const id = this.conditionBranch.length;
          this.conditionBranch.push(b);
          needed++;
          const index = this.paths.get(condition.path) ?? new PathIndex();
          this.paths.set(condition.path, index);
          for (const m of condition.matchers) index.add(m, id);
        }
        this.branches.push({ key, order, branch, needed });
        if (needed === 0) this.unindexed.push(b);
      }
    }
    this.built = true;
  }
}
