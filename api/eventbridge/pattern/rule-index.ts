import type { CompiledPattern, Condition } from "./compile.js";
import { consistentMatch, type PathCondition } from "./match.js";
import { type EventValue, type Matcher, matcherAccepts } from "./matchers.js";
import { PathTrie } from "./paths.js";
import { EventFields, scanEvent } from "./scan.js";
import { eventText } from "./source.js";

/**
 * Many patterns compiled into one index, so the cost of matching an event grows with what the
 * event hits, not with the number of rules (event-ruler's idea, without its byte automaton).
 *
 * When rules are added, every field path is interned as a number (PathTrie) and every distinct
 * condition (path, match expressions) as another, shared by all the `$or` branches that state it.
 * Matching an event then:
 * 1. scans its JSON text for the paths some rule reads, skipping everything else unread;
 * 2. looks each value read up in its path's hash maps and prefix/suffix tries, which decides at
 *    once every condition made of exact values, prefixes, suffixes or equals-ignore-case;
 * 3. checks only the branches anchored on a condition so decided (each branch is filed under its
 *    condition that the fewest branches share), plus those with no such condition; the remaining
 *    conditions (numeric ranges, anything-but, wildcards, exists, ...) are evaluated at most once
 *    per event whatever the number of branches stating them;
 * 4. holds conditions on two or more paths inside arrays of objects to one element of each array.
 * No string is built or hashed per event beyond the values read.
 */

interface IndexedCondition extends PathCondition {
  /** Decided by the path's value lookups (PathIndex) rather than evaluated. */
  readonly indexed: boolean;
  /** How many branches state it: the fewer, the better an anchor. */
  branches: number;
  /** Branches filed under it: they are checked when it holds. */
  anchors: number[] | undefined;
}

interface TrieNode {
  ids: number[];
  next: Map<number, TrieNode>;
}

const newNode = (): TrieNode => ({ ids: [], next: new Map() });

function push<K>(map: Map<K, number[]>, key: K, id: number): void {
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== id) list.push(id);
  } else {
    map.set(key, [id]);
  }
}

/** Receives the conditions a value satisfies. */
interface HitSink {
  hit(ids: readonly number[]): void;
}

/** The value lookups of one path, deciding its conditions of exact values and affixes. */
class PathIndex {
  private readonly strings = new Map<string, number[]>();
  private readonly literals = new Map<string, number[]>();
  private readonly numbers = new Map<number, number[]>();
  private readonly ips = new Map<string, number[]>();
  private readonly lower = new Map<string, number[]>();
  private readonly upper = new Map<string, number[]>();
  private prefixes: TrieNode | undefined;
  private suffixes: TrieNode | undefined;

  add(m: Matcher, id: number): void {
    switch (m.kind) {
      case "exact-string":
        push(this.strings, m.value, id);
        break;
      case "exact-number":
        push(this.literals, m.literal, id);
        if (m.value !== undefined) push(this.numbers, m.value, id);
        break;
      case "exact-literal":
        push(this.literals, m.value, id);
        break;
      case "ip-range":
        push(this.ips, m.lo, id);
        break;
      case "equals-ignore-case":
        push(this.lower, m.value.toLowerCase(), id);
        push(this.upper, m.value.toUpperCase(), id);
        break;
      case "prefix":
        this.prefixes ??= newNode();
        trieInsert(this.prefixes, m.value, id, false);
        break;
      case "suffix":
        this.suffixes ??= newNode();
        trieInsert(this.suffixes, m.value, id, true);
        break;
      default:
        throw new Error(`not indexable: ${m.kind}`);
    }
  }

