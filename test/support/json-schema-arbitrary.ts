/**
 * fast-check arbitraries from the JSON Schemas of an OpenAPI 3.1 document: values valid per a schema,
 * and values invalid per it (a valid value broken in one place). The generator only proposes; Ajv
 * (with formats) decides, so a value this module calls valid is valid per the document, whatever
 * shortcut the generator took. It knows the keywords the document uses and throws on any other, so a
 * schema feature added later is noticed here instead of silently generating too little.
 * (zod-fast-check needs zod 3 and json-schema-fast-check fast-check 1: neither fits, hence this.)
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import fc from "fast-check";

export type Schema = Record<string, any> | boolean;

/** Keywords that say nothing about which values are valid. */
const ANNOTATIONS = new Set([
  "description",
  "example",
  "examples",
  "default",
  "title",
  "deprecated",
  "readOnly",
  "writeOnly",
  "$comment",
]);
const KNOWN = new Set([
  ...ANNOTATIONS,
  "$ref",
  "type",
  "enum",
  "const",
  "allOf",
  "anyOf",
  "oneOf",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "items",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
]);
const FORMATS = new Set(["date-time"]);
const JSON_TYPES = ["null", "boolean", "integer", "number", "string", "array", "object"] as const;

// ajv-formats is CommonJS: its function is the default export, or that export's `default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => void;

/** Code points, as JSON Schema counts string lengths. */
export const codePoints = (s: string) => [...s].length;

const typeOf = (v: unknown): string =>
  v === null
    ? "null"
    : Array.isArray(v)
      ? "array"
      : typeof v === "number"
        ? Number.isInteger(v)
          ? "integer"
          : "number"
        : typeof v;

/** A JSON value of any type, small. */
export const anyJson = () => fc.jsonValue({ maxDepth: 2 });

export class SchemaArbitraries {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<Schema, ValidateFunction>();

  constructor(private readonly doc: any) {
    this.ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
    addFormats(this.ajv);
    // The document's components once, under an id its refs are rewritten to (compiling each schema
    // inside a copy of every component would walk them all each time).
    this.ajv.addSchema({ $id: DOC_ID, components: rewriteRefs(doc.components ?? {}) });
  }

  /** Whether `value` is valid per `schema` (refs into the document's components resolved). */
  validates(schema: Schema, value: unknown): boolean {
    let validate = this.validators.get(schema);
    if (!validate) {
      validate = this.ajv.compile(typeof schema === "boolean" ? schema : (rewriteRefs(schema) as object));
      this.validators.set(schema, validate);
    }
    return validate(value) as boolean;
  }

  /** Why `value` is not valid per `schema` (Ajv's words), for failure messages. */
  errorsOf(schema: Schema, value: unknown): string {
    this.validates(schema, value);
    return this.ajv.errorsText(this.validators.get(schema)?.errors);
  }

  /** Values valid per `schema`. */
  valid(schema: Schema): fc.Arbitrary<unknown> {
    return this.validRaw(schema, 0).filter(giveUp(schema, "valid", (v) => this.validates(schema, v)));
  }

  /** Values invalid per `schema`, or undefined when the schema accepts every JSON value. */
  invalid(schema: Schema): fc.Arbitrary<unknown> | undefined {
    const ways = this.invalidRaw(schema, 0);
    if (ways.length === 0) return undefined;
    return fc.oneof(...ways).filter(giveUp(schema, "invalid", (v) => !this.validates(schema, v)));
  }

  /** The schema a `$ref` names, with its own annotations dropped. */
  resolve(schema: Schema): Schema {
    let s = schema;
    for (let hops = 0; typeof s === "object" && typeof s.$ref === "string"; hops++) {
      const extra = Object.keys(s).filter((k) => k !== "$ref" && !ANNOTATIONS.has(k));
      if (extra.length > 0) throw new Error(`$ref beside ${extra.join(", ")} is not supported`);
      const ref: string = s.$ref;
      if (!ref.startsWith("#/") || hops > 32) throw new Error(`cannot resolve ${ref}`);
      s = ref
        .slice(2)
        .split("/")
        .reduce((node, part) => node?.[part.replaceAll("~1", "/").replaceAll("~0", "~")], this.doc);
      if (s === undefined) throw new Error(`${ref} names nothing`);
    }
    return s;
  }

