/**
 * YAML syntax errors answer in Switchyard's words, located: each code the `yaml` library reports
 * while parsing a config (api/config/yaml-messages.ts) has a config here that makes it, sent to
 * /v1/validate and posted as a config version; and no message, for any text, carries the library's
 * own wording (a property over mutated configs, checked against the phrases in the library's code).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MAPPED_YAML_CODES,
  YAML_SYNTAX_FALLBACK,
  yamlSyntaxMessage,
} from "../../api/config/yaml-messages.js";
import { bearer, createTeamWithKey, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let key: string;
let project: string;

beforeAll(async () => {
  server = await startTestServer();
  ({ key } = await createTeamWithKey(server, "maintainer"));
  project = `yaml-${Date.now().toString(36)}`;
  expect((await server.fetch("/v1/projects", jsonRequest(key, "POST", { name: project }))).status).toBe(201);
});
afterAll(() => server.close());

interface Problem {
  path: string;
  line?: number;
  column?: number;
  message: string;
}

const yaml = (body: string, path = "/v1/validate") =>
  server.fetch(path, {
    method: "POST",
    headers: { ...bearer(key), "content-type": "application/yaml" },
    body,
  });

async function problems(res: Response): Promise<Problem[]> {
  const body = await bodyOf(res);
  expect(res.status, JSON.stringify(body)).toBe(422);
  expect(body.type).toBe("https://switchyard.dev/problems/config-invalid");
  return body.errors;
}

const R = "resources:\n  bus:\n    type: event-bus\n";
const V = `${R}variables:\n`;

/** One config per code: where the first problem is, and what it says (a part of it). */
const CASES: { code: string; yaml: string; line: number; column: number; says: string }[] = [
  {
    code: "BAD_INDENT",
    yaml: `${R} stray: 1\n`,
    line: 4,
    column: 1,
    says: "indented differently from the keys",
  },
  { code: "BAD_INDENT", yaml: `${V}  list: [1, 2\n`, line: 6, column: 1, says: "A `[` or `{` is not closed" },
  {
    code: "DUPLICATE_KEY",
    yaml: `${R}  bus:\n    type: event-bus\n`,
    line: 4,
    column: 3,
    says: 'Duplicate key "bus"',
  },
  {
    code: "MISSING_CHAR",
    yaml: `${V}  name: "orders\n`,
    line: 6,
    column: 1,
    says: "double-quoted text is not closed",
  },
  {
    code: "MISSING_CHAR",
    yaml: `${V}  name: 'orders\n`,
    line: 6,
    column: 1,
    says: "single-quoted text is not closed",
  },
  { code: "MISSING_CHAR", yaml: `${V}  m: {"b" 1}\n`, line: 5, column: 11, says: "Separate the items" },
  {
    code: "MISSING_CHAR",
    yaml: `${V}  list:\n    - 1\n    2\n`,
    line: 7,
    column: 1,
    says: "indented differently",
  },
  {
    code: "BLOCK_AS_IMPLICIT_KEY",
    yaml: `${V}  a: b: c\n`,
    line: 5,
    column: 6,
    says: "cannot start on the line of its key",
  },
  {
    code: "BLOCK_AS_IMPLICIT_KEY",
    yaml: `${R}    properties:\n      x:\n        - 1\n       - 2\n`,
    line: 7,
    column: 1,
    says: "A list (`- item`) cannot start here",
  },
  {
    code: "MULTILINE_IMPLICIT_KEY",
    yaml: `${R}variables\n  a: 1\n`,
    line: 4,
    column: 1,
    says: "A key must be on one line",
  },
  {
    code: "KEY_OVER_1024_CHARS",
    yaml: `${V}  ${"k".repeat(1030)}: 1\n`,
    line: 5,
    column: 3,
    says: "longer than 1024",
  },
  { code: "TAB_AS_INDENT", yaml: `${V}\ta: 1\n`, line: 5, column: 1, says: "Tabs cannot indent YAML" },
  {
    code: "ALIAS_PROPS",
    yaml: `${V}  a: &x 1\n  b: &y *x\n`,
    line: 6,
    column: 9,
    says: "cannot have an anchor or a tag",
  },
  { code: "BAD_ALIAS", yaml: `${V}  a: * \n`, line: 5, column: 6, says: "needs the name of an anchor" },
  { code: "MULTIPLE_ANCHORS", yaml: `${V}  a: &x &y 1\n`, line: 5, column: 9, says: "one anchor" },
  { code: "MULTIPLE_TAGS", yaml: `${V}  a: !!str !!str x\n`, line: 5, column: 12, says: "one tag" },
  { code: "BAD_PROP_ORDER", yaml: "&a ? x\n: y\n", line: 1, column: 4, says: "goes after `-`, `?` or `:`" },
  { code: "BAD_DQ_ESCAPE", yaml: `${V}  a: "C:\\dir"\n`, line: 5, column: 9, says: "Unknown escape" },
  { code: "BAD_SCALAR_START", yaml: `${V}  a: @here\n`, line: 5, column: 6, says: "cannot start with `@`" },
  {
    code: "BAD_DIRECTIVE",
    yaml: `%YAML\n---\n${R}`,
    line: 1,
    column: 1,
    says: "YAML directive is not valid",
  },
  {
    code: "BLOCK_IN_FLOW",
    yaml: `${V}  a: [ b: \n    - c ]\n`,
    line: 6,
    column: 5,
    says: "items are separated by commas",
  },
  { code: "UNEXPECTED_TOKEN", yaml: `${V}  a: "x" y\n`, line: 5, column: 10, says: "after a complete value" },
  {
    code: "UNEXPECTED_TOKEN",
    yaml: `${V}  a: [b, c]]\n`,
    line: 5,
    column: 12,
    says: "closing bracket without",
  },
  { code: "UNEXPECTED_TOKEN", yaml: `${V}  a: |x\n    text\n`, line: 5, column: 7, says: "After `|` or `>`" },
  { code: "TAG_RESOLVE_FAILED", yaml: `${V}  a: !x!y z\n`, line: 5, column: 6, says: "does not fit its tag" },
  {
    code: "NON_STRING_KEY",
    yaml: `${V}  ? [a, b]\n  : 1\n`,
    line: 5,
    column: 5,
    says: "not a list or a mapping",
  },
  { code: "MULTIPLE_DOCS", yaml: `${R}---\n${R}`, line: 4, column: 1, says: "one YAML document" },
];

