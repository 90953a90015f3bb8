/**
 * Generates sdk-client/src/gen from an OpenAPI document with @hey-api/openapi-ts (pinned in
 * package.json; 0.95.0 is the newest release that runs on Node 20).
 *
 * Shape of the output: one `SwitchyardApi` class whose members nest by operationId
 * (`projects.create` → `api.projects.create(...)`), the bundled fetch client (no runtime
 * dependency), responses returned as data and errors thrown, so the hand-written facade in
 * sdk-client/src only adds auth, typed errors and helpers.
 */
import { createClient } from "@hey-api/openapi-ts";

export async function generateClient(inputFile: string, outDir: string): Promise<void> {
  await createClient({
    input: inputFile,
    output: {
      path: outDir,
      clean: true,
      // NodeNext ESM: relative imports end in `.js`, whatever tsconfig hey-api would find.
      tsConfigPath: null,
      module: { extension: ".js" },
    },
    logs: { level: "silent", file: false },
    interactive: false,
    plugins: [
      { name: "@hey-api/client-fetch", throwOnError: true },
      "@hey-api/typescript",
      {
        name: "@hey-api/sdk",
        operations: {
          strategy: "single",
          containerName: "SwitchyardApi",
          methods: "instance",
          nesting: "operationId",
        },
        responseStyle: "data",
      },
    ],
  });
}