  private check(schema: Schema): Record<string, unknown> | true {
    const s = this.resolve(schema);
    if (s === false) throw new Error("a schema that accepts nothing");
    if (s === true) return true;
    for (const key of Object.keys(s)) {
      if (!KNOWN.has(key) && !key.startsWith("x-")) {
        throw new Error(
          `the generator does not know the keyword "${key}" (in ${JSON.stringify(s).slice(0, 80)})`,
        );
      }
    }
    if (s.format !== undefined && !FORMATS.has(s.format)) {
      throw new Error(`the generator does not know the format "${s.format}"`);
    }
    if (Object.keys(s).every((k) => ANNOTATIONS.has(k))) return true;
    return s;
  }

  /** The types a schema allows (all when it names none). */
  private typesOf(s: Record<string, unknown>): string[] {
    if (Array.isArray(s.type)) return s.type as string[];
    if (typeof s.type === "string") return [s.type];
    if (s.properties || s.additionalProperties !== undefined || s.required || s.propertyNames)
      return ["object"];
    if (s.items || s.minItems !== undefined || s.maxItems !== undefined) return ["array"];
    if (s.pattern || s.minLength !== undefined || s.maxLength !== undefined || s.format) return ["string"];
    return [...JSON_TYPES];
  }

  private validRaw(schema: Schema, depth: number): fc.Arbitrary<unknown> {
    const s = this.check(schema);
    if (s === true) return anyJson();
    if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
    if ("const" in s) return fc.constant(s.const);
    const { allOf, anyOf, oneOf, ...rest } = s as Record<string, unknown>;
    if (Array.isArray(allOf)) {
      return this.validRaw(
        (allOf as Schema[]).reduce((a, b) => merge(a, this.resolve(b)), rest),
        depth,
      );
    }
    const branches = (anyOf ?? oneOf) as Schema[] | undefined;
    if (Array.isArray(branches)) {
      return fc.oneof(...branches.map((b) => this.validRaw(merge(rest, this.resolve(b)), depth)));
    }
    return fc.oneof(...this.typesOf(s).map((type) => this.validOfType(type, s, depth)));
  }

  private validOfType(type: string, s: Record<string, any>, depth: number): fc.Arbitrary<unknown> {
    switch (type) {
      case "null":
        return fc.constant(null);
      case "boolean":
        return fc.boolean();
      case "integer":
        return integers(s);
      case "number":
        return fc.oneof(
          integers(s),
          fc.double({
            noNaN: true,
            noDefaultInfinity: true,
            ...(s.minimum !== undefined ? { min: s.minimum } : {}),
            ...(s.maximum !== undefined ? { max: s.maximum } : {}),
          }),
        );
      case "string":
        return strings(s);
      case "array": {
        const min = s.minItems ?? 0;
        const max = Math.min(s.maxItems ?? min + 3, min + 3);
        const item = depth > 4 ? fc.constant(null) : this.validRaw(s.items ?? true, depth + 1);
        return s.uniqueItems
          ? fc.uniqueArray(item, { minLength: min, maxLength: max, selector: (v) => JSON.stringify(v) })
          : fc.array(item, { minLength: min, maxLength: max });
      }
      case "object":
        return this.objects(s, depth);
      default:
        throw new Error(`unknown type ${type}`);
    }
  }

