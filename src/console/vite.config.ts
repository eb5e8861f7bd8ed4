// Builds the operator console (src/console) into dist/console, served by the gateway at /console (src/http/console.ts).
// `npm run build:console`; npm start, npm run build and scripts/test.sh run it (docs/console.md says why).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  base: "/console/",
  // Vite's built-in JSX transform (no plugin: the console needs no fast refresh in production builds).
  oxc: { jsx: { runtime: "automatic" } },
  build: {
    outDir: fileURLToPath(new URL("../../dist/console", import.meta.url)),
    emptyOutDir: true,
    // Hashed file names under assets/: the gateway serves them immutable.
    assetsDir: "assets",
    chunkSizeWarningLimit: 1024,
    reportCompressedSize: false,
  },
  logLevel: "warn",
});