  /** Calls `sink.hit` for the conditions `value` satisfies (possibly more than once each). */
  lookup(value: EventValue, sink: HitSink): void {
    const kind = value.kind;
    if (kind === "string") {
      const text = value.text;
      const exact = this.strings.get(text);
      if (exact) sink.hit(exact);
      if (this.ips.size > 0) {
        const ip = value.ipHex();
        const ips = ip === undefined ? undefined : this.ips.get(ip);
        if (ips) sink.hit(ips);
      }
      if (this.lower.size > 0) {
        const lower = this.lower.get(text.toLowerCase());
        if (lower) sink.hit(lower);
        const upper = this.upper.get(text.toUpperCase());
        if (upper) sink.hit(upper);
      }
      if (this.prefixes) {
        let node: TrieNode | undefined = this.prefixes;
        if (node.ids.length > 0) sink.hit(node.ids);
        for (let i = 0; i < text.length; i++) {
          node = node.next.get(text.charCodeAt(i));
          if (!node) break;
          if (node.ids.length > 0) sink.hit(node.ids);
        }
      }
      if (this.suffixes) {
        let node: TrieNode | undefined = this.suffixes;
        if (node.ids.length > 0) sink.hit(node.ids);
        for (let i = text.length - 1; i >= 0; i--) {
          node = node.next.get(text.charCodeAt(i));
          if (!node) break;
          if (node.ids.length > 0) sink.hit(node.ids);
        }
      }
    } else if (kind === "number") {
      const literal = this.literals.get(value.text);
      if (literal) sink.hit(literal);
      if (this.numbers.size > 0) {
        const n = value.number();
        const equal = n === undefined ? undefined : this.numbers.get(n);
        if (equal) sink.hit(equal);
      }
    } else {
      const literal = this.literals.get(kind);
      if (literal) sink.hit(literal);
    }
  }
}

function trieInsert(root: TrieNode, text: string, id: number, reversed: boolean): void {
  let node = root;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(reversed ? text.length - 1 - k : k);
    let child = node.next.get(c);
    if (!child) {
      child = newNode();
      node.next.set(c, child);
    }
    node = child;
  }
  if (node.ids[node.ids.length - 1] !== id) node.ids.push(id);
}

const INDEXABLE = new Set<Matcher["kind"]>([
  "exact-string",
  "exact-number",
  "exact-literal",
  "equals-ignore-case",
  "prefix",
  "suffix",
]);

const isExactIp = (m: Matcher) => m.kind === "ip-range" && m.lo === m.hi && m.lo.length > 0;

function isIndexable(c: Condition): boolean {
  return !c.absent && c.matchers.every((m) => INDEXABLE.has(m.kind) || isExactIp(m));
}

/**
 * A text that is equal for two conditions exactly when they read the same path the same way
 * (every part length-prefixed, so no value can imitate a separator).
 */
function conditionKey(path: number, c: Condition): string {
  let key = c.absent ? `${path}!` : `${path}`;
  for (const m of c.matchers) {
    switch (m.kind) {
      case "exact-string":
      case "prefix":
      case "suffix":
      case "equals-ignore-case":
        key += `|${m.kind}${m.value.length}:${m.value}`;
        break;
      case "exact-number":
        key += `|#${m.literal}`;
        break;
      case "exact-literal":
        key += `|${m.value}`;
        break;
      case "numeric":
        key += `|${m.loOpen ? "(" : "["}${m.lo},${m.hi}${m.hiOpen ? ")" : "]"}`;
        break;
      case "wildcard": {
        key += `|*${m.source.length}:${m.source}`;
        break;
      }
      case "anything-but-strings":
      case "anything-but-numbers":
        key += `|${m.kind}${JSON.stringify([...m.values].sort())}`;
        break;
      default:
        key += `|${JSON.stringify(m)}`;
    }
  }
  return key;
}

