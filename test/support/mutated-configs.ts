import { readdirSync, readFileSync } from "node:fs";

/**
 * Seeded mutations of the fixture configs (lines dropped, duplicated, values swapped for junk): the
 * same texts on every run, so tests can hold what loading and compiling make of them.
 */
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

export function mutatedConfigs(iterations: number): string[] {
  const fixtures = readdirSync("test/fixtures/configs").map((f) =>
    readFileSync(`test/fixtures/configs/${f}`, "utf8"),
  );
  let state = 42;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
  const out: string[] = [];
  for (let i = 0; i < iterations; i++) out.push(mutate(fixtures[next(fixtures.length)]!, next));
  return out;
}

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
