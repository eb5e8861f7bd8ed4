import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Request, Response, Router } from "express";
import express from "express";
import { consoleBundleDir } from "./console.js";
import { hashedAssets } from "./static-bundle.js";

/** Where the page's scripts, styles and Monaco's workers are served (the bundle's Vite `base`). */
export const GRAPHIQL_ASSET_PATH = "/graphiql-assets";

/** What the page opens with: an example query and headers (the demo token in embedded mode). */
export interface GraphiQLDefaults {
  query?: string;
  headers?: Record<string, string>;
}

/**
 * The built GraphiQL 5 bundle (`npm run build:graphiql`, Vite, src/graphiql): `<package root>/dist/graphiql`, beside
 * the console's bundle, whether the gateway runs from src/ (tsx) or dist/ (node), or as an installed package.
 * GraphiQL 5 ships no UMD build, so its Monaco editor and workers are bundled: machines running the gateway may be
 * offline, and nothing is loaded from a CDN.
 */
export function graphiqlBundleDir(): string {
  return join(dirname(consoleBundleDir()), "graphiql");
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>concur-graph GraphiQL</title>
<p>GraphiQL is not built. Run <code>npm run build:graphiql</code> (npm start and npm run build do it), then reload.</p></html>`;

/**
 * What the page may load: everything from the gateway itself (the bundle, its workers, the GraphQL endpoint over HTTP
 * and graphql-ws, which `'self'` covers), inline styles (Monaco and GraphiQL's popovers set them), data: fonts and
 * images (the bundled CSS inlines its icon fonts). No inline script: the settings travel as JSON data.
 */
export const GRAPHIQL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

/**
 * Static assets router, mounted at {@link GRAPHIQL_ASSET_PATH}: hashed files (`assets/<name>-<hash>.js`, the workers
 * too) are immutable for a year.
 */
export function graphiqlAssets(bundleDir = graphiqlBundleDir()): Router {
  const router = express.Router();
  router.use(
    "/assets",
    hashedAssets(join(bundleDir, "assets")),
  );
  return router;
}

const escapeForScript = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

/**
 * The HTML page: the bundle's index.html with this gateway's settings as a JSON data block (read by
 * src/graphiql/main.tsx). `graphqlPath` is used for both HTTP and WebSocket (subscriptions).
 */
export function renderGraphiQL(indexHtml: string, graphqlPath: string, defaults: GraphiQLDefaults): string {
  const settings = { graphqlPath, query: defaults.query ?? "", headers: defaults.headers ?? {} };
  const block = `<script type="application/json" id="graphiql-settings">${escapeForScript(settings)}</script>`;
  return indexHtml.replace("</head>", `  ${block}\n  </head>`);
}

/** Browsers ask for HTML; GraphQL clients ask for JSON. */
export function wantsGraphiQL(req: Request): boolean {
  return req.method === "GET" && req.accepts(["application/json", "application/graphql-response+json", "text/html"]) === "text/html" && !req.query.query;
}

/** The page handler. index.html is read per request (a small file): a rebuild is served without a restart. */
export function graphiqlPage(graphqlPath: string, defaults: GraphiQLDefaults, bundleDir = graphiqlBundleDir()) {
  const indexFile = join(bundleDir, "index.html");
  return (_req: Request, res: Response) => {
    res.setHeader("cache-control", "no-cache");
    res.setHeader("x-content-type-options", "nosniff");
    if (!existsSync(indexFile)) return res.status(503).type("html").send(NOT_BUILT);
    res.setHeader("content-security-policy", GRAPHIQL_CSP);
    res.type("html").send(renderGraphiQL(readFileSync(indexFile, "utf8"), graphqlPath, defaults));
  };
}
