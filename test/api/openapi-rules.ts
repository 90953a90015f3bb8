/**
 * Quality rules for the OpenAPI document, as pure functions over its JSON: each returns one line per
 * violation ("METHOD /path: what is wrong"), empty when the document follows the rule. The route
 * conventions they enforce are in api/http/openapi.ts.
 */
import { Ajv2020 } from "ajv/dist/2020.js";

/** Operations anyone may call: liveness, the document and its reference page. */
export const OPEN_PATHS = new Set(["/healthz", "/openapi.json", "/docs"]);
const METHODS = ["get", "put", "post", "patch", "delete", "options", "head", "trace"];
const PROBLEM_CONTENT_TYPE = "application/problem+json";
const PROBLEM_REF = "#/components/schemas/Problem";

export interface Operation {
  method: string;
  path: string;
  op: any;
}

export function operationsOf(doc: any): Operation[] {
  return Object.entries((doc.paths ?? {}) as Record<string, Record<string, unknown>>).flatMap(
    ([path, item]) => METHODS.filter((m) => m in item).map((method) => ({ method, path, op: item[method] })),
  );
}

/** Runs `check` on every operation and collects `METHOD /path: problem` lines. */
function each(doc: any, check: (o: Operation) => string | undefined): string[] {
  return operationsOf(doc).flatMap((o) => {
    const problem = check(o);
    return problem ? [`${o.method.toUpperCase()} ${o.path}: ${problem}`] : [];
  });
}

const hasSchema = (s: any) =>
  s !== undefined && (typeof s.$ref === "string" || s.type !== undefined || s.anyOf || s.oneOf || s.allOf);

