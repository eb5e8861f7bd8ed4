// Builds the operator console (src/console) into dist/console, served by the gateway at /console (src/http/console.ts).
// `npm run build:console`; npm start, npm run build and scripts/test.sh run it (docs/console.md says why).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

/**
 * Writes the console's trusted-documents manifest (src/gql/persisted-documents.json, from codegen) next to the bundle,
 * as dist/console/persisted-documents.json: the gateway trusts the manifest of exactly the bundle it serves
 * (docs/trusted-documents.md). Not under assets/, so it is not served.
 */
function persistedDocuments(): Plugin {
  const source = fileURLToPath(new URL("src/gql/persisted-documents.json", import.meta.url));
  return {
    name: "concur-graph-persisted-documents",
    apply: "build",
    generateBundle() {
      this.emitFile({ type: "asset", fileName: "persisted-documents.json", source: readFileSync(source, "utf8") });
    },
  };
}

export default defineConfig({
  root: here,
  base: "/console/",
  plugins: [persistedDocuments()],
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