describe("YAML syntax errors", () => {
  it("have a config here for every code we have words for", () => {
    expect(new Set(CASES.map((c) => c.code))).toEqual(new Set(MAPPED_YAML_CODES));
  });

  it.each(CASES)(
    "$code: located at $line:$column, saying “$says”",
    async ({ yaml: text, line, column, says }) => {
      const validated = await problems(await yaml(text));
      expect(validated[0]).toMatchObject({ path: "(root)", line, column });
      expect(validated[0]!.message).toContain(says);
      // Posting it as a config version answers the same problems.
      const posted = await problems(await yaml(text, `/v1/projects/${project}/configs`));
      expect(posted).toEqual(validated);
    },
  );

  it("name aliases of no anchor and merge keys of no mapping where they are, in our words", async () => {
    expect((await problems(await yaml(`${V}  a: *nope\n`)))[0]).toEqual({
      path: "(root)",
      line: 5,
      column: 6,
      message: "The alias *nope names no anchor before it: define `&nope` on a value above it.",
    });
    expect((await problems(await yaml(`${V}  d: &d 1\n  m:\n    <<: *d\n`)))[0]).toEqual({
      path: "(root)",
      line: 7,
      column: 5,
      message: "A merge key (`<<`) takes a mapping, an alias of one (`*name`), or a list of those.",
    });
    // Merge keys may repeat (each merges in turn).
    const merged = await yaml(
      `${R}variables:\n  d: &d {x: 1}\n  e: &e {y: 1}\n  m:\n    <<: *d\n    <<: *e\n`,
    );
    expect(merged.status, await merged.clone().text()).toBe(200);
  });

  it("report the tokens after a document's end once, not once per token", async () => {
    const found = await problems(await yaml(`${R}  - a\n  - b\n  - c\nmore: [1, 2, 3]\n`));
    expect(found.filter((p) => p.message.startsWith("The text from here on")).length).toBeLessThanOrEqual(1);
  });

  it("keep to our words for a code or a wording we do not know", () => {
    expect(yamlSyntaxMessage("SOME_NEW_CODE", "Some new library message", "x")).toBe(YAML_SYNTAX_FALLBACK);
    // A known code in words of a later version: the code's own message, not the library's.
    expect(yamlSyntaxMessage("MISSING_CHAR", "Reworded: missing something", "x")).toMatch(
      /^Something is missing/,
    );
  });

  it("in config text that looks like JSON but is not, say where it breaks, once per place", async () => {
    const res = await server.fetch(
      "/v1/validate",
      jsonRequest(key, "POST", { config: '{\n  "resources": {\n    "bus": {"type": "event-bus"}\n\n' }),
    );
    expect(await problems(res)).toEqual([
      {
        path: "(root)",
        line: 5,
        column: 1,
        message:
          "A `[` or `{` is not closed where it should be: close it on the line it ends, or indent its lines more than the key it belongs to.",
      },
    ]);
  });
});