  private objects(s: Record<string, any>, depth: number): fc.Arbitrary<unknown> {
    const properties = (s.properties ?? {}) as Record<string, Schema>;
    const required = new Set<string>(s.required ?? []);
    const known: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [name, schema] of Object.entries(properties)) known[name] = this.validRaw(schema, depth + 1);
    for (const name of required) known[name] ??= depth > 4 ? fc.constant(null) : anyJson();
    const base = fc.record(known, { requiredKeys: [...required] });
    const additional = s.additionalProperties ?? true;
    if (additional === false || depth > 4) return base;
    const keys = (
      s.propertyNames ? strings(this.resolve(s.propertyNames) as Record<string, any>) : fc.string()
    ).filter((k) => !Object.hasOwn(properties, k));
    const extra = fc.dictionary(keys, this.validRaw(additional, depth + 1), { maxKeys: 2 });
    return fc.tuple(base, extra).map(([b, e]) => ({ ...e, ...b }));
  }

  /** Arbitraries of values broken in one way each (not yet checked: `invalid` filters them). */
  private invalidRaw(schema: Schema, depth: number): fc.Arbitrary<unknown>[] {
    const s = this.check(schema) as Record<string, any> | true;
    if (s === true || depth > 3) return [];
    const ways: fc.Arbitrary<unknown>[] = [];
    const types = Array.isArray(s.enum) || "const" in s ? [] : this.typesOf(s);
    const others = [null, true, 0, 1.5, "x", [], {}].filter(
      (v) =>
        types.length > 0 &&
        !types.includes(typeOf(v)) &&
        !(typeOf(v) === "integer" && types.includes("number")),
    );
    if (others.length > 0) ways.push(fc.constantFrom(...others));
    if (Array.isArray(s.enum)) ways.push(fc.string().filter((v) => !(s.enum as unknown[]).includes(v)));
    const valid = () => this.validRaw(s, depth);
    const { allOf, anyOf, oneOf } = s as Record<string, unknown>;
    if (Array.isArray(oneOf) && oneOf.length > 1) {
      // Satisfying two branches at once breaks `oneOf`.
      const { oneOf: _, ...rest } = s as Record<string, unknown>;
      const both = [0, 1].reduce((a, i) => merge(a, this.resolve((oneOf as Schema[])[i]!)), rest as Schema);
      ways.push(this.validRaw(both, depth));
    }
    if (Array.isArray(allOf ?? anyOf ?? oneOf)) return ways;
    if (types.includes("string")) {
      if (s.maxLength !== undefined) {
        ways.push(
          valid().map((v) => (typeof v === "string" ? v + "a".repeat(s.maxLength - codePoints(v) + 1) : v)),
        );
      }
      if (s.minLength > 0)
        ways.push(
          valid().map((v) => (typeof v === "string" ? [...v].slice(0, s.minLength - 1).join("") : v)),
        );
      if (s.pattern) {
        const regex = new RegExp(s.pattern, "u");
        ways.push(fc.string({ unit: "binary", maxLength: 12 }).filter((v) => !regex.test(v)));
        ways.push(valid().chain((v) => fc.constantFrom(` ${v}`, `${v}\n`, `${v}\u0000`, `${v}/`)));
      }
      if (s.format === "date-time") {
        ways.push(
          fc.constantFrom(
            "2020-01-01",
            "2020-13-01T00:00:00Z",
            "2020-02-30T00:00:00Z",
            "2020-01-01T00:00Z",
            "2020-01-01T24:00:01Z",
            "2020-01-01T00:00:00",
            "2020-01-01T00:00:00+25:00",
            "yesterday",
          ),
        );
      }
    }
    if (types.includes("integer") || types.includes("number")) {
      if (s.minimum !== undefined) ways.push(fc.constant(s.minimum - 1));
      if (s.maximum !== undefined) ways.push(fc.constant(s.maximum + 1));
      if (!types.includes("number")) ways.push(integers(s).map((n) => (n as number) + 0.5));
      if (Number.isInteger(s.multipleOf) && s.multipleOf > 1)
        ways.push(integers(s).map((n) => (n === Number.MAX_SAFE_INTEGER ? n - 1 : n + 1)));
    }
    if (types.includes("array")) {
      const item = (s.items ?? true) as Schema;
      if (s.maxItems !== undefined) {
        ways.push(
          fc.array(this.validRaw(item, depth + 1), { minLength: s.maxItems + 1, maxLength: s.maxItems + 1 }),
        );
      }
      if (s.minItems > 0) ways.push(valid().map((v) => (Array.isArray(v) ? v.slice(0, s.minItems - 1) : v)));
      if (s.uniqueItems) ways.push(valid().map((v) => (Array.isArray(v) && v.length > 0 ? [...v, v[0]] : v)));
      const badItem = this.invalidRaw(item, depth + 1);
      if (badItem.length > 0) {
        ways.push(
          fc
            .tuple(valid(), fc.oneof(...badItem))
            .map(([v, bad]) =>
              Array.isArray(v) ? [...v.slice(0, Math.max(0, (s.maxItems ?? 2) - 1)), bad] : v,
            ),
        );
      }
    }
    if (types.includes("object")) {
      const properties = (s.properties ?? {}) as Record<string, Schema>;
      const withKey = (key: fc.Arbitrary<string>, value: fc.Arbitrary<unknown>) =>
        fc.tuple(valid(), key, value).map(([v, k, x]) => (isObject(v) ? { ...v, [k]: x } : v));
      for (const name of (s.required ?? []) as string[]) {
        ways.push(valid().map((v) => (isObject(v) ? withoutKey(v, name) : v)));
      }
      for (const [name, schema] of Object.entries(properties)) {
        const bad = this.invalidRaw(schema, depth + 1);
        if (bad.length > 0) ways.push(withKey(fc.constant(name), fc.oneof(...bad)));
      }
      const unknownKey = fc
        .string({ minLength: 1, maxLength: 12 })
        .filter((k) => !Object.hasOwn(properties, k));
      const additional = s.additionalProperties ?? true;
      if (additional === false) ways.push(withKey(unknownKey, anyJson()));
      else {
        const bad = this.invalidRaw(additional, depth + 1);
        const keys = s.propertyNames
          ? strings(this.resolve(s.propertyNames) as Record<string, any>)
          : unknownKey;
        if (bad.length > 0) ways.push(withKey(keys, fc.oneof(...bad)));
      }
      if (s.propertyNames) {
        const badKeys = this.invalidRaw(s.propertyNames, depth + 1);
        const value =
          additional === false || additional === true ? anyJson() : this.validRaw(additional, depth + 1);
        if (badKeys.length > 0) {
          ways.push(
            withKey(
              fc.oneof(...badKeys).filter((k): k is string => typeof k === "string"),
              value,
            ),
          );
        }
      }
    }
    return ways;
  }
}

