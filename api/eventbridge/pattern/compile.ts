import { ipHex, parseCidr } from "./ip.js";
import { fold, type Matcher } from "./matchers.js";
import { comparableNumber } from "./numbers.js";
import { fail, type TokenKind, type TokenSource } from "./tokens.js";
import { parseWildcard, type Wildcard, wildcardComplexity } from "./wildcard.js";

/**
 * Validates and compiles an event pattern token by token, in the order and with the messages of
 * event-ruler's JsonRuleCompiler, so the first problem reported is the one EventBridge reports.
 * `$or` is expanded into branches (disjunctive normal form), each a set of field conditions, after
 * the whole pattern is validated and its number of combinations is known to be within the limit.
 */

/** Everything a pattern says about one flattened field path (e.g. `detail.state`). */
export interface Condition {
  readonly path: string;
  /** ORed match expressions; an event value at `path` satisfying any of them satisfies this. */
  readonly matchers: readonly Matcher[];
  /** `{"exists": false}` was among them: the field being absent also satisfies this. */
  readonly absent: boolean;
}

/** One `$or` alternative: all conditions must hold, sorted by path (event-ruler's order). */
export interface Branch {
  readonly conditions: readonly Condition[];
}

/** A validated pattern. Matches when any branch matches. */
export interface CompiledPattern {
  readonly branches: readonly Branch[];
}

const OR = "$or";
const RESERVED_IN_OR = new Set([
  "exactly",
  "equals-ignore-case",
  "prefix",
  "suffix",
  "anything-but",
  "exists",
  "wildcard",
  "numeric",
  "cidr",
  "html",
  "=",
  "<",
  "<=",
  ">",
  ">=",
  "regex",
  "not-wildcard",
  "not-equals-ignore-case",
  "date-after",
  "date-on-or-after",
  "date-before",
  "date-on-or-before",
  "in-date-range",
  "ip-address-in-range",
  "ip-address-not-in-range",
]);

/**
 * AWS rejects a rule whose wildcards keep this many states alive at once. The threshold is not
 * published: AWS accepts patterns scoring 7 and 9 (three `*:stack/<name>/*` in one field) and
 * rejects 11 (`*:*:*:*:*:event-bus/*`) and 12, so 10 is the smallest limit consistent with all of them.
 */
export const MAX_WILDCARD_COMPLEXITY = 10;
const TOO_COMPLEX =
  "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character";

/**
 * How far `$or` may expand one pattern: into at most this many combinations (DNF branches), with
 * at most MAX_OR_CONDITIONS field conditions over all of them. EventBridge publishes no such limit;
 * these bound the work of a 4,096-character pattern (18 sibling `$or`s would be 262,144 branches)
 * and leave room for any pattern a person writes. Both are counted on the parsed pattern before
 * anything is expanded, so refusing costs no more than parsing.
 */
export const MAX_OR_COMBINATIONS = 1024;
export const MAX_OR_CONDITIONS = 16_384;

interface FieldValues {
  matchers: Matcher[];
  absent: boolean;
}

/**
 * A parsed pattern before `$or` expansion: fields and `$or`s in the order written, since a path
 * given twice keeps the value written last, across `$or` alternatives too (event-ruler's order).
 */
type Item = { kind: "field"; path: string; values: FieldValues } | { kind: "or"; alternatives: Item[][] };
type Rule = Map<string, FieldValues>;

const isNumber = (t: TokenKind | null) => t === "number";

export function compilePattern(source: TokenSource): CompiledPattern {
  if (source.next() !== "{") fail(source, "Filter is not an object");
  const items: Item[] = [];
  parseObject(source, items, [], false);
  const size = expandedSize(items);
  if (size.branches > MAX_OR_COMBINATIONS || size.conditions > MAX_OR_CONDITIONS) fail(source, TOO_COMPLEX);
  const branches = expand(items, [new Map()]).map((rule) => ({
    conditions: [...rule.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([path, v]) => ({ path, matchers: v.matchers, absent: v.absent })),
  }));
  if (wildcardComplexityOf(branches) >= MAX_WILDCARD_COMPLEXITY) fail(source, TOO_COMPLEX);
  return { branches };
}

/**
 * How many branches `items` expand into and how many conditions those hold in all (an upper
 * bound: a path set twice counts twice), in one pass over the items; it saturates at Infinity.
 */
