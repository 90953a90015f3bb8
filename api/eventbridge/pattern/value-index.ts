import type { Condition } from "./compile.js";
import type { EventValue, Matcher } from "./matchers.js";

/**
 * The value lookups of one field path: hash maps of exact values and tries of prefixes and
 * suffixes, which decide at once, for a value read from an event, every condition on the path made
 * only of exact values (strings, numbers, literals, IP addresses), prefixes, suffixes and
 * equals-ignore-case, however many there are.
 */

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
export interface HitSink {
  hit(ids: readonly number[]): void;
}

/** The value lookups of one path, deciding its conditions of exact values and affixes. */
export class PathIndex {
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

/** Whether the condition is decided by value lookups (an exists: false part never is). */
export function isIndexable(c: Condition): boolean {
  return !c.absent && c.matchers.every((m) => INDEXABLE.has(m.kind) || isExactIp(m));
}
