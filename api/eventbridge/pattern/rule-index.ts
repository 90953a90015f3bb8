import type { CompiledPattern, Condition } from "./compile.js";
import { consistentMatch, type PathCondition } from "./match.js";
import { matcherAccepts } from "./matchers.js";
import { PathTrie } from "./paths.js";
import { EventFields, EventScanner } from "./scan.js";
import { eventText } from "./source.js";
import { type HitSink, isIndexable, PathIndex } from "./value-index.js";

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
 * No string is built or hashed per event beyond the values read (and their case folds where an
 * equals-ignore-case condition looks).
 */

interface IndexedCondition extends PathCondition {
  /** Decided by the path's value lookups (PathIndex) rather than evaluated. */
  readonly indexed: boolean;
  /** How many branches state it: the fewer, the better an anchor. */
  branches: number;
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

/**
 * Sorts the first `count` rule numbers in place. They arrive mostly in order (branches are filed in rule order), where
 * insertion sort is linear and Array#sort's comparator calls are not; long lists sort natively.
 */
function sortAscending(xs: number[], count: number): void {
  if (count > 64) {
    const sorted = Int32Array.from(xs.slice(0, count)).sort();
    for (let i = 0; i < count; i++) xs[i] = sorted[i]!;
    return;
  }
  for (let i = 1; i < count; i++) {
    const x = xs[i]!;
    let j = i - 1;
    while (j >= 0 && xs[j]! > x) {
      xs[j + 1] = xs[j]!;
      j--;
    }
    xs[j + 1] = x;
  }
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
  private readonly scanner = new EventScanner(this.fields);
  private gen = 0;
  private decided = new Int32Array(0);
  private evaluated = new Int32Array(0);
  private results = new Uint8Array(0);
  /** Per condition: 1 when decided by lookups (a typed copy of `indexed`, read per branch). */
  private indexedFlags = new Uint8Array(0);
  /**
   * Branches filed under their rarest decided condition (the anchor), grouped by their next rarest:
   * the groups of anchor c are groupStart[c] to groupStart[c + 1]; group g has second condition
   * groupSecond[g] (-1: none) and branches groupBranches[groupBranchStart[g]] up to the next.
   */
  private groupStart = new Int32Array(1);
  private groupSecond = new Int32Array(0);
  private groupBranchStart = new Int32Array(1);
  private groupBranches = new Int32Array(0);
  /** Decided conditions of the event that anchor branches (the first anchorsHitCount). */
  private anchorsHit: number[] = [];
  private anchorsHitCount = 0;
  private ruleMatched = new Int32Array(0);
  /** Rules the event matched (the first matchedCount). */
  private matchedRules: number[] = [];
  private matchedCount = 0;

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
    if (text === undefined || !this.scanner.scan(text, this.trie.root)) return [];
    const gen = this.nextGeneration();
    this.anchorsHitCount = 0;
    const { fields, probed, pathIndexes, decided } = this;
    const { next, values } = fields;
    for (let i = 0; i < probed.length; i++) {
      const path = probed[i]!;
      let v = fields.first(path);
      if (v < 0) continue;
      const index = pathIndexes[path]!;
      for (; v >= 0; v = next[v]!) index.lookup(values[v]!, this);
    }
    this.matchedCount = 0;
    const { groupStart, groupSecond, groupBranchStart, groupBranches, anchorsHit } = this;
    for (let h = 0; h < this.anchorsHitCount; h++) {
      const anchor = anchorsHit[h]!;
      for (let g = groupStart[anchor]!; g < groupStart[anchor + 1]!; g++) {
        const second = groupSecond[g]!;
        if (second >= 0 && decided[second] !== gen) continue;
        for (let b = groupBranchStart[g]!; b < groupBranchStart[g + 1]!; b++)
          this.consider(groupBranches[b]!, gen);
      }
    }
    const unanchored = this.unanchored;
    for (let i = 0; i < unanchored.length; i++) this.consider(unanchored[i]!, gen);
    const { keys, matchedRules: matched, matchedCount: count } = this;
    if (count > 1) sortAscending(matched, count);
    const out = new Array<K>(count);
    for (let i = 0; i < count; i++) out[i] = keys[matched[i]!]!;
    return out;
  }