function expandedSize(items: readonly Item[]): { branches: number; conditions: number } {
  let branches = 1;
  let conditions = 0;
  for (const item of items) {
    if (item.kind === "field") {
      conditions += branches;
      continue;
    }
    let altBranches = 0;
    let altConditions = 0;
    for (const alternative of item.alternatives) {
      const size = expandedSize(alternative);
      altBranches += size.branches;
      altConditions += size.conditions;
    }
    // Every current branch is copied once per alternative branch, and gains that branch's conditions.
    conditions = conditions * altBranches + branches * altConditions;
    branches *= altBranches;
  }
  return { branches, conditions };
}

/** Applies `items` to every rule: a field sets its path, an `$or` forks each rule per alternative. */
function expand(items: readonly Item[], rules: Rule[]): Rule[] {
  let current = rules;
  for (const item of items) {
    if (item.kind === "field") {
      for (const rule of current) rule.set(item.path, item.values);
      continue;
    }
    const next: Rule[] = [];
    for (const alternative of item.alternatives) {
      for (const rule of expand(
        alternative,
        current.map((r) => new Map(r)),
      ))
        next.push(rule);
    }
    current = next;
  }
  return current;
}

function wildcardComplexityOf(branches: readonly Branch[]): number {
  const byPath = new Map<string, Map<string, Wildcard>>();
  for (const b of branches) {
    for (const c of b.conditions) {
      for (const m of c.matchers) {
        if (m.kind !== "wildcard") continue;
        const forPath = byPath.get(c.path) ?? new Map<string, Wildcard>();
        byPath.set(c.path, forPath);
        forPath.set(m.source, m.value);
      }
    }
  }
  let max = 0;
  for (const patterns of byPath.values()) {
    max = Math.max(max, wildcardComplexity([...patterns.values()], MAX_WILDCARD_COMPLEXITY));
  }
  return max;
}

function parseObject(source: TokenSource, items: Item[], path: string[], insideOr: boolean): void {
  let fieldsPresent = false;
  while (source.next() !== "}") {
    fieldsPresent = true;
    const name = source.text();
    if (name === OR) {
      parseOr(source, items, path);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(name)) {
      fail(source, `${name} is Ruler reserved fieldName which cannot be used inside ${OR}.`);
    }
    const token = source.next();
    if (token === "{") {
      path.push(name);
      parseObject(source, items, path, insideOr);
      path.pop();
    } else if (token === "[") {
      items.push({ kind: "field", path: fieldPath(path, name), values: fieldValues(source) });
    } else {
      fail(source, `"${name}" must be an object or an array`);
    }
  }
  if (!fieldsPresent) fail(source, "Empty objects are not allowed");
}

/**
 * event-ruler's `Path.extendedName`: the enclosing names joined with `.`, then `.` and the name,
 * except that an empty join adds no `.` (so `{"":{"a":[1]}}` reads `a`, as AWS does).
 */
function fieldPath(path: readonly string[], name: string): string {
  const base = path.join(".");
  return base === "" ? name : `${base}.${name}`;
}

function parseOr(source: TokenSource, items: Item[], path: string[]): void {
  if (source.next() !== "[") fail(source, `It must be an Array followed with ${OR}.`);
  const alternatives: Item[][] = [];
  for (let token = source.next(); token !== "]"; token = source.next()) {
    if (token !== "{") fail(source, `Only JSON object is allowed in array of ${OR} relationship.`);
    const alternative: Item[] = [];
    parseObject(source, alternative, path, true);
    alternatives.push(alternative);
  }
  if (alternatives.length < 2) fail(source, `There must have at least 2 Objects in ${OR} relationship.`);
  items.push({ kind: "or", alternatives });
}

function fieldValues(source: TokenSource): FieldValues {
  const values: FieldValues = { matchers: [], absent: false };
  let count = 0;
  for (let token = source.next(); token !== "]"; token = source.next()) {
    count++;
    switch (token) {
      case "{": {
        const m = matchExpression(source);
        if (m === "absent") values.absent = true;
        else values.matchers.push(m);
        break;
      }
      case "string": {
        const text = source.text();
        // An IP literal matches the same address in any spelling (event-ruler compiles it to a range).
        const hex = ipHex(text);
        values.matchers.push(
          hex ? { kind: "ip-range", lo: hex, hi: hex } : { kind: "exact-string", value: text },
        );
        break;
      }
      case "number": {
        // Matches the same literal, and any number numerically equal when the value is comparable.
        const literal = source.text();
        values.matchers.push({ kind: "exact-number", literal, value: comparableNumber(literal) });
        break;
      }
      case "true":
      case "false":
      case "null":
        values.matchers.push({ kind: "exact-literal", value: token });
        break;
      default:
        fail(source, "Match value must be String, number, true, false, or null");
    }
  }
  if (count === 0) fail(source, "Empty arrays are not allowed");
  return values;
}

