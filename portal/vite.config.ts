import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here("."),
  base: "/",
  plugins: [react()],
  resolve: {
    // The generated client from its sources: one set of types and calls for the API, never copied.
    alias: { "@switchyard/client": here("../sdk-client/src/index.ts") },
  },
  build: {
    outDir: here("dist"),
    emptyOutDir: true,
    target: "es2022",
    // Never inline assets as data: URLs in scripts; the CSP allows images from 'self' and data: only.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    manifest: true,
    sourcemap: false,
  },
});