/**
 * A filter that throws after many refusals in a row instead of looping for ever: a schema nothing
 * can satisfy (such as a pattern with a stray `/u`) is a finding, not a hang.
 */
function giveUp(schema: Schema, what: string, keep: (v: unknown) => boolean): (v: unknown) => boolean {
  let refused = 0;
  return (v) => {
    if (keep(v)) {
      refused = 0;
      return true;
    }
    if (++refused > 2_000) {
      throw new Error(`no ${what} value found in 2,000 tries for ${JSON.stringify(schema).slice(0, 300)}`);
    }
    return false;
  };
}

const DOC_ID = "https://switchyard.test/openapi.json";

/** A copy of a schema whose `#/...` refs point into the document added under DOC_ID. */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (typeof node !== "object" || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `${DOC_ID}${v}` : rewriteRefs(v),
    ]),
  );
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function withoutKey(v: Record<string, unknown>, name: string): Record<string, unknown> {
  const { [name]: _, ...rest } = v;
  return rest;
}

/** Two schemas as one (for `allOf`, and a branch of `anyOf`/`oneOf` with its siblings). */
function merge(a: Schema, b: Schema): Schema {
  if (a === true) return b;
  if (b === true) return a;
  if (a === false || b === false) return false;
  const out: Record<string, unknown> = { ...a, ...b };
  if (a.properties || b.properties) out.properties = { ...a.properties, ...b.properties };
  if (a.required || b.required) out.required = [...new Set([...(a.required ?? []), ...(b.required ?? [])])];
  return out;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Integers within the bounds, biased to the small ones and the bounds themselves. */
function integers(s: Record<string, any>): fc.Arbitrary<number> {
  const min = Math.ceil(
    Math.max(
      -MAX_SAFE,
      s.minimum ?? -MAX_SAFE,
      s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -MAX_SAFE,
    ),
  );
  const max = Math.floor(
    Math.min(
      MAX_SAFE,
      s.maximum ?? MAX_SAFE,
      s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : MAX_SAFE,
    ),
  );
  // Multiples of an integer step: the integers between the bounds divided by it, times it.
  if (Number.isInteger(s.multipleOf) && s.multipleOf > 0) {
    const step = s.multipleOf as number;
    return integers({ minimum: Math.ceil(min / step), maximum: Math.floor(max / step) }).map((k) => k * step);
  }
  const near = (from: number) => fc.integer({ min: 0, max: Math.min(100, max - min) }).map((d) => from + d);
  return fc.oneof(
    near(min >= 0 || min === -MAX_SAFE ? Math.max(min, 0) : min),
    fc.constantFrom(min, max),
    fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number),
  );
}