/** Patterns under keys (e.g. rule names); `match` returns the keys whose pattern matches an event. */
export class RuleIndex<K> implements HitSink {
  private readonly patterns = new Map<K, CompiledPattern>();
  private built = false;
  private trie = new PathTrie();
  private keys: K[] = [];
  private conditions: IndexedCondition[] = [];
  /** Per branch: its rule, and its condition ids in path order (branchIds[branchStart[b] ...]). */
  private branchRules = new Int32Array(0);
  private branchStart = new Int32Array(1);
  private branchIds = new Int32Array(0);
  private pathIndexes: PathIndex[] = [];
  /** Paths with a PathIndex, probed for every event. */
  private probed: number[] = [];
  /** Branches with no decided condition: checked against every event. */
  private unanchored: number[] = [];
  // Per-event state, stamped with the event's generation instead of cleared.
  private readonly fields = new EventFields();
  private gen = 0;
  private decided = new Int32Array(0);
  private evaluated = new Int32Array(0);
  private results = new Uint8Array(0);
  private queued = new Int32Array(0);
  private ruleMatched = new Int32Array(0);
  private matchedRules: number[] = [];
  private candidates: number[] = [];

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

  /**
   * Keys of every pattern the event matches, in the order they were added. The event is JSON text
   * (read only where some rule looks, so it must have been parsed as JSON once: every event a bus
   * receives has) or an object; one that is not a JSON object matches nothing.
   */
  match(event: string | object): K[] {
    if (!this.built) this.build();
    const text = eventText(event);
    if (text === undefined || !scanEvent(text, this.trie.root, this.fields)) return [];
    const gen = this.nextGeneration();
    const candidates = this.candidates;
    candidates.length = 0;
    const { fields, probed, pathIndexes } = this;
    for (let i = 0; i < probed.length; i++) {
      const path = probed[i]!;
      const values = fields.at(path);
      if (values === undefined) continue;
      const index = pathIndexes[path]!;
      for (let v = 0; v < values.length; v++) index.lookup(values[v]!.value, this);
    }
    const matched = this.matchedRules;
    matched.length = 0;
    for (let i = 0; i < candidates.length; i++) this.consider(candidates[i]!, gen);
    const unanchored = this.unanchored;
    for (let i = 0; i < unanchored.length; i++) this.consider(unanchored[i]!, gen);
    if (matched.length > 1) matched.sort((a, b) => a - b);
    const keys = this.keys;
    return matched.map((rule) => keys[rule]!);
  }