  /** HitSink: conditions a value satisfies, decided for this event. */
  hit(ids: readonly number[]): void {
    const gen = this.gen;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (this.decided[id] === gen) continue;
      this.decided[id] = gen;
      if (this.groupStart[id + 1]! > this.groupStart[id]!) this.anchorsHit[this.anchorsHitCount++] = id;
    }
  }

  /** The stamp of a new event; stamps restart before they would overflow. */
  private nextGeneration(): number {
    if (this.gen === 0x7fffffff) {
      for (const stamps of [this.decided, this.evaluated, this.ruleMatched]) stamps.fill(0);
      this.gen = 0;
    }
    return ++this.gen;
  }

  private consider(b: number, gen: number): void {
    const rule = this.branchRules[b]!;
    if (this.ruleMatched[rule] === gen) return; // it matched through another branch
    if (!this.branchHolds(this.branchStart[b]!, this.branchStart[b + 1]!, gen)) return;
    this.ruleMatched[rule] = gen;
    this.matchedRules[this.matchedCount++] = rule;
  }

  /** Whether the branch whose condition ids are branchIds[start, end) holds. */
  private branchHolds(start: number, end: number, gen: number): boolean {
    const { conditions, fields, branchIds: ids, indexedFlags, decided } = this;
    // Conditions decided by lookups first: reading a stamp is cheaper than evaluating.
    for (let i = start; i < end; i++) {
      const id = ids[i]!;
      if (indexedFlags[id] === 1 && decided[id] !== gen) return false;
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
    const fields = this.fields;
    let v = fields.first(condition.path);
    let result = condition.absent && v < 0;
    const matchers = condition.matchers;
    outer: for (; v >= 0; v = fields.next[v]!) {
      const value = fields.values[v]!;
      for (let m = 0; m < matchers.length; m++) {
        if (matcherAccepts(matchers[m]!, value)) {
          result = true;
          break outer;
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
    const anchored = new Map<number, Map<number, number[]>>();
    const rarer = (x: number, y: number) => y < 0 || conditions[x]!.branches < conditions[y]!.branches;
    for (let b = 0; b < branchRules.length; b++) {
      // Filed under its rarest decided condition, grouped by the next rarest.
      let anchor = -1;
      let second = -1;
      for (let i = branchStart[b]!; i < branchStart[b + 1]!; i++) {
        const id = branchIds[i]!;
        if (!conditions[id]!.indexed || id === anchor || id === second) continue;
        if (rarer(id, anchor)) {
          second = anchor;
          anchor = id;
        } else if (rarer(id, second)) {
          second = id;
        }
      }
      if (anchor < 0) {
        unanchored.push(b);
        continue;
      }
      let groups = anchored.get(anchor);
      if (!groups) {
        groups = new Map();
        anchored.set(anchor, groups);
      }
      const group = groups.get(second);
      if (group) group.push(b);
      else groups.set(second, [b]);
    }
    const groupStart = new Int32Array(conditions.length + 1);
    const groupSecond: number[] = [];
    const groupBranchStart: number[] = [0];
    const groupBranches: number[] = [];
    for (let c = 0; c < conditions.length; c++) {
      groupStart[c] = groupSecond.length;
      for (const [second, branches] of anchored.get(c) ?? []) {
        groupSecond.push(second);
        for (const b of branches) groupBranches.push(b);
        groupBranchStart.push(groupBranches.length);
      }
    }
    groupStart[conditions.length] = groupSecond.length;
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
    this.indexedFlags = Uint8Array.from(conditions, (c) => (c.indexed ? 1 : 0));
    this.groupStart = groupStart;
    this.groupSecond = Int32Array.from(groupSecond);
    this.groupBranchStart = Int32Array.from(groupBranchStart);
    this.groupBranches = Int32Array.from(groupBranches);
    this.ruleMatched = new Int32Array(keys.length);
    this.gen = 0;
    this.built = true;
  }
}