const stringArbitraries = new Map<string, fc.Arbitrary<string>>();

/** Strings per pattern, length bounds and format (checked again by Ajv); built once per such schema. */
function strings(s: Record<string, any>): fc.Arbitrary<string> {
  const key = JSON.stringify([s.pattern, s.minLength, s.maxLength, s.format]);
  let arbitrary = stringArbitraries.get(key);
  if (!arbitrary) {
    arbitrary = newStrings(s);
    stringArbitraries.set(key, arbitrary);
  }
  return arbitrary;
}

function newStrings(s: Record<string, any>): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = s.maxLength;
  const inLength = (v: string) => codePoints(v) >= min && (max === undefined || codePoints(v) <= max);
  const options: fc.Arbitrary<string>[] = [];
  if (s.format === "date-time") options.push(dateTimes());
  else if (s.pattern) {
    const regex = new RegExp(s.pattern, "u");
    options.push(fc.stringMatching(regex));
    // Unicode beyond what stringMatching draws, when the pattern lets enough of it through.
    if (admitsUnicode(regex)) {
      options.push(
        fc.string({ unit: "binary", minLength: min, maxLength: max ?? 20 }).filter((v) => regex.test(v)),
      );
    }
  } else {
    const bounded = (unit: "grapheme-ascii" | "binary" | "grapheme") =>
      fc.string({ unit, minLength: min, maxLength: Math.min(max ?? min + 20, min + 40) });
    options.push(bounded("grapheme-ascii"), bounded("binary"), bounded("grapheme"));
    if (max !== undefined && max > 40 && max <= 4096) {
      // The longest allowed, in characters that take two UTF-16 units each.
      options.push(fc.constant("😀".repeat(max)), fc.constant("a".repeat(max)));
    }
  }
  return fc.oneof(...options).filter(inLength);
}

const unicodeAdmitted = new Map<string, boolean>();

/** Whether random Unicode text often matches (a pattern of excluded characters, say). */
function admitsUnicode(regex: RegExp): boolean {
  let admits = unicodeAdmitted.get(regex.source);
  if (admits === undefined) {
    const sample = fc.sample(fc.string({ unit: "binary", minLength: 1, maxLength: 8 }), {
      numRuns: 40,
      seed: 7,
    });
    admits = sample.filter((v) => regex.test(v)).length >= 10;
    unicodeAdmitted.set(regex.source, admits);
  }
  return admits;
}

/** RFC 3339 date-times in their variety: offsets, fractions, lower-case separators. */
function dateTimes(): fc.Arbitrary<string> {
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return fc
    .record({
      date: fc.date({
        min: new Date("1970-01-01T00:00:00Z"),
        max: new Date("2100-01-01T00:00:00Z"),
        noInvalidDate: true,
      }),
      fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
      offset: fc.option(fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }), { nil: undefined }),
      t: fc.constantFrom("T", "t"),
      z: fc.constantFrom("Z", "z"),
    })
    .map(({ date, fraction, offset, t, z }) => {
      const local = new Date(date.getTime() + (offset ?? 0) * 60_000);
      const day = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
      const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
      const zone =
        offset === undefined
          ? z
          : `${offset < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
      return `${day}${t}${time}${fraction ? `.${fraction}` : ""}${zone}`;
    });
}
