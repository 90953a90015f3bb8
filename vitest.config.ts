import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // 2 cores here and in CI: keep the worker count small so dynalite keeps up.
    maxWorkers: 2,
    // The AWS SDK's documented switch for its "Node.js 20 support ends" notice, printed once per
    // process (and this suite runs many): the suite runs on Node 20 on purpose (engines), so the
    // notice says nothing new. Inherited by the servers tests spawn.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    projects: [
      {
        extends: true,
        test: {
          name: "api",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/portal/**"],
          // Files share a worker's loaded modules instead of importing the app, the SDKs and zod
          // again for each of ~100 files: a third less CPU for the suite. Every file makes its own
          // table and server, and restores what it mocks, so nothing else is shared.
          isolate: false,
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