function expectEnd(source: TokenSource, message = "Only one key allowed in match expression"): void {
  if (source.next() !== "}") fail(source, message);
}

function stringOperand(source: TokenSource, message: string): string {
  if (source.next() !== "string") fail(source, message);
  return source.text();
}

function matchExpression(source: TokenSource): Matcher | "absent" {
  if (source.next() !== "field") fail(source, "Match expression name not found");
  const type = source.text();
  switch (type) {
    case "exactly": {
      const value = stringOperand(source, "exact match pattern must be a string");
      expectEnd(source);
      return { kind: "exact-string", value };
    }
    case "prefix":
    case "suffix": {
      const token = source.next();
      if (token === "{") return ignoreCaseAffix(source, type);
      if (token !== "string") fail(source, `${type} match pattern must be a string`);
      const value = source.text();
      expectEnd(source);
      return { kind: type, value };
    }
    case "numeric": {
      if (source.next() !== "[") fail(source, "Value of numeric must be an array.");
      const range = numericExpression(source);
      expectEnd(source, "Too many elements in numeric expression");
      return range;
    }
    case "anything-but":
      return anythingBut(source);
    case "exists": {
      const token = source.next();
      if (token !== "true" && token !== "false")
        fail(source, "exists match pattern must be either true or false.");
      expectEnd(source);
      return token === "true" ? { kind: "exists" } : "absent";
    }
    case "cidr": {
      // (sic) event-ruler reports a non-string CIDR with the prefix message.
      const text = stringOperand(source, "prefix match pattern must be a string");
      const range = parseCidr(text);
      if (typeof range === "string") fail(source, range);
      expectEnd(source);
      return { kind: "ip-range", lo: range.lo, hi: range.hi };
    }
    case "equals-ignore-case": {
      const value = stringOperand(source, "equals-ignore-case match pattern must be a string");
      expectEnd(source);
      return { kind: "equals-ignore-case", value };
    }
    case "wildcard": {
      const text = stringOperand(source, "wildcard match pattern must be a string");
      const parsed = parseWildcard(text);
      if (typeof parsed === "string") fail(source, parsed);
      expectEnd(source);
      return { kind: "wildcard", value: parsed, source: text };
    }
    default:
      fail(source, `Unrecognized match type ${type}`);
  }
}

/** `{"prefix": {"equals-ignore-case": "x"}}` and the suffix form; the opening `{` is consumed. */
function ignoreCaseAffix(source: TokenSource, type: "prefix" | "suffix"): Matcher {
  const label = type === "prefix" ? "Prefix" : "Suffix";
  if (source.next() !== "field") fail(source, `${label} expression name not found`);
  const op = source.text();
  if (op !== "equals-ignore-case") fail(source, `Unsupported ${type} pattern: ${op}`);
  const value = stringOperand(source, "equals-ignore-case match pattern must be a string");
  expectEnd(source);
  expectEnd(source);
  return { kind: type === "prefix" ? "prefix-ignore-case" : "suffix-ignore-case", value: fold(value) };
}

function comparable(source: TokenSource, text: string): number {
  const value = comparableNumber(text);
  if (value === undefined) fail(source, `Cannot compare number : ${text}`);
  return value;
}

