import { EventValue, type ValueKind } from "./matchers.js";
import type { PathNode } from "./paths.js";

/**
 * Reads from an event's JSON text only the values some rule reads, as event-ruler does: a member
 * whose name leads nowhere in the path trie is skipped by its brackets and quotes, unread. Values
 * read are decoded and checked; what is skipped is only delimited, so the text must be JSON that
 * has been parsed once already (as every event reaching a bus has). An event that is not an object,
 * or text that ends early or breaks the structure where it is read, matches nothing.
 *
 * Each value remembers which element of which array of objects (or of arrays) it came from, so
 * conditions on one array of objects can be held to a single element (event-ruler's
 * ArrayMembership); elements that are plain values belong to no element of their own array.
 */

/** Pairs of (array id, element index) from the outermost array inward. */
export type Membership = readonly number[];

const NO_ARRAYS: Membership = [];

/**
 * The values of one event by interned path, reused from event to event: values are numbered in
 * the order read, and each path chains its own (`first(path)`, then `next[i]` until -1).
 */
export class EventFields {
  private gen = 0;
  private count = 0;
  private readonly stamps: number[] = [];
  private readonly heads: number[] = [];
  private readonly tails: number[] = [];
  private readonly inArrays: number[] = [];
  readonly next: number[] = [];
  readonly values: EventValue[] = [];
  readonly memberships: Membership[] = [];

  /** Starts a new event: everything recorded before is forgotten in O(1). */
  clear(): void {
    this.gen++;
    this.count = 0;
  }

  /** The number of the first value at a path, or -1 when the event has none there. */
  first(path: number): number {
    return this.stamps[path] === this.gen ? this.heads[path]! : -1;
  }

  /** Whether some value at `path` lies inside an array of objects or of arrays. */
  inArray(path: number): boolean {
    return this.inArrays[path] === this.gen;
  }

  add(path: number, kind: ValueKind, text: string, membership: Membership): void {
    const i = this.count++;
    const value = this.values[i];
    if (value) value.reset(kind, text);
    else this.values[i] = new EventValue(kind, text);
    this.memberships[i] = membership;
    this.next[i] = -1;
    if (this.stamps[path] === this.gen) {
      this.next[this.tails[path]!] = i;
    } else {
      this.stamps[path] = this.gen;
      this.heads[path] = i;
    }
    this.tails[path] = i;
    if (membership.length > 0) this.inArrays[path] = this.gen;
  }
}

/** Thrown (one shared instance, cheaply) when the text breaks off or is not JSON where it is read. */
const MALFORMED = new Error("malformed event text");

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Scans event texts for the paths of a trie into `out`; one instance serves every event of a
 * RuleIndex, so scanning allocates nothing but the values it reads.
 */
export class EventScanner {
  private readonly scanner: Scanner;

  constructor(readonly out: EventFields) {
    this.scanner = new Scanner(out);
  }

  /** Scans `src` (clearing `out` first). False when it is not a JSON object or is malformed where read. */
  scan(src: string, root: PathNode): boolean {
    this.out.clear();
    const scanner = this.scanner;
    scanner.start(src);
    try {
      scanner.skipWhitespace();
      if (src.charCodeAt(scanner.pos) !== 0x7b) return false;
      scanner.pos++;
      scanner.object(root, NO_ARRAYS);
      return true;
    } catch (e) {
      if (e === MALFORMED) return false;
      throw e;
    }
  }
}

/** Jackson's nesting limit, as the lexer's: deeper levels that are read make the event malformed. */
const MAX_DEPTH = 1000;

class Scanner {
  pos = 0;
  private src = "";
  private arrays = 0;
  private depth = 0;

  constructor(private readonly out: EventFields) {}

  start(src: string): void {
    this.src = src;
    this.pos = 0;
    this.arrays = 0;
    this.depth = 0;
  }

  /** The members of an object whose `{` is consumed, up to and including its `}`. */
  object(node: PathNode, membership: Membership): void {
    const src = this.src;
    if (++this.depth > MAX_DEPTH) throw MALFORMED;
    this.skipWhitespace();
    if (src.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      this.depth--;
      return;
    }
    for (;;) {
      if (src.charCodeAt(this.pos) !== 0x22) throw MALFORMED;
      const start = this.pos + 1;
      let end = start;
      let escaped = false;
      for (;;) {
        const c = src.charCodeAt(end);
        if (c === 0x22) break;
        if (c === 0x5c) {
          escaped = true;
          end += 2;
        } else if (Number.isNaN(c)) {
          throw MALFORMED;
        } else {
          end++;
        }
      }
      const child = escaped ? node.child(decodeString(src, start, end)) : node.childAt(src, start, end);
      this.pos = end + 1;
      this.skipWhitespace();
      if (src.charCodeAt(this.pos) !== 0x3a) throw MALFORMED;
      this.pos++;
      this.skipWhitespace();
      if (child === undefined) this.skipValue();
      else this.value(child, membership);
      this.skipWhitespace();
      const c = src.charCodeAt(this.pos++);
      if (c === 0x7d) {
        this.depth--;
        return;
      }
      if (c !== 0x2c) throw MALFORMED;
      this.skipWhitespace();
    }
  }