/** Phrases of the `yaml` library's messages, read from its code (so a new version's are in too). */
function libraryPhrases(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith(".js")) files.push(path);
    }
  };
  walk(join(process.cwd(), "node_modules/yaml/dist"));
  const phrases = new Set<string>();
  for (const file of files) {
    const source = readFileSync(file, "utf8");
    for (const m of source.matchAll(/'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`([^`]*)`/g)) {
      for (const part of (m[1] ?? m[2] ?? m[3] ?? "").split(/\$\{[^}]*\}/)) {
        const phrase = part.trim();
        // Sentences, not identifiers or code in doc comments.
        if (phrase.length >= 14 && !/[\n*]/.test(phrase) && phrase.split(/\s+/).length >= 3)
          phrases.add(phrase);
      }
    }
  }
  return [...phrases];
}

describe("no problem, for any text, in the yaml library's words (fast-check)", () => {
  const phrases = libraryPhrases();
  const base = `${R}  queue:\n    type: sqs-queue\n    properties:\n      fifoEnabled: true\n      tags:\n        - key: team\n          value: "orders"\nvariables:\n  list: [1, 2, {a: 'b'}]\n  text: |\n    some text\n  ref: &r {x: 1}\n  use: *r\n`;
  const noise = fc.constantFrom(
    ":",
    '"',
    "'",
    "-",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\t",
    "&",
    "*",
    "!",
    "%",
    "@",
    "|",
    ">",
    "#",
    "?",
    " ",
    "  ",
    "\n",
    "---\n",
    "\\",
    "<<: ",
  );

  it("reads the library's phrases (the check below is not empty)", () => {
    expect(phrases.length).toBeGreaterThan(50);
    expect(phrases).toContain("Implicit keys need to be on a single line");
  });

  it("holds for configs with characters inserted, deleted and lines shifted", async () => {
    const edit = fc.oneof(
      fc.record({ at: fc.nat(), insert: noise }),
      fc.record({ at: fc.nat(), remove: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ line: fc.nat(), shift: fc.integer({ min: -2, max: 2 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        let text = base;
        for (const e of edits) {
          if ("insert" in e) {
            const at = e.at % (text.length + 1);
            text = text.slice(0, at) + e.insert + text.slice(at);
          } else if ("remove" in e) {
            const at = e.at % (text.length + 1);
            text = text.slice(0, at) + text.slice(at + e.remove);
          } else {
            const lines = text.split("\n");
            const i = e.line % lines.length;
            lines[i] = e.shift > 0 ? " ".repeat(e.shift) + lines[i] : lines[i]!.slice(-e.shift);
            text = lines.join("\n");
          }
        }
        const res = await yaml(text);
        if (res.status === 200) return;
        const body = await bodyOf(res);
        expect(res.status, JSON.stringify(body)).toBe(422);
        for (const p of body.errors as Problem[]) {
          for (const phrase of phrases) expect(p.message, text).not.toContain(phrase);
          // A syntax problem is located.
          if (p.path === "(root)" && p.message !== "A config is an object with at least a `resources` key.") {
            expect(p.line, `${p.message}\n${text}`).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 200, seed: 20261206 },
    );
  });
});