/** The array after `numeric`, whose `[` is consumed: `[op, n]` or `[>|>=, n, <|<=, n]`. */
function numericExpression(source: TokenSource): Matcher {
  if (source.next() !== "string") fail(source, `Invalid member in numeric match: ${source.text()}`);
  const op = source.text();
  const needNumber = (label: string) => {
    if (!isNumber(source.next())) fail(source, `Value of ${label} must be numeric`);
    return source.text();
  };
  const tooMany = () => fail(source, "Too many elements in numeric expression");
  switch (op) {
    case "=": {
      const text = needNumber("equals");
      if (source.next() !== "]") tooMany();
      const n = comparable(source, text);
      return { kind: "numeric", lo: n, loOpen: false, hi: n, hiOpen: false };
    }
    case "<":
    case "<=": {
      const text = needNumber(op);
      if (source.next() !== "]") tooMany();
      return {
        kind: "numeric",
        lo: -Infinity,
        loOpen: false,
        hi: comparable(source, text),
        hiOpen: op === "<",
      };
    }
    case ">":
    case ">=": {
      const bottomText = needNumber(op);
      const loOpen = op === ">";
      const token = source.next();
      if (token === "]") {
        return { kind: "numeric", lo: comparable(source, bottomText), loOpen, hi: Infinity, hiOpen: false };
      }
      if (token !== "string") fail(source, `Bad value in numeric range: ${source.text()}`);
      const upper = source.text();
      if (upper !== "<" && upper !== "<=") fail(source, `Bad numeric range operator: ${upper}`);
      const topText = needNumber(upper);
      if (source.next() !== "]") fail(source, "Too many terms in numeric range expression");
      const lo = comparable(source, bottomText);
      const hi = comparable(source, topText);
      if (!(lo < hi)) fail(source, "Bottom must be less than top");
      return { kind: "numeric", lo, loOpen, hi, hiOpen: upper === "<" };
    }
    default:
      fail(source, `Unrecognized numeric range operator: ${op}`);
  }
}

type AnythingButKind = "value" | "equals-ignore-case" | "prefix" | "suffix" | "wildcard";

function anythingBut(source: TokenSource): Matcher {
  let kind: AnythingButKind = "value";
  let token = source.next();
  if (token === "{") {
    if (source.next() !== "field") fail(source, "Anything-But expression name not found");
    const op = source.text();
    if (op !== "equals-ignore-case" && op !== "prefix" && op !== "suffix" && op !== "wildcard") {
      fail(source, `Unsupported anything-but pattern: ${op}`);
    }
    kind = op;
    token = source.next();
  }
  if (token !== "[" && token !== "string" && token !== "number") {
    fail(source, "Value of anything-but must be an array or single string/number value.");
  }
  const matcher =
    kind === "value"
      ? token === "["
        ? anythingButList(source)
        : anythingButSingle(source, token)
      : anythingButSet(source, kind, token);
  expectEnd(source, "Too many elements in numeric expression");
  if (kind !== "value") expectEnd(source, "Too many elements in numeric expression");
  return matcher;
}

function anythingButSingle(source: TokenSource, token: "string" | "number"): Matcher {
  const text = source.text();
  if (token === "string") return { kind: "anything-but-strings", values: new Set([text]) };
  return { kind: "anything-but-numbers", values: new Set([comparable(source, text)]) };
}

function anythingButList(source: TokenSource): Matcher {
  const strings = new Set<string>();
  const numbers = new Set<number>();
  for (let token = source.next(); token !== "]"; token = source.next()) {
    if (token === "string") strings.add(source.text());
    else if (token === "number") numbers.add(comparable(source, source.text()));
    else fail(source, "Inside anything but list, start|null|boolean is not supported.");
  }
  if (strings.size > 0 === numbers.size > 0) {
    fail(
      source,
      "Inside anything but list, either all values are number or string, mixed type is not supported",
    );
  }
  return strings.size > 0
    ? { kind: "anything-but-strings", values: strings }
    : { kind: "anything-but-numbers", values: numbers };
}

/** anything-but with equals-ignore-case, prefix, suffix or wildcard: one string or a list of them. */
function anythingButSet(
  source: TokenSource,
  kind: Exclude<AnythingButKind, "value">,
  first: "[" | "string" | "number",
): Matcher {
  const values: string[] = [];
  const take = (token: TokenKind | null) => {
    if (token !== "string") {
      if (kind === "equals-ignore-case") {
        fail(
          source,
          "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.",
        );
      }
      if (kind === "wildcard") fail(source, "wildcard match pattern must be a string");
      fail(source, "prefix/suffix match pattern must be a string");
    }
    const text = source.text();
    if ((kind === "prefix" || kind === "suffix") && text === "")
      fail(source, "Null prefix/suffix not allowed");
    values.push(text);
  };
  if (first === "[") for (let token = source.next(); token !== "]"; token = source.next()) take(token);
  else take(first);
  switch (kind) {
    case "equals-ignore-case":
      return { kind: "anything-but-ignore-case", values };
    case "prefix":
      return { kind: "anything-but-prefix", values };
    case "suffix":
      return { kind: "anything-but-suffix", values };
    case "wildcard": {
      const parsed = values.map((v) => {
        const w = parseWildcard(v);
        if (typeof w === "string") fail(source, w);
        return w;
      });
      return { kind: "anything-but-wildcard", values: parsed };
    }
  }
}
