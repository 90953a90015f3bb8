/**
 * The committed document's byte form. Maps whose order only reflects which route module registered
 * first (paths, methods, responses, components) are sorted, so a colleague reordering
 * api/routes/index.ts does not churn the file; everything authored (schema properties, tags,
 * enums, parameters) keeps its order, because that order is what readers and the client see.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const METHOD_ORDER = ["get", "put", "post", "patch", "delete", "options", "head", "trace"];

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

function sortedBy(obj: JsonObject, compare: (a: string, b: string) => number): JsonObject {
  return Object.fromEntries(
    Object.keys(obj)
      .sort(compare)
      .map((k) => [k, obj[k] as Json]),
  );
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// Path-item keys: HTTP methods in a fixed order, then anything else (summary, parameters, ...).
function byMethod(a: string, b: string): number {
  const ia = METHOD_ORDER.indexOf(a);
  const ib = METHOD_ORDER.indexOf(b);
  return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || byName(a, b);
}

function canonicalOperation(op: Json): Json {
  if (!isObject(op) || !isObject(op.responses)) return op;
  return { ...op, responses: sortedBy(op.responses, byName) };
}

export function canonicalDocument<T extends object>(doc: T): T {
  const out: JsonObject = { ...(doc as unknown as JsonObject) };
  if (isObject(out.paths)) {
    const paths = sortedBy(out.paths, byName);
    for (const [path, item] of Object.entries(paths)) {
      if (!isObject(item)) continue;
      const methods = sortedBy(item, byMethod);
      for (const m of METHOD_ORDER) if (m in methods) methods[m] = canonicalOperation(methods[m] as Json);
      paths[path] = methods;
    }
    out.paths = paths;
  }
  if (isObject(out.components)) {
    const components = sortedBy(out.components, byName);
    for (const [kind, map] of Object.entries(components)) {
      if (isObject(map)) components[kind] = sortedBy(map, byName);
    }
    out.components = components;
  }
  return out as unknown as T;
}

/** Two-space JSON with a trailing newline: what `npm run openapi` writes and the check compares. */
export function serializeDocument(doc: object): string {
  return `${JSON.stringify(canonicalDocument(doc), null, 2)}\n`;
}