  private value(node: PathNode, membership: Membership): void {
    const c = this.src.charCodeAt(this.pos);
    if (c === 0x7b) {
      this.pos++;
      if (node.hasChildren) this.object(node, membership);
      else this.skipContainer();
    } else if (c === 0x5b) {
      this.pos++;
      this.array(node, membership);
    } else if (node.id >= 0) {
      this.scalar(node.id, c, membership);
    } else {
      this.skipScalar();
    }
  }

  /** The elements of an array whose `[` is consumed, up to and including its `]`. */
  private array(node: PathNode, membership: Membership): void {
    const src = this.src;
    const id = this.arrays++;
    if (++this.depth > MAX_DEPTH) throw MALFORMED;
    this.skipWhitespace();
    if (src.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      this.depth--;
      return;
    }
    for (let index = 0; ; index++) {
      const c = src.charCodeAt(this.pos);
      if (c === 0x7b || c === 0x5b) {
        this.value(node, [...membership, id, index]);
      } else if (node.id >= 0) {
        this.scalar(node.id, c, membership);
      } else {
        this.skipScalar();
      }
      this.skipWhitespace();
      const next = src.charCodeAt(this.pos++);
      if (next === 0x5d) {
        this.depth--;
        return;
      }
      if (next !== 0x2c) throw MALFORMED;
      this.skipWhitespace();
    }
  }

  /** Records the string, number or literal starting with `c` at pos as a value at `path`. */
  private scalar(path: number, c: number, membership: Membership): void {
    const src = this.src;
    const start = this.pos;
    if (c === 0x22) {
      let end = start + 1;
      let escaped = false;
      for (;;) {
        const d = src.charCodeAt(end);
        if (d === 0x22) break;
        if (d < 0x20 || Number.isNaN(d)) throw MALFORMED;
        if (d === 0x5c) {
          escaped = true;
          end += 2;
        } else {
          end++;
        }
      }
      this.pos = end + 1;
      const text = escaped ? decodeString(src, start + 1, end) : src.slice(start + 1, end);
      this.out.add(path, "string", text, membership);
      return;
    }
    this.skipScalar();
    const text = src.slice(start, this.pos);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      if (!NUMBER.test(text)) throw MALFORMED;
      this.out.add(path, "number", text, membership);
    } else if (text === "true" || text === "false" || text === "null") {
      this.out.add(path, text, text, membership);
    } else {
      throw MALFORMED;
    }
  }

  /** Past any value, reading nothing but its extent. */
  private skipValue(): void {
    const c = this.src.charCodeAt(this.pos);
    if (c === 0x22) this.pos = this.stringEnd(this.pos + 1);
    else if (c === 0x7b || c === 0x5b) {
      this.pos++;
      this.skipContainer();
    } else this.skipScalar();
  }

  /** Past the close of the container whose opening bracket is consumed. */
  private skipContainer(): void {
    const src = this.src;
    let pos = this.pos;
    for (let depth = 1; ; ) {
      const c = src.charCodeAt(pos);
      if (c === 0x22) {
        pos = this.stringEnd(pos + 1);
        continue;
      }
      pos++;
      if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) break;
      } else if (Number.isNaN(c)) throw MALFORMED;
    }
    this.pos = pos;
  }

  /** Just past the closing quote of the string whose opening quote precedes `from`. */
  private stringEnd(from: number): number {
    const src = this.src;
    for (let at = from; ; ) {
      const quote = src.indexOf('"', at);
      if (quote < 0) throw MALFORMED;
      let slashes = 0;
      while (src.charCodeAt(quote - 1 - slashes) === 0x5c) slashes++;
      if (slashes % 2 === 0) return quote + 1;
      at = quote + 1;
    }
  }

  private skipScalar(): void {
    const src = this.src;
    let pos = this.pos;
    for (;;) {
      const c = src.charCodeAt(pos);
      if (c === 0x2c || c === 0x7d || c === 0x5d || c <= 0x20 || Number.isNaN(c)) break;
      pos++;
    }
    if (pos === this.pos) throw MALFORMED;
    this.pos = pos;
  }

  /** Past any whitespace (compact JSON, the common case, returns at once). */
  skipWhitespace(): void {
    if (this.src.charCodeAt(this.pos) > 0x20) return;
    this.skipWhitespaceRun();
  }

  private skipWhitespaceRun(): void {
    const src = this.src;
    let pos = this.pos;
    for (;;) {
      const c = src.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
    this.pos = pos;
  }
}

const ESCAPES: Record<number, string> = {
  34: '"',
  92: "\\",
  47: "/",
  98: "\b",
  102: "\f",
  110: "\n",
  114: "\r",
  116: "\t",
};

/** The content of a JSON string between `start` and its closing quote at `end`, escapes decoded. */
function decodeString(src: string, start: number, end: number): string {
  let out = "";
  let chunk = start;
  for (let i = start; i < end; ) {
    const c = src.charCodeAt(i);
    if (c < 0x20) throw MALFORMED;
    if (c !== 0x5c) {
      i++;
      continue;
    }
    out += src.slice(chunk, i);
    const e = src.charCodeAt(i + 1);
    if (e === 0x75) {
      const hex = src.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw MALFORMED;
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 6;
    } else {
      const plain = ESCAPES[e];
      if (plain === undefined) throw MALFORMED;
      out += plain;
      i += 2;
    }
    chunk = i;
  }
  return out + src.slice(chunk, end);
}
