import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigValidationError, compile } from "../../../api/compiler/index.js";
import { loadConfig } from "../../../api/config/index.js";
import { validateTemplateAgainstRegistry } from "../../support/cfn-schema.js";

/**
 * Seeded mutations of the fixture configs (lines dropped, duplicated, values swapped for junk):
 * loading never throws and always explains a rejection; compiling what loads either succeeds with a
 * template that passes the registry schema or throws ConfigValidationError, never anything else.
 */
const FIXTURES = readdirSync("test/fixtures/configs").map((f) =>
  readFileSync(`test/fixtures/configs/${f}`, "utf8"),
);
const JUNK = [
  "",
  "~",
  "[]",
  "{}",
  "0",
  "-1",
  "true",
  "'$Stage()'",
  '"$Var()"',
  `"$ResourceParam('x','y')"`,
  "[a, b]",
  "{ a: 1 }",
  "null",
  "999999999999",
];
const ITERATIONS = 800;

function mutate(text: string, next: (n: number) => number): string {
  const lines = text.split("\n");
  for (let m = 0, count = 1 + next(3); m < count; m++) {
    const i = next(lines.length);
    const line = lines[i]!;
    const kind = next(4);
    if (kind === 0) lines.splice(i, 1);
    else if (kind === 1 && line.includes(":"))
      lines[i] = `${line.slice(0, line.indexOf(":") + 1)} ${JUNK[next(JUNK.length)]}`;
    else if (kind === 2) lines.splice(i, 0, lines[next(lines.length)]!);
    else lines[i] = line.replace("- ", `- ${JUNK[next(JUNK.length)]} `);
  }
  return lines.join("\n");
}

describe("mutated configs", () => {
  it("never crash the loader or the compiler, and compile only to valid templates", () => {
    let state = 42;
    const next = (n: number) => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state % n;
    };
    const outcomes = { compiled: 0, rejected: 0, compileErrors: 0 };
    for (let i = 0; i < ITERATIONS; i++) {
      const text = mutate(FIXTURES[next(FIXTURES.length)]!, next);
      const loaded = loadConfig(text);
      if (!loaded.ok) {
        expect(loaded.errors.length).toBeGreaterThan(0);
        outcomes.rejected++;
        continue;
      }
      try {
        const { template } = compile(loaded.config, { project: "shop", stage: "dev" });
        const problems = validateTemplateAgainstRegistry(template).filter(
          (p) => !p.startsWith("Template body"),
        );
        expect(problems).toEqual([]);
        outcomes.compiled++;
      } catch (e) {
        if (!(e instanceof ConfigValidationError)) throw e;
        outcomes.compileErrors++;
      }
    }
    // The mutations must exercise both paths, or the test proves nothing.
    expect(outcomes.compiled).toBeGreaterThan(50);
    expect(outcomes.rejected).toBeGreaterThan(300);
  });
});