export const rules = {
  /** `<resource>.<verb>` (more dotted segments allowed), unique across the document. */
  operationIds(doc: any): string[] {
    const seen = new Set<string>();
    return each(doc, ({ op }) => {
      const id = op.operationId;
      if (!/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/.test(id ?? "")) {
        return `operationId ${JSON.stringify(id)} is not "<resource>.<verb>"`;
      }
      if (seen.has(id)) return `operationId ${id} is used twice`;
      seen.add(id);
      return undefined;
    });
  },

  /** At least one tag, every tag declared with a description in the document's `tags`, a summary. */
  tagsAndSummaries(doc: any): string[] {
    const declared = new Map<string, string>(
      (doc.tags ?? []).map((t: { name: string; description?: string }) => [t.name, t.description ?? ""]),
    );
    return each(doc, ({ op }) => {
      if (!Array.isArray(op.tags) || op.tags.length === 0) return "no tags";
      const undeclared = op.tags.filter((t: string) => !declared.get(t));
      if (undeclared.length > 0) return `tags ${undeclared.join(", ")} are not declared with a description`;
      if (typeof op.summary !== "string" || op.summary.trim() === "") return "no summary";
      return undefined;
    });
  },

  /** The bearer key on every operation but the open ones, and then a documented 401. */
  security(doc: any): string[] {
    const scheme = doc.components?.securitySchemes?.bearerAuth;
    const missingScheme =
      scheme?.type === "http" && scheme?.scheme === "bearer"
        ? []
        : ["components.securitySchemes.bearerAuth is not http bearer"];
    return [
      ...missingScheme,
      ...each(doc, ({ path, op }) => {
        if (OPEN_PATHS.has(path)) {
          return op.security === undefined || op.security.length === 0
            ? undefined
            : "is open but has security";
        }
        const bearer =
          Array.isArray(op.security) &&
          op.security.length === 1 &&
          JSON.stringify(op.security[0]) === JSON.stringify({ bearerAuth: [] });
        if (!bearer) return `security is ${JSON.stringify(op.security)}, not [{"bearerAuth":[]}]`;
        if (!op.responses?.["401"]) return "needs a key but documents no 401";
        return undefined;
      }),
    ];
  },

  /** Every 4xx/5xx is problem+json with the Problem schema; a 500 always; a 400 wherever there is input. */
  problemResponses(doc: any): string[] {
    return each(doc, ({ op }) => {
      const errors = Object.entries((op.responses ?? {}) as Record<string, any>).filter(
        ([s]) => Number(s) >= 400,
      );
      for (const [status, response] of errors) {
        const types = Object.keys(response.content ?? {});
        if (types.length !== 1 || types[0] !== PROBLEM_CONTENT_TYPE) {
          return `${status} is ${types.join(", ") || "bodiless"}, not ${PROBLEM_CONTENT_TYPE}`;
        }
        if (response.content[PROBLEM_CONTENT_TYPE].schema?.$ref !== PROBLEM_REF) {
          return `${status} does not use the Problem schema`;
        }
      }
      if (!op.responses?.["500"]) return "no 500";
      const hasInput = (op.parameters ?? []).length > 0 || op.requestBody !== undefined;
      if (hasInput && !op.responses["400"]) return "takes input but documents no 400";
      return undefined;
    });
  },

  /** Success responses, request bodies and parameters all have schemas; path parameters are declared. */
  schemas(doc: any): string[] {
    return each(doc, ({ path, op }) => {
      const successes = Object.entries((op.responses ?? {}) as Record<string, any>).filter(([s]) =>
        /^2\d\d$/.test(s),
      );
      if (successes.length === 0) return "no 2xx response";
      for (const [status, response] of successes) {
        if (status === "204") {
          if (response.content) return "204 with a body";
          continue;
        }
        const contents = Object.entries(response.content ?? {}) as [string, any][];
        if (contents.length === 0) return `${status} has no content`;
        for (const [type, media] of contents) {
          if (!hasSchema(media.schema)) return `${status} ${type} has no schema`;
        }
      }
      if (op.requestBody) {
        const contents = Object.entries(op.requestBody.content ?? {}) as [string, any][];
        if (contents.length === 0) return "request body without content";
        for (const [type, media] of contents) {
          if (!hasSchema(media.schema)) return `request body ${type} has no schema`;
        }
      }
      const declared = new Set(
        (op.parameters ?? []).filter((p: any) => p.in === "path").map((p: any) => p.name as string),
      );
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        if (!declared.has(name as string)) return `path parameter {${name}} is not declared`;
      }
      for (const p of op.parameters ?? []) {
        if (!hasSchema(p.schema)) return `parameter ${p.name} has no schema`;
      }
      return undefined;
    });
  },

  /**
   * Every example (a schema's `example`, a parameter's or media type's `example`/`examples`) is valid
   * against its schema: the reference and the client's docs show them as bodies that work.
   */
  examples(doc: any): string[] {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
    const problems: string[] = [];
    const check = (where: string, schema: unknown, value: unknown) => {
      // Refs are "#/components/...": validate inside a root that carries the document's components.
      const validate = ajv.compile({
        components: doc.components,
        $defs: { target: schema },
        $ref: "#/$defs/target",
      });
      if (!validate(value)) {
        problems.push(
          `${where}: example ${JSON.stringify(value).slice(0, 60)} is invalid: ${ajv.errorsText(validate.errors)}`,
        );
      }
    };
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) {
        node.forEach((item, i) => {
          walk(item, `${where}/${i}`);
        });
        return;
      }
      if (typeof node !== "object" || node === null) return;
      const n = node as Record<string, any>;
      if ("schema" in n && (typeof n.schema === "object" || n.schema === undefined)) {
        // A parameter or media type: its examples describe values of its schema.
        if ("example" in n) check(where, n.schema, n.example);
        for (const [name, ex] of Object.entries((n.examples ?? {}) as Record<string, any>)) {
          if (ex && "value" in ex) check(`${where}/examples/${name}`, n.schema, ex.value);
        }
      } else if ("example" in n) {
        const { example, ...schema } = n;
        check(where, schema, example);
      }
      for (const [key, child] of Object.entries(n)) {
        if (key !== "example" && key !== "examples")
          walk(child, `${where}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`);
      }
    };
    walk(doc.paths, "#/paths");
    walk(doc.components?.schemas, "#/components/schemas");
    return problems;
  },

  /**
   * An operation taking `Idempotency-Key` documents what a key can answer: 409 while its first
   * request runs, 422 when it is reused for another request.
   */
  idempotency(doc: any): string[] {
    return each(doc, ({ op }) => {
      const takesKey = (op.parameters ?? []).some(
        (p: any) => p.in === "header" && p.name.toLowerCase() === "idempotency-key",
      );
      const missing = ["409", "422"].filter((s) => !op.responses?.[s]);
      return takesKey && missing.length > 0
        ? `takes Idempotency-Key but documents no ${missing.join(", ")}`
        : undefined;
    });
  },

  /** Component schema names become the client's type names: PascalCase. */
  componentNames(doc: any): string[] {
    return Object.keys(doc.components?.schemas ?? {})
      .filter((n) => !/^[A-Z][A-Za-z0-9]*$/.test(n))
      .map((n) => `components.schemas.${n} is not PascalCase`);
  },
};
