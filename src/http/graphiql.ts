import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Request, Response, Router } from "express";
import express from "express";

const require = createRequire(import.meta.url);

/**
 * Browser files GraphiQL needs, served from installed packages: machines running the gateway may be
 * offline, so nothing is loaded from a CDN. Read once at start-up (about 3 MB in all).
 */
const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  "react.js": { pkg: "react", file: "umd/react.production.min.js", type: "text/javascript" },
  "react-dom.js": { pkg: "react-dom", file: "umd/react-dom.production.min.js", type: "text/javascript" },
  "graphiql.js": { pkg: "graphiql", file: "graphiql.min.js", type: "text/javascript" },
  "graphiql.css": { pkg: "graphiql", file: "graphiql.min.css", type: "text/css" },
  "graphql-ws.js": { pkg: "graphql-ws", file: "umd/graphql-ws.min.js", type: "text/javascript" },
};

/** A file inside an installed package, past its `exports` map (which hides the UMD builds). */
function packageFile(pkg: string, file: string): string {
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, "package.json")) || !dir.endsWith(pkg)) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot locate the ${pkg} package directory`);
    dir = parent;
  }
  return join(dir, file);
}

export const GRAPHIQL_ASSET_PATH = "/graphiql-assets";

/** What the page opens with: an example query and headers (the demo token in embedded mode). */
export interface GraphiQLDefaults {
  query?: string;
  headers?: Record<string, string>;
}

/** Static asset router, mounted at {@link GRAPHIQL_ASSET_PATH}. */
export function graphiqlAssets(): Router {
  const router = express.Router();
  for (const [name, { pkg, file, type }] of Object.entries(ASSETS)) {
    const body = readFileSync(packageFile(pkg, file));
    router.get(`/${name}`, (_req, res) => {
      res.setHeader("content-type", `${type}; charset=utf-8`);
      res.setHeader("cache-control", "public, max-age=86400");
      res.end(body);
    });
  }
  return router;
}

const escapeForScript = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

/** The HTML page. `graphqlPath` is used for both HTTP and WebSocket (subscriptions). */
export function renderGraphiQL(graphqlPath: string, defaults: GraphiQLDefaults): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>concur-graph GraphiQL</title>
  <link rel="stylesheet" href="${GRAPHIQL_ASSET_PATH}/graphiql.css" />
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="${GRAPHIQL_ASSET_PATH}/react.js"></script>
  <script src="${GRAPHIQL_ASSET_PATH}/react-dom.js"></script>
  <script src="${GRAPHIQL_ASSET_PATH}/graphql-ws.js"></script>
  <script src="${GRAPHIQL_ASSET_PATH}/graphiql.js"></script>
  <script>
    const path = ${escapeForScript(graphqlPath)};
    const httpUrl = new URL(path, window.location.href).toString();
    const wsUrl = httpUrl.replace(/^http/, "ws");
    const defaultHeaders = ${escapeForScript(defaults.headers ?? {})};
    // Subscriptions authenticate through connectionParams, with the headers typed in the editor.
    let currentHeaders = defaultHeaders;
    const wsClient = graphqlWs.createClient({ url: wsUrl, lazy: true, connectionParams: () => currentHeaders });
    const httpFetcher = GraphiQL.createFetcher({ url: httpUrl, wsClient });
    const fetcher = (params, options) => {
      currentHeaders = (options && options.headers) || currentHeaders;
      return httpFetcher(params, options);
    };
    ReactDOM.createRoot(document.getElementById("graphiql")).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultQuery: ${escapeForScript(defaults.query ?? "")},
        defaultHeaders: JSON.stringify(defaultHeaders, null, 2),
        shouldPersistHeaders: false,
        defaultEditorToolsVisibility: Object.keys(defaultHeaders).length > 0 ? "headers" : undefined,
      }),
    );
  </script>
</body>
</html>`;
}

/** Browsers ask for HTML; GraphQL clients ask for JSON. */
export function wantsGraphiQL(req: Request): boolean {
  return req.method === "GET" && req.accepts(["application/json", "application/graphql-response+json", "text/html"]) === "text/html" && !req.query.query;
}

export function graphiqlPage(graphqlPath: string, defaults: GraphiQLDefaults) {
  const html = renderGraphiQL(graphqlPath, defaults);
  return (_req: Request, res: Response) => {
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.end(html);
  };
}
