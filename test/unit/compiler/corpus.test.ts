import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type CompileTarget, compile } from "../../../api/compiler/index.js";
import { type Config, loadConfig } from "../../../api/config/index.js";
import { mutatedConfigs } from "../../support/mutated-configs.js";

/**
 * What loading and compiling make of every config the suite uses, held byte for byte: the inputs
 * each test file passed to loadConfig and compile (recorded from a run of the whole suite, one
 * corpus file per test file, under test/fixtures/corpus/), the fixture configs, the examples and the
 * seeded mutations of the robustness test. A refactoring must leave every answer as it was; a change
 * meant to alter one updates its snapshot with `npx vitest run test/unit/compiler/corpus.test.ts -u`
 * and says why in its commit.
 */
interface Corpus {
  compile: { config: Config; target: CompileTarget }[];
  load: { input: unknown; options: { format?: "yaml" | "json" } }[];
}

const CORPUS = "test/fixtures/corpus";
const SNAPSHOTS = "../../fixtures/corpus-snapshots";

function compiled(config: Config, target: CompileTarget): unknown {
  try {
    return { ok: compile(config, target) };
  } catch (err) {
    const errors = (err as { errors?: unknown }).errors;
    return errors ? { errors } : { throws: String(err) };
  }
}

function loaded(input: unknown, options: Corpus["load"][number]["options"] = {}): unknown {
  const result = loadConfig(input, options);
  if (!result.ok) return result;
  // The source of a text is the text itself; only an object's serialization is worth keeping.
  if (typeof input === "string") {
    expect(result.source).toBe(input);
    const { source: _source, ...rest } = result;
    return rest;
  }
  return result;
}

const text = (value: unknown) => `${JSON.stringify(value, null, 1)}\n`;

describe("every config the suite loads and compiles", () => {
  for (const file of readdirSync(CORPUS).sort()) {
    it(`${file}: same answers as when recorded`, async () => {
      const corpus = JSON.parse(readFileSync(`${CORPUS}/${file}`, "utf8")) as Corpus;
      const answers = {
        load: corpus.load.map(({ input, options }) => loaded(input, options)),
        compile: corpus.compile.map(({ config, target }) => compiled(config, target)),
      };
      await expect(text(answers)).toMatchFileSnapshot(`${SNAPSHOTS}/${file}`);
    });
  }

  const target = { project: "shop", stage: "dev", region: "eu-west-1" };
  const folders = ["test/fixtures/configs", "examples"].filter((dir) => existsSync(dir));
  for (const dir of folders) {
    for (const file of readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) =>
      /\.ya?ml$/.test(f),
    )) {
      it(`${dir}/${file} loads and compiles as when recorded`, async () => {
        const result = loadConfig(readFileSync(`${dir}/${file}`, "utf8"));
        if (!result.ok) throw new Error(`${dir}/${file}: ${JSON.stringify(result.errors)}`);
        await expect(text(compiled(result.config, target))).toMatchFileSnapshot(
          `${SNAPSHOTS}/${dir.replaceAll("/", "-")}/${file.replace(/\.ya?ml$/, ".json")}`,
        );
      });
    }
  }

  // What the mutations compile to is mostly the fixtures' templates again: held by digest, to keep
  // the snapshot small (the readable snapshots above show what changed).
  it("the robustness test's mutated configs load and compile as when recorded", async () => {
    const answers = mutatedConfigs(800).map((config) => {
      const result = loaded(config);
      const ok = result as { ok: boolean; config?: Config };
      if (!ok.ok) return { load: result };
      const answer = JSON.stringify(compiled(ok.config!, { project: "shop", stage: "dev" }));
      return { load: result, compileSha256: createHash("sha256").update(answer).digest("hex") };
    });
    await expect(text(answers)).toMatchFileSnapshot(`${SNAPSHOTS}/mutated-configs.json`);
  });
});
