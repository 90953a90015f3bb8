import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One dynalite for the whole run; every test file makes its own table in it.
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // 2 cores here and in CI: keep the worker count small so dynalite keeps up.
    maxWorkers: 2,
  },
});
