import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // 2 cores here and in CI: keep the worker count small so dynalite keeps up.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "api",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/portal/**"],
          // One dynalite for the whole run; every test file makes its own table in it.
          globalSetup: ["test/support/global-setup.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "portal",
          include: ["test/portal/**/*.test.ts"],
          // One Chromium and one `npm start` server for every browser test file (test/portal/support).
          globalSetup: ["test/portal/support/global-setup.ts"],
        },
      },
    ],
  },
});
