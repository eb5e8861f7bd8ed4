import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Router } from "express";
import express from "express";
import { hashedAssets } from "./static-bundle.js";

/** Where the operator console is served (docs/console.md). */
export const CONSOLE_PATH = "/console";

/** What the console needs to know that is not in the GraphQL API: paths of this gateway's HTTP edge. */
export interface ConsoleSettings {
  graphqlPath: string;
  /** The App Center landing route (managed mode), e.g. /concur/connect; the console shows origin + this. */
  connectPath?: string;
  /** PUBLIC_URL when set: the origin Concur and customers reach the gateway at. */
  publicUrl?: string;
  /** Prometheus metrics (the Health page samples a few), unless METRICS_PATH=off. */
  metricsPath?: string;
}

/**
 * The built bundle (`npm run build:console`, Vite): `<package root>/dist/console`, whether the gateway runs from
 * src/ (tsx) or dist/ (node), or as an installed package.
 */
export function consoleBundleDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "concur-graph") return join(dir, "dist", "console");
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot locate the concur-graph package directory");
    dir = parent;
  }
}

/**
 * The console's trusted-documents manifest: the client preset's persisted-documents.json (src/console/src/gql/, from
 * codegen), copied next to the bundle by its build so that it always matches the bundle served. The gateway trusts it
 * in every TRUSTED_DOCUMENTS mode (src/http/trusted-documents.ts); it is not served over HTTP.
 */
export function consoleManifestFile(bundleDir = consoleBundleDir()): string {
  return join(bundleDir, "persisted-documents.json");
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>concur-graph console</title>
<p>The operator console is not built. Run <code>npm run build:console</code> (npm start and npm run build do it), then reload.</p></html>`;

/**
 * Serves the console at {@link CONSOLE_PATH}: hashed assets (`assets/<name>-<hash>.js`) are immutable for a year;
 * index.html is `no-cache` so a new build is picked up at once; `settings.json` tells the page this gateway's paths.
 * The page itself only talks to the public GraphQL API (HTTP and graphql-ws), /readyz and the metrics path.
 */
export function consoleRouter(settings: ConsoleSettings, bundleDir = consoleBundleDir()): Router {
  const router = express.Router();
  const indexFile = join(bundleDir, "index.html");
  router.get("/settings.json", (_req, res) => {
    res.setHeader("cache-control", "no-cache");
    res.json(settings);
  });
  router.use(
    "/assets",
    hashedAssets(join(bundleDir, "assets")),
  );
  // The page: /console, /console/ (the app routes by #hash, so nothing deeper is needed).
  router.get("/", (req, res) => {
    if (req.originalUrl.split("?")[0] === CONSOLE_PATH) return res.redirect(301, `${CONSOLE_PATH}/`);
    res.setHeader("cache-control", "no-cache");
    res.setHeader("x-content-type-options", "nosniff");
    // Read per request (a small file): a rebuild while the gateway runs is served without a restart.
    if (!existsSync(indexFile)) return res.status(503).type("html").send(NOT_BUILT);
    res.type("html").send(readFileSync(indexFile));
  });
  return router;
}