  /** HitSink: conditions a value satisfies; each queues the branches filed under it, once. */
  hit(ids: readonly number[]): void {
    const gen = this.gen;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (this.decided[id] === gen) continue;
      this.decided[id] = gen;
      const anchors = this.conditions[id]!.anchors;
      if (anchors === undefined) continue;
      for (let a = 0; a < anchors.length; a++) {
        const b = anchors[a]!;
        if (this.queued[b] === gen) continue;
        this.queued[b] = gen;
        this.candidates.push(b);
      }
    }
  }

  /** The stamp of a new event; stamps restart before they would overflow. */
  private nextGeneration(): number {
    if (this.gen === 0x7fffffff) {
      for (const stamps of [this.decided, this.evaluated, this.queued, this.ruleMatched]) stamps.fill(0);
      this.gen = 0;
    }
    return ++this.gen;
  }

  private consider(b: number, gen: number): void {
    const rule = this.branchRules[b]!;
    if (this.ruleMatched[rule] === gen) return; // it matched through another branch
    if (!this.branchHolds(this.branchStart[b]!, this.branchStart[b + 1]!, gen)) return;
    this.ruleMatched[rule] = gen;
    this.matchedRules.push(rule);
  }

  /** Whether the branch whose condition ids are branchIds[start, end) holds. */
  private branchHolds(start: number, end: number, gen: number): boolean {
    const { conditions, fields, branchIds: ids } = this;
    // Conditions decided by lookups first: reading a stamp is cheaper than evaluating.
    for (let i = start; i < end; i++) {
      const id = ids[i]!;
      if (conditions[id]!.indexed && this.decided[id] !== gen) return false;
    }
    let inArrays = 0;
    let deferred = false;
    for (let i = start; i < end; i++) {
      const id = ids[i]!;
      const condition = conditions[id]!;
      if (fields.inArray(condition.path)) {
        inArrays++;
        // `exists: false` may still hold on an element that lacks the field: only the
        // array-consistent walk can tell.
        if (condition.absent) {
          deferred = true;
          continue;
        }
      }
      if (!condition.indexed && !this.holds(id, condition, gen)) return false;
    }
    // Each condition holds on its own; with values inside arrays of objects at two or more of its
    // paths, they must also hold on one element of each array.
    if (inArrays < 2 && !deferred) return true;
    const ordered: PathCondition[] = [];
    for (let i = start; i < end; i++) ordered.push(conditions[ids[i]!]!);
    return consistentMatch(ordered, fields);
  }

  /** Whether a condition not decided by lookups holds, evaluated once per event. */
  private holds(id: number, condition: IndexedCondition, gen: number): boolean {
    if (this.evaluated[id] === gen) return this.results[id] === 1;
    const values = this.fields.at(condition.path);
    let result = condition.absent && values === undefined;
    if (values !== undefined) {
      const matchers = condition.matchers;
      outer: for (let v = 0; v < values.length; v++) {
        const value = values[v]!.value;
        for (let m = 0; m < matchers.length; m++) {
          if (matcherAccepts(matchers[m]!, value)) {
            result = true;
            break outer;
          }
        }
      }
    }
    this.evaluated[id] = gen;
    this.results[id] = result ? 1 : 0;
    return result;
  }

  private build(): void {
    const trie = new PathTrie();
    const conditions: IndexedCondition[] = [];
    const conditionIds = new Map<string, number>();
    const branchRules: number[] = [];
    const branchStart: number[] = [0];
    const branchIds: number[] = [];
    const keys: K[] = [];
    for (const [key, pattern] of this.patterns) {
      const rule = keys.length;
      keys.push(key);
      for (const branch of pattern.branches) {
        for (const c of branch.conditions) {
          const path = trie.intern(c.path);
          const signature = conditionKey(path, c);
          let id = conditionIds.get(signature);
          if (id === undefined) {
            id = conditions.length;
            conditionIds.set(signature, id);
            const indexed = isIndexable(c);
            conditions.push({
              path,
              matchers: c.matchers,
              absent: c.absent,
              indexed,
              branches: 0,
              anchors: undefined,
            });
          }
          conditions[id]!.branches++;
          branchIds.push(id);
        }
        branchRules.push(rule);
        branchStart.push(branchIds.length);
      }
    }
    const unanchored: number[] = [];
    for (let b = 0; b < branchRules.length; b++) {
      let anchor: IndexedCondition | undefined;
      for (let i = branchStart[b]!; i < branchStart[b + 1]!; i++) {
        const c = conditions[branchIds[i]!]!;
        if (c.indexed && (!anchor || c.branches < anchor.branches)) anchor = c;
      }
      if (!anchor) unanchored.push(b);
      else (anchor.anchors ??= []).push(b);
    }
    const pathIndexes: PathIndex[] = [];
    const probed: number[] = [];
    conditions.forEach((c, id) => {
      if (!c.indexed) return;
      let index = pathIndexes[c.path];
      if (!index) {
        index = new PathIndex();
        pathIndexes[c.path] = index;
        probed.push(c.path);
      }
      for (const m of c.matchers) index.add(m, id);
    });
    Object.assign(this, { trie, keys, conditions, pathIndexes, probed, unanchored });
    this.branchRules = Int32Array.from(branchRules);
    this.branchStart = Int32Array.from(branchStart);
    this.branchIds = Int32Array.from(branchIds);
    this.decided = new Int32Array(conditions.length);
    this.evaluated = new Int32Array(conditions.length);
    this.results = new Uint8Array(conditions.length);
    this.queued = new Int32Array(branchRules.length);
    this.ruleMatched = new Int32Array(keys.length);
    this.gen = 0;
    this.built = true;
  }
}
