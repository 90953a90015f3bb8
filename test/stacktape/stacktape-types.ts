/**
 * Whether a config is valid by Stacktape's own published types: each config is type-checked by the
 * TypeScript compiler as `const config: StacktapeConfig = <config>` against the package's
 * `plain.d.ts`, all in one program. Directive calls (`$Secret('x')`) are typed as whatever their place
 * needs, since Stacktape resolves them before it validates.
 */
import { join } from "node:path";
import ts from "typescript";
import { PACKAGE_DIR } from "./documented-examples.js";

const DIRECTIVE = /^\$[A-Za-z]+\(.*\)(\.[\w.]+)?$/s;

function literal(value: unknown): string {
  if (typeof value === "string") return DIRECTIVE.test(value) ? "(null as any)" : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${literal(v)}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "undefined";
}

/** For each config, the first problem TypeScript finds with it, or undefined when it is valid. */
export function stacktapeTypeProblems(configs: readonly unknown[]): (string | undefined)[] {
  const plain = join(PACKAGE_DIR, "plain.js");
  const files = new Map(
    configs.map((config, i) => [
      `/stacktape-examples/example${i}.ts`,
      `import type { StacktapeConfig } from ${JSON.stringify(plain)};\nexport const config: StacktapeConfig = ${literal(config)};\n`,
    ]),
  );
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => {
    const text = files.get(name);
    return text !== undefined
      ? ts.createSourceFile(name, text, version)
      : getSourceFile(name, version, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  const program = ts.createProgram([...files.keys()], options, host);
  return [...files.keys()].map((name) => {
    const diagnostic = ts.getPreEmitDiagnostics(program, program.getSourceFile(name))[0];
    return diagnostic
      ? ts.flattenDiagnosticMessageText(diagnostic.messageText, " ").slice(0, 300)
      : undefined;
  });
}
