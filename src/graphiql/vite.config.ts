// Builds GraphiQL 5 (src/graphiql) into dist/graphiql, served by the gateway at GET /graphql with its assets under
// /graphiql-assets (src/http/graphiql.ts). `npm run build:graphiql`; npm start, npm run build and scripts/test.sh run
// it. GraphiQL 5 ships no UMD build: its Monaco editor and the editor, JSON and GraphQL web workers are bundled here
// (`graphiql/setup-workers/vite` imports them with Vite's `?worker`), so the page loads nothing from a CDN.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));
const require = createRequire(import.meta.url);
const graphiqlVersion = (JSON.parse(readFileSync(require.resolve("graphiql/package.json"), "utf8")) as { version: string }).version;

export default defineConfig({
  root: here,
  base: "/graphiql-assets/",
  // Vite's built-in JSX transform, as for the console (no plugin needed for a production build).
  oxc: { jsx: { runtime: "automatic" } },
  define: { __GRAPHIQL_VERSION__: JSON.stringify(graphiqlVersion) },
  // Monaco's workers are ES modules; module workers keep their chunks shared with nothing else.
  worker: { format: "es" },
  build: {
    outDir: fileURLToPath(new URL("../../dist/graphiql", import.meta.url)),
    emptyOutDir: true,
    // Hashed file names under assets/: the gateway serves them immutable.
    assetsDir: "assets",
    // Monaco alone is a few MB: the bundle is served from the gateway, once per browser (immutable).
    chunkSizeWarningLimit: 8192,
    reportCompressedSize: false,
    rolldownOptions: {
      // framer-motion (GraphiQL's animations) marks its modules "use client", which means nothing in a plain bundle.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  logLevel: "warn",
});
