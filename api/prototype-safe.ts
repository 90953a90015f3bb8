/**
 * Keys a user writes (config keys, resource names, logical IDs, variable paths, JSON members) must
 * never reach `Object.prototype`. On a plain object `obj["constructor"]` and `"toString" in obj`
 * answer from the prototype, and `obj["__proto__"] = v` replaces it, so a path through either
 * touches every object in the process. Hence: trees holding user keys are copied into
 * null-prototype objects (`ownTree`), maps keyed by user strings start from `dict()`, and a lookup
 * in an object of unknown origin reads own properties only (`own`, `hasOwn`).
 */

/** Path segments that lead to or through a prototype on an ordinary object. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** An empty object without a prototype: any string is an ordinary key of it, `__proto__` included. */
export function dict<T = unknown>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** `obj[key]` if `key` is the object's own property, else undefined. */
export function own<T extends object>(obj: T | null | undefined, key: string): T[keyof T] | undefined {
  return obj != null && Object.hasOwn(obj, key) ? obj[key as keyof T] : undefined;
}

/** `key in obj` without the prototype: true only for the object's own properties. */
export function hasOwn(obj: object | null | undefined, key: string): boolean {
  return obj != null && Object.hasOwn(obj, key);
}

/** A plain object (literal, JSON.parse, YAML) or one without a prototype; not a Date, Map, ... */
const isRecord = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype;
};

/**
 * A deep copy of JSON-like data in which every plain object is a null-prototype object (arrays stay
 * arrays, other values are shared). Iterative, so untrusted nesting cannot exhaust the stack; a
 * value reached twice (YAML aliases, cycles) is copied once and shared as in the source.
 */
export function ownTree<T>(value: T): T {
  const copies = new Map<object, unknown>();
  const pending: [source: object, copy: unknown][] = [];
  const copyOf = (v: unknown): unknown => {
    if (!Array.isArray(v) && !isRecord(v)) return v;
    let copy = copies.get(v);
    if (copy === undefined) {
      copy = Array.isArray(v) ? new Array(v.length) : dict();
      copies.set(v, copy);
      pending.push([v, copy]);
    }
    return copy;
  };
  const root = copyOf(value);
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [source, copy] = next;
    if (Array.isArray(source)) {
      const out = copy as unknown[];
      for (let i = 0; i < source.length; i++) out[i] = copyOf(source[i]);
    } else {
      const out = copy as Record<string, unknown>;
      for (const [k, item] of Object.entries(source)) out[k] = copyOf(item);
    }
  }
  return root as T;
}

/**
 * JSON data as JSON.parse makes it (ordinary objects whose keys, `__proto__` included, are own
 * properties): what a null-prototype tree becomes when it leaves the pure core, so that code
 * comparing it with stored data (`isDeepStrictEqual` compares prototypes) sees equal values.
 */
export function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
