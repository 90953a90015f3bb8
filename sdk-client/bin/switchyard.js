#!/usr/bin/env node
// The `switchyard` command: the compiled CLI (src/cli, built to dist/ by `npm run build`).
import module from "node:module";

// Node 22 keeps compiled code between runs (a faster start); Node 20 has no such cache.
module.enableCompileCache?.();
await import("../dist/cli/main.js");
