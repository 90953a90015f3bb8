import { readFileSync } from "node:fs";
import { type CompileResult, compile } from "../../../api/compiler/index.js";
import { loadConfig } from "../../../api/config/index.js";

/** Loads test/fixtures/configs/<name>.yaml and compiles it for project shop, stage dev, eu-west-1. */
export function compileFixture(name: string): CompileResult {
  const loaded = loadConfig(readFileSync(`test/fixtures/configs/${name}.yaml`, "utf8"));
  if (!loaded.ok) throw new Error(`${name}: ${JSON.stringify(loaded.errors)}`);
  return compile(loaded.config, { project: "shop", stage: "dev", region: "eu-west-1" });
}
